"""A paste from the terminal with an escape code in it arrives as one paste: the field refuses it whole
(too long) or takes it without the code. Fed the bytes tmux sends for a bracketed paste, through the
parser the console reads its terminal with, in the reads the Linux driver makes."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Static

from station_console.tui.app import StationApp
from station_console.tui.whole_pastes import WholePasteParser
from tui import quiet
from tui.test_delivery_screen import _delivery

READ = 4096  # what the Linux driver reads from the terminal at a time


def pasted(text: str) -> str:
    """What a terminal sends for `text` pasted into a console that asked for bracketed pastes."""
    return f"\x1b[200~{text}\x1b[201~"


async def from_terminal(pilot: Any, parser: WholePasteParser, data: str) -> None:
    """`data` read from the terminal as the driver's input thread reads and hands it on."""
    driver = pilot.app._driver
    for start in range(0, len(data), READ):
        for message in parser.feed(data[start : start + READ]):
            driver.process_message(message)
    await quiet.settle(pilot)


async def runner_field(app: StationApp, pilot: Any) -> Input:
    await _delivery(app, pilot)
    await quiet.press(pilot, "f7")  # plan a run: the runner's field has the cursor
    field = app.screen.query_one("#form-runner", Input)
    assert app.focused is field
    return field


@pytest.mark.first_mode("shelves")
async def test_a_long_paste_with_an_escape_code_is_refused_whole(app: StationApp) -> None:
    """`[/]Wang`, ESC `[2J`, then 5,000 R: nothing of it in the runner's field (Textual's parser typed
    `^[2J` and 29 R into it as keys), and the form says the field's limit by its name."""
    async with app.run_test(size=(120, 40)) as pilot:
        field = await runner_field(app, pilot)
        await from_terminal(pilot, WholePasteParser(), pasted("[/]Wang\x1b[2J" + "R" * 5000))
        assert field.value == ""
        said = str(app.screen.query_one("#form-refused", Static).render())
        assert said.startswith(
            "Runner takes at most 64 characters: the paste (5007 characters) was not put in."
        )
        await quiet.press(pilot, "W", "u")  # the field still types
        assert field.value == "Wu"


@pytest.mark.first_mode("shelves")
async def test_a_short_paste_goes_in_without_its_escape_codes_and_control_characters(
    app: StationApp,
) -> None:
    """A colour code, a clear-screen, a bell and a tab in a paste: the name goes in, none of them."""
    async with app.run_test(size=(120, 40)) as pilot:
        field = await runner_field(app, pilot)
        parser = WholePasteParser()
        await from_terminal(pilot, parser, pasted("\x1b[31mWang\x1b[0m\x1b[2J\x07\tLi"))
        assert field.value == "Wang Li"
        await from_terminal(pilot, parser, "x")  # a key after the paste is a key again
        assert field.value == "Wang Lix"


def test_an_escape_inside_a_paste_split_across_reads_stays_in_the_paste() -> None:
    """The paste's brackets and an ESC in it cut between two reads of the terminal: one paste still."""
    parser = WholePasteParser()
    data = "a" + pasted("b\x1bc" + "R" * 40) + "d"
    messages: list[Any] = []
    for cut in ("a\x1b[20", "0~b\x1b", "c" + "R" * 40 + "\x1b[2", "01~d"):
        assert data.startswith(cut)
        data = data[len(cut) :]
        messages += parser.feed(cut)
    assert not data
    shown = [(type(m).__name__, getattr(m, "text", None) or getattr(m, "key", None)) for m in messages]
    assert shown == [("Key", "a"), ("Paste", "b\x1bc" + "R" * 40), ("Key", "d")]


def test_the_console_reads_its_terminal_with_the_whole_paste_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """`install` reaches the parser Textual's Linux driver makes as its input thread starts (by its
    module's name, looked up then): a Textual that made it otherwise would leave the console unmended."""
    import inspect

    from textual.drivers import linux_driver

    from station_console.tui import whole_pastes

    monkeypatch.setattr(linux_driver, "XTermParser", linux_driver.XTermParser)  # put back after the test
    whole_pastes.install()
    assert linux_driver.XTermParser is WholePasteParser
    assert "XTermParser(" in inspect.getsource(linux_driver.LinuxDriver.run_input_thread)
