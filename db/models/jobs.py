from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


class PrintJob(SQLModel, table=True):
    """A label, receipt or manifest to print. Stored first; a worker sends it; nothing is lost."""

    __tablename__ = "print_job"
    __table_args__ = (Index("ix_print_job_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id", index=True)
    kind: str = Field(default="label", max_length=16)  # label | receipt | manifest | test
    printer: str | None = Field(default=None, max_length=64)  # None: the counter's default printer
    counter: str = Field(default="", max_length=32)
    status: str = Field(default="queued", max_length=16)  # db.models.JobStatus
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    printed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Notification(SQLModel, table=True):
    """The outbox: a message to a recipient, queued in the same transaction as its cause."""

    __table_args__ = (Index("ix_notification_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id", index=True)
    kind: str = Field(default="checkin", max_length=16)  # checkin | reminder
    channel: str | None = Field(default=None, max_length=16)  # set when sent
    status: str = Field(default="queued", max_length=16)  # db.models.NotificationStatus
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    idempotency_key: str = Field(max_length=64, unique=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # code, location, carrier
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
