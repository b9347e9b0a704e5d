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

        # What else the screen gives its handlers is passed on as given: a keyword it adds breaks no run.
        def scanned(screen: Any, got: Any, *args: Any, **kwargs: Any) -> None:
            self.scanned[got.row.send_id] = got.batch_id
            done_scanned(screen, got, *args, **kwargs)

        def closed(screen: Any, result: Any, *args: Any, **kwargs: Any) -> None:
            view = result[0]
            self.closed[view.batch_id] = view.courier_name or ""
            done_closed(screen, result, *args, **kwargs)

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


# The newest sends the handover mostly leaves alone: Send-out's refund (F7) offers the newest send still
# at the counter, and the handover had scanned and closed every one before a run refunded any.
KEPT_FOR_REFUNDS = 2
KEPT_CHANCE = 0.9

# The courier's name as typed at the counter: plain, Chinese, markup (data), none (the close asks).
COURIERS = ["Wang", "王师傅", "[/magenta]Li", ""]


def waiting_waybills(database: Path | None) -> list[str]:
    """The waybills of the sends accepted and not yet handed over, oldest first, in the run's copy."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        return [
            w
            for (w,) in db.execute(
                "SELECT waybill FROM send WHERE status = 'accepted' AND waybill IS NOT NULL ORDER BY id"
            )
        ]


def handover_moves(rng: Any, app: Any, database: Path | None) -> list[str]:
    """On Send-out's Handover (F12): the carrier chosen, the courier's name typed and Enter, its sends
    scanned (a wrong or repeated one now and then; before the name now and then), the name typed again
    now and then, F10's close and its Yes/No; or Esc back to Send-out. Each with a random gap
    (fuzz_focus.py's `gap`) so an answer lands before, during or after the next key."""
    from fuzz_checkin import person, scan
    from fuzz_focus import answer, gap  # here: fuzz_focus imports this module

    screen = app.screen
    if type(screen).__name__ == "ConfirmDialog":  # F10's question, naming the batch: read, then answered
        return answer(rng, ["y"])
    focused = getattr(app.focused, "id", None)
    if getattr(screen, "view", None) is None:  # no carrier yet: the list opened, one chosen
        to_carrier = [] if focused == "ho-carrier" else ["shift+tab", "|"] * 2
        return [*to_carrier, "enter", "|", *rng.choice([["enter"], ["down", "enter"], ["escape"]]), "|"]
    roll = rng.random()
    waybills = waiting_waybills(database)
    named = bool(screen.query_one("#ho-courier").value.strip())
    # The carrier chosen puts the focus on the courier's name: typed, Enter on to the scans. Scans only
    # in the scan field, the name only ever typed right before F10: few runs scanned a send into a batch.
    if focused == "ho-courier" and not named and roll < 0.6:
        return [*person(rng, rng.choice(COURIERS[:3])), "enter", *gap(rng)]
    if roll < 0.55 and focused in ("ho-scan", "ho-courier"):  # the courier may scan before the name
        kept = rng.random() < KEPT_CHANCE and len(waybills) > KEPT_FOR_REFUNDS
        theirs = waybills[:-KEPT_FOR_REFUNDS] if kept else waybills
        pool = theirs * 3 + ["SF1234567890124", "ZZ"]  # theirs, mostly; another, a fragment
        picked = [rng.choice(pool) for _ in range(rng.randint(1, 3))]
        return [key for waybill in picked for key in [*scan(waybill), *gap(rng)]]
    if roll < 0.8:  # the courier's name, then the close
        to_name = (
            [] if focused == "ho-courier" else ["shift+tab", "|"] if focused == "ho-scan" else ["tab", "|"]
        )
        name = rng.choice(COURIERS)
        typed = [*person(rng, name)] if name else []
        # F10 asks Yes/No once a send is scanned: a Y right behind it (typed before the question was up,
        # it answers nothing), a Y read first and an Esc right behind it (the close's answer waits), or
        # the question left to the next draw.
        behind = rng.choice([[], ["|"], ["escape"], answer(rng, ["y"]), ["|", "y", *gap(rng), "escape"]])
        return [*to_name, "ctrl+u", *typed, *gap(rng), "f10", *gap(rng), *behind]
    if roll < 0.9:
        return ["tab", "|"]
    return ["escape", *gap(rng)]
