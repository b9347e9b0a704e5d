"""The console fuzzer's watch on the phones typed on Check-in (scripts/fuzz_checkin.py): a whole mobile
typed for one parcel and saved on another is a finding; one the directory gave a parcel, when the
person was picked for it, was typed for nothing and is not."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fuzz_checkin import misdirected_phones  # noqa: E402  (a script beside the fuzzer, not a package)

PHONE = "13812345678"  # a directory person's, typed earlier for another parcel
TYPED = {PHONE: {"Phone for 2-4-1006 · J&T…0000"}}


def station(tmp_path: Path, *events: tuple[str, dict[str, Any]]) -> Path:
    """A station whose parcel 8-4-1001 came to hold the phone, after these events of its."""
    database = tmp_path / "station.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE parcel (id INTEGER PRIMARY KEY, phone_full TEXT, waybill TEXT, pickup_code TEXT)"
        )
        db.execute(
            "CREATE TABLE parcel_event (id INTEGER PRIMARY KEY, parcel_id INTEGER, kind TEXT, details TEXT)"
        )
        db.execute("INSERT INTO parcel VALUES (7, ?, '78150107000003', '8-4-1001')", (PHONE,))
        for kind, details in events:
            db.execute(
                "INSERT INTO parcel_event (parcel_id, kind, details) VALUES (7, ?, ?)",
                (kind, json.dumps(details)),
            )
    return database


def test_a_phone_typed_for_another_parcel_is_a_finding(tmp_path: Path) -> None:
    path = station(tmp_path, ("checked_in", {}), ("phone_set", {"masked_phone": "138****5678"}))
    assert misdirected_phones(path, TYPED, {}) == [
        "138…5678 went to 8-4-1001 78150107000003, typed under 'Phone for 2-4-1006 · J&T…0000'"
    ]


def test_the_number_a_picked_person_gave_is_not(tmp_path: Path) -> None:
    linked = ("recipient_linked", {"recipient": 1, "code": "8-4-1001", "masked_phone": "138****5678"})
    assert misdirected_phones(station(tmp_path, ("checked_in", {}), linked), TYPED, {}) == []


def test_a_phone_typed_after_the_pick_is_judged_again(tmp_path: Path) -> None:
    linked = ("recipient_linked", {"recipient": 1, "code": "8-4-1001", "masked_phone": "138****5678"})
    typed_after = ("phone_set", {"masked_phone": "138****5678"})
    assert len(misdirected_phones(station(tmp_path, linked, typed_after), TYPED, {})) == 1


def test_a_link_that_gave_no_number_leaves_the_phone_judged(tmp_path: Path) -> None:
    typed = ("phone_set", {"masked_phone": "138****5678"})
    linked = ("recipient_linked", {"recipient": 1, "code": "8-4-1001"})
    assert len(misdirected_phones(station(tmp_path, typed, linked), TYPED, {})) == 1
