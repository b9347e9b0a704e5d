"""A locked, read-only or full database: a clear DatabaseUnavailable, nothing half-written, recovery after."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from station_helpers import act_as_new_clerk, new_database_file
from tui.quiet import press, until

import db.engine
from db.models import Role
from station_console.errors import DatabaseUnavailable
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_writer import CheckinWriter


def _counts(path: Path) -> tuple[int, int, int, int]:
    con = sqlite3.connect(path)
    try:
        return tuple(  # type: ignore[return-value]
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("parcel", "parcel_event", "print_job", "notification")
        )
    finally:
        con.close()


@pytest.fixture
def db_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 100)  # the lock outlasts it quickly
    path = tmp_path / "faults.sqlite3"
    station = open_station(new_database_file(path))
    act_as_new_clerk(station, "Li", Role.CLERK)
    station.engine.dispose()
    return path


def open_as_li(url: str, counter: str = "counter-1") -> Station:
    """The station at `url`, acting as the clerk Li (made by `db_file`)."""
    station = open_station(url, counter=counter)
    station.clerk_id, station.clerk_role = 1, Role.CLERK
    return station


def test_a_locked_database_is_refused_clearly_and_recovers(db_file: Path) -> None:
    station = open_as_li(f"sqlite:///{db_file}", counter="c1")
    check_in(station, "JT0000000000001", size="S", phone="13812345678")  # a parcel, its event, label, message
    before = _counts(db_file)
    station.busy_wait_s = 0.5  # the same refusal as after the default 5 s, sooner
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseUnavailable) as refused:
            check_in(station, "JT0000000000002", size="S", phone="13812345679")
        assert refused.value.code == "database_locked" and "Nothing was saved" in refused.value.message("en")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _counts(db_file) == before
    assert check_in(station, "JT0000000000002", size="S", phone="13812345679").waybill == "JT0000000000002"
    assert _counts(db_file) == tuple(n + 1 for n in before)
    station.engine.dispose()


def test_a_read_only_file_is_refused_clearly(db_file: Path) -> None:
    if os.geteuid() == 0:  # root writes through file modes: open the file read-only instead
        station = Station(
            engine=db.engine.create_station_engine(f"sqlite:///file:{db_file}?mode=ro&uri=true"),
            clerk_id=1,
            clerk_role=Role.CLERK,
        )
    else:
        os.chmod(db_file, stat.S_IRUSR)
        station = open_as_li(f"sqlite:///{db_file}")
    before = _counts(db_file)
    with pytest.raises(DatabaseUnavailable) as refused:
        check_in(station, "JT0000000000003", size="S")
    assert refused.value.code == "database_read_only"
    assert _counts(db_file) == before
    station.engine.dispose()


def _disk_full_after(station: Station, statements: int) -> None:
    """Every write after the first `statements` fails as SQLite does when the disk fills up."""
    seen = {"n": 0}

    @event.listens_for(station.engine, "before_cursor_execute")
    def _full(conn: object, cursor: object, sql: str, *args: object) -> None:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            seen["n"] += 1
            if seen["n"] > statements:
                raise sqlite3.OperationalError("database or disk is full")


def test_a_full_disk_half_way_through_a_checkin_writes_nothing(db_file: Path) -> None:
    station = open_as_li(f"sqlite:///{db_file}")
    before = _counts(db_file)
    _disk_full_after(station, 2)  # the layer claim and the parcel get in; the label job does not
    with pytest.raises(DatabaseUnavailable) as refused:
        check_in(station, "JT0000000000004", size="S")
    assert refused.value.code == "disk_full"
    assert _counts(db_file) == before
    con = sqlite3.connect(db_file)
    assert con.execute("SELECT sum(used_units) FROM layer").fetchone() == (0,)
    con.close()
    station.engine.dispose()


async def test_the_console_keeps_running_while_the_database_is_locked(db_file: Path) -> None:
    from textual.widgets import Input

    station = open_as_li(f"sqlite:///{db_file}", counter="c1")
    app = StationApp(station, CounterSettings(counter="c1", busy_wait_s=0.5), database_label="faults")
    holder = sqlite3.connect(db_file, isolation_level=None)
    answers: list[tuple[str, str]] = []  # (waybill scanned, "refused" or "checked in"), as the screen hears

    def hook(message: Any) -> None:
        if isinstance(message, CheckinWriter.ScanRefused | CheckinWriter.CheckedIn):
            answer = "refused" if isinstance(message, CheckinWriter.ScanRefused) else "checked in"
            if (message.request.raw, answer) not in answers:
                answers.append((message.request.raw, answer))

    async with app.run_test(size=(140, 40), message_hook=hook) as pilot:
        holder.execute("BEGIN EXCLUSIVE")
        scan = app.screen.query_one("#scan", Input)
        scan.focus()
        scan.value = "JT0000000000005"
        await press(pilot, "enter")
        await until(pilot, lambda: answers, what="an answer to the scan at a locked database")
        assert answers == [("JT0000000000005", "refused")]
        assert app.is_running and app.return_code is None
        holder.execute("ROLLBACK")
        scan.value = "JT0000000000006"
        await press(pilot, "enter")
        await until(pilot, lambda: len(answers) == 2, what="an answer once the lock is gone")
        assert answers[1] == ("JT0000000000006", "checked in") and app.is_running
    holder.close()
    con = sqlite3.connect(db_file)
    assert {r[0] for r in con.execute("SELECT waybill FROM parcel")} == {"JT0000000000006"}
    con.close()
    station.engine.dispose()


async def test_a_scan_refused_at_a_locked_database_says_to_try_it_again(db_file: Path) -> None:
    """The number was fine: the hint under the refusal is not to check it or type it in."""
    from textual.widgets import Input

    from station_console.tui.screens.checkin_attention import AttentionList

    station = open_as_li(f"sqlite:///{db_file}", counter="c1")
    app = StationApp(station, CounterSettings(counter="c1", busy_wait_s=0.2), database_label="faults")
    holder = sqlite3.connect(db_file, isolation_level=None)
    async with app.run_test(size=(140, 40)) as pilot:
        holder.execute("BEGIN EXCLUSIVE")
        try:
            scan = app.screen.query_one("#scan", Input)
            scan.focus()
            scan.value = "JT0000000000012"
            await press(pilot, "enter")
            listed = app.screen.query_one(AttentionList)
            await until(pilot, lambda: listed.items, what="the refusal at a locked database")
        finally:
            holder.execute("ROLLBACK")
        (item,) = listed.items
        assert item.code == "database_locked" and "Nothing was saved" in item.text
        assert item.hint == "Ctrl+Y try again · Ctrl+X dismiss"
        # The reason names no parcel: the row does, so the clerk knows which one to try again.
        assert item.text.startswith("JT0000000000012: The database is busy")
    holder.close()
    station.engine.dispose()


def _parcels(path: Path) -> list[tuple[str, str, str, str | None, str | None]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT p.waybill, c.code, p.size, p.masked_phone, p.status FROM parcel p"
            " JOIN carrier c ON c.id = p.carrier_id ORDER BY p.id"
        ).fetchall()
    finally:
        con.close()


async def test_ctrl_y_tries_a_scan_the_locked_database_refused_again_as_it_was_scanned(db_file: Path) -> None:
    """Refused at a locked database, with its size, batch and the phone typed for it on the way: Ctrl+Y
    still locked leaves the item with its reason; once the lock is gone, Ctrl+Y checks it in with them,
    the item goes and the row comes as for a scan."""
    from textual.widgets import DataTable, Input

    from station_console.tui.screens.checkin import CheckinScreen
    from station_console.tui.screens.checkin_attention import AttentionList

    station = open_as_li(f"sqlite:///{db_file}", counter="c1")
    # Long enough a wait that the phone is typed while the check-in still waits on the lock.
    app = StationApp(station, CounterSettings(counter="c1", busy_wait_s=1.0), database_label="faults")
    holder = sqlite3.connect(db_file, isolation_level=None)
    answers: list[str] = []  # the writer's answers, as the screen hears them (each once, as it bubbles)
    heard: list[Any] = []

    def hook(message: Any) -> None:
        answer = isinstance(message, CheckinWriter.ScanRefused | CheckinWriter.CheckedIn)
        if answer and not any(m is message for m in heard):
            heard.append(message)
            answers.append(type(message).__name__)

    async with app.run_test(size=(140, 40), message_hook=hook) as pilot:
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        screen.batch_carrier = "JT"
        listed = screen.query_one(AttentionList)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            screen.query_one("#size", Input).value = "L"
            scan = screen.query_one("#scan", Input)
            scan.focus()
            scan.value = "JT0000000000013"
            await pilot.press("enter")
            assert screen.current is not None and screen.current.result is None  # still on its way
            screen.query_one("#phone", Input).value = "13812345678"
            await pilot.press("enter")
            await until(pilot, lambda: answers == ["ScanRefused"], what="the refusal at a locked database")
            await until(pilot, lambda: "kept" in str(screen.query_one("#ci-message").render()), what="kept")
            sent: list[Any] = []
            submit = screen.writer.submit

            def sending(job: Any, *args: Any, **kwargs: Any) -> None:
                sent.append(args)
                submit(job, *args, **kwargs)

            screen.writer.submit = sending  # type: ignore[method-assign]
            await pilot.press("ctrl+y", "ctrl+y")  # still locked; pressed twice, sent once
            assert len(sent) == 1
            await until(pilot, lambda: len(answers) == 2, what="the retry's answer")
            assert answers == ["ScanRefused"] * 2
            (item,) = listed.items
            assert item.code == "database_locked" and item.hint == "Ctrl+Y try again · Ctrl+X dismiss"
        finally:
            holder.execute("ROLLBACK")
        assert _parcels(db_file) == []
        await press(pilot, "ctrl+y")
        await until(pilot, lambda: len(answers) == 3, what="the retry once the lock is gone")
        assert answers[-1] == "CheckedIn" and listed.items == [] and screen.refused == 0  # the retry stood
        assert screen.query_one("#ci-table", DataTable).row_count == 1
        assert screen.results[0].masked_phone == "138****5678"
    holder.close()
    assert _parcels(db_file) == [("JT0000000000013", "JT", "L", "138****5678", "on_shelf")]
    station.engine.dispose()


async def test_ctrl_y_on_a_scan_checked_in_meanwhile_is_refused_as_a_duplicate(db_file: Path) -> None:
    """The waybill checked in at another counter after the lock refused it here: Ctrl+Y's check-in is
    refused as a duplicate, as a scan is, and nothing is written twice."""
    from textual.widgets import Input

    from station_console.tui.screens.checkin_attention import AttentionList

    station = open_as_li(f"sqlite:///{db_file}", counter="c1")
    app = StationApp(station, CounterSettings(counter="c1", busy_wait_s=0.2), database_label="faults")
    holder = sqlite3.connect(db_file, isolation_level=None)
    async with app.run_test(size=(140, 40)) as pilot:
        listed = app.screen.query_one(AttentionList)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            scan = app.screen.query_one("#scan", Input)
            scan.focus()
            scan.value = "JT0000000000014"
            await press(pilot, "enter")
            await until(pilot, lambda: listed.items, what="the refusal at a locked database")
        finally:
            holder.execute("ROLLBACK")
        other = open_as_li(f"sqlite:///{db_file}", counter="c2")
        check_in(other, "JT0000000000014", size="S")
        other.engine.dispose()
        await press(pilot, "ctrl+y")
        await until(pilot, lambda: listed.items and listed.items[0].kind == "duplicate", what="a duplicate")
        assert [i.kind for i in listed.items] == ["duplicate"]
    holder.close()
    assert [row[0] for row in _parcels(db_file)] == ["JT0000000000014"]
    station.engine.dispose()


def test_a_checkin_waits_out_a_short_lock_says_busy_once_and_lands(db_file: Path) -> None:
    """The check-in's plain transaction retries as `Station.run` does: from the start, telling once."""
    station = open_as_li(f"sqlite:///{db_file}", counter="c1")
    told: list[str] = []
    station.on_busy = lambda: told.append("busy")
    holder = sqlite3.connect(db_file, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.4, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        result = check_in(station, "JT0000000000007", size="S", phone="13812345670")
    finally:
        release.join()
        holder.close()
    assert told == ["busy"]
    assert _counts(db_file) == (1, 1, 1, 1)
    assert result.waybill == "JT0000000000007"
    station.engine.dispose()


def test_statement_listeners_see_the_checkins_begin_and_every_statement(db_file: Path) -> None:
    station = open_as_li(f"sqlite:///{db_file}")
    check_in(station, "JT0000000000008", size="S")  # the detector and settings, read once
    seen: list[list[str]] = []
    event.listen(station.engine, "before_cursor_execute", lambda *args: seen.append(args[2].split()[:3]))
    check_in(station, "JT0000000000009", size="S", phone="13812345671")
    assert seen[0] == ["BEGIN", "IMMEDIATE"]
    writes = [" ".join(words[:3]) for words in seen if words[0] in ("INSERT", "UPDATE")]
    assert writes == [
        "UPDATE layer SET",
        "INSERT INTO parcel",
        "INSERT INTO print_job",
        "INSERT INTO notification",
        "INSERT INTO parcel_event",
        "UPDATE audit_head SET",
    ]
    station.engine.dispose()


def test_a_database_that_cannot_be_reached_refuses_the_checkin_clearly(
    db_file: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    station = open_as_li(f"sqlite:///{db_file}")
    check_in(station, "JT0000000000011", size="S")  # the settings and the detector, read before
    before = _counts(db_file)
    station.engine.dispose()

    def unreachable() -> None:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(station.engine, "raw_connection", unreachable)
    with pytest.raises(DatabaseUnavailable) as refused:
        check_in(station, "JT0000000000010", size="S")
    assert refused.value.code == "database_unavailable"
    assert refused.value.message("en") == "The database cannot be written. Nothing was saved."
    assert refused.value.message("zh") == "无法写入数据库，未保存任何内容。"  # the driver's English: logged
    assert any("unable to open database file" in r.getMessage() for r in caplog.records)
    monkeypatch.undo()
    assert _counts(db_file) == before
    station.engine.dispose()
