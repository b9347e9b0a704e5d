"""The database layer: tables, engines, transactions and migrations. No policy lives here."""

from db.engine import (
    create_station_engine,
    read_session,
    resolve_url,
    run_in_transaction,
    write_session,
)
from db.types import utcnow

__all__ = [
    "create_station_engine",
    "read_session",
    "resolve_url",
    "run_in_transaction",
    "utcnow",
    "write_session",
]
