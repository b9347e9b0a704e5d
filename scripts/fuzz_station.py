"""The stations the console fuzzer (scripts/fuzz_console.py) runs on: the demo station, made once per
schema and copied for each run (storage fees charged, a few people in the directory, two door runs for
them; with `--focus sendout` eight sends accepted, `add_sends`; with `--old-parcels N` a long history picked
up, `add_old_parcels`), or with --empty a new station (`station init` with no demo: carriers and shelves, nobody to sign
in), which the console opens as `station` does, behind the sign-in dialog over its start screen."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

# Who Check-in's recipient finder (Ctrl+N) can match: the demo's directory is empty, and every pick
# was only ever a name kept for "who is this?". Typed by the fuzzer as `zs`, `wang`, `3-502`, `张`.
DIRECTORY = [
    {"name": "张三", "phones": "13812345678", "building": "3", "room": "3-502"},
    {"name": "张珊", "phones": "13812340000", "building": "3", "room": "3-501"},
    {"name": "Wang Wu", "phones": "13987654321", "room": "1-101"},
]


def template(folder: Path, *, empty: bool = False) -> Path:
    """The demo station (a week at a twentieth of the volume: a dozen parcels on shelves), or a new one,
    made once per schema and per demo: one made before a migration lacks its columns, and every screen
    reading them refuses; one made before the demo changed lacks what it added (its overdue lot)."""
    import hashlib

    from db.migrate import head_revision
    from station_console.services.admin import demo as demo_week

    made_by = hashlib.sha256(Path(demo_week.__file__).read_bytes()).hexdigest()[:8]
    path = folder / f"{'empty' if empty else f'demo-{made_by}'}-{head_revision()}.sqlite3"
    if path.exists():
        return path
    from click.testing import CliRunner

    from station_console.cli import cli

    os.environ["STATION_DEMO_SCALE"] = "0.05"
    made = folder / f"making-{os.getpid()}.sqlite3"  # two fuzzers starting at once each make their own
    demo = [] if empty else ["--demo"]
    args = ["--db", f"sqlite:///{made}", "init", *demo, "--timezone", "Asia/Shanghai", "--opening-hours"]
    result = CliRunner().invoke(cli, [*args, "09:00-21:00"], catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"station init failed:\n{result.output}")
    with sqlite3.connect(made) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    made.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{made}{suffix}").unlink(missing_ok=True)
    return path


def charge_storage_fees(path: Path) -> None:
    """The run's station charges for storage after a day: the demo charges nothing, so no pickup had a fee
    and Pickup's undo never gave one back. Written into the run's copy, as a manager's save would store
    it; the template stays the demo's."""
    rule = {"name": "Storage", "free_days": 1, "per_day_cents": 50, "cap_cents": 500}
    with sqlite3.connect(path) as db:
        (value,) = db.execute("SELECT value FROM setting WHERE key = 'station'").fetchone()
        stored = json.loads(value)
        stored["storage_fee_rules"] = [rule]
        db.execute("UPDATE setting SET value = ? WHERE key = 'station'", (json.dumps(stored),))


def add_old_parcels(path: Path, count: int) -> None:
    """`count` parcels picked up long ago (30 to 400 days), bulk inserted into the run's copy: the demo's
    hundred never reached Parcels' first page bound (the newest `RECENT_IDS`), so its F8 "older" read
    nothing new. Their phones purged as housekeeping would have; no events (a history imported from
    before the trail), ids after the demo's: the demo's own picked-up parcels lie past the bound too."""
    import random
    from datetime import UTC, datetime, timedelta

    from station_console.services.admin.demo import phone_for, waybill_for

    rng = random.Random(count)
    now = datetime.now(UTC).replace(tzinfo=None)
    with sqlite3.connect(path) as db:
        carriers = dict(db.execute("SELECT code, id FROM carrier"))
        layers = list(
            db.execute(
                "SELECT l.id, l.shelf_id, s.label || '-' || l.label FROM layer l JOIN shelf s ON s.id = l.shelf_id"
            )
        )
        (clerk,) = db.execute("SELECT id FROM clerk WHERE name = 'demo-clerk'").fetchone()
        rows = []
        for n in range(count):
            carrier = rng.choice(["ZTO", "YTO", "YUNDA", "JT", "STO", "SF"])
            layer, shelf, label = rng.choice(layers)
            phone = phone_for(rng)
            tail = phone[-4:]
            masked = f"{phone[:3]}****{tail}" if len(phone) == 11 else f"****{tail}"
            # Oldest first: ids follow time among them, as in a real trail.
            at = now - timedelta(days=400 - 370 * n / count, minutes=rng.randint(0, 600))
            left = at + timedelta(hours=rng.uniform(1, 60))
            rows.append(
                (
                    waybill_for(carrier, rng),
                    carriers[carrier],
                    "M",
                    tail,
                    masked,
                    "picked_up",
                    shelf,
                    layer,
                    f"{label}-{1001 + n % 8999}",
                    0,
                    at.isoformat(" "),
                    clerk,
                    "old",
                    (at + timedelta(hours=8)).date().isoformat(),
                    left.isoformat(" "),
                    clerk,
                    "old",
                    "code",
                    (left + timedelta(days=30)).isoformat(" "),
                    1,
                )
            )
        db.executemany(
            "INSERT INTO parcel (waybill, carrier_id, size, phone_tail, masked_phone, status, shelf_id, layer_id,"
            " pickup_code, redelivery, checked_in_at, checked_in_by, checked_in_counter, business_day,"
            " picked_up_at, picked_up_by, picked_up_counter, pickup_method, phone_purged_at, version)"
            " VALUES (" + ", ".join("?" * 20) + ")",
            rows,
        )


def add_directory(station: Any, manager: str, pin: str) -> None:
    """`DIRECTORY` added to the run's copy by its manager, as Settings > Recipients would, two door
    delivery runs planned for them (`add_door_runs`), and the owner of a parcel that owes a fee."""
    from station_console.services.people import clerks
    from station_console.services.recipients import directory

    clerks.sign_in(station, manager, pin)
    people = [directory.add(station, person).id for person in DIRECTORY]
    add_door_runs(station, people)
    owing = phone_owing_a_fee(station)
    if owing is not None:  # their parcel linked as they are added: F12 sends it to the door, fee due
        directory.add(station, {"name": "赵六", "phones": owing, "building": "2", "room": "2-201"})


def phone_owing_a_fee(station: Any) -> str | None:
    """The phone of a demo parcel on the shelves that owes a storage fee (two to six days there, not a
    return candidate) and is nobody's: every parcel a door run scanned out was checked in that day, and
    none asked how its fee is paid before it went out."""
    from datetime import timedelta

    from sqlalchemy import text

    now = station.now().replace(tzinfo=None)
    query = text(
        "SELECT phone_full FROM parcel WHERE status = 'on_shelf' AND recipient_id IS NULL"
        " AND phone_full IS NOT NULL AND checked_in_at BETWEEN :oldest AND :newest ORDER BY id LIMIT 1"
    )
    window = {"oldest": now - timedelta(days=6), "newest": now - timedelta(days=2)}
    with station.read() as session:
        return session.execute(query, window).scalar()


def add_door_runs(station: Any, people: list[int]) -> None:
    """Two runs of two parcels each for the directory's people, one parcel of the first out with its
    runner: the demo plans none, and no run chose between runs while a scan-out was answered. Two more
    of theirs wait on the shelves, asked for at the door by no one yet: a request (F12) for a parcel
    with no recipient's address is refused, and no run asked for one."""
    from station_console.bench.checkin import waybills
    from station_console.services.checkin.transaction import check_in
    from station_console.services.delivery import requests, runs

    parcels = waybills(6, seed=-1)  # not the fuzzer's fresh ones: those are scanned in as new
    for number, waybill in enumerate(parcels):
        check_in(station, waybill, recipient_id=people[number % len(people)])
    for pair, runner in ((parcels[:2], "小刘"), (parcels[2:4], "小王")):
        for waybill in pair:
            requests.request(station, waybill)
        run = runs.plan(station, runner)
        if runner == "小刘":
            runs.scan_out(station, run.id, pair[0])


# Sends accepted at the run's counter: the demo has none, and Send-out's refund (F7) only ever opened
# on nothing to refund; and the handover (F12) needs some left once refunds took theirs (it leaves the
# newest to them: fuzz_handover's `KEPT_FOR_REFUNDS`). Their numbers
# are SF's shape, not the demo's parcels' (both would be scanned, and a number already used is refused).
SENDS = [
    ("SF7000000000011", "新疆", 1200),
    ("SF7000000000022", "上海", 2600),
    ("SF7000000000033", "广东", 800),
    ("SF7000000000044", "北京", 3100),
    ("SF7000000000055", "四川", 450),
    ("SF7000000000066", "江苏", 1500),
    ("SF7000000000077", "浙江", 700),
    ("SF7000000000088", "湖北", 2100),
]


def add_sends(station: Any) -> None:
    """`SENDS` accepted by the manager signed in, as a clerk's accept on Send-out would write them: the
    sender seen with a resident ID, every inspection item ticked, a typed weight, paid in cash."""
    from station_console.services.sendout import accept, inspection
    from station_console.services.sendout.payments import Payment
    from station_console.services.sendout.weighing import Weight

    party = accept.Party("张三", "13812345678", "resident", "11010519491231002X", id_seen=True)
    for waybill, destination, grams in SENDS:
        accept.accept(
            station,
            carrier="SF",
            party=party,
            recipient=accept.Recipient("Wang Wu", "13987654321", destination, "人民路 88 号"),
            parcel=accept.Parcel("clothes"),
            checked=inspection.current(station).ids,
            weight=Weight.typed(grams),
            payment=Payment("cash"),
            waybill=waybill,
        )


class Opening:
    """What `station` gives the console (its CliApp): the station and this counter's settings, read in
    the console's opening worker while the sign-in dialog takes keys."""

    def __init__(self, station: Any, counter_settings: Any) -> None:
        self._station, self._counter_settings = station, counter_settings

    @property
    def station(self) -> Any:
        return self._station

    @property
    def counter_settings(self) -> Any:
        return self._counter_settings
