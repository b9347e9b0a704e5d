from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, text
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


class DayClose(SQLModel, table=True):
    """A closed business day: its figures in canonical JSON and their SHA-256 (of its latest close).

    `ends_at`: when the day ended, if its first close came before local midnight: work after it
    belongs to the next business day. `reopened_at`: a manager reopened it (the row is kept for the
    boundary; the next close stores new figures and a new hash)."""

    __tablename__ = "day_close"

    id: int | None = Field(default=None, primary_key=True)
    business_day: date = Field(unique=True)
    closed_at: datetime = Field(sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="clerk.id")
    figures: str  # canonical JSON, exactly what was hashed
    sha256: str = Field(max_length=64)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Whether `ends_at` came before the closing time of the opening hours then in force (a confirmed
    # early close); None for a close made before this was kept. The forecast leaves such a day out.
    ended_early: bool | None = Field(default=None)
    reopened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The audit chain's heads at the close ({"counter", "chains": {name: {"id", "hash", "count"}}}) and
    # their HMAC with the closing counter's key: `audit verify` checks the chain still runs through them.
    audit_heads: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    heads_hmac: str | None = Field(default=None, max_length=64)
    # The day's check-ins per carrier id (parcels of that business day not cancelled), counted at the
    # close: a closed day cannot change, so the forecast reads its history here instead of the parcels.
    checkins: dict[str, int] | None = Field(default=None, sa_type=JSON)


_UNFINISHED = text("status IN ('open', 'paused')")


class Stocktake(SQLModel, table=True):
    # One unfinished (open or paused) stocktake per shelf, whatever layer it counts: two would count the
    # same parcels and each close would fix them. Two counters beginning one at the same moment both
    # found none; the loser of that race retries (db.engine.RETRY_ON_UNIQUE) and resumes the winner's.
    __table_args__ = (
        Index(
            "uq_stocktake_unfinished_shelf",
            "shelf_id",
            unique=True,
            sqlite_where=_UNFINISHED,
            postgresql_where=_UNFINISHED,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    shelf_id: int = Field(foreign_key="shelf.id")
    layer_id: int | None = Field(default=None, foreign_key="layer.id")
    status: str = Field(default="open", max_length=16)  # open | paused | closed
    business_day: date
    started_at: datetime = Field(sa_type=UTCDateTime)
    started_by: int | None = Field(default=None, foreign_key="clerk.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="clerk.id")
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # counts per class, fixes applied
    # The newest parcel event id when it began: what moved after, in the database's order of writes,
    # not by two counters' clocks (services/core/write_order.py). None on stocktakes from before.
    seen_event_id: int | None = Field(default=None)


class StocktakeScan(SQLModel, table=True):
    __tablename__ = "stocktake_scan"
    # A waybill is scanned into a stocktake once: two counters scanning it at the same moment both
    # found no earlier scan, and the second row counted it twice. The loser of that race retries
    # (db.engine.RETRY_ON_UNIQUE) and reads the winner's scan as a repeat. The stocktake leads, so
    # this one index also serves every read of a stocktake's scans.
    __table_args__ = (Index("uq_stocktake_scan_waybill", "stocktake_id", "waybill", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    stocktake_id: int = Field(foreign_key="stocktake.id")
    waybill: str = Field(max_length=40)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id")
    classification: str = Field(max_length=16)  # match | wrong_layer | wrong_shelf | extra
    scanned_at: datetime = Field(sa_type=UTCDateTime)
    found_layer_id: int | None = Field(default=None, foreign_key="layer.id")  # where the clerk found it
    # Who scanned it, at which counter (None on scans from before they were kept): with two counters on
    # one stocktake, who found a parcel recorded as having left. The row is the scan's record: a
    # stocktake is hundreds of scans, so no audit event each; the close's event records its fixes.
    scanned_by: int | None = Field(default=None, foreign_key="clerk.id")
    scanned_counter: str | None = Field(default=None, max_length=32)
    # The newest parcel event id the scan could see: a move with a larger id came after it, whatever the
    # counters' clocks say (services/core/write_order.py). None on scans from before it was kept.
    seen_event_id: int | None = Field(default=None)


_OPEN = text("status = 'open'")


class ReturnBatch(SQLModel, table=True):
    """Parcels going back to one courier (退回), closed when the courier signs."""

    __tablename__ = "return_batch"
    # One open batch per carrier: the courier takes one pile and signs one manifest. Two counters
    # opening the carrier's batch at the same moment both found none open; the loser of that race
    # retries (db.engine.RETRY_ON_UNIQUE) and joins the winner's.
    __table_args__ = (
        Index(
            "uq_return_batch_open_carrier",
            "carrier_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id")
    status: str = Field(default="open", max_length=16)  # open | closed | merged
    # A batch the upgrade to one open batch per carrier emptied (migrations 0024, 0025): the batch its
    # parcels went into, so a manifest printed before says where they are. No foreign key: adding one
    # on SQLite rebuilds the table, which its partial unique index would not survive unchanged.
    merged_into: int | None = Field(default=None)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="clerk.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="clerk.id")
    signed_by_name: str | None = Field(default=None, max_length=64)
