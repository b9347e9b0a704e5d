"""Questions whose Yes moves money or cannot be undone, for the console fuzzer (scripts/fuzz_console.py):
a refund, a storage fee, the day's close, a stocktake's close, a pickup undone, a person deactivated, a
parcel written off, a directory import, a tariff import, Overdue's return of parcels not yet due, a
return batch's close (Returns' F8) and a send-out handover's close (F10): the parcels or sends leave
with the courier, which no key undoes (`QuestionDialog.takes_keys_typed_ahead` False).
Such a question is answered only by keys typed once it was on screen: a key typed before it appeared
that reaches it anyway is a finding; and the run's database holds no such write without a Yes to its
question (a refund written with no refund answered Yes, two days closed on one Yes, a batch closed
with no Yes). Each run also tallies the questions answered, Yes or not: which of them it reached. The
handover's close is held against what its screen acknowledged as well (fuzz_handover.py)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

# A question (by its `what`, the message id a clerk's hand-over names it by): what its Yes writes, the
# parcel_event kinds of one transaction (its events share their time: one undo of three parcels is one).
WRITES = {
    "a refund": ("send_refunded",),
    "a storage fee payment": ("fee_paid", "fee_waived"),
    "the day close": ("day_closed",),
    "the stocktake's close": ("stocktake_closed",),
    "a pickup being undone": ("pickup_undone",),
    "writing off a parcel": ("written_off",),  # Problems' F9: only its Yes writes a parcel off
    "a return batch's close": ("returned",),  # each parcel of the batch, at the close's one time
    "a handover's close": ("handover_closed",),
}
DEACTIVATING = "deactivating a person"  # written on the person's row: active no more
# A whole-directory import deactivates everyone its file leaves out, as many as its question's preview
# counts, on one Yes: with one answered Yes the run's deactivations are accounted for.
IMPORTING = "a directory import"
TARIFF = "a tariff import"  # a version of a carrier's prices (send_rule), one per Yes
# Overdue's F9 on parcels not yet due: its Yes flags each parcel its question lists (a line each, before
# the blank line) recalled and puts it in the carrier's return batch, the flag's event right before the
# batch's. Returns' own recall writes the same pair once its note is answered (a dialog, not a weighty
# question): each answer accounts for one parcel.
RETURNING = "a return batch"
RECALL_NOTE = "a recall's note"
RECALLED_INTO_BATCH = """
    SELECT count(*) FROM parcel_event flag JOIN parcel_event batch
      ON batch.id = flag.id + 1 AND batch.parcel_id = flag.parcel_id AND batch.kind = 'return_batch_added'
    WHERE flag.id > ? AND flag.kind = 'problem_marked' AND json_extract(flag.details, '$.kind') = 'recalled'
"""


def listed_parcels(dialog: Any) -> int:
    """The parcels Overdue's question lists: its body's lines before the blank line."""
    return len(str(getattr(dialog, "body", "")).split("\n\n")[0].splitlines())


class WeightyWatch:
    """The weighty questions of one run: the early keys that reached them, their answers, and at the end
    the writes of the run's database that no Yes answered for."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.early: list[str] = []  # a key typed before its question appeared, given to it
        self.answered: Counter[str] = Counter()
        self.yes: Counter[str] = Counter()
        self.recalls_answered = 0  # parcels a Yes to Overdue's question or a recall's note let go back
        with sqlite3.connect(database) as db:
            self.first_event = db.execute("SELECT coalesce(max(id), 0) FROM parcel_event").fetchone()[0]
            self.active = active_people(db)
            self.first_tariff = last_tariff(db)

    def watch(self, app: Any) -> Any:
        """Into `app`'s hand-on of keys and its questions' answers. Returns the undo."""
        from textual import events

        from station_console.tui.screens.base import Dialog
        from station_console.tui.screens.question_keys import QuestionDialog

        type_ahead = app.type_ahead
        pass_on = type_ahead.pass_on

        async def given(event: Any, *args: Any, **kwargs: Any) -> None:
            top = app.screen if app.screen_stack else None
            weighty = isinstance(top, QuestionDialog) and not top.takes_keys_typed_ahead
            if weighty and isinstance(event, events.Key | events.Paste):
                shown = top._shown_at  # type: ignore[union-attr]
                if shown is None or event.time < shown:
                    key = getattr(event, "key", "a paste")
                    self.early.append(f"{key!r} typed before {top.what!r} appeared reached it")  # type: ignore[union-attr]
            await pass_on(event, *args, **kwargs)

        # Every dialog's close (Returns' recall note is a plain dialog), the base's: a subclass's own
        # `dismiss` calls it too.
        own = Dialog.__dict__["dismiss"]

        def answered(dialog: Any, result: Any = None, *args: Any, **kwargs: Any) -> Any:
            # Its closing answer (one under another screen is kept for later, and may come twice).
            said_yes = result is not None and result is not False
            if isinstance(dialog, QuestionDialog) and not dialog.takes_keys_typed_ahead and dialog.is_active:
                self.answered[dialog.what] += 1
                if said_yes:
                    self.yes[dialog.what] += 1
                    if dialog.what == RETURNING:
                        self.recalls_answered += listed_parcels(dialog)
            elif dialog.what == RECALL_NOTE and dialog.is_active and result is not None:
                self.recalls_answered += 1
            return own(dialog, result, *args, **kwargs)

        type_ahead.pass_on = given
        Dialog.dismiss = answered  # type: ignore[method-assign,assignment]

        def undo() -> None:
            type_ahead.pass_on = pass_on
            Dialog.dismiss = own  # type: ignore[method-assign]

        return undo

    def findings(self) -> list[str]:
        """The run's weighty writes beyond its Yes answers, and the early keys that reached a question."""
        wrong = list(self.early)
        with sqlite3.connect(self.database) as db:
            for what, kinds in WRITES.items():
                marks = ",".join("?" * len(kinds))
                (writes,) = db.execute(
                    f"SELECT count(DISTINCT at) FROM parcel_event WHERE id > ? AND kind IN ({marks})",  # noqa: S608
                    (self.first_event, *kinds),
                ).fetchone()
                if writes > self.yes[what]:
                    wrong.append(f"{writes} written as {'/'.join(kinds)}, {self.yes[what]} Yes to {what!r}")
            gone = len(self.active - active_people(db))
            (recalled,) = db.execute(RECALLED_INTO_BATCH, (self.first_event,)).fetchone()
            (tariffs,) = db.execute(
                "SELECT count(*) FROM send_rule WHERE kind = 'tariff' AND id > ?", (self.first_tariff,)
            ).fetchone()
        if recalled > self.recalls_answered:
            wrong.append(
                f"{recalled} parcels recalled into a return batch, {self.recalls_answered} let go by a Yes"
                f" to {RETURNING!r} or a {RECALL_NOTE!r} answered"
            )
        if tariffs > self.yes[TARIFF]:
            wrong.append(f"{tariffs} tariff versions stored, {self.yes[TARIFF]} Yes to {TARIFF!r}")
        if gone > self.yes[DEACTIVATING] and not self.yes[IMPORTING]:
            wrong.append(f"{gone} people deactivated, {self.yes[DEACTIVATING]} Yes to {DEACTIVATING!r}")
        return wrong

    def written(self) -> str:
        """What the run wrote, by parcel_event kind and transactions (`picked_up 3`): how far its flows
        went (a pickup completed, a batch closed), beside the questions it answered."""
        with sqlite3.connect(self.database) as db:
            rows = db.execute(
                "SELECT kind, count(DISTINCT at) FROM parcel_event WHERE id > ? GROUP BY kind ORDER BY kind",
                (self.first_event,),
            ).fetchall()
        return ", ".join(f"{kind} {n}" for kind, n in rows)

    def tally(self) -> str:
        """The questions answered, and how many Yes: `a refund 3 (Yes 1)`."""
        return ", ".join(f"{what} {n} (Yes {self.yes[what]})" for what, n in sorted(self.answered.items()))


def active_people(db: sqlite3.Connection) -> set[int]:
    return {pid for (pid,) in db.execute("SELECT id FROM recipient WHERE active")}


def last_tariff(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT coalesce(max(id), 0) FROM send_rule").fetchone()[0])
