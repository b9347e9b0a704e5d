from datetime import datetime

from sqlalchemy import UniqueConstraint
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


class Layer(LayerBase, table=True):
    __table_args__ = (UniqueConstraint("shelf_id", "label", name="uq_layer_shelf_label"),)

    id: int | None = Field(default=None, primary_key=True)
    # Kept in step with the parcels on the layer inside each check-in/pickup transaction, so shelf
    # assignment never aggregates; `station db verify` recomputes them.
    used_units: int = 0
    parcel_count: int = 0
    code_cursor: int = 0  # next-fit cursor for the SEQ part of pickup codes
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
