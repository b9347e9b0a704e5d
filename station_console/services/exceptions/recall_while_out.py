"""A parcel out with a door delivery runner cannot go into a return batch, recalled or not: it is not on
the shelf. A recall heard of meanwhile is recorded as its problem instead (problems.mark_in_session
takes `recalled` for a parcel out), so door delivery refuses its delivery and it comes back; the batch
takes it once it is. The refusal of `returns add --recalled` says so, and that nothing was recorded: a
clerk told only "out for delivery" believed the recall noted, or did not know how to note it."""

from __future__ import annotations

from db.models import Parcel, ParcelStatus
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.paper_numbers import run_number
from station_console.services.core.recalls import is_recalled

OUT = N_(
    "{waybill} is out for delivery on run {run}. Nothing was recorded: it is not in the batch, nor flagged recalled."
)
FLAG_IT = N_(
    "To flag it recalled while it is out, record its problem as recalled (Problems: F4, then F11; or "
    "station problem with --kind recalled and a note): door delivery then refuses to deliver it, and once "
    "it is back it goes in a return batch."
)
FLAGGED = N_("{waybill} is out for delivery on run {run}. Nothing was recorded: it is not in the batch.")
WAIT_FOR_IT = N_(
    "It is flagged recalled already: door delivery refuses to deliver it. Add it to a return batch once "
    "it is back."
)


def refuse_recall_while_out(parcel: Parcel) -> None:
    """Refuse a recall into a batch of a parcel a runner has out, saying how to flag it meanwhile (or that
    it is flagged already)."""
    if parcel.status != ParcelStatus.ON_SHELF or parcel.delivery_run_id is None:
        return
    flagged = is_recalled(parcel.problem_kind)
    raise Refused(
        FLAGGED if flagged else OUT,
        code="out_for_delivery",
        advice=WAIT_FOR_IT if flagged else FLAG_IT,
        waybill=parcel.waybill,
        run=run_number(parcel.delivery_run_id),
    )
