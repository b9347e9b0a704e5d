from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


class DeliveryRun(SQLModel, table=True):
    """One runner's trip with parcels to recipients' doors (送货上门), planned in walking order."""

    __tablename__ = "delivery_run"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="open", max_length=16)  # db.models.RunStatus: open, closed
    runner: str = Field(default="", max_length=64)
    building: str | None = Field(default=None, max_length=32)  # the run's one building, when planned so
    business_day: date
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="clerk.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="clerk.id")
    # The newest parcel event id when it was planned: a sheet parcel moved after it (by the database's
    # order of writes, not the counters' clocks: services/core/write_order.py). None on older runs.
    seen_event_id: int | None = Field(default=None)


class DeliveryItem(SQLModel, table=True):
    """A parcel asked to the door, and what became of it: requested, on a run, out, delivered or failed.

    Who received it (and a signature name, a photo file) is personal data: here, purged like a phone,
    never in the audit event.
    """

    __tablename__ = "delivery_item"
    __table_args__ = (
        Index("ix_delivery_item_status", "status", "run_id"),
        Index("ix_delivery_item_done_at", "done_at"),  # the day report's door figures
    )

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int = Field(foreign_key="parcel.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="delivery_run.id", index=True)
    status: str = Field(default="requested", max_length=16)  # db.models.DeliveryStatus
    source: str = Field(default="counter", max_length=16)  # counter | phone | preference
    stop: int = 0  # walking order on its run
    requested_at: datetime = Field(sa_type=UTCDateTime)
    requested_by: int | None = Field(default=None, foreign_key="clerk.id")
    out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by: int | None = Field(default=None, foreign_key="clerk.id")
    received_by: str | None = Field(default=None, max_length=64)
    signature_name: str | None = Field(default=None, max_length=64)
    photo_ref: str | None = Field(default=None, max_length=200)
    fail_reason: str | None = Field(default=None, max_length=32)  # a FAIL_REASONS key
    fail_note: str | None = Field(default=None, max_length=200)
    fee_cents: int = 0
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
