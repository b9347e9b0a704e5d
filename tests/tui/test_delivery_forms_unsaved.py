"""Door delivery's forms keep what was typed as the person form does: Esc with a runner's name, a
receiver or a note typed (after a refusal, when the clerk is most likely to give up) asks first."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.door_run import FIRST, a_run_of_three, open_delivery
from tui.recipients_driver import text_of, until


def _said(app: StationApp) -> str:
    return " ".join(str(w.render()) for w in app.screen.query("Static"))


@pytest.mark.first_mode("shelves")
async def test_esc_on_the_refused_plan_form_asks_before_dropping_the_runners_name(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-runner", Input).value = "小刘"
        await quiet.press(pilot, "ctrl+s")  # nothing asked at the door: refused in the form
        await until(
            pilot,
            lambda: form.query_one("#form-refused").has_class("-shown") and "One moment" not in _said(app),
        )
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert isinstance(app.screen, LeaveUnsaved)  # asked, the name kept
        await quiet.press(pilot, "escape")  # stay
        await quiet.settle(pilot)
        assert app.screen is form and form.query_one("#form-runner", Input).value == "小刘"
        await quiet.press(pilot, "escape", "ctrl+d")  # discard: closed, nothing planned
        await until(pilot, lambda: not isinstance(app.screen, FormDialog | LeaveUnsaved))
    assert runs.list_runs(station) == []


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize(
    ("key", "field", "typed"), [("f9", "received_by", "王五"), ("f10", "note", "gate shut")]
)
async def test_esc_on_a_typed_outcome_form_asks_first(
    app: StationApp, station: Station, key: str, field: str, typed: str
) -> None:
    a_run_of_three(station)  # FIRST is out with the runner
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        scan = app.screen.query_one("#dl-scan", Input)
        scan.value = FIRST
        scan.focus()
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "is back" in text_of(app, "#dl-status"))
        await quiet.press(pilot, key)
        await quiet.settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one(f"#form-{field}", Input).value = typed
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert isinstance(app.screen, LeaveUnsaved)
