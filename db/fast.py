"""Plain INSERTs for the hot paths (check-in, its label job, message and audit event).

The ORM unit of work costs several times the INSERT itself; these rows are written once and never
touched again in the same transaction, so a Core INSERT ... RETURNING id does the job. The model object
stays a plain (transient) value with its new id, for the caller to read.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Insert, Table
from sqlmodel import Session, SQLModel


@cache
def _statement(table: Table) -> tuple[Insert, tuple[str, ...]]:
    # One statement per table, built once, so SQLAlchemy's compiled cache always hits.
    columns = tuple(c.name for c in table.columns if c.name != "id")
    return table.insert().returning(table.c.id), columns


def insert(session: Session, obj: SQLModel) -> int:
    """INSERT `obj`'s columns in the session's transaction; sets and returns its id."""
    table: Any = type(obj).__table__  # type: ignore[attr-defined]
    statement, columns = _statement(table)
    new_id = (
        session.connection().execute(statement, {name: getattr(obj, name) for name in columns}).scalar_one()
    )
    obj.id = new_id  # type: ignore[attr-defined]
    return int(new_id)
