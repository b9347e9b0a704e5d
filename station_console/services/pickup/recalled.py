"""A recalled parcel (拦截件) at pickup: its carrier or sender asked for it back, so it goes back, not to
the customer. Handing it out is the wrong parcel leaving the counter, so the handover refuses it
(`recalled`) unless the recall is resolved first (the Problems screen, `station problem --resolve`) or a
manager hands it over anyway with a reason, recorded on its pickup event.

A parcel in an open return batch with no recall is another matter: the customer came before the courier,
and it leaves the batch (handover.py).
"""

from __future__ import annotations

from datetime import datetime

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.recalls import day_of
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station

# What the lookup's list says of one, before it is fetched (`_(NOTICE, waybill=..., date=day_of(...))`).
NOTICE = N_(
    "{waybill} was recalled by its carrier or sender on {date}: it goes back, not to the customer. "
    "Do not hand it over."
)


def refused(station: Station, waybill: str, at: datetime | None) -> Refused:
    """Why a recalled parcel is not handed over, and the two ways it still may be."""
    return Refused(
        N_(
            "{waybill} was recalled by its carrier or sender on {date}: it goes back, not to the "
            "customer. Nothing was handed over."
        ),
        code="recalled",
        advice=N_(
            "Put it with the returns. If the recall was called off, resolve it on the Problems screen; "
            "otherwise only a manager may hand it over, with a reason."
        ),
        waybill=waybill,
        date=day_of(station, at),
    )


def check(station: Station, waybill: str, at: datetime | None, reason: str | None) -> None:
    """Refuse a recalled parcel's handover without a manager's reason (`reason`, read already)."""
    if not reason:
        raise refused(station, waybill, at)
    require_manager(station, "hand_over_recalled")
