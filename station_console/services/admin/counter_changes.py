"""What a save of counter.toml changes, as its audit event records it: each setting that differs, old
and new, a device's options one by one (`printer.target`, `printers.kitchen.dpi`).

counter.toml holds no secrets by design (they are in secrets.toml), but a device's options are free
keys: an e-waybill `api_key`, a printer `password`, a target URL with `user:password@` in it may have
been typed there. The station settings' event names fields and never values; this one names values
too, so an option whose name says secret is recorded by its name alone, and a password inside a URL
is masked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from station_console.counter_settings import CounterSettings

# Words in an option's name that say its value is a secret (split on `_`, `-`, `.`, and camelCase).
SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "token",
        "key",
        "apikey",
        "credential",
        "credentials",
        "auth",
        "authorization",
        "cookie",
        "pin",
    }
)
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_URL_PASSWORD = re.compile(r"(://[^/:@\s]*):[^@/\s]*@")


def counter_changes(old: CounterSettings, new: CounterSettings) -> dict[str, Any]:
    """The details of the event for replacing `old` with `new`: `changed` ({setting: [old, new]}) and
    `secrets_changed` (names only); {} when nothing differs."""
    before, after = _flat(old.model_dump(mode="json")), _flat(new.model_dump(mode="json"))
    changed: dict[str, list[Any]] = {}
    secrets: list[str] = []
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name), after.get(name)
        if was == now:
            continue
        if is_secret(name):
            secrets.append(name)
        else:
            changed[name] = [_masked(was), _masked(now)]
    details: dict[str, Any] = {}
    if changed:
        details["changed"] = changed
    if secrets:
        details["secrets_changed"] = secrets
    return details


def is_secret(name: str) -> bool:
    """A device option (below a top-level setting, whose names are the model's own) named as a
    secret is: `ewaybill.api_key`, `printers.office.auth.user`."""
    _top, *below = name.split(".")
    return any(word.lower() in SECRET_WORDS for part in below for word in _WORD.findall(part))


def _flat(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested options as dotted names (an empty table has none: no device, or a printer not set up)."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _masked(value: Any) -> Any:
    """A password inside a URL (`ipp://user:pw@host`) as `***`; lists item by item."""
    if isinstance(value, str):
        return _URL_PASSWORD.sub(r"\1:***@", value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value
