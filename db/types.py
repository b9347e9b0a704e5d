"""Column types shared by the tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# SQLAlchemy's SQLite storage form of a datetime (its DATETIME's default): what
# `isoformat(" ", "microseconds")` writes of a naive one, the year always four digits.
SQLITE_TEXT = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no time zone type, so values are stored as naive UTC and given back as aware UTC;
    PostgreSQL stores `timestamptz`. A naive datetime handed in is refused: it is always a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, `process_bind_param` and SQLAlchemy's text form in one step: the same text at a
        third of the cost (a check-in binds five timestamps)."""
        impl = self.impl_instance.dialect_impl(dialect)
        if dialect.name == "sqlite" and getattr(impl, "_storage_format", None) == SQLITE_TEXT:
            return _sqlite_text
        return super().bind_processor(dialect)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_text(value: datetime | None) -> str | None:
    global _last
    last = _last  # read once: another thread may replace it meanwhile, never half of it
    if value is last[0]:
        return last[1]
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    text = value.astimezone(UTC).isoformat(" ", "microseconds")[:26]  # without its "+00:00"
    _last = (value, text)
    return text


# The last timestamp written and its text: a check-in writes its one time into five columns.
_last: tuple[datetime | None, str | None] = (None, None)
