"""Door delivery's scan answers landing after the clerk chose another run (a slow database): a parcel of
run DR000001 found already out does not arm F9 / F10 on run DR000002, and a parcel scanned out on the
run that was shown is said as out on that run. The service is held at the function the worker calls."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlmodel import select
from station_helpers import configure
from textual.widgets import Input

from db.models import DeliveryItem
from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.delivery_scan_out import FeeDue, ScanAnswer
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.question_keys import SAID_ID
from station_console.tui.widgets.plain import Static
from tui import quiet
from tui.door_run import FIRST, HELD, SECOND, choose_run, open_delivery, two_runs
from tui.recipients_driver import text_of


@contextmanager
def held_scan_out(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """`runs.scan_out` waits for the test: (asked, answer)."""
    asked, answer = threading.Event(), threading.Event()
    scan_out = runs.scan_out

    def slow(*args: Any, **kwargs: Any) -> Any:
        asked.set()
        assert answer.wait(quiet.TIMEOUT)  # else it answered before the test let it
        return scan_out(*args, **kwargs)

    monkeypatch.setattr(runs, "scan_out", slow)
    try:
        yield asked, answer
    finally:
        answer.set()


async def scan(app: StationApp, pilot: Any, text: str) -> None:
    field = app.screen.query_one("#dl-scan", Input)
    field.value = text
    field.focus()
    await quiet.press(pilot, "enter", leave_running=HELD)


@pytest.mark.first_mode("shelves")
async def test_a_parcel_back_from_the_last_run_shown_does_not_arm_f9_on_the_run_chosen_since(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """张三's parcel, out on run 1, scanned back while run 1 is shown; the clerk chooses run 2 before the
    answer comes. Run 2 shows no 'is back' line, and F9 does not offer '… delivered' on run 2: it says to
    scan the parcel that came back first. The parcel stays out on run 1."""
    first, second = two_runs(station, first_out=True)
    with held_scan_out(monkeypatch) as (asked, answer):
        async with app.run_test(size=(160, 50)) as pilot:
            await open_delivery(app, pilot)
            await choose_run(app, pilot, first)
            await scan(app, pilot, FIRST)
            await quiet.until(pilot, asked.is_set, what="no scan-out")
            await choose_run(app, pilot, second)
            answer.set()
            await quiet.settle(pilot)
            said = text_of(app, "#dl-status")
            assert "F9 delivered" not in said, said
            assert first.number in said and FIRST in said, said  # said for the run it came back from
            assert app.screen.back is None  # type: ignore[attr-defined]
            await quiet.press(pilot, "f9")
            assert not isinstance(app.screen, FormDialog)
            assert "Scan the parcel that came back first." in text_of(app, "#dl-status")
    with station.read() as session:
        items = {(i.run_id, i.status) for i in session.exec(select(DeliveryItem)).all()}
    assert (first.id, "out") in items


@pytest.mark.first_mode("shelves")
async def test_a_parcel_scanned_out_before_another_run_was_chosen_is_said_out_on_its_run(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """李四's parcel scanned out on run 1, the clerk choosing run 2 while it is written: it is written
    (a write is never dropped) and said as out with run 1's runner, with run 2's stops shown."""
    first, second = two_runs(station, first_out=False)
    with held_scan_out(monkeypatch) as (asked, answer):
        async with app.run_test(size=(160, 50)) as pilot:
            await open_delivery(app, pilot)
            await choose_run(app, pilot, first)
            await scan(app, pilot, SECOND)
            await quiet.until(pilot, asked.is_set, what="no scan-out")
            await choose_run(app, pilot, second)
            answer.set()
            await quiet.settle(pilot)
            said = text_of(app, "#dl-status")
            assert "out with the runner" in said and first.number in said, said
            assert app.screen.run_id == second.id  # type: ignore[attr-defined]
    with station.read() as session:
        items = {(i.run_id, i.status) for i in session.exec(select(DeliveryItem)).all()}
    assert (first.id, "out") in items


@pytest.mark.first_mode("shelves")
async def test_a_long_scan_owing_a_fee_after_another_run_was_chosen_is_quoted_as_cut(
    app: StationApp, station: Station
) -> None:
    """A scan-out's fee question landing after run 2 was chosen names the scan on run 2's line; a scan
    longer than the line quotes shows its start and '…', not 40 characters read as all of it."""
    first, second = two_runs(station, first_out=False)
    scanned = "JT" + "7" * 58
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        await choose_run(app, pilot, first)
        screen: Any = app.screen
        asked_on_first = screen.form_turn
        await choose_run(app, pilot, second)
        owed = runs.FeeOwed(300, None)
        # The scan-out's answer as its worker posts it: stamped with the form turn it was sent on.
        answer = ScanAnswer(first.id, FeeDue(first.id, scanned, owed))
        screen.post_message(ServiceCalls.Done("out", answer, form_turn=asked_on_first, stamped=True))
        await quiet.settle(pilot)
        said = text_of(app, "#dl-status")
        assert scanned[:39] + "…" in said, said
        assert first.number in said, said


@pytest.mark.first_mode("shelves")
async def test_a_second_scans_fee_found_under_the_first_ones_question_is_said_on_it(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two parcels owing a storage fee scanned out one behind the other on a busy database: both answers
    came while the first one's fee question was open, and the second was said under it ("the storage
    fee is not settled", unseen, then overwritten by the first one's answer): the clerk took both as
    out. The one answered second is named on the question on top and on the line; only the other is asked,
    and the question's Esc names both as not scanned out."""
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    first, _second = two_runs(station, first_out=False)
    # Either answer may come first (two workers): the other one is said.
    said = {
        f"Not scanned out: {scan} owes a storage fee, found while another question was open. Scan it again."
        for scan in (FIRST, SECOND)
    }
    with held_scan_out(monkeypatch) as (asked, answer):
        async with app.run_test(size=(160, 50)) as pilot:
            await open_delivery(app, pilot)
            await choose_run(app, pilot, first)
            delivery: Any = app.screen
            await scan(app, pilot, FIRST)
            await quiet.until(pilot, asked.is_set, what="no scan-out")
            await scan(app, pilot, SECOND)  # typed behind the first: held, then sent once the hold ends
            await quiet.until(pilot, lambda: delivery._in_flight.get("out") == 2, what="both on their way")
            answer.set()
            await quiet.until(pilot, lambda: not delivery.calling("out"), what="both answered")
            await quiet.settle(pilot)
            question = app.screen
            assert isinstance(question, FeeDialog)
            on_question = text_of(app, f"#{SAID_ID}")
            assert on_question in said, on_question
            assert str(delivery.query_one("#dl-status", Static).render()) == on_question
            await quiet.press(pilot, "escape")  # the first not paid either: nothing goes out
            assert app.screen is delivery
            # Both named as not out, the one asked and the one said on its question: Esc's line said
            # "the storage fee is not settled" alone, over the other's.
            (unasked,) = [scan for scan in (FIRST, SECOND) if scan in on_question]
            (asked_first,) = {FIRST, SECOND} - {unasked}
            line = text_of(app, "#dl-status")
            assert line == (
                f"Not scanned out: the storage fee of {asked_first} is not settled. Nor {unasked}: it owes a "
                "storage fee too, found while that question was open. Scan it again."
            ), line
            assert delivery.query_one("#dl-status", Static).has_class("-error")
    with station.read() as session:
        assert {i.status for i in session.exec(select(DeliveryItem)).all()} == {"planned"}
