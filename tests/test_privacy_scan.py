"""No full phone number in anything the station shows or hands out.

A realistic day runs through the services with full phone numbers (a mainland mobile, one typed with
+86 and dashes, a virtual number with extension, a foreign number); then every output is scanned:
labels in each printer language, the day report (text, JSON, CSV, PDF), command output, the log file,
audit event details, print-job payloads and a screenshot of every console mode. The full numbers are
kept in the database only for notifications; nothing else may carry them.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FakeClock
from console_tour import first_of, tour
from sqlmodel import select
from station_helpers import commands_at, copy_database_file, fold_wal, new_database_file

from db.models import ParcelEvent, PrintJob
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.pickup.handover import confirm_pickup

# (as the clerk types it, the digits that must never show)
PHONES = [
    ("13812345678", "13812345678"),
    ("+86 139-8765-4321", "13987654321"),
    ("17012345678-8462", "17012345678"),
    ("+49 151 23456789", "4915123456789"),
]
WAYBILLS = ["SF1234567890123", "JT1234567890123", "YT1234567890123", "JT1234567890124"]
FULL = [digits for _, digits in PHONES]


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests make their own clerks, from the first manager on."""
    return new_station


def leaks(text: str) -> list[str]:
    """The full numbers found in `text`, also when spaces, dashes or markup split their digits."""
    flat = re.sub(r"<[^>]+>|&#\d+;|&nbsp;|[\s\-]", "", text)
    return [n for n in FULL if n in text or n in flat]


@pytest.fixture
def day(station: Station, clock: FakeClock) -> Station:
    return run_day(station, clock)


def run_day(station: Station, clock: FakeClock) -> Station:
    """A manager checks in four parcels with full phones; two are picked up. Two of the phones are in
    the recipient directory too (one with a second number), so their parcels link to it."""
    from station_console.services.recipients import directory

    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    directory.add(station, {"name": "张三", "external_id": "00123", "phones": PHONES[0][0], "room": "502"})
    directory.add(
        station,
        {
            "name": "李四",
            "external_id": "00124",
            "phones": f"{PHONES[1][0]} / {PHONES[3][0]}",
            "room": "1203",
        },
    )
    ids = []
    for waybill, (typed, _digits) in zip(WAYBILLS, PHONES, strict=True):
        clock.advance(minutes=7)
        ids.append(check_in(station, waybill, phone=typed, recipient_name="Zhang San").parcel_id)
    clock.advance(hours=2)
    confirm_pickup(station, ids[:2], method="code", scanned=WAYBILLS[:2])
    return station


def test_the_database_keeps_full_numbers_only_for_notifications(day: Station) -> None:
    from db.models import Parcel

    with day.read() as session:
        kept = {p.phone_full for p in session.exec(select(Parcel)).all()}
    assert {"13812345678", "13987654321", "17012345678-8462", "+4915123456789"} == kept  # so the scan is real


def test_audit_events_and_print_jobs_carry_no_full_number(day: Station) -> None:
    with day.read() as session:
        events = [json.dumps(e.details, ensure_ascii=False) for e in session.exec(select(ParcelEvent)).all()]
        jobs = [json.dumps(j.payload, ensure_ascii=False) for j in session.exec(select(PrintJob)).all()]
    assert events and jobs
    assert leaks("\n".join(events + jobs)) == []


@pytest.mark.parametrize("language", ["tspl", "zpl", "escpos", "pdf"])
def test_labels_show_only_the_masked_phone(day: Station, language: str) -> None:
    from hardware.printers import make_printer
    from station_console.services.printing.render import label_data_for, label_for_printer

    printer = make_printer({"language": language, "transport": "dummy"}, name="scan")
    with day.read() as session:
        ids = [p for p in session.exec(select(PrintJob.parcel_id)).all() if p is not None]
    assert len(ids) == len(WAYBILLS)
    for parcel_id in ids:
        data = label_data_for(day, parcel_id, "en")
        assert leaks(repr(data)) == []
        blob = printer.render_label(label_for_printer(data, printer))
        text = pdf_text(blob) if language == "pdf" else blob.decode("latin-1")
        assert leaks(text) == [], f"{language} label of parcel {parcel_id}"


def pdf_text(blob: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(blob)).pages)


def test_the_day_report_in_every_format(day: Station) -> None:
    from station_console.services.day import export as report_export
    from station_console.services.day.report import build_report

    report = build_report(day, day.business_day())
    outputs = {
        "json": report_export.to_json(report),
        "csv": report_export.to_csv(report),
        "text": report_export.to_text(report),
        "pdf": pdf_text(report_export.to_pdf(report)),
    }
    for fmt, text in outputs.items():
        assert text.strip(), fmt
        assert leaks(text) == [], fmt


@pytest.fixture(scope="module")
def day_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, datetime]:
    """`run_day` in a station file (migrated and opened as a command leaves it), made once for the
    module: each command runs on a copy of its own. With it, the time the day's clock stopped at."""
    from station_console.services.admin.setup import open_station

    path = tmp_path_factory.mktemp("day") / "cli.sqlite3"
    station = open_station(new_database_file(path), counter="test-counter")
    station.clock = FakeClock()
    run_day(station, station.clock)
    station.engine.dispose()
    fold_wal(path)
    return path, station.clock.now


# What a command's output must show besides (an empty day or an empty list would pass the leak check),
# and how long after the day's end it runs: the parcels left on the shelves are overdue 3 days later.
COMMAND_SHOWS: dict[str, tuple[timedelta, list[str]]] = {
    "report": (timedelta(0), ["2026-11-25,TOTAL,,0,4,2,0,0,2,170", "clerk:Wang,4/2"]),
    "overdue": (timedelta(days=3), ["3 d 2 h", "170****5678-8462", "****6789"]),
}


@pytest.mark.parametrize(
    "args",
    [
        ["parcels", "--json"],
        ["parcels"],
        ["search", "--json"],
        ["search", "5678"],
        ["pickup", "5678", "--json"],
        ["pickup", "8462"],
        ["pickup", "6789", "--json"],
        ["report", "--format", "csv"],
        ["audit", "timeline", "SF1234567890123"],
        ["audit", "activity", "Wang", "--json"],
        ["label", "YT1234567890123", "--format", "zpl"],
        ["problems"],
        ["overdue"],
        ["recipients", "list", "--json"],
        ["recipients", "list", "--all"],
        ["recipients", "show", "00124"],
        ["recipients", "show", "00124", "--json"],
        ["recipients", "match", "ls", "--json"],
        ["recipients", "match", "4321"],
        ["recipients", "unmatched"],
        ["recipients", "report", "--json"],
        ["checkin", "JT1234567890999", "--recipient", "00124", "--json"],
        ["delivery", "waiting", "--json"],
    ],
)
def test_command_output(
    day_file: tuple[Path, datetime], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    from station_console.cli import cli

    path, ended = day_file
    later, shows = COMMAND_SHOWS.get(args[0], (timedelta(0), []))
    # On the day's own clock: on the machine's, the report read a day without parcels and the ages
    # grew with the date the tests ran on.
    commands_at(monkeypatch, FakeClock(ended + later))
    url = copy_database_file(path, tmp_path / "cli.sqlite3")
    result = CliRunner().invoke(cli, ["--db", url, "--lang", "en", "--clerk", "Wang", "--pin", "9071", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert all(text in result.output for text in shows), result.output
    assert leaks(result.output) == [], args


def test_the_log_file(day: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from station_console import logs

    path = tmp_path / "logs" / "station.log"
    monkeypatch.setattr(logs, "log_path", lambda: path)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        logs.setup_logging()
        log = logging.getLogger("station.test")
        for typed, digits in PHONES:  # every form, as a careless log line would hold them
            log.info("lookup for %s (%s)", typed, digits)
        try:
            raise ValueError(f"no parcel for {FULL[0]}")
        except ValueError:
            log.exception("lookup failed")
        check_in(day, "SF1234567890999", phone="13812345678")  # whatever the services log on the way
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in root.handlers:
            if handler not in saved[0]:
                handler.close()
        root.handlers, root.level = saved
    text = path.read_text(encoding="utf-8")
    assert "lookup for" in text and "138****5678" in text
    assert leaks(text) == []


def screen_text(svg: str) -> str:
    """The characters a screenshot shows (markup, entities and non-breaking spaces undone)."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


# What each screenshot must show (a blank screen would pass the leak check), and the walks through the
# console (tests/console_tour.py) that take them between them: one console each, so that the two xdist
# workers share the walk instead of one of them taking every screenshot in a row.
SHOWS: dict[str, list[str]] = {
    "checkin": ["Ready: scan a parcel."],
    "pickup": WAYBILLS[:2],  # this shift's pickups
    "sendout": ["Ready: ask for the sender's phone.", "Sends at this counter"],
    "shelves": ["2 parcels on 44 layers"],
    "parcels": [*WAYBILLS, "138****5678", "139****4321", "170****5678-8462", "****6789"],
    "reports": ["Clerk Wang: 4 checked in, 2 picked up"],
    "settings": ["Shared by every counter", "station_name"],
    "settings f12": ["139****4321", "李四"],  # the recipient directory
    # phone-tail lookups list the recipients' masked phones
    "pickup lookup 6789": ["JT1234567890124", "****6789"],
    "pickup lookup 8462": ["YT1234567890123", "170****5678-8462"],
    "audit trail": ["2 events of SF1234567890123", "138****5678"],
}
SCREENSHOT_WALKS: dict[str, dict[str, Any]] = {
    "checkin, pickup, send-out, lookups": {
        "modes": {"checkin", "pickup", "sendout"},
        "tails": ("6789", "8462"),
    },
    "shelves, parcels, reports, audit trail": {
        "modes": {"shelves", "parcels", "reports"},
        "audit_query": "SF1234567890123",
    },
    "settings, recipients": {"modes": {"settings"}, "sub_screens": {"settings": ["f12"]}},
}


def shot_names(walk: dict[str, Any]) -> set[str]:
    """The screenshots the tour takes on `walk`."""
    subs = walk.get("sub_screens", {})
    names = {*walk["modes"], *(f"{mode} {sub}" for mode in walk["modes"] for sub in subs.get(mode, []))}
    names |= {f"pickup lookup {tail}" for tail in walk.get("tails", ())}
    return names | ({"audit trail"} if walk.get("audit_query") else set())


def test_the_screenshot_walks_visit_every_mode() -> None:
    from console_tour import MODES

    modes = [mode for walk in SCREENSHOT_WALKS.values() for mode in walk["modes"]]
    assert sorted(modes) == sorted(mode for _key, mode in MODES)
    assert set().union(*map(shot_names, SCREENSHOT_WALKS.values())) == set(SHOWS)


@pytest.mark.parametrize("walk", list(SCREENSHOT_WALKS.values()), ids=list(SCREENSHOT_WALKS))
async def test_every_console_mode_screenshot(day: Station, walk: dict[str, Any]) -> None:
    from station_console.settings import CounterSettings
    from station_console.tui.app import StationApp

    app = StationApp(
        day,
        CounterSettings(counter="test-counter"),
        database_label="SQLite test",
        first_mode=first_of(walk["modes"]),
    )
    async with app.run_test(size=(160, 48)) as pilot:
        shots = await tour(app, pilot, **{"audit_query": None, "tails": (), **walk})
    assert set(shots) == shot_names(walk)
    text = {name: screen_text(svg) for name, svg in shots.items()}
    for name in text:
        missing = [shown for shown in SHOWS[name] if shown not in text[name]]
        assert missing == [], (name, missing)
    found: dict[str, Any] = {name: leaks(svg) for name, svg in shots.items() if leaks(svg)}
    assert found == {}


def test_a_door_run_sheet_shows_masked_phones_only(day: Station) -> None:
    from station_console.services.delivery import requests, runs, sheet

    check_in(day, "JT1234567890555", phone=PHONES[1][0])  # 李四's: linked by the directory phone
    requests.request(day, "JT1234567890555")
    run = runs.plan(day, "小刘")
    text = pdf_text(sheet.sheet_pdf(day, run.id))
    assert "139****4321" in text and "李四" in text
    assert leaks(text) == []
