"""A shared batch closes only what the clerk saw.

A carrier's open return batch and its send-out handover batch are shared by the counters: while one
clerk's screen lists the batch, another counter may put a parcel in or take one out. The courier
signs for the pile the screen listed, so the close is told what was listed (the ids, or from a command
line only how many) and refuses, changing nothing, when the batch now holds something else: the
screen reads the batch again and the clerk closes what they see.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from station_console.errors import Refused
from station_console.i18n import N_

# What the clerk was shown: the ids listed, or (`--expect N` on a command line) how many.
Seen = Collection[int] | int

ADVICE = N_("Nothing was closed: check the list and close again.")


def refuse_unless_seen(seen: Seen | None, now: Mapping[int, str], *, batch_id: int, batch: str) -> None:
    """Refused (`batch_changed`) unless the batch holds `now` (its ids, each with its waybill) what was
    `seen`; `None`: not checked (a caller that listed nothing, as `returns close` without `--expect`).
    The refusal carries the batch as it is now (`batch`: its number), for a script to show."""
    if seen is None:
        return
    listed = seen if isinstance(seen, int) else len(set(seen))
    if listed != len(set(now)):
        raise _held(
            now,
            batch_id,
            batch,
            Refused(
                N_("{batch} now holds {count} parcels, not the {listed} listed: another counter changed it."),
                one="{batch} now holds {count} parcel, not the {listed} listed: another counter changed it.",
                code="batch_changed",
                advice=ADVICE,
                batch=batch,
                count=len(set(now)),
                listed=listed,
            ),
        )
    if not isinstance(seen, int) and set(seen) != set(now):
        raise _held(
            now,
            batch_id,
            batch,
            Refused(
                N_("{batch} now holds {count} parcels, but not the ones listed: another counter changed it."),
                one="{batch} now holds {count} parcel, but not the one listed: another counter changed it.",
                code="batch_changed",
                advice=ADVICE,
                batch=batch,
                count=listed,
            ),
        )


def _held(now: Mapping[int, str], batch_id: int, number: str, refusal: Refused) -> Refused:
    """`refusal` with what the batch holds now, as `--json` gives it: a script shows it without asking."""
    held = [{"id": i, "waybill": waybill} for i, waybill in sorted(now.items())]
    refusal.data = {"batch": {"id": batch_id, "number": number, "count": len(held), "parcels": held}}
    return refusal
