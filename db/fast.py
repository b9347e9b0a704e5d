"""Plain INSERTs for the hot paths (check-in, its label job, message and audit event).

The ORM unit of work costs several times the INSERT itself; these rows are written once and never
touched again in the same transaction, so a Core INSERT ... RETURNING id does the job. The model object
stays a plain (transient) value with its new id, for the caller to read.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel


def insert(session: Session, obj: SQLModel) -> int:
    """INSERT `obj`'s columns in the session's transaction; sets and returns its id."""
    table: Any = type(obj).__table__  # type: ignore[attr-defined]
    values = {c.name: getattr(obj, c.name) for c in table.columns if not (c.name == "id" and obj.id is None)}  # type: ignore[attr-defined]
    new_id = session.connection().execute(table.insert().values(**values).returning(table.c.id)).scalar_one()
    obj.id = new_id  # type: ignore[attr-defined]
    return int(new_id)
