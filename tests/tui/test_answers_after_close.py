"""A service's answer that arrives as its screen is being closed (Esc, or a lock handed to another
clerk) is dropped: nothing is written into the closing screen, and its worker ends without an error."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Input, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from station_console.tui.app import StationApp
from station_console.tui.screens import printers
from station_console.tui.screens.settings import SettingsScreen
from tui import quiet


class HeldTeardown(Widget):
    """Mounted into a screen about to close: its unmount waits until `gone` holds (another part of
    the screen removed), then lets the held service answer and waits until the worker has answered,
    so the answer lands while the screen is half torn down, as it can when the thread is late."""

    def __init__(self, gone: Any, answer: threading.Event, answered: Any) -> None:
        super().__init__()
        self.gone, self.answer, self.answered = gone, answer, answered

    async def on_unmount(self) -> None:
        await quiet.until(None, self.gone, what="the other part removed")  # it polls: no pilot needed
        self.answer.set()
        await quiet.until(None, self.answered, what="the worker answered")


@pytest.mark.first_mode("settings")
async def test_the_qr_hint_answering_as_printers_closes_writes_nothing_and_fails_no_worker(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked, answer = threading.Event(), threading.Event()
    real = printers.qr_carriers
    workers: list[Worker[Any]] = []

    def held(*args: Any) -> list[str]:
        workers.append(get_current_worker())
        asked.set()
        assert answer.wait(quiet.TIMEOUT)
        return real(*args)  # type: ignore[no-any-return]

    monkeypatch.setattr(printers, "qr_carriers", held)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f8")
        screen = app.screen
        assert isinstance(screen, printers.PrintersScreen)
        status = screen.query_one("#printer-status", Static)
        screen.query_one("#p-name", Input).value = "small"
        screen.query_one("#p-transport", Select).value = "dummy"
        screen.save_printer()
        await quiet.until(pilot, asked.is_set, what="the QR question asked")
        (worker,) = workers
        await quiet.until(pilot, lambda: "saved" in str(status.render()), what="the save said")
        assert str(status.render()) == "Printer small saved."

        def status_gone() -> bool:
            return not screen.query("#printer-status")

        await screen.mount(HeldTeardown(status_gone, answer, lambda: worker.is_finished))
        await quiet.press(pilot, "escape")  # saved: nothing to ask, the screen closes
        await quiet.until(pilot, lambda: not screen.is_attached, what="Printers closed")
        await quiet.settle(pilot)
        assert worker.state != WorkerState.ERROR, worker.error
        assert app._exception is None
        assert "QR" not in str(status.render())  # the hint went nowhere
        assert isinstance(app.screen, SettingsScreen)
        await quiet.press(pilot, "ctrl+q")
    assert app.return_code == 0
