from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel


class CarrierBase(SQLModel):
    code: str = Field(max_length=16, unique=True, index=True)  # SF, ZTO, UPS, S10 ...
    name_en: str = Field(max_length=64)
    name_zh: str = Field(max_length=64)
    short_name: str = Field(max_length=16)  # printed on the label
    # Waybill shapes as data: [{"regex": "...", "checksum": "s10"|"ups"|... or null, "priority": 0}].
    patterns: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    fee_cents: int = 0  # paid by the carrier per parcel checked in
    amber_hours: int = 48  # overdue bands, per carrier
    red_hours: int = 72
    return_after_days: int = 7
    active: bool = True
    sort_order: int = 0


class Carrier(CarrierBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
