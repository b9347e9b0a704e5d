"""A recalled parcel (拦截件) and door delivery: its carrier or sender asked for it back, so it goes back,
not to a door, as it does not go to the customer at the counter (pickup/recalled.py).

Refused at the first step that would send it: a request (`request`), and a run's plan leaves it out
(it waits, marked, until the recall is resolved on the Problems screen). A recall that came after the
plan is caught at the scan-out: its item stays on the run as planned, marked recalled on the screen and
the sheet, and the close cancels it. One recalled while out with the runner is brought back: its
delivery is refused, and it is scanned back as not delivered, without the recipient's "we could not
deliver" message (it would send them to the counter for a parcel that is not theirs to take). When
the runner had in fact handed it over before hearing of the recall, a manager records it delivered with
a reason (`scan_back.deliver(..., recall_reason=...)`): the pickup event keeps it, as a pickup's override does.
An override asked for a parcel that is not recalled is refused (`not_recalled`): delivered as usual, its
reason was thrown away, and the manager believed it kept.
"""

from __future__ import annotations

from sqlmodel import select

from db.models import Parcel
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.free_text import REASON, NoteRule, says_something
from station_console.services.core.paper_numbers import run_number
from station_console.services.core.recalls import day_of, is_recalled
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station

# Why a manager records a recalled parcel delivered: as a pickup's override reason reads.
RECALL_REASON = NoteRule(REASON.label, REASON.limit, required=False)
RESOLVE = N_("If the recall was called off, resolve it on the Problems screen first.")


def check_request(station: Station, parcel: Parcel) -> None:
    """No door delivery is asked for a recalled parcel."""
    if is_recalled(parcel.problem_kind):
        raise Refused(
            N_(
                "{waybill} was recalled by its carrier or sender on {date}: it goes back, not to a door. "
                "No delivery was requested."
            ),
            code="recalled",
            advice=RESOLVE,
            waybill=parcel.waybill,
            date=day_of(station, parcel.problem_at),
        )


def everything_recalled(count: int) -> Refused:
    """A plan that found only recalled parcels waiting."""
    return Refused(
        N_(
            "{count} parcels waiting for a door delivery were recalled by their carrier or sender: "
            "they go back, not to a door. No run was planned."
        ),
        one=(
            "{count} parcel waiting for a door delivery was recalled by its carrier or sender: it goes back, "
            "not to a door. No run was planned."
        ),
        code="recalled",
        advice=RESOLVE,
        count=count,
    )


def check_scan_out(station: Station, parcel: Parcel, run_id: int) -> None:
    """A parcel recalled after its run was planned stays off the trolley."""
    if is_recalled(parcel.problem_kind):
        raise Refused(
            N_(
                "{waybill} was recalled by its carrier or sender on {date}: it goes back, not to a door. "
                "Keep it off the trolley: it stays on run {run}, not taken."
            ),
            code="recalled",
            advice=N_(
                "Put it with the returns. If the recall was called off, resolve it on the Problems screen "
                "and scan it out again."
            ),
            waybill=parcel.waybill,
            date=day_of(station, parcel.problem_at),
            run=run_number(run_id),
        )


def read_reason(reason: str | None) -> str | None:
    """A manager's reason to record a recalled parcel delivered, cleaned; "" for one that says nothing
    (marks alone), None for no override asked."""
    if reason is None:
        return None
    text = RECALL_REASON.read(reason)
    return text if says_something(text) else ""


def recalled_out(station: Station, run_id: int, waybill: str) -> bool:
    """Whether the parcel `waybill` out on run `run_id` is recalled, read before a manager is asked why
    it was delivered all the same; one no longer out there is for the delivery to refuse (True)."""
    with station.read() as session:
        query = select(Parcel.problem_kind).where(Parcel.waybill == waybill, Parcel.delivery_run_id == run_id)
        kinds = session.exec(query).all()
    return not kinds or any(is_recalled(kind) for kind in kinds)


def not_recalled(waybill: str) -> Refused:
    """An override of a recall asked for a parcel that has none."""
    return Refused(
        N_(
            "{waybill} is not recalled: a recall override is only for a recalled parcel. It was not "
            "marked delivered."
        ),
        code="not_recalled",
        advice=N_("Record it delivered as usual, without an override."),
        waybill=waybill,
    )


def check_delivery(station: Station, parcel: Parcel, reason: str | None) -> None:
    """A parcel recalled while out with the runner comes back: it is not marked delivered, unless a
    manager records that the runner had handed it over before hearing of the recall, with `reason`
    (read already; the delivery's event keeps it), as pickup's override does (pickup/recalled.py).
    An override (any `reason`, None: none) for a parcel not recalled is refused, not dropped."""
    if not is_recalled(parcel.problem_kind):
        if reason is not None:
            raise not_recalled(parcel.waybill)
        return
    if not reason:
        raise Refused(
            N_(
                "{waybill} was recalled by its carrier or sender on {date} while out with the runner: it "
                "goes back, not to the customer. It was not marked delivered."
            ),
            code="recalled",
            advice=N_(
                "The runner brings it back: scan it back as not delivered and put it with the returns. "
                "If the runner had already handed it over, only a manager may record it delivered, with "
                "a reason."
            ),
            waybill=parcel.waybill,
            date=day_of(station, parcel.problem_at),
        )
    require_manager(station, "hand_over_recalled")
