"""Anchoring the audit chain outside the database, at every day close.

The chain alone shows that no event was changed, inserted or removed *between* its ends; whoever can
write the file could still cut its tail (and move the head back) or recompute every hash. So each day
close stores the chain's heads (per chain: newest event id, its hash, how many events) with the close,
seals them with an HMAC under this counter's key (`audit_key` in secrets.toml, made on the first close;
the heads name the key by its `key_id`, so a seal made on a PC since replaced reads as such),
and appends them to `audit-anchors.jsonl` in this counter's data folder, which the database does not
hold. `people.audit_trail.verify` checks that the chain still runs through every stored and every
anchored head and that each seal made here is intact.

The heads are a mapping of chains (today one, "main"), so the same record extends to several chains.

Lines are kept by the database's URL, and say which station wrote them: a station gets an id when it
is made (`IDENTITY_KEY`, in the database) and a line saying it was made at that URL. So a station made
anew at a path where another one was (its file deleted) does not inherit the other's closes, while a
file put in place of a station, a copy of it or not, is still checked against them or named as
replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine
from sqlmodel import Session

from db.models import Setting
from station_console.counter_config import APP_NAME
from station_console.private_files import open_private_append
from station_console.secrets_file import load_secrets, save_secret

KEY_NAME = "audit_key"
KEY_ID_TEXT = b"station-console audit key id"  # what `key_id` seals: a fixed text
FILE_NAME = "audit-anchors.jsonl"
IDENTITY_KEY = "station_identity"  # the settings row holding {"id": ...}, written once, when made


def new_identity() -> dict[str, str]:
    return {"id": secrets.token_hex(16)}


def station_id(session: Session) -> str | None:
    """The id this station was given when it was made (None: made before stations had ids)."""
    row = session.get(Setting, IDENTITY_KEY)
    value = row.value.get("id") if row is not None else None
    return str(value) if value else None


@dataclass(frozen=True)
class PathAnchors:
    """What the anchor file says of the database at one URL, for the station found there."""

    closes: list[dict[str, Any]] = field(default_factory=list)  # its anchored closes, oldest first
    replaced: bool = False  # another station was made, restored or closed here after it
    last_day: str | None = None  # the last day anchored here, by whichever station


def _canonical(day: date, sha256: str, heads: dict[str, Any]) -> bytes:
    # The heads' `key_id` is sealed with them, like all a close stores: one changed on an intact close
    # breaks its seal rather than sitting there unchecked. Sealing it grants it no trust: it is read
    # only to word a seal that already failed, so it can excuse nothing. A close from before key ids
    # has none, and seals the same bytes as then.
    body = {"day": day.isoformat(), "sha256": sha256, "heads": heads}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def audit_key(*, create: bool = False) -> bytes | None:
    """This counter's sealing key (made and stored, 0600, when `create` and there is none)."""
    value = str(load_secrets().get(KEY_NAME, ""))
    if not value and create:
        value = secrets.token_hex(32)
        save_secret(KEY_NAME, value)
    return bytes.fromhex(value) if value else None


def key_id(key: bytes) -> str:
    """Which key sealed a close, stored with it: an HMAC of a fixed text under the key (not the key,
    nor anything that helps guess it), so a seal made under another key can be told from a changed
    close."""
    return hmac.new(key, KEY_ID_TEXT, hashlib.sha256).hexdigest()[:16]


def seal(day: date, sha256: str, heads: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, _canonical(day, sha256, heads), hashlib.sha256).hexdigest()


def seal_holds(day: date, sha256: str, heads: dict[str, Any], mac: str, key: bytes) -> bool:
    return hmac.compare_digest(seal(day, sha256, heads, key), mac)


def sealed_with_another_key(heads: dict[str, Any], key: bytes) -> bool:
    """The heads say another key than `key` sealed them (False for a close from before they said)."""
    stored = heads.get("key_id")
    return isinstance(stored, str) and stored != key_id(key)


def database_label(engine: Engine) -> str:
    """Which database an anchor belongs to: its URL without a password."""
    return engine.url.render_as_string(hide_password=True)


def anchors_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


def _append(line: dict[str, Any]) -> None:
    with open_private_append(anchors_path()) as out:
        out.write((json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n").encode())


def _station_field(station_id: str | None) -> dict[str, str]:
    return {"station": station_id} if station_id else {}


def append_made(engine: Engine, station_id: str) -> None:
    """Say that a new station was made at this URL: closes anchored here before are another's."""
    _append({"db": database_label(engine), "made": station_id, "station": station_id})


def append_anchor(
    engine: Engine, day: date, sha256: str, heads: dict[str, Any], mac: str, station_id: str | None = None
) -> None:
    """One line per close, appended (never rewritten) to this counter's anchor file."""
    line = {
        **_station_field(station_id),
        "db": database_label(engine),
        "day": day.isoformat(),
        "sha256": sha256,
        "heads": heads,
        "hmac": mac,
    }
    _append(line)


def append_restore(engine: Engine, newest_event: int, sha256: str, station_id: str | None = None) -> None:
    """Say that the database was restored from a backup (of station `station_id`) whose chain ends at
    `newest_event`: closes anchored after that event are no longer in it, rightly."""
    _append(
        {
            **_station_field(station_id),
            "db": database_label(engine),
            "restored": sha256,
            "newest_event": newest_event,
        }
    )


def read_anchors(engine: Engine, station_id: str | None = None, *, restoring: bool = False) -> PathAnchors:
    """The closes anchored at this database's URL for station `station_id` (None: a station made
    before stations had ids), oldest first: lines for other URLs are left out, and closes a later
    restore went back before, or that a station made here since leaves behind.

    `restoring`: checking a backup of `station_id` about to be put at this URL, which may put back a
    station that another replaced here; only that station's own closes count. A station never seen
    here answers for the closes of the station here now: its id is the backup's own word, and a
    changed one must not let a backup through unchecked.
    """
    label = database_label(engine)
    closes: dict[str | None, list[dict[str, Any]]] = {}  # by the station that anchored them
    seen: set[str | None] = set()  # the stations with a line at this URL
    owner: str | None = None  # the station last made, restored or closed here (None: before ids)
    last_day: str | None = None
    try:
        text = anchors_path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return PathAnchors()

    def answers_for(of: str | None) -> list[dict[str, Any]]:
        return closes.get(of if of in seen else owner, [])

    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # a torn last line (power cut while appending) anchors nothing
        if not isinstance(line, dict) or line.get("db") != label:
            continue
        of = line.get("station")
        if "made" in line:
            owner = of
        elif "restored" in line:  # what the restore was checked against stays checked after it
            newest = int(line.get("newest_event") or 0)
            closes[of] = [a for a in answers_for(of) if max(head_ids(a), default=0) <= newest]
            owner = of
        else:
            closes.setdefault(of, []).append(line)
            owner, last_day = of, str(line.get("day"))
        seen.add(of)
    if restoring:
        return PathAnchors(closes=answers_for(station_id))
    replaced = bool(seen) and owner != station_id
    return PathAnchors(closes=closes.get(station_id, []), replaced=replaced, last_day=last_day)


def head_ids(line: dict[str, Any]) -> list[int]:
    return [int(c.get("id") or 0) for c in line.get("heads", {}).get("chains", {}).values()]
