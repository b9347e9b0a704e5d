"""Point 3: stored text can never break the console, and is shown as what it is.

The attack: hostile strings in every stored text field a screen shows (clerk names, carrier names,
shelf labels and zones, waybills, problem notes, recipients, reasons, settings text, courier names,
counter names, message and print errors), some typed through the services, most written straight into
the database as an older version or another program could have: Rich/Textual markup (`[/]`, `[bold`,
`[link=...]`, `[@click=app.quit]`), ANSI and OSC escapes, control characters, a right-to-left override
and 5,000 characters. Then every screen of the console is opened. None may fail, none may pass an
escape character to the terminal, and the markup shows as the literal text it is.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeClock
from console_tour import MODES, first_of, tour
from sqlalchemy import text
from sqlmodel import select
from station_helpers import copy_database_file, fold_wal
from textual.widgets import OptionList
from tui import quiet

from db.engine import create_station_engine
from db.models import Clerk
from security.helpers import Run, accept_send, change_settings, make_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, return_batch_parcels, returns
from station_console.services.people import clerks
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.printing.queue_view import reprint
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp

MARKUP = "[/][bold][link=https://evil.example]x[/link][@click=app.quit]q[/]"
ESCAPES = "\x1b[31mRED\x1b[0m\x1b]8;;http://evil.example\x07link\x1b]8;;\x07\x07\x08\r\x9b2J"
RTL = "\u202eLTR\u2066"
HOSTILE = f"{MARKUP} {ESCAPES} {RTL}"
LONG = HOSTILE + "W" * 5000
PHONE = "13812345678"


def plant(station: Station) -> None:
    """Rows made through the services, then their text fields overwritten with hostile strings."""
    if clerks.needs_first_manager(station):
        clerks.create_first_manager(station, "Wang", "4071")
        clerks.sign_in(station, "Wang", "4071")
        clerks.add_clerk(station, "Li", "4071")
    done = [check_in(station, f"SF12345678901{n:02d}", phone=PHONE) for n in range(4)]
    problems.mark(station, done[0].waybill, "damaged", "box crushed")
    confirm_pickup(station, [done[1].parcel_id], method="code", scanned=[done[1].waybill])
    batch = returns.open_batch(station, "SF")
    return_batch_parcels.add(station, batch.id, done[2].waybill, recalled=True)
    returns.close(station, batch.id, "Zhang")
    reprint(station, done[3].parcel_id)
    door_and_sends(station)
    carrier_data(station)
    hostile_json = json.dumps({"note": LONG, "reason": HOSTILE, "clerk": HOSTILE, "waybill": HOSTILE})
    statements: list[tuple[str, dict[str, object]]] = [
        ("UPDATE clerk SET name = :long WHERE name = 'Li'", {}),
        ("UPDATE carrier SET name_en = :h, name_zh = :h, short_name = :h WHERE code = 'SF'", {}),
        ("UPDATE shelf SET zone = :h WHERE label = '8'", {}),
        ("UPDATE layer SET label = :h WHERE id = (SELECT max(id) FROM layer)", {}),
        (
            "UPDATE parcel SET problem_note = :long, recipient_name = :h, masked_phone = :h, email = :h,"
            " checked_in_counter = :h, picked_up_counter = :h",
            {},
        ),
        ("UPDATE parcel SET waybill = :h WHERE id = :id", {"id": done[3].parcel_id}),
        ("UPDATE parcel_event SET details = :json, counter = :h", {"json": hostile_json}),
        ("UPDATE return_batch SET signed_by_name = :h", {}),
        ("UPDATE notification SET status = 'failed', last_error = :long, channel = :h", {}),
        ("UPDATE print_job SET status = 'failed', last_error = :long, printer = :h", {}),
        (
            "UPDATE recipient SET name = :h, preferred_name = :h, email = :h, building = :h, unit = :h,"
            " room = :h, department = :h",
            {},
        ),
        ("UPDATE recipient_consent SET note = :long", {}),
        ("UPDATE proxy_pickup SET name = :h", {}),
        ("UPDATE delivery_run SET runner = :h, building = :h", {}),
        (
            "UPDATE delivery_item SET fail_note = :long, received_by = :h, signature_name = :h,"
            " photo_ref = :h",
            {},
        ),
        ("UPDATE sender SET name = :h", {}),
        (
            'UPDATE "send" SET recipient_name = :h, address = :h, contents = :long, destination = :h,'
            " packaging = :h, payment_ref = :h, weight_device = :h, refused_reason = :h, refund_reason = :h",
            {},
        ),
        ("UPDATE handover_batch SET courier_name = :h", {}),
        ("UPDATE waybill_stock SET source = :h", {}),
        ("UPDATE prealert_import SET source = :h, file_name = :h, counter = :h", {}),
        ("UPDATE prealert SET recipient_name = :h, masked_phone = :h, recipient_type = :h", {}),
        ("UPDATE courier_batch SET courier_name = :h, counter = :h", {}),
        (
            "UPDATE carrier_event SET status = 'dead', payload = :json, last_error = :long, kind = :h,"
            " channel = :h",
            {"json": hostile_json},
        ),
        ("UPDATE fee_entry SET reason = :h, rule = :h, method = :h", {}),
    ]
    with station.engine.begin() as conn:
        for sql, params in statements:
            conn.execute(text(sql), {"h": HOSTILE, "long": LONG, **params})
        row = conn.exec_driver_sql("SELECT value FROM setting WHERE key = 'station'").scalar_one()
        value = json.loads(row) if isinstance(row, str) else row
        # Free text: the hours, SMTP server and webhook URL are checked as they load (a hostile one
        # loads as its default), the name, SMTP login and secret header are any text.
        value.update(station_name=HOSTILE, smtp_user=HOSTILE, webhook_secret_header=HOSTILE)
        conn.execute(text("UPDATE setting SET value = :v WHERE key = 'station'"), {"v": json.dumps(value)})
    station.forget_settings()
    clerks.sign_in(station, "Wang", "4071")


def door_and_sends(station: Station) -> None:
    """A directory entry with its consent, a failed door delivery and a waiting request, a proxy
    pickup, a send at the counter, an open courier batch and waybill stock: rows for the new screens."""
    from station_console.services.delivery import requests, runs, scan_back
    from station_console.services.pickup.proxy import Proxy
    from station_console.services.recipients import consent, directory
    from station_console.services.sendout import handover, waybills

    directory.add(station, {"name": "张三", "external_id": "00123", "phones": "13900001111", "room": "502"})
    consent.record(station, "00123", consent.Choice(consent="granted"), channel="counter", note="ok")
    door = [check_in(station, f"YT12345678901{n}", phone="13900001111") for n in (31, 32, 33)]
    requests.request(station, door[0].waybill)
    run = runs.plan(station, "Xiao Wang")
    runs.scan_out(station, run.id, door[0].waybill)
    scan_back.fail(station, run.id, door[0].waybill, reason="not_home", note="nobody in")
    requests.request(station, door[1].waybill)
    confirm_pickup(
        station,
        [door[2].parcel_id],
        method="code",
        scanned=[door[2].waybill],
        proxy=Proxy("Zhao", "1111"),
        codes=[door[2].pickup_code],
    )
    accept_send(station, "SF1234567890129")
    handover.scan(
        station, handover.open_batch(station, "SF"), "SF1234567890129"
    )  # a batch opens with its first scan
    waybills.import_stock(station, "SF", "SF0000000000011\n", source="stock.csv")


def carrier_data(station: Station) -> None:
    """A pre-alert never received (its batch closed without it) and one open batch, a carrier event, a
    storage fee on SF parcels and a manager's waiver: rows for the carrier-data screens."""
    import tempfile

    from station_console.services.fees.ledger import WAIVE, Settlement, settle
    from station_console.services.prealerts import batches
    from station_console.services.prealerts.importer import import_file

    with tempfile.TemporaryDirectory() as folder:
        expected = Path(folder) / "expected.csv"
        expected.write_text("waybill,carrier,name\n73000000000001,ZTO,Qian\n", encoding="utf-8")
        import_file(station, expected)
    closed = batches.open_batch(station, "ZTO", "Zhao")
    batches.close_batch(station, closed.id, print_receipt=False)
    batches.open_batch(station, "ZTO", "Sun")
    change_settings(
        station,
        carrier_event_targets={"SF": {"channel": "webhook", "url": "http://127.0.0.1:9/x"}},
        storage_fee_rules=[{"name": "daily", "carrier": "SF", "free_days": 0, "per_day_cents": 150}],
    )
    waived = check_in(station, "SF1234567890104", phone=PHONE)  # its carrier event is queued
    settle(station, waived.parcel_id, Settlement(WAIVE, reason="a regular"))


def no_escapes(svg: str) -> bool:
    return not any(bad in svg for bad in ("\x1b", "&#27;", "\x07", "\x9b", "\u202e"))


@pytest.fixture(scope="module")
def hostile_template(seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted station, made once per module (per xdist worker) and copied by every `hostile`."""
    path = tmp_path_factory.mktemp("hostile") / "station.sqlite3"
    engine = create_station_engine(copy_database_file(seeded_sqlite, path))
    try:
        plant(Station(engine=engine, counter="test-counter", clock=FakeClock()))
        fold_wal(path)
    finally:
        engine.dispose()
    return path


@pytest.fixture
def hostile(hostile_template: Path, tmp_path: Path, clock: FakeClock) -> Iterator[Station]:
    """A copy of the planted station, with Wang (the manager `plant` signed in) acting."""
    engine = create_station_engine(copy_database_file(hostile_template, tmp_path / "station.sqlite3"))
    station = Station(engine=engine, counter="test-counter", clock=clock)
    with station.read() as session:
        wang = session.exec(select(Clerk).where(Clerk.name == "Wang")).one()
        station.clerk_id, station.clerk_role = wang.id, wang.role
    yield station
    engine.dispose()


SUB_SCREENS = {
    "checkin": ["ctrl+n", "ctrl+w", "f10"],  # the recipient picker, who is this?, a courier's batch
    "sendout": ["f12"],  # the courier handover
    # carriers, printers, scan test, clerks, outbox, recipients (and their consent dialog)
    # and the carrier events
    "settings": ["f7", "f8", "f9", "f10", "f11", "f12", "f12 f7", "ctrl+o"],
    # stocktake, returns, overdue, problems, edit, door delivery
    "shelves": ["f8", "f9", "f10", "f11", "f12", "ctrl+d"],
}


def literal_markup(svg: str) -> int:
    """How many times a screenshot shows the hostile markup's start as text."""
    return svg.replace("&#91;", "[").replace("&#93;", "]").count(MARKUP[:9])


async def every_settings_section(app: StationApp, pilot: Any) -> dict[str, str]:
    """Settings shows one section at a time: a screenshot of each, walked by Down in the section list.
    The settings walk ends on Settings (its sub-screens closed)."""
    sections = app.screen.query_one("#settings-sections", OptionList)
    sections.focus()
    await quiet.press(pilot, "home")
    shots = {}
    for option in range(sections.option_count):
        shots[f"settings: {app.screen.sections[option].title}"] = app.export_screenshot()  # type: ignore[attr-defined]
        await quiet.press(pilot, "down")
    return shots


@dataclass(frozen=True)
class Walk:
    """A part of the walk through every screen (console_tour), with the screens on it that must show
    planted markup as the literal text it is."""

    modes: frozenset[str]
    shows_markup: frozenset[str]
    tails: tuple[str, ...] = ()
    parcels_search: str | None = None
    audit_query: str | None = None

    def sub_screens_of(self) -> dict[str, list[str]]:
        return {mode: SUB_SCREENS.get(mode, []) for mode in self.modes}


# Together: every mode, every sub-screen and dialog of SUB_SCREENS, the phone-tail lookup, a search in
# Parcels and the audit trail.
WALKS = {
    "checkin": Walk(frozenset({"checkin"}), frozenset({"checkin ctrl+w", "checkin f10"})),
    "pickup": Walk(frozenset({"pickup"}), frozenset({"pickup lookup 5678"}), tails=("5678",)),
    "sendout": Walk(frozenset({"sendout"}), frozenset({"sendout", "sendout f12"})),
    "shelves": Walk(frozenset({"shelves"}), frozenset({"shelves f11", "shelves ctrl+d"})),
    "parcels, reports, audit trail": Walk(
        frozenset({"parcels", "reports"}),
        frozenset(),
        parcels_search="SF1234567890100",
        audit_query="Wang",
    ),
    "settings": Walk(frozenset({"settings"}), frozenset({"settings f10", "settings f12", "settings ctrl+o"})),
}


def test_the_walks_cover_every_screen_of_the_tour() -> None:
    """Split into walks (so both xdist workers share them), the tour still visits every mode once."""
    modes = [mode for walk in WALKS.values() for mode in walk.modes]
    assert sorted(modes) == sorted(mode for _key, mode in MODES)
    assert "5678" in {tail for walk in WALKS.values() for tail in walk.tails}
    assert any(walk.parcels_search for walk in WALKS.values())
    assert any(walk.audit_query for walk in WALKS.values())


@pytest.mark.parametrize("walk", list(WALKS.values()), ids=list(WALKS))
async def test_hostile_text_in_every_field_opens_every_screen(hostile: Station, walk: Walk) -> None:
    app = StationApp(
        hostile,
        CounterSettings(counter="test-counter"),
        database_label="SQLite test",
        first_mode=first_of(walk.modes),
    )
    async with app.run_test(size=(160, 48)) as pilot:
        shots = await tour(
            app,
            pilot,
            audit_query=walk.audit_query,
            tails=walk.tails,
            sub_screens=walk.sub_screens_of(),
            parcels_search=walk.parcels_search,
            modes=walk.modes,
        )
        if "settings" in walk.modes:
            shots.update(await every_settings_section(app, pilot))
        assert app.is_running and app.return_code is None
    assert walk.modes <= set(shots)
    bad = [name for name, svg in shots.items() if not no_escapes(svg)]
    assert bad == [], f"escape characters reached the terminal on: {bad}"
    shown = {name for name, svg in shots.items() if "[/]" in svg.replace("&#91;", "[").replace("&#93;", "]")}
    # Among them the new screens' stored text: the directory, door runs, sends and the handover, the
    # carrier events and the courier batches.
    assert walk.shows_markup <= shown, shown
    if "settings" in walk.modes:
        # Settings text shows in its section's fields as text: the station's name; the SMTP host and
        # the webhook URL. (The header and the clerk show the markup on every screen.)
        header = literal_markup(shots["settings: Pickup codes"])
        assert literal_markup(shots["settings: Station"]) == header + 1
        assert literal_markup(shots["settings: Notifications"]) == header + 2


def test_hostile_text_prints_as_text_and_typed_text_is_stored_clean(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    db = tmp_path / "station.sqlite3"
    station = make_station(db)
    plant(station)
    url = f"sqlite:///{db}"
    manager = ["--db", url, "--lang", "en", "--clerk", "Wang", "--pin", "4071"]
    commands = [
        ["parcels"],
        ["problems"],
        ["clerk", "list"],
        ["parcel", "SF1234567890100"],
        ["search", "5678"],
        ["audit", "timeline", "SF1234567890100"],
        ["audit", "activity", "Wang"],
        ["carriers", "list"],
        ["returns", "list"],
        ["outbox"],
        ["print-queue"],
        ["shelves"],
        ["pickup", "5678"],
        ["report"],
        ["sendout", "list"],
        ["sendout", "sender", "13712345678"],
        ["recipients", "list"],
        ["recipients", "show", "00123"],
        ["recipients", "match", "502"],
        ["recipients", "unmatched"],
        ["delivery", "runs"],
        ["delivery", "show", "1"],
        ["delivery", "waiting"],
        ["audit", "timeline", "YT1234567890133"],
        ["prealert", "list"],
        ["prealert", "missing"],
        ["prealert", "imports"],
        ["handover", "list", "--all"],
        ["handover", "show", "1"],
        ["events", "list"],
        ["fees", "due", "SF1234567890104"],
    ]
    for command in commands:
        result = cli([*manager, *command])
        assert "Traceback" not in result.output, command
        assert no_escapes(result.output), (command, result.output[:300])
    assert "[/]" in cli([*manager, "problems"]).out
    typed = cli(
        [*manager, "problem", "SF1234567890100", "--kind", "refused", "--note", f"torn {ESCAPES} box"]
    )
    assert typed.code == 0, typed.output
    with sqlite3.connect(db) as conn:
        (note,) = conn.execute("SELECT problem_note FROM parcel WHERE waybill = 'SF1234567890100'").fetchone()
    assert note.startswith("torn ") and note.endswith(" box") and no_escapes(note) and "\x1b" not in note
