"""The check-in benchmark functions measure what they say, on a small station."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from checkin_helpers import counts

from station_console.bench.checkin import (
    CHECKIN_SIZES,
    WARM_UP,
    checkin_pages_by_btree,
    floor_insert,
    floor_same_writes,
    measure_checkin,
    phones,
    same_writes_pages_by_btree,
    waybills,
)
from station_console.bench.checkin_floor import carrier_code, same_writes
from station_console.bench.wal_frames import PageOwners, frame_pages
from station_console.services.checkin.phones import parse_phone
from station_console.services.core.station import Station
from station_console.services.scan.carriers import get_detector


def test_bench_inputs_are_distinct_valid_waybills_and_real_phone_forms(station: Station) -> None:
    numbers = waybills(200, seed=1)
    assert len(set(numbers)) == 200
    detector = get_detector(station)
    carriers = {detector.detect(n).best.carrier for n in numbers}  # type: ignore[union-attr]
    assert carriers == {"JT", "SF", "YTO", "ZTO", "DPK"}
    # The same-writes floor names each waybill's carrier as the detector does.
    assert all(carrier_code(n) == detector.detect(n).best.carrier for n in numbers)  # type: ignore[union-attr]
    typed = phones(200, seed=1)
    assert None in typed
    assert all(parse_phone(p).tail for p in typed if p is not None)


def test_measure_checkin_times_real_check_ins(station: Station) -> None:
    out = measure_checkin(station, 15)
    assert len(out) == 15 and all(0 < t < 5 for t in out)
    typed = phones(15 + WARM_UP, seed=4)
    with_number = sum(1 for p in typed if p is not None and parse_phone(p).full)
    assert counts(station) == {
        "parcels": 15 + WARM_UP,
        "jobs": 15 + WARM_UP,
        "notes": with_number,  # a message only where there is a number to send it to
        "events": 15 + WARM_UP,
    }


def test_floor_insert_commits_rows_and_cleans_up(tmp_path: Path) -> None:
    path = str(tmp_path / "floor.sqlite3")
    out = floor_insert(path, 10)
    assert len(out) == 10 and all(t > 0 for t in out)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'bench_floor'").fetchone()[0] == 0


def _wal_database(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT)")
    conn.execute("CREATE INDEX ix_t_k ON t (k)")
    conn.execute("CREATE TABLE other (id INTEGER PRIMARY KEY, v TEXT)")
    return conn


def test_wal_frames_name_each_page_a_commit_wrote_by_its_table_or_index(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    conn = _wal_database(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("INSERT INTO t (k) VALUES ('a')")
    pages = frame_pages(Path(f"{path}-wal"))
    assert PageOwners(conn).count(pages) == {"t": 1, "ix_t_k": 1}


def test_wal_frames_left_over_from_before_the_wal_started_again_are_not_counted(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    conn = _wal_database(path)
    for n in range(5):
        conn.execute("INSERT INTO other (v) VALUES (?)", (f"v{n}",))
    # Copied back whole: the next commit writes the WAL from its start again, with new salts, and the
    # older frames behind it stay in the file.
    conn.execute("PRAGMA wal_checkpoint(RESTART)")
    conn.execute("INSERT INTO t (k) VALUES ('a')")
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 32 + 3 * (24 + 4096)  # the older frames are still there
    assert PageOwners(conn).count(frame_pages(wal)) == {"t": 1, "ix_t_k": 1}


@pytest.mark.sqlite_only
def test_checkin_pages_by_btree_are_its_rows_and_their_index_entries(station: Station) -> None:
    url = station.engine.url.database
    assert url is not None
    pages = checkin_pages_by_btree(station, url, 3)
    # The parcel, its label job and its event, and the on-shelf indexes a check-in writes ...
    for btree in ("parcel", "print_job", "parcel_event", "audit_head", "uq_parcel_code_on_shelf"):
        assert pages.get(btree, 0) >= 1, (btree, pages)
    # ... and none of the indexes that hold only parcels that left.
    assert not {"ix_parcel_picked_up", "ix_parcel_code_left", "ix_parcel_returned_at"} & set(pages)


@pytest.mark.sqlite_only
def test_a_check_in_writes_one_waybill_index_of_the_parcels(station: Station) -> None:
    """The waybill's uniqueness on the shelves and its every-parcel lookups share one index."""
    url = station.engine.url.database
    assert url is not None
    pages = checkin_pages_by_btree(station, url, 3)
    with station.engine.connect() as conn:
        of_parcel = set(
            conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE tbl_name = 'parcel'").scalars()
        )
    written = {name.removesuffix(" (interior)") for name in pages} & of_parcel
    assert written == {
        "parcel",
        "uq_parcel_code_on_shelf",
        "uq_parcel_waybill_on_shelf",
        "ix_parcel_phone_tail_status",
        "ix_parcel_status_checked_in",
        "ix_parcel_layer_status",
        "ix_parcel_day_carrier",
    }, pages


def _shelves(path: str) -> dict[str, list[Any]]:
    """What the benches after the check-in's read: the parcels on the shelves, the layers' units and
    counts, the labels and messages waiting, the check-ins' chain heads."""
    conn = sqlite3.connect(path)
    try:
        return {
            "on_shelf": conn.execute(
                "SELECT id FROM parcel WHERE status = 'on_shelf' ORDER BY id"
            ).fetchall(),
            "layers": conn.execute("SELECT id, used_units, parcel_count FROM layer ORDER BY id").fetchall(),
            "labels": conn.execute("SELECT id FROM print_job WHERE status != 'cancelled'").fetchall(),
            "messages": conn.execute("SELECT id FROM notification WHERE status != 'cancelled'").fetchall(),
            "heads": conn.execute("SELECT * FROM audit_head WHERE chain NOT LIKE 'floor-%'").fetchall(),
        }
    finally:
        conn.close()


@pytest.mark.sqlite_only
def test_same_writes_floor_shelves_parcels_as_check_ins_do_and_takes_them_off_again(station: Station) -> None:
    path = station.engine.url.database
    assert path is not None
    before = _shelves(path)
    typed = phones(50, seed=5)
    floor = same_writes(path, iter(waybills(100, seed=2)), typed, CHECKIN_SIZES)
    next(floor)  # its warm-up, and one commit more
    made = WARM_UP + 1
    during = _shelves(path)
    # On the shelves as a check-in's are: their units claimed from the layers, each with a code no other
    # parcel there has, a label job, a message where a number was typed, an event on a chain of its own.
    assert len(during["on_shelf"]) == len(before["on_shelf"]) + made
    units = sum(used for _id, used, _n in during["layers"]) - sum(used for _id, used, _n in before["layers"])
    assert units == sum({"S": 1, "M": 2, "L": 4}[CHECKIN_SIZES[i % 5]] for i in range(made))
    assert len(during["labels"]) == len(before["labels"]) + made
    with_number = sum(1 for p in typed[:made] if p is not None and parse_phone(p).full)
    assert len(during["messages"]) == len(before["messages"]) + with_number
    conn = sqlite3.connect(path)
    codes = conn.execute("SELECT count(DISTINCT pickup_code), count(*) FROM parcel WHERE status = 'on_shelf'")
    assert codes.fetchone() == (len(during["on_shelf"]),) * 2
    heads = conn.execute("SELECT last_event_id FROM audit_head WHERE chain LIKE 'floor-%'").fetchall()
    assert len(heads) == 1 and heads[0][0] is not None
    conn.close()
    assert during["heads"] == before["heads"]  # the check-ins' chain is theirs alone
    floor.close()
    assert _shelves(path) == before
    assert len(floor_same_writes(path, 3)) == 3 and _shelves(path) == before


@pytest.mark.sqlite_only
def test_same_writes_floor_writes_the_pages_a_check_in_writes(station: Station) -> None:
    path = station.engine.url.database
    assert path is not None
    checkin = checkin_pages_by_btree(station, path, 5)
    floor = same_writes_pages_by_btree(path, 5)

    def leaves(pages: dict[str, float]) -> set[str]:
        # (The message's only where a number was typed: how many of five is the draw's.)
        return {
            name for name, n in pages.items() if "(" not in name and "notification" not in name and n >= 0.5
        }

    # The parcel on the shelf with its on-shelf entries, the layer's claim moving its pick entry, the
    # label job, the event and its head: the same b-trees.
    assert {"uq_parcel_code_on_shelf", "ix_layer_pick", "layer", "audit_head"} <= leaves(floor)
    assert leaves(floor) == leaves(checkin), (floor, checkin)
