"""Anchoring the audit chain outside the database, at every day close.

The chain alone shows that no event was changed, inserted or removed *between* its ends; whoever can
write the file could still cut its tail (and move the head back) or recompute every hash. So each day
close stores the chain's heads (per chain: newest event id, its hash, how many events) with the close,
seals them with an HMAC under this counter's key (`audit_key` in secrets.toml, made on the first close),
and appends them to `audit-anchors.jsonl` in this counter's data folder, which the database does not
hold. `people.audit_trail.verify` checks that the chain still runs through every stored and every
anchored head and that each seal made here is intact.

The heads are a mapping of chains (today one, "main"), so the same record extends to several chains.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine

from station_console.counter_config import APP_NAME
from station_console.private_files import open_private_append
from station_console.secrets_file import load_secrets, save_secret

KEY_NAME = "audit_key"
FILE_NAME = "audit-anchors.jsonl"


def _canonical(day: date, sha256: str, heads: dict[str, Any]) -> bytes:
    body = {"day": day.isoformat(), "sha256": sha256, "heads": heads}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def audit_key(*, create: bool = False) -> bytes | None:
    """This counter's sealing key (made and stored, 0600, when `create` and there is none)."""
    value = str(load_secrets().get(KEY_NAME, ""))
    if not value and create:
        value = secrets.token_hex(32)
        save_secret(KEY_NAME, value)
    return bytes.fromhex(value) if value else None


def seal(day: date, sha256: str, heads: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, _canonical(day, sha256, heads), hashlib.sha256).hexdigest()


def seal_holds(day: date, sha256: str, heads: dict[str, Any], mac: str, key: bytes) -> bool:
    return hmac.compare_digest(seal(day, sha256, heads, key), mac)


def database_label(engine: Engine) -> str:
    """Which database an anchor belongs to: its URL without a password."""
    return engine.url.render_as_string(hide_password=True)


def anchors_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


def append_anchor(engine: Engine, day: date, sha256: str, heads: dict[str, Any], mac: str) -> None:
    """One line per close, appended (never rewritten) to this counter's anchor file."""
    line = {
        "db": database_label(engine),
        "day": day.isoformat(),
        "sha256": sha256,
        "heads": heads,
        "hmac": mac,
    }
    with open_private_append(anchors_path()) as out:
        out.write((json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n").encode())


def append_restore(engine: Engine, newest_event: int, sha256: str) -> None:
    """Say that the database was restored from a backup whose chain ends at `newest_event`: closes
    anchored after that event are no longer in it, rightly."""
    line = {"db": database_label(engine), "restored": sha256, "newest_event": newest_event}
    with open_private_append(anchors_path()) as out:
        out.write((json.dumps(line, sort_keys=True) + "\n").encode())


def read_anchors(engine: Engine) -> list[dict[str, Any]]:
    """This database's anchored closes, oldest first (lines for other databases are left out, and
    closes a later restore went back before)."""
    label = database_label(engine)
    found: list[dict[str, Any]] = []
    try:
        text = anchors_path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # a torn last line (power cut while appending) anchors nothing
        if not isinstance(line, dict) or line.get("db") != label:
            continue
        if "restored" in line:
            newest = int(line.get("newest_event") or 0)
            found = [a for a in found if max(head_ids(a), default=0) <= newest]
        else:
            found.append(line)
    return found


def head_ids(line: dict[str, Any]) -> list[int]:
    return [int(c.get("id") or 0) for c in line.get("heads", {}).get("chains", {}).values()]
