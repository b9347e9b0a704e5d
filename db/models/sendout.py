"""Send-out (寄件): senders, the parcels they send, courier handovers, waybill stock, tariffs as data.

A `Send` is recorded once, when the clerk accepts it (weighed, priced, paid, numbered) or refuses it
at inspection; it then moves only forward: at the counter -> handed over to the courier, or cancelled
(refunded) before that. Money is in integer cents of the station currency; weights in grams.
Identity documents are never stored whole: the type, the last 4 characters and "the clerk saw it".
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime

_LIVE = text("status IN ('accepted', 'handed_over')")


class SendStatus(StrEnum):
    ACCEPTED = "accepted"  # at the counter, paid, waiting for the courier
    HANDED_OVER = "handed_over"  # collected by the courier in a closed handover batch
    CANCELLED = "cancelled"  # refunded before handover
    REFUSED = "refused"  # failed inspection; never accepted, never paid


class SendEvent(StrEnum):
    """Audit event kinds of the send-out flow (stored in `parcel_event.kind`, no parcel id)."""

    SENDER_SAVED = "sender_saved"
    SEND_ACCEPTED = "send_accepted"
    SEND_REFUSED = "send_refused"
    SEND_REFUNDED = "send_refunded"
    SEND_SCANNED = "send_scanned"  # the courier scanned it into a handover batch
    SEND_HANDED_OVER = "send_handed_over"
    HANDOVER_OPENED = "handover_opened"
    HANDOVER_CLOSED = "handover_closed"
    TARIFF_CHANGED = "tariff_changed"
    CHECKLIST_CHANGED = "checklist_changed"
    WAYBILLS_IMPORTED = "waybills_imported"


class Sender(SQLModel, table=True):
    """A person who sends. Real-name sending (实名收寄) keeps name and phone; of the ID, only a trace."""

    __tablename__ = "sender"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    # The full number finds a returning sender and goes to the carrier's e-waybill; never shown. A
    # purged sender holds `purged:<id>` instead (unique, and no phone number can match it).
    phone_full: str = Field(max_length=32, unique=True)
    phone_tail: str = Field(max_length=4)
    masked_phone: str = Field(max_length=32)
    id_type: str | None = Field(default=None, max_length=16)  # resident | passport
    id_last4: str | None = Field(default=None, max_length=4)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # When the keep period (or the person's request) took the name, number and ID trace.
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HandoverBatch(SQLModel, table=True):
    """One courier collecting one carrier's sends (揽收): scanned parcel by parcel, signed, closed."""

    __tablename__ = "handover_batch"

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id")
    status: str = Field(default="open", max_length=16)  # open | closed
    counter: str = Field(default="", max_length=32)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    opened_by: int | None = Field(default=None, foreign_key="clerk.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="clerk.id")
    courier_name: str | None = Field(default=None, max_length=64)
    # Filled at the close: what the manifest says (counts, weights, the sends left behind).
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Send(SQLModel, table=True):
    __tablename__ = "send"
    __table_args__ = (
        # A waybill number names one live send; a cancelled or refused one frees it.
        Index("uq_send_waybill_live", "waybill", unique=True, sqlite_where=_LIVE, postgresql_where=_LIVE),
        Index("ix_send_status_carrier", "status", "carrier_id"),
        Index("ix_send_business_day", "business_day"),
        Index("ix_send_handed_over_at", "handed_over_at"),
        Index("ix_send_cancelled_at", "cancelled_at"),
        Index("ix_send_batch", "handover_batch_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(max_length=16)  # SendStatus
    carrier_id: int | None = Field(default=None, foreign_key="carrier.id")  # None: refused before choosing
    waybill: str | None = Field(default=None, max_length=40)  # None for a refusal
    waybill_source: str | None = Field(default=None, max_length=16)  # entered | pool | provider

    sender_id: int = Field(foreign_key="sender.id")
    id_type: str | None = Field(default=None, max_length=16)  # as checked for this send
    id_last4: str | None = Field(default=None, max_length=4)
    id_seen: bool = False  # the clerk saw the document

    recipient_name: str = Field(default="", max_length=64)
    recipient_masked_phone: str = Field(default="", max_length=32)
    # For the carrier's e-waybill only; dropped when the courier collects the parcel.
    recipient_phone_full: str | None = Field(default=None, max_length=32)
    destination: str = Field(default="", max_length=32)  # province or zone key the price used
    address: str = Field(default="", max_length=200)

    contents: str = Field(default="", max_length=120)
    item_count: int = 1
    declared_value_cents: int = 0
    insured: bool = False
    packaging: str | None = Field(default=None, max_length=32)
    inspection: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # checklist version and ticks
    refused_reason: str | None = Field(default=None, max_length=200)

    weight_g: int | None = None  # as weighed (or typed); None for a refusal before weighing
    weight_manual: bool = False  # typed by the clerk, not read from a stable scale
    weight_device: str | None = Field(default=None, max_length=64)
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    volumetric_g: int | None = None
    chargeable_g: int | None = None

    zone: str | None = Field(default=None, max_length=16)
    tariff_version: int | None = None
    quote: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # lines with their working
    price_cents: int = 0
    currency: str = Field(default="CNY", max_length=3)
    payment_method: str | None = Field(default=None, max_length=16)  # cash | qr | account
    payment_ref: str | None = Field(default=None, max_length=64)

    created_at: datetime = Field(sa_type=UTCDateTime)  # accepted or refused
    created_by: int | None = Field(default=None, foreign_key="clerk.id")
    counter: str = Field(default="", max_length=32)
    business_day: date

    handover_batch_id: int | None = Field(default=None, foreign_key="handover_batch.id")
    scanned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    handed_over_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    handed_over_by: int | None = Field(default=None, foreign_key="clerk.id")

    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by: int | None = Field(default=None, foreign_key="clerk.id")
    refund_cents: int = 0
    refund_reason: str | None = Field(default=None, max_length=200)
    # When the keep period (or a person's request) took the names, address and ID digits.
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1  # every update does `WHERE version = :seen`


class WaybillStock(SQLModel, table=True):
    """Waybill numbers the carrier issued to the station (imported from a file), used one by one."""

    __tablename__ = "waybill_stock"
    __table_args__ = (Index("ix_waybill_stock_free", "carrier_id", "send_id"),)

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id")
    waybill: str = Field(max_length=40, unique=True)
    source: str = Field(default="", max_length=120)  # the imported file's name
    imported_at: datetime = Field(sa_type=UTCDateTime)
    imported_by: int | None = Field(default=None, foreign_key="clerk.id")
    send_id: int | None = Field(default=None, foreign_key="send.id")
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SendRule(SQLModel, table=True):
    """A version of a tariff table (scope: the carrier code) or of the inspection checklist (scope "")."""

    __tablename__ = "send_rule"
    __table_args__ = (UniqueConstraint("kind", "scope", "version", name="uq_send_rule_version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # tariff | checklist
    scope: str = Field(default="", max_length=16)
    version: int
    body: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="clerk.id")
