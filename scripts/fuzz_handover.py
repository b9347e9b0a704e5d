"""Send-out's handover (揽收) for the console fuzzer (scripts/fuzz_console.py): each scan and close the
Handover screen acknowledged, held against the run's database at the end, as check-ins are
(fuzz_checks.py's `lost_checkins`): a send shown scanned into a batch that is not in it, a batch shown
closed that is not closed in the courier's name, and the reverse, a send the run put in a batch or a
batch it closed that the screen never showed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


class HandoverWatch:
    """What the Handover screen acknowledged in one run, and what its database holds at the end."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.scanned: dict[int, int] = {}  # send id: the batch the screen said it went into
        self.closed: dict[int, str] = {}  # batch id: the courier the screen said signed
        self.batches_before, self.in_batch_before, self.closed_before = read(database)

    def watch(self) -> Any:
        """Into the screen's answers to a scan and a close. Returns the undo."""
        from station_console.tui.screens.sendout_handover import HandoverScreen

        done_scanned, done_closed = HandoverScreen.done_scanned, HandoverScreen.done_closed

        def scanned(screen: Any, got: Any) -> None:
            self.scanned[got.row.send_id] = got.batch_id
            done_scanned(screen, got)

        def closed(screen: Any, result: Any) -> None:
            view = result[0]
            self.closed[view.batch_id] = view.courier_name or ""
            done_closed(screen, result)

        HandoverScreen.done_scanned = scanned  # type: ignore[method-assign,assignment]
        HandoverScreen.done_closed = closed  # type: ignore[method-assign,assignment]

        def undo() -> None:
            HandoverScreen.done_scanned = done_scanned  # type: ignore[method-assign]
            HandoverScreen.done_closed = done_closed  # type: ignore[method-assign]

        return undo

    def findings(self) -> list[str]:
        """Acknowledged and not written, written and not acknowledged."""
        _batches, in_batch, closed = read(self.database)
        wrong = [
            f"send {send} shown scanned into batch {batch}, in {in_batch.get(send)}"
            for send, batch in self.scanned.items()
            if in_batch.get(send) != batch
        ]
        wrong += [
            f"batch {batch} shown closed by {courier!r}, {'closed by ' + repr(closed[batch]) if batch in closed else 'open'}"
            for batch, courier in self.closed.items()
            if closed.get(batch) != courier
        ]
        wrong += [
            f"send {send} put in batch {batch} by the run, never shown scanned"
            for send, batch in in_batch.items()
            if self.in_batch_before.get(send) != batch and send not in self.scanned
        ]
        wrong += [
            f"batch {batch} closed by the run, never shown closed"
            for batch in closed
            if batch not in self.closed_before and batch not in self.closed
        ]
        return wrong

    def tally(self) -> str:
        return f"{len(self.scanned)} sends scanned, {len(self.closed)} batches closed"


def read(database: Path) -> tuple[set[int], dict[int, int], dict[int, str]]:
    """The batches, each send's batch, and each closed batch's courier, in the run's copy."""
    with sqlite3.connect(database) as db:
        batches = {bid for (bid,) in db.execute("SELECT id FROM handover_batch")}
        in_batch = dict(
            db.execute("SELECT id, handover_batch_id FROM send WHERE handover_batch_id IS NOT NULL")
        )
        closed = dict(
            db.execute("SELECT id, coalesce(courier_name, '') FROM handover_batch WHERE status = 'closed'")
        )
    return batches, in_batch, closed
