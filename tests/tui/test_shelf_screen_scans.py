"""Scans on the shelf-work screens with more than one field: a scan reaches the screen's scan handler
wherever the focus is, and never becomes a courier's name, a layer, a note or a target."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from textual import events
from textual.widgets import Checkbox, Input, Select

from hardware.scanners.base import ScanEvent
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, returns, stocktake
from station_console.tui.app import StationApp
from station_console.tui.widgets.wedge import WedgeInput
from tui import quiet
from tui.checkin_driver import KeyClock, scan, type_slowly
from tui.shelf_data import location_of, place, wb


async def open_shelves(app: StationApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await quiet.press(pilot, "f4")
    assert app.current_mode == "shelves"


def status_of(app: StationApp, widget_id: str) -> str:
    return str(app.screen.query_one(widget_id).render())


@pytest.mark.first_mode("shelves")
async def test_a_scan_while_the_couriers_name_has_the_focus_goes_into_the_return_batch(
    app: StationApp, station: Station
) -> None:
    place(station, wb(1), "1-1", problem_kind="recalled")  # fresh: recalled, so they may go back
    place(station, wb(2), "1-2", problem_kind="recalled")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9", *"JT", "enter")
        await pilot.pause()
        assert status_of(app, "#ret-status").startswith("Opened a new return batch for ")  # not found open
        await quiet.burst(pilot, *wb(1), "enter")
        await quiet.press(pilot, "f8")  # no name typed: the service refuses, the name field has the focus
        signer = app.screen.query_one("#ret-signer", Input)
        assert signer.has_focus
        await quiet.burst(pilot, *wb(2), "enter")
        assert signer.value == ""
        (batch,) = returns.list_batches(station, status="open")
        assert batch.count == 2
        assert "2 parcels" in status_of(app, "#ret-status")
        await quiet.press(pilot, "f8")  # still no name: nothing closes on a waybill
        assert returns.list_batches(station, status="open")[0].signed_by_name is None


@pytest.mark.first_mode("shelves")
async def test_a_scan_while_the_couriers_name_is_typed_leaves_the_clerk_in_the_name(
    app: StationApp, station: Station
) -> None:
    """The scan went into the batch and the focus jumped to the scan field: the rest of the name,
    typed on, went nowhere it was meant to. A scan typed in the scan field keeps it there."""
    place(station, wb(1), "1-1", problem_kind="recalled")  # fresh: recalled, so they may go back
    place(station, wb(2), "1-2", problem_kind="recalled")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9", *"JT", "enter")
        scan_field = app.screen.query_one("#ret-scan", Input)
        assert scan_field.has_focus
        await quiet.press(pilot, *wb(1), "enter")  # typed by hand in the scan field
        assert returns.list_batches(station, status="open")[0].count == 1
        assert scan_field.has_focus
        signer = app.screen.query_one("#ret-signer", WedgeInput)
        assert signer.router is not None
        signer.router.clock = clock = KeyClock()
        signer.focus()
        await quiet.settle(pilot)
        await type_slowly(pilot, clock, *"Wa")
        await scan(pilot, clock, wb(2))
        await quiet.settle(pilot)
        assert "2 parcels" in status_of(app, "#ret-status")
        assert signer.has_focus
        await type_slowly(pilot, clock, *"ng")
        assert signer.value == "Wang"


@pytest.mark.first_mode("shelves")
async def test_a_partial_scan_on_returns_is_said_and_kept_nowhere(app: StationApp, station: Station) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9", *"JT", "enter")
        signer = app.screen.query_one("#ret-signer", Input)
        signer.focus()
        await quiet.settle(pilot)
        await quiet.burst(pilot, *"7762", "enter")  # too short to be a code
        assert signer.value == ""
        assert "too short" in status_of(app, "#ret-status")
        assert returns.list_batches(station, status="open")[0].count == 0


@pytest.mark.first_mode("shelves")
async def test_a_scan_while_the_layer_field_has_the_focus_is_counted_on_that_layer(
    app: StationApp, station: Station
) -> None:
    place(station, wb(1), "1-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        scope = app.screen.query_one("#st-scope", Input)
        scope.value = ""
        await quiet.press(pilot, "1", "enter")  # the whole shelf 1
        layer = app.screen.query_one("#st-layer", Input)
        layer.value = "1-2"  # typed a while before
        layer.focus()
        await quiet.settle(pilot)
        await quiet.burst(pilot, *wb(1), "enter")
        assert layer.value == "1-2"
        (item,) = stocktake.view(station, 1).items["match"]
        assert (item.waybill, item.found) == (wb(1), "1-2")


@pytest.mark.first_mode("shelves")
async def test_a_scan_before_the_stocktake_starts_says_to_start_it(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        scope = app.screen.query_one("#st-scope", Input)
        scope.value = ""
        await quiet.burst(pilot, *wb(1), "enter")
        assert scope.value == ""
        assert "Start the stocktake first" in status_of(app, "#st-last")
        assert stocktake.unfinished(station) == []


@pytest.mark.parametrize("focus", ["#pr-note", "#pr-kind"])
@pytest.mark.first_mode("shelves")
async def test_a_scan_on_problems_names_the_parcel_wherever_the_focus_is(
    app: StationApp, station: Station, focus: str
) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f11")
        note = app.screen.query_one("#pr-note", Input)
        kind = app.screen.query_one("#pr-kind", Select)
        app.screen.query_one(focus).focus()
        await quiet.settle(pilot)
        await quiet.burst(pilot, *wb(1), "enter")
        assert app.screen.query_one("#pr-parcel", Input).value == wb(1)
        assert (note.value, kind.expanded, kind.is_blank()) == ("", False, True)
        assert problems.list_problems(station) == []
        kind.value = "damaged"
        note.value = "wet"
        await quiet.press(pilot, "f7")
        assert [p.waybill for p in problems.list_problems(station)] == [wb(1)]


@pytest.mark.parametrize("focus", ["#move-target", "#move-layer"])
@pytest.mark.first_mode("shelves")
async def test_a_scan_in_the_move_dialog_names_the_parcel_never_the_target(
    app: StationApp, station: Station, focus: str
) -> None:
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "enter", "f7")  # the layer's first parcel chosen: the target has the focus
        target = app.screen.query_one("#move-target", Input)
        layer = app.screen.query_one("#move-layer", Checkbox)
        layer.value = True
        app.screen.query_one(focus).focus()
        await quiet.settle(pilot)
        await quiet.burst(pilot, *wb(2), "enter")
        assert app.screen.query_one("#move-parcel", Input).value == wb(2)
        assert (target.value, target.has_focus, layer.value) == ("", True, False)
        await quiet.press(pilot, *"2-3", "enter")
    assert (location_of(station, wb(1)), location_of(station, wb(2))) == ("1-1", "2-3")


@pytest.mark.first_mode("shelves")
async def test_a_paste_too_long_for_a_waybill_in_the_move_dialog_says_so_and_moves_nothing(
    app: StationApp, station: Station
) -> None:
    """5,000 characters with no Enter, typed as fast as a scanner (a terminal pasting keys) or pasted
    into the parcel field and sent: both say what check-in says of a scan that long, not that nothing
    was scanned or that it arrived in pieces."""
    place(station, wb(1), "1-1")
    pasted = "X" * 5000
    too_long = "That is too long to be one waybill."
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f7")
        parcel = app.screen.query_one("#move-parcel", Input)
        assert parcel.has_focus
        await quiet.burst(pilot, *pasted)
        assert status_of(app, "#move-error") == too_long
        assert parcel.value == ""  # refused as a scan is: kept nowhere
        parcel.post_message(events.Paste(pasted))
        await quiet.settle(pilot)
        assert parcel.value == pasted
        await quiet.press(pilot, "enter", *"2-3", "enter")
        assert status_of(app, "#move-error") == too_long
    assert location_of(station, wb(1)) == "1-1"


@pytest.mark.first_mode("shelves")
async def test_a_move_sent_after_a_refused_paste_says_it_was_refused_not_that_nothing_was_scanned(
    app: StationApp, station: Station
) -> None:
    """Ctrl+S on the parcel field a refused 5,000-key burst left empty keeps the refusal, saying that
    nothing of it was kept; once the clerk has typed in the field, the move is the service's to judge."""
    place(station, wb(1), "1-1")
    refused = "That is too long to be one waybill."
    kept_none = f"{refused} Nothing of it was kept: scan the parcel or type its pickup code."
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f7")
        parcel = app.screen.query_one("#move-parcel", Input)
        await quiet.burst(pilot, *("X" * 5000))
        assert (status_of(app, "#move-error"), parcel.value) == (refused, "")
        for _ in range(2):  # said once, however often it is sent
            await quiet.press(pilot, "ctrl+s")
            assert status_of(app, "#move-error") == kept_none
        await quiet.press(pilot, "a", "backspace", "ctrl+s")
        await quiet.until(
            pilot,
            lambda: status_of(app, "#move-error") == "Nothing was scanned.",
            what="the service's answer",
        )
    assert location_of(station, wb(1)) == "1-1"


@pytest.mark.first_mode("shelves")
async def test_a_long_paste_arriving_in_pieces_is_refused_without_the_count_of_its_last_piece(
    app: StationApp, station: Station
) -> None:
    """5,000 characters a terminal sent as keys in two bursts a second apart, or pasted with a line break
    (the field takes the first line): refused as too long for a waybill, not as '115 characters', which
    was only the last piece's (or the first line's) count."""
    place(station, wb(1), "1-1")
    too_long = "That is too long to be one waybill."
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9", *"JT", "enter")
        scan_field = app.screen.query_one("#ret-scan", WedgeInput)
        scan_field.focus()
        start = time.monotonic()
        for key in "X" * 4885:
            quiet.send_key(app, key, at=start)
        for key in "X" * 115:
            quiet.send_key(app, key, at=start + 1.0)
        router = scan_field.router
        assert router is not None
        await quiet.until(pilot, lambda: router.refused >= 2, what="both pieces refused")
        await quiet.settle(pilot)
        assert status_of(app, "#ret-status") == too_long
        scan_field.post_message(events.Paste("X" * 115 + "\n" + "X" * 4884))
        await quiet.settle(pilot)
        assert scan_field.value == "X" * 115
        await quiet.press(pilot, "enter")
        assert status_of(app, "#ret-status") == too_long
    assert returns.list_batches(station, status="open")[0].count == 0


@pytest.mark.first_mode("shelves")
async def test_a_refusal_said_while_a_stocktake_scan_runs_stays_first_over_its_answer(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partial scan refused while the last parcel's scan was still being written (a busy database):
    that scan's answer replaced the refusal before the clerk had read it. The refusal stays first, the
    answer below it."""
    place(station, wb(1), "1-1")
    asked, release = threading.Event(), threading.Event()
    real = stocktake.scan

    def held(*args: Any, **kwargs: Any) -> Any:
        asked.set()
        assert release.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)

    monkeypatch.setattr(stocktake, "scan", held)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        app.screen.query_one("#st-scope", Input).value = ""
        await quiet.press(pilot, "1", "enter")
        await quiet.until(pilot, lambda: not app.screen.query_one("#st-scan", Input).disabled)
        at = time.monotonic()
        for key in (*wb(1), "enter"):
            quiet.send_key(app, key, at=at)
        await quiet.until(pilot, asked.is_set, what="the scan written")
        at = time.monotonic()
        for key in (*"7762", "enter"):  # too short to be a code
            quiet.send_key(app, key, at=at)
        await quiet.settle(pilot, leave_running=("run",))
        refusal = status_of(app, "#st-last")
        assert "too short" in refusal
        release.set()
        await quiet.settle(pilot)
        said = status_of(app, "#st-last")
        assert said.startswith(refusal) and wb(1) in said, said
        assert app.screen.query_one("#st-last").has_class("-error")
        assert stocktake.view(station, 1).counts["match"] == 1  # the scan was counted all the same


@pytest.mark.first_mode("shelves")
async def test_a_device_scan_after_a_stocktake_refusal_says_its_finding_in_its_place(
    app: StationApp, station: Station
) -> None:
    """A scan from a device scanner is the clerk's next act, though no key: the refusal before it goes."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        app.screen.query_one("#st-scope", Input).value = ""
        await quiet.press(pilot, "1", "enter")
        await quiet.burst(pilot, *"7762", "enter")  # too short to be a code
        assert "too short" in status_of(app, "#st-last")
        app.scanner_bridge.deliver(ScanEvent(wb(1), "hid:test", "hid"))
        await quiet.settle(pilot)
        assert status_of(app, "#st-last") == f"match  {wb(1)}: on record here, where it belongs."
        assert not app.screen.query_one("#st-last").has_class("-error")
