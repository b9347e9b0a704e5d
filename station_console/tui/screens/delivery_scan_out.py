"""Door delivery's scan-out: a parcel on the run's sheet goes out to the runner, one already out is back
(F9 or F10 settles it, `delivery_forms`), one that owes a storage fee asks how it is paid (the Pickup
counter's dialog) before it goes out again. Each answer is stamped with the run it was scanned on, and
said for that run if the clerk chose another before it landed.

A mixin of `DeliveryScreen` (its `station`, `say`, `answer`, `reload`, the parcels scanned back by
clerk): named methods, as a plain mixin has no decorated-handler table of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station_console.errors import StationError
from station_console.i18n import _, _n, listed, sentences
from station_console.safe_text import cut
from station_console.services.core.paper_numbers import run_number
from station_console.services.delivery import recalled as recall_rules
from station_console.services.delivery import runs
from station_console.services.fees.ledger import PAY_METHODS, Settlement
from station_console.tui.parcel_names import parcel_named
from station_console.tui.screens.base import open_over
from station_console.tui.screens.calls_clerks import clerk_now
from station_console.tui.screens.pickup_fees import (
    FeeDialog,
    ReceiptNews,
    account_holder,
    fee_found_under_a_question,
    receipt_news,
    receipt_said,
)


@dataclass(frozen=True)
class FeeDue:
    """A scan-out refused for a storage fee due: what to ask the clerk before scanning it out again."""

    run_id: int
    raw: str
    owed: runs.FeeOwed


@dataclass(frozen=True)
class Back:
    """A scan of a parcel already out with the runner: it came back, F9 or F10 settles it (F10 alone,
    or a manager's Ctrl+O, when it is `recalled`)."""

    waybill: str
    recalled: bool = False


@dataclass(frozen=True)
class ScanAnswer:
    """A scan-out's outcome (a stop out, `Back` or `FeeDue`), stamped with the run it was scanned on:
    the clerk may choose another run before it lands (its call is stamped with the form turn)."""

    run_id: int
    outcome: Any
    receipt: ReceiptNews | None = None  # a fee paid: its receipt printing, or why it waits (pickup_fees)


class DeliveryScanOut:
    def _send_out(self, run_id: int, raw: str, fee: Settlement | None) -> None:
        """A write, never dropped: its answer says what it did on run `run_id`, whichever run is shown.
        Not `write`: a second scan while the first is on its way is sent, each answer stamped its own.
        Keys typed behind its Enter wait for the answer (`holds_keys`): one that finds a fee due opens
        the fee dialog, which they answer, rather than staying in the scan field under it."""
        screen: Any = self
        counter = screen.app.counter_settings
        paid = fee is not None and fee.method in PAY_METHODS

        def out() -> ScanAnswer:
            outcome = self._scan_out(run_id, raw, fee)
            return ScanAnswer(run_id, outcome, receipt_news(counter) if paid else None)

        screen.call("out", out, stamped=True, holds_keys=True)

    def _scan_out(self, run_id: int, raw: str, fee: Settlement | None) -> Any:
        """On the worker: scan out (a waybill or a pickup code, as the service reads it); a storage fee
        due comes back as `FeeDue`, for the dialog, and a parcel already out as `Back`."""
        screen: Any = self
        try:
            return runs.scan_out(screen.station, run_id, raw, fee=fee)
        except StationError as exc:
            if exc.code == "already_out":  # read whether it is recalled, for the line that says it is back
                waybill = str(exc.params["waybill"])
                return Back(waybill, recall_rules.recalled_out(screen.station, run_id, waybill))
            if exc.code != "fee_due" or fee is not None:
                raise
            return FeeDue(run_id, raw, runs.fee_due(screen.station, run_id, raw))

    def done_out(self, answer: ScanAnswer) -> None:
        screen: Any = self
        stop, number = answer.outcome, run_number(answer.run_id)
        if screen.sent_for_another_form("out"):
            self._out_on_run_left(stop, number)
            return
        if isinstance(stop, Back):
            asker = screen.asked_by()
            # The clerk's who scanned it, not the next one's.
            screen.backs[asker] = (answer.run_id, stop)
            if screen.asked_by_clerk_now():
                self.say_back(stop)
            else:
                screen.backs_untold.add(asker)
            return
        if isinstance(stop, FeeDue):
            if not screen.asked_by_clerk_now():  # nothing scanned out; the next clerk settles no fee unasked
                asker = screen.asked_by()
                if asker is not None:
                    screen.not_taken.setdefault(asker, []).append(cut(stop.raw, 40))
                return
            due = stop
            if (
                not screen.is_active and screen in screen.app.screen_stack
            ):  # under another scan's fee question
                screen.say(fee_found_under_a_question(screen.app, stop.raw), error=True)
                if isinstance(screen.app.screen, FeeDialog):  # named again as it closes (`settled`)
                    screen.fees_unasked.append(cut(stop.raw, 40))
                return
            owed = due.owed
            asker = screen.asked_by()

            def settled(fee: Settlement | None) -> None:
                unasked, screen.fees_unasked = screen.fees_unasked, []
                if fee is None and asker is not None and clerk_now(screen.app) != asker:
                    # Closed by another clerk's sign-in: the scans are the asker's, said once back.
                    screen.fees_left.setdefault(asker, []).extend(
                        [cut(owed.waybill or due.raw, 40), *unasked]
                    )
                    return
                if fee is not None:  # its answer comes below the refusal still naming those unasked
                    self._send_out(due.run_id, due.raw, fee)
                    return
                said = [
                    _(
                        "Not scanned out: the storage fee of {scan} is not settled.",
                        scan=cut(owed.waybill or due.raw, 40),
                    )
                ]
                if unasked:  # the line said them; Esc's line alone left the clerk taking them as out
                    said.append(
                        _n(
                            "Nor {scans}: it owes a storage fee too, found while that question was open. "
                            "Scan it again.",
                            "Nor {scans}: they owe storage fees too, found while that question was open. "
                            "Scan them again.",
                            len(unasked),
                            scans=listed(unasked),
                        )
                    )
                screen.say(sentences(*said), error=bool(unasked), warn=not unasked)

            named = [parcel_named(owed.pickup_code, owed.carrier_name, owed.waybill)] if owed.waybill else []
            dialog = FeeDialog(
                owed.cents,
                owed.since,
                screen.station.settings(),
                account=account_holder([owed]),
                parcels=named,
            )
            if not open_over(screen, dialog, settled):
                settled(None)  # the clerk left the runs before the fee came: not scanned out, said so
            return
        screen.answer(
            sentences(
                _(
                    "{code} {address} {name}: out with the runner.",
                    code=stop.pickup_code,
                    address=stop.address,
                    name=stop.name,
                ),
                *receipt_said(answer.receipt),
            ),
            ok=True,
        )
        screen.reload()

    def say_back(self, back: Back, *, refused: bool = False) -> None:
        """What the clerk is told of a parcel back; `refused`: F9 was pressed for a recalled one."""
        screen: Any = self
        waybill = back.waybill
        if back.recalled:  # F9 would be refused: said before the clerk tries it
            line = _(
                "{waybill} is back and recalled: F10 puts it back on its shelf, for a return batch. F9 "
                "is refused for it; if the runner had handed it over, a manager records it with Ctrl+O.",
                waybill=waybill,
            )
            if refused:
                screen.say(line, error=True)
            else:
                screen.answer(line, warn=True)
            return
        screen.answer(
            _("{waybill} is back: F9 delivered (who received it), F10 not delivered (why).", waybill=waybill),
            warn=True,
        )

    def _out_on_run_left(self, stop: Any, number: str) -> None:
        """A scan-out's answer for the run the clerk left before it landed: said for that run, and
        nothing of it armed on the run shown now (F9 / F10 settle the parcel on its own run)."""
        screen: Any = self
        if isinstance(stop, Back):
            screen.answer(
                _(
                    "{waybill} came back from run {run}: choose that run and scan it again to settle it.",
                    waybill=stop.waybill,
                    run=number,
                ),
                warn=True,
            )
        elif isinstance(stop, FeeDue):  # nothing scanned out; asked on its own run, scanned again
            screen.answer(
                _(
                    "Not scanned out: {scan} owes a storage fee, and another run was chosen before it was "
                    "asked. Choose run {run} and scan it again.",
                    scan=cut(stop.raw, 40),
                    run=number,
                ),
                warn=True,
            )
        else:
            screen.answer(
                _(
                    "{code} {address} {name}: out with the runner of run {run}.",
                    code=stop.pickup_code,
                    address=stop.address,
                    name=stop.name,
                    run=number,
                ),
                ok=True,
            )
            screen.reload()
