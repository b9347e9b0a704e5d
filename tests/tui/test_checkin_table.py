"""Check-in's table of this session's check-ins (screens/checkin_table.py): Ctrl+Z strikes its row
through, the next check-in goes on top, and the label states re-read every few seconds change only the
rows whose state changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import col, select, update
from textual.widgets import Digits

from db.models import PrintJob
from station_console.services.core.station import Station
from station_console.services.shelves.search import Query, search
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.shelf_common import parcel_cells
from station_console.tui.widgets.plain import Table
from tui import quiet
from tui.checkin_driver import scan, settle, start, status, type_slowly
from tui.quiet import until


def label_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], Callable[[Any], None]]:
    """The label refresh at test speed; the refreshes read so far, and the message hook that lists them."""
    monkeypatch.setattr(CheckinScreen, "LABELS_EVERY", 0.05)
    read: list[Any] = []

    def hook(message: Any) -> None:
        if isinstance(message, CheckinScreen.Labels):
            read.append(message)

    return read, hook


async def test_undo_last_leaves_the_row_visibly_undone(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    read, hook = label_reads(monkeypatch)
    async with app.run_test(size=(140, 44), message_hook=hook) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        await quiet.press(pilot, "ctrl+z")
        with station.read() as s:
            from db.models import Parcel

            statuses = s.exec(select(Parcel.status).order_by(col(Parcel.id))).all()
        assert statuses == ["on_shelf", "cancelled"]
        row = screen.query_one("#ci-table").get_row_at(0)  # type: ignore[attr-defined]
        assert str(row[-1]) == "undone" and all("strike" in str(c.style) for c in row[1:-1])
        done = len(read)
        await until(pilot, lambda: len(read) > done, what="a label refresh")  # it does not revive the row
        await settle(app, pilot)
        assert str(screen.query_one("#ci-table").get_row_at(0)[-1]) == "undone"  # type: ignore[attr-defined]
        assert "Phone (scan first)" in status(screen, "#ci-phone-for")
    # Elsewhere too: the Parcels mode lists it only under its status, struck through, "undone".
    assert [r.waybill for r in search(station, Query()).rows] == ["JT0000000000001"]
    (undone,) = search(station, Query(status="cancelled")).rows
    cells = parcel_cells(undone, station.zone())
    assert str(cells[-2]) == "undone" and all("strike" in str(c.style) for c in cells[:7])


async def test_a_check_in_after_an_undo_goes_on_top(app: StationApp) -> None:
    """The undone row's number is struck-through text, and sorting it with the next row's plain
    number stopped the console (TypeError: Text < int)."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await quiet.press(pilot, "ctrl+z")
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert app.is_running
        table = screen.query_one("#ci-table")
        rows = [table.get_row_at(n) for n in range(2)]  # type: ignore[attr-defined]
        assert [(str(r[0]), str(r[4])) for r in rows] == [("2", "JT0000000000002"), ("1", "JT0000000000001")]
        assert str(rows[0][-1]) != "undone" and str(rows[1][-1]) == "undone"


async def test_a_label_re_read_changes_only_the_rows_whose_state_changed(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check-in re-reads its rows' label states every few seconds; a row is set only when its state
    changed (Textual renders every visible row again after any cell change), none when nothing did."""
    read, hook = label_reads(monkeypatch)
    async with app.run_test(size=(140, 44), message_hook=hook) as pilot:
        screen, clock = await start(app, pilot)
        await quiet.press(pilot, "f8")  # quick mode: each label is queued at once
        for code in ("JT0000000000001", "JT0000000000002"):
            await scan(pilot, clock, code)
        await settle(app, pilot)
        table = screen.query_one("#ci-table", Table)
        set_labels: list[tuple[str, str]] = []
        update_cell = table.update_cell

        def spy(row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
            if column_key == "label":
                set_labels.append((str(row_key), str(value)))
            update_cell(row_key, column_key, value, **kwargs)

        monkeypatch.setattr(table, "update_cell", spy)

        async def two_reads() -> None:
            done = len(read)
            await until(pilot, lambda: len(read) > done + 1, what="two label re-reads")
            await settle(app, pilot)

        await two_reads()
        assert read[-1].statuses and set_labels == []  # read, and nothing changed
        first = screen.results[0].parcel_id
        station.run(
            lambda s: s.exec(
                update(PrintJob).where(col(PrintJob.parcel_id) == first).values(status="printed")
            )
        )
        await two_reads()
        assert set_labels == [(str(first), "printed")]
        assert [str(table.get_row_at(i)[-1]) for i in range(2)] == ["queued", "printed"]  # newest first


async def test_a_printed_label_never_reads_queued_again_when_the_next_parcel_is_scanned(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A label held for its phone, the phone typed (queued), then printed: the next scan, the one that
    lets a held label go, wrote "queued" over "printed" for the few seconds to the next re-read."""
    read, hook = label_reads(monkeypatch)
    async with app.run_test(size=(140, 44), message_hook=hook) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        first = screen.results[0].parcel_id
        await type_slowly(pilot, clock, *"13812345678", "enter")
        assert screen.label_shown[first] == "queued"  # its label let go by the phone
        station.run(
            lambda s: s.exec(
                update(PrintJob).where(col(PrintJob.parcel_id) == first).values(status="printed")
            )
        )
        await until(pilot, lambda: screen.label_shown[first] == "printed", what="the label read printed")
        table = screen.query_one("#ci-table", Table)
        set_labels: list[str] = []
        update_cell = table.update_cell

        def spy(row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
            if column_key == "label" and str(row_key) == str(first):
                set_labels.append(str(value))
            update_cell(row_key, column_key, value, **kwargs)

        monkeypatch.setattr(table, "update_cell", spy)
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        done = len(read)
        await until(pilot, lambda: len(read) > done + 1, what="two label re-reads")
        assert set_labels == [] and str(table.get_row(str(first))[-1]) == "printed"


@pytest.mark.parametrize("policy", ["new_code", "keep_code"])
async def test_a_parcel_moved_since_it_checked_in_shows_its_code_and_place_as_they_are_now(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, policy: str
) -> None:
    """Moved after it checked in (here or at another counter; a stocktake's relocation moves it the
    same way), its row kept the old code and place: the clerk read a code off the screen that no label
    and no shelf bore. The label re-read reads them too, and sets only the moved row's cells."""
    from station_console.services.shelves.moves import move_parcel

    read, hook = label_reads(monkeypatch)
    async with app.run_test(size=(140, 44), message_hook=hook) as pilot:
        screen, clock = await start(app, pilot)
        await quiet.press(pilot, "f8")  # quick mode: no phone asked for
        for code in ("JT0000000000001", "JT0000000000002"):
            await scan(pilot, clock, code)
        await settle(app, pilot)
        table = screen.query_one("#ci-table", Table)
        first, second = screen.results
        target = "2-4" if first.location != "2-4" else "2-3"
        set_cells: list[tuple[str, str, str]] = []
        update_cell = table.update_cell

        def spy(row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
            set_cells.append((str(row_key), str(column_key), str(value)))
            update_cell(row_key, column_key, value, **kwargs)

        monkeypatch.setattr(table, "update_cell", spy)
        moved = move_parcel(station, first.waybill, target, policy=policy)
        assert moved.code_changed == (policy == "new_code")
        done = len(read)
        await until(pilot, lambda: len(read) > done + 1, what="two label re-reads")
        await settle(app, pilot)
        rows = {str(table.get_row_at(i)[4]): table.get_row_at(i) for i in range(2)}
        now = rows[first.waybill]
        assert (str(now[1]), str(now[2])) == (moved.pickup_code, target)
        assert (str(rows[second.waybill][1]), str(rows[second.waybill][2])) == (
            second.pickup_code,
            second.location,
        )
        code_and_place = [c for c in set_cells if c[1] in ("code", "where")]
        expected = [(str(first.parcel_id), "where", target)]
        if policy == "new_code":
            expected.insert(0, (str(first.parcel_id), "code", str(moved.pickup_code)))
        assert code_and_place == expected  # once, the moved row's changed cells only


async def test_the_parcel_in_hand_moved_shows_its_new_code_big_and_beside_the_phone(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parcel in hand moved (a new code) before its phone is typed: its row read the new code, but
    the big code display and the Phone field's label kept the one it checked in with, the code the clerk
    writes on the box. The same re-read shows them now, and the phone saved names the new code."""
    from station_console.services.shelves.moves import move_parcel

    read, hook = label_reads(monkeypatch)
    async with app.run_test(size=(140, 44), message_hook=hook) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        (first,) = screen.results
        assert first.pickup_code in status(screen, "#ci-phone-for")
        target = "2-4" if first.location != "2-4" else "2-3"
        moved = move_parcel(station, first.waybill, target, policy="new_code")
        code = moved.pickup_code
        assert code is not None and code != first.pickup_code
        done = len(read)
        await until(pilot, lambda: len(read) > done + 1, what="two label re-reads")
        await settle(app, pilot)
        big = screen.query_one("#ci-code", Digits).value
        assert big == code.upper()
        where = status(screen, "#ci-where")
        shelf, layer = target.split("-")
        assert code in where and f"shelf {shelf} · layer {layer}" in where
        label = status(screen, "#ci-phone-for")
        assert code in label and first.pickup_code not in label
        await type_slowly(pilot, clock, *"13812345678", "enter")
        await until(pilot, lambda: "saved for" in status(screen, "#ci-message"), what="the phone saved")
        assert f"saved for {code}." in status(screen, "#ci-message")


async def test_quick_mode_switched_on_lets_the_label_held_for_a_phone_print_before_the_next_scan(
    app: StationApp, station: Station
) -> None:
    """A parcel scanned, its label held for its phone, then F8: quick mode takes the Phone field away,
    so no phone can come for it. The quick scan after it released no held label (only a scan that
    holds its own does), and that label came out only when its wait ran out, after the next parcel's:
    the clerk stuck each label on the wrong box."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        first = screen.results[0].parcel_id

        def status_of(parcel_id: int) -> str:
            return station.run(
                lambda s: s.exec(select(PrintJob.status).where(col(PrintJob.parcel_id) == parcel_id)).one()
            )

        assert status_of(first) == "held"  # it waits for the phone the clerk may type now
        await quiet.press(pilot, "f8")
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        second = screen.results[1].parcel_id
        assert status_of(first) != "held" and status_of(second) != "held"
        await until(pilot, lambda: screen.label_shown[first] == "queued", what="its row let go")
