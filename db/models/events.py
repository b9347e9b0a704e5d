from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


class ParcelEvent(SQLModel, table=True):
    """The append-only audit trail: every state change, who, when, which counter, what.

    Each event carries the hash of the one before it in its chain (in id order), so an edited, deleted
    or reordered row breaks the chain and `station audit verify` names the first bad one. Each counter
    writes its own chain (`chain` is the counter's name), so counters never wait for one another's
    commits; events written before chains were per counter have no `chain` and form one chain.
    """

    __tablename__ = "parcel_event"
    __table_args__ = (
        # A parcel's history; with kind and day, the report's opening parcels are read from the index alone.
        Index("ix_event_parcel", "parcel_id", "kind", "business_day"),
        Index("ix_event_day_kind_parcel", "business_day", "kind", "parcel_id"),  # the day report, index only
        # A clerk's newest events in time order; with kind, their counts by kind from the index alone.
        Index("ix_event_clerk_at", "clerk_id", "at", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id")
    kind: str = Field(max_length=32)  # db.models.EventKind
    at: datetime = Field(sa_type=UTCDateTime)
    business_day: date
    clerk_id: int | None = Field(default=None, foreign_key="clerk.id")
    counter: str = Field(default="", max_length=32)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)
    chain: str | None = Field(
        default=None, max_length=32
    )  # the counter whose chain it is; None: the first one


class AuditHead(SQLModel, table=True):
    """One row per chain: its newest event and that event's hash. Locking it orders the writers of one
    chain (the processes of one counter). `chain` "" is the chain of events written before chains were
    per counter (id 1)."""

    __tablename__ = "audit_head"
    __table_args__ = (Index("uq_audit_head_chain", "chain", unique=True),)

    id: int = Field(default=1, primary_key=True)
    last_event_id: int | None = None
    last_hash: str = Field(default="", max_length=64)
    chain: str = Field(default="", max_length=32)
