"""The Textual side of the print queue: drain this counter's jobs in a thread, show the printer state.

`PrintWorker(app)` builds the counter's printers from `app.counter_settings` and, every `interval`
seconds (and whenever `kick()` is called, e.g. right after a check-in), runs one
`services.printing.sending.process_queue` pass per printer in a thread worker. The thread never touches
Textual objects: it hands its outcome to the app's message queue, where the header state is set
(`app.set_device_state("printer", state)`) and a `PrintWorker.Drained` message goes to the active screen.
Check-in never waits for any of this.

The header says what each printer's last send found (a pass that sends a printer nothing says nothing
of it): a failure while the last send to a printer failed, else ready; not tried yet while no printer
was sent anything since the start (or since the printers were saved): nothing says it works. Several
printers read how many are in each state, those not known to work first ('1 offline, 1 ready'). A pass the database refused
(another program holds it) sent nothing, so it says nothing of the printers either. The toast telling the failure
goes when the state it told is over: a refusal the printer has printed past is no news (a job it set
aside stays listed, with its reason, in the print queue).

Usage (App): `self.print_worker = PrintWorker(self); self.print_worker.start()` in `on_mount`,
`self.print_worker.stop()` in `on_unmount`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.app import App
from textual.message import Message

from station_console.errors import StationError
from station_console.i18n import N_, _, _n, listed, shown
from station_console.safe_text import visible
from station_console.services.printing.printer_faults import printer_of
from station_console.services.printing.printers import counter_printers, unassigned_kinds
from station_console.services.printing.sending import PRINTER_STATES, process_queue
from station_console.tui.periodic import PeriodicWorker
from station_console.tui.widgets.header import Summary, state_kind

log = logging.getLogger(__name__)

# The header's word for printers sent nothing yet, not the queue pass's "untried" ("nothing was sent to
# it" said of one pass): here it says the printer is not known to work.
NOT_TRIED = N_("not tried yet")
# A printer whose settings build no printer: the others print, its own jobs wait for the fix.
SET_UP_WRONG = "set_up_wrong"


# The kinds of state, in the order several printers' states are said and the worst colours the whole.
SUMMARY_ORDER = ("fault", "unknown", "fine")


def _said(state: str) -> str:
    """A printer's state (`ready` or a `PrinterError` code) as the header's msgid."""
    return NOT_TRIED if state == "untried" else PRINTER_STATES.get(state, N_("error"))


def set_aside_text(n: int) -> str:
    """What the clerk is told when the printer refused jobs and printed the ones after them."""
    return _n(
        "The printer refused {n} print job and printed the ones after it. Settings > Printers > "
        "Print queue (F10) shows why; retry or cancel it there.",
        "The printer refused {n} print jobs and printed the ones after them. Settings > Printers > "
        "Print queue (F10) shows why; retry or cancel them there.",
        n,
        n=n,
    )


def interrupted_text(n: int) -> str:
    """What the clerk is told of labels a console stopped mid-send (a crash, a power cut) left unsure."""
    return _n(
        "{n} print job was being sent when the console stopped: check whether it printed. Settings > "
        "Printers > Print queue (F10) reprints it.",
        "{n} print jobs were being sent when the console stopped: check whether they printed. Settings > "
        "Printers > Print queue (F10) reprints them.",
        n,
        n=n,
    )


class PrintWorker(PeriodicWorker):
    @dataclass
    class Drained(Message):
        """One pass over the queue: how many jobs printed and failed, and the printer state after it."""

        printed: int
        failed: int
        state: str
        error: str | None
        set_aside: int = 0  # jobs the printer refused while it printed the ones after them

    NAME, GROUP = "print-queue", "printer"
    INTERVAL = 2.0

    def __init__(
        self, app: App[Any], *, interval: float | None = None, printers: list[Any] | None = None
    ) -> None:
        super().__init__(app, interval=interval)
        self.printers = printers
        self.state = "none"
        # Each printer's state as its last send found it ("ready" or a `PrinterError` code), with what
        # it said; a printer sent nothing yet is not in it.
        self._found: dict[str, tuple[str, str | None]] = {}
        self._problem: str | None = None  # the toast telling the state's failure, while it holds
        # Printers whose settings are wrong, by name, with what is wrong: never sent anything, each
        # said as set up wrong while the others print.
        self._faults: dict[str, str] = {}
        # Which start a setup answers for: a save started again while the last one still built its
        # printers (two saves in a row) must not have the older printers arrive last and stay.
        self._setup = 0

    def start(self) -> None:
        self._stop.clear()
        self._setup += 1
        if self.printers is None:
            # Building printers imports the renderers (Pillow, fpdf2, escpos): off the UI thread, so
            # the console is up before they load. A group of its own: nothing of the queue's passes
            # touches it.
            self.app.run_worker(
                partial(self._configure, self._setup),
                name="print-setup",
                group="print-setup",
                thread=True,
                exit_on_error=False,
            )
            return
        self._begin()

    def _begin(self) -> None:
        if not self.printers:
            self._show(0, 0, {}, None if self._faults else ("none", None))
            return
        self._every_interval()
        self.kick()

    def _configured(
        self,
        setup: int,
        printers: list[Any] | None,
        error: str | None = None,
        faults: dict[str, str] | None = None,
    ) -> None:
        if self._stop.is_set() or setup != self._setup:
            return  # stopped, or started again since: a newer setup answers
        if printers is None:
            self._show(0, 0, {}, ("error", error))
            return
        self.printers = printers
        self._faults = faults or {}
        self._found = {}  # these printers have not failed a send yet
        self._begin()

    def _can_run(self) -> bool:
        return bool(self.printers)

    # -- worker thread --------------------------------------------------------------------------

    def _configure(self, setup: int) -> None:
        try:
            counter = counter_printers(self.app.counter_settings)  # type: ignore[attr-defined]
        except StationError as exc:
            self._post(self._configured, setup, None, exc.message())
            return
        # Each wrong one by its whole name (two alike in their first 40 characters are two), with
        # what is wrong and where to fix it.
        faults = {printer_of(f): f.message() for f in counter.faults}
        self._post(self._configured, setup, counter.printers, None, faults)

    def _drain(self) -> None:
        # The send-out flow draws its own jobs; loading it registers that renderer with the queue.
        import station_console.services.sendout.drawing  # noqa: F401

        station = self.app.station  # type: ignore[attr-defined]
        setup = self._setup  # read before the printers: a save after it makes what this pass found old
        printed = failed = aside = interrupted = 0
        found: dict[str, tuple[str, str | None]] = {}  # what this pass's sends found, by printer
        whole: tuple[str, str | None] | None = None  # the pass itself failed, not a printer
        try:
            printers = self.printers or []
            takes = unassigned_kinds(printers)
            for printer in printers:
                if not self.should_continue():
                    break
                result = process_queue(
                    station, printer, unassigned=takes[printer.name], should_continue=self.should_continue
                )
                printed, failed = printed + len(result.printed), failed + len(result.failed)
                aside += len(result.set_aside)
                interrupted += len(result.interrupted)
                if result.printer_state == "untried":
                    continue  # nothing sent, or only set-aside jobs refused again: nothing new of it
                # The printer's own Message, in the console's language (the name is the manager's, data).
                error = None
                if result.error is not None:
                    error = _("{printer}: {reason}", printer=printer.name, reason=shown(result.error))
                found[printer.name] = (result.printer_state, error)
        except StationError:
            # The database refused the pass (busy, or gone): the jobs stay queued for the next tick.
            # No fault of a printer's: each keeps what its last send found (told in `found` so far).
            pass
        except Exception as exc:  # a bug must not kill the console; it is logged, the queue keeps its jobs
            log.exception("print queue pass failed")
            whole = ("error", str(exc))
        self._post(self._show, printed, failed, found, whole, aside, setup, interrupted)

    def _in_hand(self) -> str:
        return _("a print job being sent to the printer")

    # -- UI thread ------------------------------------------------------------------------------

    def _show(
        self,
        printed: int,
        failed: int,
        found: dict[str, tuple[str, str | None]],
        whole: tuple[str, str | None] | None = None,
        aside: int = 0,
        setup: int | None = None,
        interrupted: int = 0,
    ) -> None:
        """After a pass: `found`, what its sends found of each printer; `whole`, the state and error when
        the pass as a whole said (no printer, or the pass failed): for this pass only. A pass begun
        before the printers were saved again (`setup`) found nothing of the printers saved since."""
        if setup is None or setup == self._setup:
            self._found.update(found)
        known = {**self._found, **{name: (SET_UP_WRONG, fault) for name, fault in self._faults.items()}}
        failing = ((state, error) for state, error in known.values() if state != "ready")
        state, error = whole or next(failing, ("ready", None) if known else ("untried", None))
        if state != self.state:
            self._told(error, state)
        self.state = state
        said = _said(state)
        if whole is None and len(self._names()) > 1:
            said = self._each_printer()
        self.app.set_device_state("printer", said)  # type: ignore[attr-defined]
        self.app.screen.post_message(PrintWorker.Drained(printed, failed, state, error, aside))
        if aside:
            self.app.notify(set_aside_text(aside), severity="warning", timeout=15)
        if interrupted:  # marked so once, by this pass: told once
            self.app.notify(interrupted_text(interrupted), severity="warning", timeout=30)

    def _each_printer(self) -> Summary:
        """Several printers in the header: how many are in each state, a failure first (a narrow header
        cuts its end), then those not tried yet, then the ready ones ('1 offline, 1 ready')."""
        states = [
            SET_UP_WRONG if name in self._faults else self._found.get(name, ("untried", None))[0]
            for name in self._names()
        ]
        kinds = {state: state_kind(_said(state)) for state in states}
        order = sorted(dict.fromkeys(states), key=lambda state: SUMMARY_ORDER.index(kinds[state]))
        text = listed(_("{n} {state}", n=states.count(state), state=_(_said(state))) for state in order)
        return Summary(text, next((k for k in SUMMARY_ORDER if k in kinds.values()), "fine"))

    def _names(self) -> list[str]:
        """Every printer of the counter: those that print, then those set up wrong."""
        return [printer.name for printer in self.printers or []] + list(self._faults)

    def _told(self, error: str | None, state: str = "") -> None:
        """The printer's state changed: the toast about the last one goes, and a failure is told."""
        if self._problem is not None:
            withdraw_toast(self.app, self._problem)
        self._problem = None
        if error and state == SET_UP_WRONG:
            self._problem = _("Printer problem: {error} The jobs for it wait in the queue.", error=error)
            self.app.notify(self._problem, severity="warning", timeout=10)
        elif error:
            self._problem = _("Printer problem: {error}. Print jobs wait in the queue.", error=error)
            self.app.notify(self._problem, severity="warning", timeout=10)


def withdraw_toast(app: App[Any], message: str) -> None:
    """Take down the toasts showing `message` (as `notify` shows it) before their time is up."""
    for toast in [t for t in app._notifications if t.message == visible(message)]:
        app._unnotify(toast)
    withdraw_held = getattr(app, "withdraw_held_toast", None)  # the console's; a test's host has none
    if withdraw_held is not None:
        withdraw_held(message)
