"""A background pass kicked while another runs: the kick's work is not left for the next interval; a
pass stopped before its thread began leaves the next kicks working."""

from __future__ import annotations

import threading

from textual.app import App

from station_console.tui.periodic import PeriodicWorker
from tui.quiet import TIMEOUT, until


class Passes(PeriodicWorker):
    NAME = GROUP = "test-passes"
    INTERVAL = 3600.0

    def __init__(self, app: App[None]) -> None:
        super().__init__(app)
        self.reading = threading.Event()  # the first pass has read its queue
        self.go_on = threading.Event()
        self.passes = 0

    def start(self) -> None:
        self._stop.clear()

    def _drain(self) -> None:
        self.passes += 1
        if self.passes == 1:
            self.reading.set()
            assert self.go_on.wait(TIMEOUT)


async def test_a_kick_while_a_pass_runs_gets_a_pass_of_its_own() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        worker = Passes(app)
        worker.kick()
        await until(pilot, worker.reading.is_set, what="the first pass read what was waiting")
        worker.kick()  # new work was committed after that read
        worker.kick()  # kicks while it runs ask for one more pass, not one each
        worker.go_on.set()
        await until(pilot, lambda: worker.passes == 2, what="a second pass for the kicks")
        await until(pilot, lambda: worker.worker is not None and worker.worker.is_finished)
        assert worker.passes == 2
        worker.kick()  # idle again: a kick starts a pass at once
        await until(pilot, lambda: worker.passes == 3, what="a pass for a kick when idle")
        worker.stop()


async def test_a_stop_and_start_before_a_kicked_pass_began_loses_no_kick() -> None:
    """The printers' save stops and starts the print worker: a pass kicked just before (a check-in's
    label), its thread not yet begun, must not leave the worker taken for busy, every later kick only
    asking that pass, which never comes, for one more."""
    app: App[None] = App()
    async with app.run_test() as pilot:
        worker = Passes(app)
        worker.go_on.set()
        worker.kick()  # all on the UI thread: the pass's worker cannot have begun before the stop
        worker.stop()
        worker.start()
        worker.kick()
        await until(pilot, lambda: worker.passes >= 1, what="a pass for the kicks around the restart")
        await until(pilot, lambda: worker.worker is not None and worker.worker.is_finished)
        done = worker.passes
        worker.kick()
        await until(pilot, lambda: worker.passes == done + 1, what="a pass for a later kick")
        worker.stop()


class Breaks(Passes):
    def _drain(self) -> None:
        self.passes += 1
        if self.passes == 1:
            raise RuntimeError("a bug outside the pass's own error handling")


async def test_a_pass_that_breaks_is_logged_and_the_next_kick_runs(caplog: object) -> None:
    """Textual keeps a thread worker's error to itself (exit_on_error=False): the pass logs it, and the
    worker is free for the next kick."""
    import logging

    app: App[None] = App()
    async with app.run_test() as pilot:
        worker = Breaks(app)
        with caplog.at_level(logging.ERROR, logger="station_console.tui.periodic"):  # type: ignore[attr-defined]
            worker.kick()
            await until(pilot, lambda: worker.worker is not None and worker.worker.is_finished)
        assert "test-passes pass failed" in caplog.text  # type: ignore[attr-defined]
        worker.kick()
        await until(pilot, lambda: worker.passes == 2, what="the next kick's pass")
        worker.stop()
