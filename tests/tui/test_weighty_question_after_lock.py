"""A question whose Yes moves money or cannot be undone takes only keys typed once it is on screen. A
lock (Ctrl+L) covers it, and the same clerk, back, finds it as left: a Y typed right behind the PIN's
Enter, held for the station to open, is typed before the question showed again and answers nothing;
the clerk's own Y once it is back still says yes. An ordinary question takes the hurried Y."""

from __future__ import annotations

import pytest

from station_console.services.core.station import Station
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import console, wang_and_li


@pytest.mark.parametrize("weighty", [True, False])
async def test_a_y_typed_behind_the_pin_does_not_answer_the_weighty_question_under_the_lock(
    new_station: Station, weighty: bool
) -> None:
    station = wang_and_li(new_station)
    app = console(station)
    answers: list[bool | None] = []
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = ConfirmDialog("Refund SF1?", "Cash back.", what="a refund", weighty=weighty)
        app.push_screen(dialog, answers.append)
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in")
        await quiet.settle(pilot)
        await quiet.press(pilot, *"Wang", "enter", *"9071")
        await quiet.burst(pilot, "enter", "y")  # the Y right behind the PIN's Enter
        await quiet.settle(pilot)
        if not weighty:
            assert answers == [True] and dialog not in app.screen_stack
            return
        assert app.screen is dialog and answers == [], (
            "a Y typed before the question showed again answered it"
        )
        said = str(dialog.query_one("#question-said").render())
        assert "typed before this question appeared were ignored" in said, said
        await quiet.press(pilot, "y")
        await quiet.settle(pilot)
        assert answers == [True]
