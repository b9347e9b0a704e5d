"""The database's own order of writes, for "did this happen after that look?" between counters.

Each counter stamps its events with its own clock (`station.now()`), and counters sharing one database
can disagree by minutes: a move at a counter whose clock is behind reads as made before a scan it
followed. Parcel events' ids grow in the order they are written, whichever counter writes them, so a
look (a stocktake's scan, its start, a run's planning) keeps the newest event id it could see, and an
event with a larger id came after it.

On SQLite one writer at a time takes ids, so a larger id is a later commit. On PostgreSQL the sequence
hands ids out at insert, so an event whose transaction was still open during the look may carry a
smaller id and commit after it: that window is one transaction long (a move and a scan of the same
parcel at the same instant), not the minutes two clocks can drift apart. The mark is read before
what the look reads, so a write committed in between counts as after the look: the close then leaves
it alone rather than undoing it.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import ParcelEvent


def newest_event_id(session: Session) -> int:
    """The id of the newest parcel event this transaction can see (0: none yet); the primary key's
    index answers it without reading the table."""
    return session.exec(select(func.max(ParcelEvent.id))).one() or 0
