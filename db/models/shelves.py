from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


class ShelfBase(SQLModel):
    label: str = Field(max_length=16, unique=True)  # "6", "A", "F1"
    zone: str = Field(default="main", max_length=16)  # db.models.Zone
    walk_order: int = 0  # order a clerk walks the shelves at pickup
    note: str | None = Field(default=None, max_length=200)


class Shelf(ShelfBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LayerBase(SQLModel):
    shelf_id: int = Field(foreign_key="shelf.id", index=True)
    label: str = Field(max_length=8)  # "5"
    capacity_units: int = 40  # S=1, M=2, L=4 units; XL counts per settings
    accepts_sizes: str = Field(default="SML", max_length=8)  # letters of db.models.Size; "X" for XL
    walk_order: int = 0


# How full a layer is, as the shelf policy orders layers: the pick index is on this very expression,
# so the pick walks that index from its least filled layer instead of sorting every layer.
LAYER_FILL = "CAST(used_units AS FLOAT) / NULLIF(capacity_units, 0)"
_ACTIVE = text("retired_at IS NULL")


class Layer(LayerBase, table=True):
    __table_args__ = (
        UniqueConstraint("shelf_id", "label", name="uq_layer_shelf_label"),
        Index(
            "ix_layer_pick",
            text(f"({LAYER_FILL})"),
            "shelf_walk",
            "walk_order",
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The shelf's zone and walking order, copied so that the check-in's pick reads this table alone
    # (no join, and an index that serves its order); the shelf services keep them in step.
    zone: str = Field(max_length=16)
    shelf_walk: int
    # Kept in step with the parcels on the layer inside each check-in/pickup transaction, so shelf
    # assignment never aggregates (the crash and concurrency tests check them against the parcels).
    used_units: int = 0
    parcel_count: int = 0
    code_cursor: int = 0  # next-fit cursor for the SEQ part of pickup codes
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
