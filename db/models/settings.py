from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    """Station-wide settings shared by every counter, one JSON document per key."""

    key: str = Field(primary_key=True, max_length=64)
    value: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
