"""Carrier data in and out: pre-alerts and courier handover batches, the carrier event outbox, and
the storage-fee ledger."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


class PreAlertImport(SQLModel, table=True):
    """One pre-alert file (预到货) loaded: where it came from and what its rows came to."""

    __tablename__ = "prealert_import"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(default="", max_length=64)  # the carrier or platform that sent it (a mapping name)
    file_name: str = Field(default="", max_length=200)
    imported_at: datetime = Field(sa_type=UTCDateTime)
    imported_by: int | None = Field(default=None, foreign_key="clerk.id")
    counter: str = Field(default="", max_length=32)
    rows_read: int = 0
    loaded: int = 0
    bad: int = 0
    duplicates: int = 0
    on_shelf: int = 0
    # The refused rows (line, waybill, reason), the first few hundred: what the import report showed.
    report: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class PreAlert(SQLModel, table=True):
    """A parcel a carrier or platform says is coming: its waybill and, for privacy waybills, the phone.

    `status` is `expected` until its courier's batch is closed, then `received` or `not_received` (a
    problem parcel, until the waybill turns up later). The full phone is kept only until the parcel is
    checked in (it moves to the parcel) or the keep period of `phone_purge_days` ends.
    """

    __tablename__ = "prealert"
    __table_args__ = (
        Index("ix_prealert_waybill_status", "waybill", "status"),
        Index("ix_prealert_carrier_status", "carrier_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="prealert_import.id", index=True)
    line: int = 0  # line (CSV) or item number (JSON) in its file
    waybill: str = Field(max_length=40)
    carrier_id: int = Field(foreign_key="carrier.id")
    phone_tail: str | None = Field(default=None, max_length=4)
    masked_phone: str | None = Field(default=None, max_length=32)
    phone_full: str | None = Field(default=None, max_length=32)
    recipient_name: str | None = Field(default=None, max_length=64)
    recipient_type: str | None = Field(default=None, max_length=16)
    size: str | None = Field(default=None, max_length=2)
    weight_g: int | None = None
    status: str = Field(default="expected", max_length=16)  # db.models.PreAlertStatus
    batch_id: int | None = Field(default=None, foreign_key="courier_batch.id")  # the batch that closed it
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    phone_purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CourierBatch(SQLModel, table=True):
    """One courier's bag at check-in, from opening to the signed handover receipt."""

    __tablename__ = "courier_batch"

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id")
    courier_name: str | None = Field(default=None, max_length=64)
    counter: str = Field(default="", max_length=32)
    status: str = Field(default="open", max_length=16)  # open | closed
    opened_at: datetime = Field(sa_type=UTCDateTime)
    opened_by: int | None = Field(default=None, foreign_key="clerk.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="clerk.id")
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # counts and waybills at close
    receipt_job_id: int | None = None


class CarrierEvent(SQLModel, table=True):
    """The carrier outbox: a parcel's arrival or departure, queued in the transaction that made it."""

    __tablename__ = "carrier_event"
    __table_args__ = (
        Index("ix_carrier_event_status_next", "status", "next_attempt_at"),
        Index("ix_carrier_event_parcel", "parcel_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id")
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id")
    kind: str = Field(max_length=24)  # checked_in | picked_up | returned | door_delivered | *_undone
    waybill: str = Field(max_length=40)
    at: datetime = Field(sa_type=UTCDateTime)
    idempotency_key: str = Field(max_length=64, unique=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # nothing personal
    status: str = Field(default="queued", max_length=16)  # db.models.CarrierEventStatus
    channel: str | None = Field(default=None, max_length=16)
    attempts: int = 0  # failures in all, never reset: what the screen and the trail report
    # failures since the last retry from the dead-letter list: the backoff and the give-up limit
    attempts_since_retry: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FeeEntry(SQLModel, table=True):
    """The storage-fee ledger: a charge fixes what a parcel owed; a payment or a waiver settles it."""

    __tablename__ = "fee_entry"
    __table_args__ = (Index("ix_fee_entry_day", "business_day"), Index("ix_fee_entry_parcel", "parcel_id"))

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int = Field(foreign_key="parcel.id")
    kind: str = Field(max_length=16)  # db.models.FeeKind: charge | payment | waiver, or their reversals
    amount_cents: int
    method: str | None = Field(default=None, max_length=16)  # cash | qr | account (payments, refunds)
    reason: str | None = Field(default=None, max_length=200)  # waivers
    rule: str | None = Field(default=None, max_length=64)  # charges: the rule that priced it
    days: int | None = None  # charges: chargeable days
    at: datetime = Field(sa_type=UTCDateTime)
    business_day: date
    clerk_id: int | None = Field(default=None, foreign_key="clerk.id")
    counter: str = Field(default="", max_length=32)
