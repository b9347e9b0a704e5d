from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from db.models.enums import ParcelStatus
from db.types import UTCDateTime

_ON_SHELF = text("status = 'on_shelf'")
ON_SHELF_KEY = "CASE WHEN status = 'on_shelf' THEN 1 END"  # uq_parcel_waybill_on_shelf's second key
_IN_BATCH = text("courier_batch_id IS NOT NULL")
_PREALERTED = text("prealert_id IS NOT NULL")
_PICKED_UP = text("picked_up_at IS NOT NULL")
_RETURNED = text("returned_at IS NOT NULL")
_WRITTEN_OFF = text("written_off_at IS NOT NULL")
_HAS_RECIPIENT = text("recipient_id IS NOT NULL")
# SQLite uses a partial index only when each case of the query carries its WHERE as a term (or, for IS
# NOT NULL, compares the column): the Problems list's cases say `problem_kind IS NOT NULL` and
# `problem_kind IN (...)`.
_FLAGGED = text("problem_kind IS NOT NULL")
# The ways off the shelves a customer can ask about later (an undone check-in is not one). Compared
# in the queries exactly as written here: SQLite uses a partial index only when it sees this term.
LEFT_STATUSES = (ParcelStatus.PICKED_UP, ParcelStatus.RETURNED, ParcelStatus.WRITTEN_OFF)
_LEFT = text("status IN (" + ", ".join(f"'{status.value}'" for status in LEFT_STATUSES) + ")")


class ParcelBase(SQLModel):
    waybill: str = Field(max_length=40)
    carrier_id: int = Field(foreign_key="carrier.id")
    size: str = Field(default="M", max_length=2)
    phone_tail: str | None = Field(default=None, max_length=4)  # last 4 digits, for lookup
    masked_phone: str | None = Field(default=None, max_length=32)  # what screens and labels show
    # The full number (or virtual number with extension) is kept only for notifications and purged
    # N days after the parcel leaves; never shown.
    phone_full: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=120)
    recipient_name: str | None = Field(default=None, max_length=64)
    recipient_type: str | None = Field(default=None, max_length=16)  # prices storage fees; from a pre-alert


class Parcel(ParcelBase, table=True):
    __table_args__ = (
        # A pickup code and a waybill are unique among parcels on the shelves, not forever.
        Index(
            "uq_parcel_code_on_shelf",
            "pickup_code",
            unique=True,
            sqlite_where=_ON_SHELF,
            postgresql_where=_ON_SHELF,
        ),
        # The waybill's one index, for every parcel of a waybill and for its uniqueness on the shelves:
        # the second key is 1 on the shelves and NULL otherwise, and NULLs never clash in a unique index.
        # One index, not a partial unique one beside a plain one: a check-in writes one page less.
        Index("uq_parcel_waybill_on_shelf", "waybill", text(f"({ON_SHELF_KEY})"), unique=True),
        Index("ix_parcel_phone_tail_status", "phone_tail", "status"),
        Index("ix_parcel_status_checked_in", "status", "checked_in_at"),
        Index("ix_parcel_layer_status", "layer_id", "status"),
        # End-of-day reconciliation: exits in a day, and check-ins per day and carrier (forecast; also
        # the parcels of one business day). The exits' indexes hold only parcels that left (a
        # check-in writes none of them); the pickups' one has what the report reads of each, so its
        # day of pickups is read from the index alone.
        Index(
            "ix_parcel_picked_up",
            "picked_up_at",
            "checked_in_at",
            "status",
            "carrier_id",
            "picked_up_by",
            "returned_at",
            "written_off_at",
            sqlite_where=_PICKED_UP,
            postgresql_where=_PICKED_UP,
        ),
        Index("ix_parcel_returned_at", "returned_at", sqlite_where=_RETURNED, postgresql_where=_RETURNED),
        Index(
            "ix_parcel_written_off_at",
            "written_off_at",
            sqlite_where=_WRITTEN_OFF,
            postgresql_where=_WRITTEN_OFF,
        ),
        # The newest parcel that left with a code, once no parcel on the shelves has it: an exit writes
        # it (as it writes its own stamp's index), a check-in never does.
        Index("ix_parcel_code_left", "pickup_code", "id", sqlite_where=_LEFT, postgresql_where=_LEFT),
        Index("ix_parcel_day_carrier", "business_day", "carrier_id", "status"),
        # The Problems list: flagged parcels on the shelves, and those that left with a stocktake's flag.
        # Only flagged parcels, so a check-in (no flag) writes none of it.
        Index(
            "ix_parcel_problem",
            "status",
            "problem_kind",
            "problem_at",
            sqlite_where=_FLAGGED,
            postgresql_where=_FLAGGED,
        ),
        Index(
            "ix_parcel_recipient_status",
            "recipient_id",
            "status",
            sqlite_where=_HAS_RECIPIENT,
            postgresql_where=_HAS_RECIPIENT,
        ),
        # A courier's handover batch: only parcels received in one are indexed.
        Index(
            "ix_parcel_courier_batch",
            "courier_batch_id",
            sqlite_where=_IN_BATCH,
            postgresql_where=_IN_BATCH,
        ),
        # Which pre-alert a check-in filled from: whether a pre-alert has arrived, whatever the clocks say.
        Index("ix_parcel_prealert", "prealert_id", sqlite_where=_PREALERTED, postgresql_where=_PREALERTED),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="on_shelf", max_length=16)  # db.models.ParcelStatus
    shelf_id: int | None = Field(default=None, foreign_key="shelf.id")
    layer_id: int | None = Field(default=None, foreign_key="layer.id")
    pickup_code: str | None = Field(default=None, max_length=32)
    redelivery: bool = False  # the same waybill was here before and left
    courier_batch_id: int | None = Field(default=None, foreign_key="courier_batch.id")
    prealert_id: int | None = Field(default=None, foreign_key="prealert.id")
    problem_kind: str | None = Field(default=None, max_length=16)  # db.models.ProblemKind
    problem_note: str | None = Field(default=None, max_length=500)
    problem_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    checked_in_at: datetime = Field(sa_type=UTCDateTime)
    checked_in_by: int | None = Field(default=None, foreign_key="clerk.id")
    checked_in_counter: str | None = Field(default=None, max_length=32)
    business_day: date  # the station-local day of check-in

    picked_up_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    picked_up_by: int | None = Field(default=None, foreign_key="clerk.id")
    picked_up_counter: str | None = Field(default=None, max_length=32)
    pickup_method: str | None = Field(default=None, max_length=16)  # db.models.PickupMethod

    returned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    returned_by: int | None = Field(default=None, foreign_key="clerk.id")
    return_batch_id: int | None = Field(default=None, foreign_key="return_batch.id")

    written_off_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    written_off_by: int | None = Field(default=None, foreign_key="clerk.id")
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    phone_purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The directory entry (recipient table) and the delivery run the parcel is out on. Plain ids, no
    # foreign keys: adding one would rebuild this, the largest table, on SQLite; recipients are never
    # deleted, and a run's parcels are settled before it closes.
    recipient_id: int | None = None
    delivery_run_id: int | None = None  # set while a runner has it: on the books, not on the shelf
    version: int = 1  # optimistic lock: see __mapper_args__

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # Every ORM flush of a parcel does `UPDATE ... WHERE version = :seen` and bumps it; a flush that
        # finds another counter's version raises StaleDataError (retried by `run_in_transaction`). The
        # Core INSERT of a check-in (db/fast.py) writes the field's default, 1, explicitly.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class CodeHold(SQLModel, table=True):
    """A freed pickup code, not reissued until `until` (so an old text message frees nothing).

    A code a move replaced keeps its parcel: while that parcel is on a shelf, the old code still
    finds it at pickup ("moved to ...") and is not reissued."""

    __tablename__ = "code_hold"

    code: str = Field(primary_key=True, max_length=32)
    released_at: datetime = Field(sa_type=UTCDateTime)
    until: datetime = Field(sa_type=UTCDateTime, index=True)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id", index=True)


class LookupFailure(SQLModel, table=True):
    """A pickup lookup that found nothing, counted per signed-in clerk and per station against guessing."""

    __tablename__ = "lookup_failure"
    __table_args__ = (
        Index("ix_lookup_failure_counter_at", "counter", "at"),
        Index("ix_lookup_failure_clerk_at", "clerk_id", "at"),
        Index("ix_lookup_failure_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    counter: str = Field(max_length=32)
    clerk_id: int | None = Field(default=None, foreign_key="clerk.id")
    at: datetime = Field(sa_type=UTCDateTime)
    query_shape: str = Field(default="", max_length=16)  # never the query itself
