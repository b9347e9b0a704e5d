"""Door delivery's Ctrl+O: a recalled parcel the runner had handed over before hearing of the recall,
recorded delivered by a manager with a reason (F9 is refused for it)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from station_helpers import events, recall
from textual.widgets import Input

from db.models import EventKind, Parcel
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.delivery import scan_back
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.widgets.status_line import StatusLine
from tui import quiet
from tui.door_run import FIRST, a_run_of_three, open_delivery
from tui.recipients_driver import text_of, until


@pytest.mark.first_mode("shelves")
async def test_ctrl_o_records_a_recalled_parcel_delivered_with_a_reason(
    app: StationApp, station: Station
) -> None:
    a_run_of_three(station)  # FIRST is out with the runner
    recall(station, FIRST)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        await scan_first_back(app, pilot, "is back")
        await quiet.press(pilot, "ctrl+o")
        await quiet.settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#form-why", Input).value = "handed over before the call"
        app.screen.query_one("#form-received_by", Input).value = "self"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: "delivered." in text_of(app, "#dl-status"))
    assert first_status(station) == "picked_up"
    (picked,) = events(station, EventKind.PICKED_UP)
    assert picked.details["recall_overridden"] == "handed over before the call"


@pytest.mark.parametrize("key", ["f9", "ctrl+o"])
@pytest.mark.first_mode("shelves")
async def test_a_key_on_a_parcel_back_recalled_and_since_taken_off_the_run_says_why(
    app: StationApp, station: Station, key: str
) -> None:
    """Read as recalled when it came back, then recorded not delivered at another counter: F9's and
    Ctrl+O's second read found it on the run no more and said it was back and recalled (Ctrl+O opened
    the form, whose write then refused); each says at once that it is not out on the run."""
    run = a_run_of_three(station)
    recall(station, FIRST)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        await scan_first_back(app, pilot, "is back and recalled")
        scan_back.fail(station, run.id, FIRST, reason="not_home")  # at another counter
        app.screen.query_one("#dl-status", StatusLine).update("")  # what the key says, not the scan's line
        await quiet.press(pilot, key)
        await until(pilot, lambda: "was not scanned out on run" in text_of(app, "#dl-status"))
        await quiet.settle(pilot)
        assert "recalled" not in text_of(app, "#dl-status")
        assert not isinstance(app.screen, FormDialog)


@pytest.mark.first_mode("shelves")
async def test_f9_on_a_parcel_back_recalled_is_refused_before_its_form(
    app: StationApp, station: Station
) -> None:
    """Its line says F9 is refused for it, yet F9 opened the delivered form, took the receiver, and only
    Ctrl+S was refused: typed for nothing. Read again and still recalled, F9 is refused at once and
    nothing is written; once the recall is resolved, F9 opens the form."""
    a_run_of_three(station)  # FIRST is out with the runner
    recall(station, FIRST)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        await scan_first_back(app, pilot, "is back and recalled")
        app.screen.query_one("#dl-status", StatusLine).update("")  # what F9 says, not the scan's line
        await quiet.press(pilot, "f9")
        await until(pilot, lambda: "F9 is refused for it" in text_of(app, "#dl-status"))
        assert not isinstance(app.screen, FormDialog)
        problems.resolve(station, FIRST, "sender changed their mind")
        await quiet.press(pilot, "f9")  # the recall resolved meanwhile: the form, as for any parcel back
        await until(pilot, lambda: isinstance(app.screen, FormDialog))
        await quiet.press(pilot, "escape")
    assert first_status(station) == "on_shelf" and events(station, EventKind.PICKED_UP) == []


@pytest.mark.first_mode("shelves")
async def test_ctrl_o_on_a_parcel_not_recalled_is_refused_before_any_reason(
    app: StationApp, station: Station
) -> None:
    """Asked why it was delivered though recalled, the manager's reason was then thrown away as the
    parcel was delivered as usual: refused up front, naming F9, and nothing written."""
    a_run_of_three(station)  # FIRST is out with the runner, not recalled
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        await scan_first_back(app, pilot, "is back")
        await quiet.press(pilot, "ctrl+o")
        await until(pilot, lambda: "is not recalled" in text_of(app, "#dl-status"))
        assert not isinstance(app.screen, FormDialog)
        assert "F9 records it delivered" in text_of(app, "#dl-status")
        await quiet.press(pilot, "f9")  # F9 still settles it
        await quiet.settle(pilot)
        assert isinstance(app.screen, FormDialog)
    assert first_status(station) == "on_shelf" and events(station, EventKind.PICKED_UP) == []


BACK_RECALLED = {
    "en": (
        "is back",
        "{waybill} is back and recalled: F10 puts it back on its shelf, for a return batch. F9 is refused "
        "for it; if the runner had handed it over, a manager records it with Ctrl+O.",
    ),
    "zh": (
        "已带回",
        "{waybill} 已带回，且已被拦截召回：按 F10 放回货架，等待加入退回批次。不能按 F9 记为已送达；"
        "如派送员已交付，由店长按 Ctrl+O 登记。",
    ),
}


@pytest.mark.parametrize("lang", sorted(BACK_RECALLED))
@pytest.mark.first_mode("shelves")
async def test_a_recalled_parcel_scanned_back_is_said_recalled_with_f10_and_not_f9(
    app: StationApp, station: Station, lang: str
) -> None:
    """Its line offered F9 delivered as for any parcel back, only the stop's row saying "recalled": the
    clerk pressed F9 to be refused. The line says it is recalled, where it goes, and who may record it
    delivered."""
    a_run_of_three(station)  # FIRST is out with the runner
    recall(station, FIRST)
    landed, line = BACK_RECALLED[lang]
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)  # it waits for its English words
        set_language(lang)
        await scan_first_back(app, pilot, landed)
        said = "".join(text_of(app, "#dl-status").split())  # as wrapped: compared without its breaks
        assert said == "".join(line.format(waybill=FIRST).split()), said


async def scan_first_back(app: StationApp, pilot: Any, said: str) -> None:
    """FIRST scanned back into Door delivery's field, until its line says `said`."""
    field = app.screen.query_one("#dl-scan", Input)
    field.value = FIRST
    field.focus()
    await quiet.press(pilot, "enter")
    await until(pilot, lambda: said in text_of(app, "#dl-status"))


def first_status(station: Station) -> str:
    with station.read() as session:
        return session.exec(select(Parcel.status).where(Parcel.waybill == FIRST)).one()
