"""A pre-alert file loaded before: the earliest import of a file of the very same name and bytes (its
digest is kept with each import's report). The watched folder loads such a file again as nothing
(`load_file(skip_loaded=True)`), and its report names that import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as columns
from sqlmodel import Session, col

from db.models import Clerk, PreAlertImport


@dataclass(frozen=True)
class EarlierImport:
    """An import of a file's very name and bytes made before: which, when and by whom (the clerk's
    name; None when nobody was signed in, as for the folder watch)."""

    import_id: int
    at: datetime
    by: str | None


def loaded_before(session: Session, name: str, digest: str) -> EarlierImport | None:
    """The earliest import of the file named `name` whose bytes had `digest` (kept with its report)."""
    row = session.execute(
        columns(col(PreAlertImport.id), col(PreAlertImport.imported_at), col(Clerk.name))
        .outerjoin(Clerk, col(Clerk.id) == col(PreAlertImport.imported_by))
        .where(
            col(PreAlertImport.file_name) == name,
            col(PreAlertImport.report)["digest"].as_string() == digest,
        )
        .order_by(col(PreAlertImport.id))
        .limit(1)
    ).first()
    return None if row is None else EarlierImport(*row)
