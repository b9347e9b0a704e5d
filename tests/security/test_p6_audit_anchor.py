"""Point 6: someone who can write the database file cannot quietly rewrite the audit chain.

The attacks, each on a station with two closed days: cut the tail and move `audit_head` back; also
delete the closes that named the cut events; rewrite an event and recompute every hash after it;
also rewrite the heads stored with the closes. `station audit verify` names each one, through the
heads stored and sealed at every close and the copy of them kept outside the database.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from db.models import ParcelEvent
from security.helpers import PIN, Run, two_closed_days
from station_console.services.core.audit import event_hash
from station_console.services.day.close import close_day, reopen_day

MANAGER = ["--clerk", "Wang", "--pin", PIN]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Two closed days, a few events after the last close."""
    path = tmp_path / "station.sqlite3"
    two_closed_days(path, after=("JT1234567890124",))
    return path


def verify(cli: Callable[..., Run], db: Path) -> dict:  # type: ignore[type-arg]
    result = cli(["--db", f"sqlite:///{db}", "--lang", "en", "audit", "verify", "--json"])
    return json.loads(result.out) | {"exit": result.code}  # type: ignore[no-any-return]


def close_events(db: Path) -> list[tuple[int, str]]:
    """(event id, day) of each day_closed event, oldest first."""
    rows = sqlite3.connect(db).execute(
        "SELECT id, details FROM parcel_event WHERE kind = 'day_closed' ORDER BY id"
    )
    return [(event_id, json.loads(details)["day"]) for event_id, details in rows]


def closes(db: Path) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    rows = sqlite3.connect(db).execute(
        "SELECT business_day, audit_heads FROM day_close ORDER BY business_day"
    )
    return [(day, json.loads(heads)) for day, heads in rows]


def rechain(conn: sqlite3.Connection, from_id: int) -> str:
    """What an attacker with the file does: recompute every hash from `from_id` on, and the head."""
    prev = conn.execute("SELECT hash FROM parcel_event WHERE id < ? ORDER BY id DESC LIMIT 1", (from_id,))
    prev_hash = (prev.fetchone() or ("",))[0]
    rows = conn.execute(
        "SELECT id, parcel_id, kind, at, business_day, clerk_id, counter, details FROM parcel_event "
        "WHERE id >= ? ORDER BY id",
        (from_id,),
    ).fetchall()
    for event_id, parcel_id, kind, at, day, clerk_id, counter, details in rows:
        event = ParcelEvent(
            parcel_id=parcel_id,
            kind=kind,
            at=datetime.fromisoformat(at).replace(tzinfo=UTC),
            business_day=date.fromisoformat(day),
            clerk_id=clerk_id,
            counter=counter,
            details=json.loads(details),
        )
        prev_hash = event_hash(event, prev_hash)
        conn.execute(
            "UPDATE parcel_event SET prev_hash = (SELECT hash FROM parcel_event WHERE id = ?), hash = ? WHERE id = ?",
            (event_id - 1, prev_hash, event_id),
        )
    conn.execute(
        "UPDATE audit_head SET last_hash = ?, last_event_id = (SELECT max(id) FROM parcel_event)",
        (prev_hash,),
    )
    return prev_hash


def rewrite_first_checkin(conn: sqlite3.Connection) -> None:
    """Change the first check-in's waybill, then recompute every hash after it."""
    (target,) = conn.execute("SELECT min(id) FROM parcel_event WHERE kind = 'checked_in'").fetchone()
    conn.execute(
        "UPDATE parcel_event SET details = json_set(details, '$.waybill', 'X') WHERE id = ?", (target,)
    )
    rechain(conn, target)


def test_an_untouched_trail_holds_through_every_close(cli: Callable[..., Run], db: Path) -> None:
    from station_console.services.core import anchors

    result = verify(cli, db)
    assert result["ok"] and result["closes"] == 2 and result["sealed"] == 2 and result["anchored"] == 2
    with sqlite3.connect(db) as conn:
        (identity,) = conn.execute("SELECT value FROM setting WHERE key = 'station_identity'").fetchone()
    assert len(anchors.read_anchors(_engine(db), json.loads(identity)["id"]).closes) == 2


def test_a_cut_tail_with_the_head_moved_back(cli: Callable[..., Run], db: Path) -> None:
    (first_id, _first_day), (_second_id, second_day) = close_events(db)
    cut_from = first_id + 1  # everything after the first close
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM parcel_event WHERE id >= ?", (cut_from,))
        conn.execute(
            "UPDATE audit_head SET last_event_id = ?, last_hash = (SELECT hash FROM parcel_event WHERE id = ?)",
            (cut_from - 1, cut_from - 1),
        )
    result = verify(cli, db)
    assert result["exit"] == 1 and result["reason"] == "close_head_missing" and result["day"] == second_day


def test_a_cut_tail_with_its_closes_deleted(cli: Callable[..., Run], db: Path) -> None:
    (first_id, _first_day), (_second_id, second_day) = close_events(db)
    cut_from = first_id + 1
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM day_close WHERE business_day = ?", (second_day,))
        conn.execute("DELETE FROM parcel_event WHERE id >= ?", (cut_from,))
        conn.execute(
            "UPDATE audit_head SET last_event_id = ?, last_hash = (SELECT hash FROM parcel_event WHERE id = ?)",
            (cut_from - 1, cut_from - 1),
        )
    result = verify(cli, db)  # the database alone now looks whole; the anchor outside it does not
    assert result["exit"] == 1 and result["reason"] == "anchor_missing" and result["day"] == second_day


def test_a_rewritten_event_with_every_hash_recomputed(cli: Callable[..., Run], db: Path) -> None:
    with sqlite3.connect(db) as conn:
        rewrite_first_checkin(conn)
    result = verify(cli, db)
    assert result["exit"] == 1 and result["reason"] == "close_head_changed"


def test_recomputed_heads_break_the_seal_and_the_anchor(cli: Callable[..., Run], db: Path) -> None:
    with sqlite3.connect(db) as conn:
        rewrite_first_checkin(conn)
        for day, heads in closes(db):
            for chain in heads["chains"].values():  # one per counter's chain
                (new_hash,) = conn.execute(
                    "SELECT hash FROM parcel_event WHERE id = ?", (chain["id"],)
                ).fetchone()
                chain["hash"] = new_hash
            conn.execute(
                "UPDATE day_close SET audit_heads = ? WHERE business_day = ?", (json.dumps(heads), day)
            )
    result = verify(cli, db)
    assert result["exit"] == 1 and result["reason"] == "close_seal_broken"


def test_heads_wiped_from_the_closes(cli: Callable[..., Run], db: Path) -> None:
    """Closes without heads look like closes made before heads were stored; the anchors know better."""
    with sqlite3.connect(db) as conn:
        rewrite_first_checkin(conn)
        conn.execute("UPDATE day_close SET audit_heads = NULL, heads_hmac = NULL")
    result = verify(cli, db)
    assert result["exit"] == 1 and result["reason"] == "anchor_mismatch"


def _engine(db: Path):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(f"sqlite:///{db}")


def test_a_day_reopened_and_closed_again_still_holds_and_still_catches_a_rewrite(
    cli: Callable[..., Run], db: Path
) -> None:
    """The anchor file keeps both closes of the day; the last is the one stored, and the chain must
    still run through the first."""
    from station_console.services.admin.setup import open_station
    from station_console.services.people import clerks

    station = open_station(f"sqlite:///{db}")
    clerks.sign_in(station, "Wang", PIN)
    (first_day, _heads), _second = closes(db)
    day = date.fromisoformat(first_day)
    reopen_day(station, day, "a parcel was counted twice")
    close_day(station, day, allow_unbalanced=True)
    station.engine.dispose()
    assert verify(cli, db)["exit"] == 0
    with sqlite3.connect(db) as conn:
        rewrite_first_checkin(conn)
    assert verify(cli, db)["exit"] == 1
