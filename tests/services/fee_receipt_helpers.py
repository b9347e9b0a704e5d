"""What the fee receipt tests share: the station's fee rule and the receipt jobs it queued."""

from __future__ import annotations

from sqlmodel import col, select

from db.models import PrintJob
from station_console.services.core.station import Station
from station_console.services.fees import receipts
from station_console.settings import FeeRule

STANDARD = FeeRule(name="standard", free_days=3, per_day_cents=100, cap_cents=1000)


def fee_jobs(station: Station) -> list[PrintJob]:
    """The print jobs of fee receipts and refund slips, oldest first."""
    with station.read() as session:
        found = session.exec(select(PrintJob).order_by(col(PrintJob.id))).all()
    return [j for j in found if j.payload.get("flow") == receipts.FLOW]
