"""A recalled parcel (拦截件) and door delivery: its carrier or sender asked for it back, so it goes back,
not to a door, as it does not go to the customer at the counter (pickup/recalled.py).

Refused at the first step that would send it: a request (`request`), and a run's plan leaves it out
(it waits, marked, until the recall is resolved on the Problems screen). A recall that came after the
plan is caught at the scan-out: its item stays on the run as planned, marked recalled on the screen and
the sheet, and the close cancels it. One recalled while out with the runner is brought back: its
delivery is refused, and it is scanned back as not delivered, without the recipient's "we could not
deliver" message (it would send them to the counter for a parcel that is not theirs to take).
"""

from __future__ import annotations

from db.models import Parcel
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.paper_numbers import run_number
from station_console.services.core.recalls import day_of, is_recalled
from station_console.services.core.station import Station

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


def check_delivery(station: Station, parcel: Parcel) -> None:
    """A parcel recalled while out with the runner comes back: it is not marked delivered."""
    if is_recalled(parcel.problem_kind):
        raise Refused(
            N_(
                "{waybill} was recalled by its carrier or sender on {date} while out with the runner: it "
                "goes back, not to the customer. It was not marked delivered."
            ),
            code="recalled",
            advice=N_(
                "The runner brings it back: scan it back as not delivered and put it with the returns."
            ),
            waybill=parcel.waybill,
            date=day_of(station, parcel.problem_at),
        )
