"""The Returns screen refuses a fresh parcel scanned into a batch, and F10 on that refusal returns it as
recalled (its carrier or sender asked for it back): the problem recorded and the parcel added at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from textual import events
from textual.widgets import DataTable, Input

from db.models import Parcel
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, return_batch_parcels, returns
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from tui import quiet
from tui.door_run import FIRST, a_run_of_three
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves, settle


async def open_jt_returns(app: StationApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Shelves, then Returns (F9) with JT's batch open, its scan field ready."""
    await open_shelves(app, pilot)
    await quiet.press(pilot, "f9", *"JT", "enter")
    await settle(pilot)


@pytest.mark.first_mode("shelves")
async def test_a_fresh_parcel_is_refused_and_f10_returns_it_as_recalled(
    app: StationApp, station: Station
) -> None:
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, "f10")  # nothing refused yet: F10 asks which parcel; Esc sends nothing back
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await quiet.press(pilot, "escape")
        await settle(pilot)
        await quiet.press(pilot, *wb(1), "enter")
        await settle(pilot)
        said = str(app.screen.query_one("#ret-status").render())
        assert f"{wb(1)} is not due for return" in said and "F10 returns it as recalled" in said
        (batch,) = returns.list_batches(station, status="open")
        assert batch.count == 0 and problems.list_problems(station) == []
        await quiet.press(pilot, "f10")  # asks who asked for it back first; Esc records nothing
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        await quiet.press(pilot, "escape")
        await settle(pilot)
        assert "left on its shelf" in str(app.screen.query_one("#ret-status").render())
        assert returns.get(station, batch.id).count == 0 and problems.list_problems(station) == []
        await quiet.press(pilot, *wb(1), "enter")
        await settle(pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        await quiet.press(pilot, *"sender by phone", "enter")
        await settle(pilot)
        assert app.screen.query_one("#ret-items", DataTable).row_count == 1
        assert [p.waybill for p in returns.get(station, batch.id).parcels] == [wb(1)]
        assert [(r.waybill, r.problem_kind) for r in problems.list_problems(station)] == [(wb(1), "recalled")]
        with station.read() as session:
            note = session.exec(select(Parcel.problem_note).where(Parcel.waybill == wb(1))).one()
        assert note == "sender by phone"
        await quiet.press(pilot, "f10")  # once: a second press adds nothing more
        await settle(pilot)
        assert returns.get(station, batch.id).count == 1 and wb(2) not in str(problems.list_problems(station))


@pytest.mark.first_mode("shelves")
async def test_f10_recalls_any_parcel_the_highlighted_line_or_one_it_asks_for(
    app: StationApp, station: Station, clock
) -> None:
    """A parcel due (in the batch for its age) or damaged was recallable only from the CLI: F10 on the
    list's highlighted line flags the one in the batch, and F10 elsewhere asks which parcel."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    place(station, wb(2), "1-2")
    problems.mark(station, wb(2), "damaged", "box crushed")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, *wb(1), "enter")  # due: in it for its age
        await settle(pilot)
        (batch,) = returns.list_batches(station, status="open")
        assert returns.get(station, batch.id).count == 1
        assert [r.waybill for r in problems.list_problems(station)] == [wb(2)]
        app.screen.query_one("#ret-items", DataTable).focus()
        await quiet.press(pilot, "f10")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        await quiet.press(pilot, *"carrier", "enter")
        await settle(pilot)
        kinds = {r.waybill: r.problem_kind for r in problems.list_problems(station)}
        assert kinds == {wb(1): "recalled", wb(2): "damaged"}
        app.screen.query_one("#ret-scan").focus()
        await quiet.press(pilot, "f10")  # nothing refused nor highlighted: the form asks which one
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await quiet.press(pilot, *wb(2), "enter")
        await settle(pilot)
        for key in [*"sender", "enter"]:  # typed by a person, not a scan
            await quiet.press(pilot, key)
            await pilot.pause(0.05)
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog), [str(w.render()) for w in app.screen.query("Static")]
        assert app.screen.query_one("#ret-items", DataTable).row_count == 2
        kinds = {r.waybill: r.problem_kind for r in problems.list_problems(station)}
        assert kinds == {wb(1): "recalled", wb(2): "recalled"}
        with station.read() as session:
            notes = dict(session.exec(select(Parcel.waybill, Parcel.problem_note)).all())
        assert notes[wb(1)] == "carrier. Due for return: on the shelf 8 days."
        assert notes[wb(2)] == "sender. Was flagged damaged: box crushed"


@pytest.mark.first_mode("shelves")
async def test_a_hurried_enter_twice_on_the_recall_form_says_the_waybill_is_empty(
    app: StationApp, station: Station
) -> None:
    """Enter twice on F10's form closed it with nothing recorded and nothing said: the form stays open,
    says the waybill is empty, and its cursor is back in that field."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await quiet.press(pilot, "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        said = str(app.screen.query_one("#form-refused").render())
        assert "Waybill or pickup code is empty." in said
        assert app.screen.focused is app.screen.query_one("#form-ref")
        await quiet.press(pilot, *wb(1), "enter")  # scanned into its field, then the note left empty
        await quiet.press(pilot, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        assert [(r.waybill, r.problem_kind) for r in problems.list_problems(station)] == [(wb(1), "recalled")]


@pytest.mark.first_mode("shelves")
async def test_esc_on_the_recall_form_says_nothing_was_recalled(app: StationApp, station: Station) -> None:
    """Esc on the note of a parcel named on screen said it was left on its shelf; Esc on the form that
    asks which parcel closed it without a word."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await quiet.press(pilot, "escape")
        await settle(pilot)
        assert "Not returned: no parcel was recalled." in str(app.screen.query_one("#ret-status").render())
        assert problems.list_problems(station) == []


@pytest.mark.first_mode("shelves")
async def test_a_too_long_paste_into_who_asked_is_refused_by_that_name(
    app: StationApp, station: Station
) -> None:
    """Refused as "Note takes at most 500 characters", a field the dialog never shows by that name."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, *wb(1), "enter")  # refused as not due: F10 asks who asked for it back
        await settle(pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one("#pk-reason", Input).post_message(events.Paste("[/]\x1b[31m" + "x" * 600))
        await settle(pilot)
        said = str(app.screen.query_one("#pk-reason-refused").render())
        assert said.startswith("Who asked for it back takes at most 500 characters: the paste"), said
        assert app.screen.query_one("#pk-reason", Input).value == ""
    assert problems.list_problems(station) == []


@pytest.mark.first_mode("shelves")
async def test_f10_on_a_parcel_out_for_delivery_says_nothing_was_recorded_and_how_to_flag_it(
    app: StationApp, station: Station
) -> None:
    """Refused as only "out for delivery on run DR000001", the clerk could believe the recall noted: the
    form says nothing was recorded, and how to flag it recalled while the runner has it."""
    a_run_of_three(station)  # FIRST is out with the runner
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#form-ref", Input).value = FIRST
        app.screen.query_one("#form-note", Input).value = "sender"
        await quiet.press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        said = " ".join(str(app.screen.query_one("#form-refused").render()).split())
        assert f"{FIRST} is out for delivery on run DR000001. Nothing was recorded" in said, said
        assert "record its problem as recalled (Problems: F4, then F11;" in said, said
    assert problems.list_problems(station) == []
    (batch,) = returns.list_batches(station, status="open")
    assert batch.count == 0


@pytest.mark.first_mode("shelves")
async def test_a_scan_into_a_batch_closed_at_another_counter_shows_it_closed(
    app: StationApp, station: Station
) -> None:
    """The courier signed at another counter while this one still showed the batch open: the scan is
    refused, nothing changes, and the screen reads the batch again, closed (its parcels returned, the
    scan field off, saying how to open the next one), instead of refusing every scan the same way."""
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2")
    problems.mark(station, wb(2), "refused", "refused at the door")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        (batch,) = returns.list_batches(station, status="open")
        return_batch_parcels.add(station, batch.id, wb(1), recalled=True)
        returns.close(station, batch.id, "Wang")  # the other counter
        await quiet.press(pilot, *wb(2), "enter")
        await settle(pilot)
        screen = app.screen
        assert "is already closed" in str(screen.query_one("#ret-status").render())
        scan = screen.query_one("#ret-scan", Input)
        assert scan.disabled and scan.placeholder == "batch closed: Enter in Carrier opens the next batch"
        table = screen.query_one("#ret-items", DataTable)
        assert table.row_count == 1 and "returned" in [str(c) for c in table.get_row(wb(1))]
        assert [p.waybill for p in returns.get(station, batch.id).parcels] == [wb(1)]
        assert returns.list_batches(station, status="open") == []
