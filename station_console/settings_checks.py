"""Checks of station settings that would break the station or mean nothing: a name, the pickup code
layout, a size's room, a zone, the message servers' addresses, the currency. Each refuses with a reason the form shows by the field's title
(`validation_reasons.InvalidValue`); a bad value already stored loads as its default
(`services/core/settings.py`)."""

from __future__ import annotations

import ipaddress
import re
from types import UnionType
from typing import Any, Union, get_args, get_origin
from urllib.parse import urlsplit

from station_console.i18n import N_
from station_console.validation_reasons import InvalidValue

SIZES = ("S", "M", "L", "XL")
MAX_UNITS = 100  # a layer's capacity is counted in these: more is a typing slip
# The zones a shelf can be in (db.models.Zone; shelves/layout.py refuses any other): a zone setting
# naming another would leave its parcels with no layer ever. One not yet on any shelf is allowed (a
# new station's floor and overflow), as its shelves may come later.
ZONES = ("main", "floor", "overflow")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*\.?$")
_ADDRESS = re.compile(rf"^[^\s@<>()\[\],;:\"]+@{_LABEL}(?:\.{_LABEL})+$")
_NAMED_ADDRESS = re.compile(r"^[^<>]*<([^<>]+)>$")  # "Parcel Station <station@example.com>"
_PLACEHOLDER = re.compile(r"\{(shelf|layer|seq)\}")  # a pickup code layout's


def station_name(value: str) -> str:
    if not value.strip():
        raise InvalidValue(N_("A station needs a name."))
    return value.strip()


def code_layout(value: str) -> str:
    # `{foo}` failed every check-in as a bug, and a layout without `{seq}` gave a layer one code;
    # a format spec or another brace is nothing the pickup lookup can read back.
    names = _PLACEHOLDER.findall(value)
    rest = _PLACEHOLDER.sub("", value)
    if names.count("seq") != 1 or len(set(names)) != len(names) or "{" in rest or "}" in rest:
        raise InvalidValue(
            N_(
                "A pickup code layout has {seq} once, and {shelf} and {layer} at most once each: "
                "no other braces."
            ),
            **{name: f"{{{name}}}" for name in ("seq", "shelf", "layer")},
        )
    return value


ROOM_PER_SIZE = N_("Room per size gives S, M, L and XL each a whole number from 1 to {most}.")


def size_units(value: dict[str, Any]) -> dict[str, Any]:
    """Every size class its room, a whole number from 1: a missing one or a negative broke the pick."""
    ok = set(value) == set(SIZES) and all(_room(units) for units in value.values())
    if not ok:
        raise InvalidValue(ROOM_PER_SIZE, most=MAX_UNITS)
    return {size: value[size] for size in SIZES}


def size_units_typed(value: Any) -> Any:
    """Before pydantic reads the rooms as numbers: it takes `true` as 1, and a tick is no room."""
    if isinstance(value, dict) and any(isinstance(units, bool) for units in value.values()):
        raise InvalidValue(ROOM_PER_SIZE, most=MAX_UNITS)
    return value


def number_typed(cls: Any, value: Any, info: Any) -> Any:
    """Before pydantic reads a number setting, any model's (`field_validator("*", mode="before")`): it
    takes `true` as 1 and `false` as 0 (bool is an int in Python), and a tick is no number."""
    if isinstance(value, bool):
        kinds = _number_kinds(cls.model_fields[info.field_name].annotation)
        if int in kinds:
            raise InvalidValue(N_("Must be a whole number"))
        if float in kinds:
            raise InvalidValue(N_("Must be a number"))
    return value


def _number_kinds(annotation: Any) -> set[Any]:
    """`int`, and `int | None`'s int; not a mapping's values (`size_units` checks its own)."""
    union = get_origin(annotation) in (Union, UnionType)
    return {annotation, *(get_args(annotation) if union else ())}


def _room(units: Any) -> bool:
    # bool is an int in Python: True would pass as 1
    return isinstance(units, int) and not isinstance(units, bool) and 1 <= units <= MAX_UNITS


def zone(value: str) -> str:
    if value not in ZONES:
        raise InvalidValue(N_("A zone is main, floor or overflow: the zones a shelf can be in."))
    return value


def web_url(value: str) -> str:
    """Empty (none), or an http(s) URL naming a server."""
    if not value:
        return value
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # a port that is not a number, a bracket left open
        ok = False
    if ok:
        return value
    raise InvalidValue(N_("A URL starts with http:// or https:// and names a server."))


def mail_host(value: str) -> str:
    """Empty (none), a host name or an IP address."""
    if not value or _HOST.match(value) or _is_ip(value):
        return value
    raise InvalidValue(N_("An SMTP server is a host name or an IP address, such as smtp.example.com."))


def mail_address(value: str) -> str:
    """Empty (none), an address, or a name and an address in angle brackets."""
    named = _NAMED_ADDRESS.match(value)
    address = named.group(1).strip() if named else value
    if not value or _ADDRESS.match(address):
        return value
    raise InvalidValue(N_("A sender address looks like station@example.com."))


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return True


def currency(value: str) -> str:
    code = value.strip().upper()  # `cny` is CNY: the amounts and the tariffs compare the code
    if not re.fullmatch("[A-Z]{3}", code):
        raise InvalidValue(N_("A currency is a 3-letter code such as CNY."))
    return code
