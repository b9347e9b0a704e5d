"""A recalled parcel (拦截件) and door delivery: its carrier or sender asked for it back, so it goes back,
not to a door, as it does not go to the customer at the counter (pickup/recalled.py).

Refused at the first step that would send it: a request (`request`), and a run's plan leaves it out
(it waits, marked, until the recall is resolved on the Problems screen). A recall that came after the
plan is caught at the scan-out: its item stays on the run as planned, marked recalled on the screen and
the sheet, and the close cancels it. One recalled while out with the runner is brought back: its
delivery is refused, and it is scanned back as not delivered, without the recipient's "we could not
deliver" message (it would send them to the counter for a parcel that is not theirs to take). When
the runner had in fact handed it over before hearing of the recall, a manager records it delivered with
a reason (`runs.deliver(..., recall_reason=...)`): the pickup event keeps it, as a pickup's override does.
"""

from __future__ import annotations

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


def read_reason(reason: str | None) -> str:
    """A manager's reason to record a recalled parcel delivered, cleaned; "" for none (marks alone)."""
    text = RECALL_REASON.read(reason)
    return text if says_something(text) else ""


def check_delivery(station: Station, parcel: Parcel, reason: str) -> None:
    """A parcel recalled while out with the runner comes back: it is not marked delivered, unless a
    manager records that the runner had handed it over before hearing of the recall, with `reason`
    (read already; the delivery's event keeps it), as pickup's override does (pickup/recalled.py)."""
    if not is_recalled(parcel.problem_kind):
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
