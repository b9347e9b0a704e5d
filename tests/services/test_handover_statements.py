"""The handover's statements: how many, none reading a row only to write it back, and the code hold's
one upsert (a new hold, a hold renewed after its cooldown ran out, a longer hold kept), and the usual
handover's plain transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from conftest import FakeClock
from pickup_helpers import configure, events, parcel, receive
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from db.models import CodeHold, EventKind
from station_console.services.core.station import Station
from station_console.services.pickup import handover as pickup
from station_console.services.shelves import slots

ANN = "13812345678"
# The parcel read, its conditional UPDATE, the units given back, the code held, the holds of codes a
# move replaced, the unsent messages and labels withdrawn, the closed-day check, the event and the
# chain head.
HANDOVER_STATEMENTS = 10


@contextmanager
def statements(station: Station) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The transaction's own statements: not BEGIN, nor PostgreSQL's change notice after the commit.
        if not statement.lstrip().upper().startswith("BEGIN") and "pg_notify" not in statement:
            seen.append(" ".join(statement.split()))

    event.listen(station.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(station.engine, "before_cursor_execute", note)


def test_a_handover_takes_its_statements_and_no_more(station: Station) -> None:
    first, second = receive(station, 1, phone=ANN), receive(station, 2, phone="13700001111")
    pickup.confirm_pickup(station, [first.parcel_id], method="code", scanned=[first.waybill])
    with statements(station) as seen:
        pickup.confirm_pickup(station, [second.parcel_id], method="code", scanned=[second.waybill])
    assert len(seen) <= HANDOVER_STATEMENTS, "\n".join(seen)
    # The code hold is written, never read first; the layer is written, never read.
    assert not [s for s in seen if s.startswith("SELECT") and "FROM code_hold" in s], seen
    assert not [s for s in seen if s.startswith("SELECT") and "FROM layer" in s], seen


def _hold(station: Station, code: str) -> CodeHold:
    with station.read() as session:
        hold = session.get(CodeHold, code)
    assert hold is not None
    return hold


def test_a_code_reissued_after_its_cooldown_is_held_again_when_it_leaves(
    station: Station, clock: FakeClock
) -> None:
    a = receive(station, 1, phone=ANN)
    pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    clock.advance(days=8)  # the hold ran out; its row stays until the code leaves again
    settings = station.settings()
    station.run(lambda session: slots.hold_code(session, a.pickup_code, settings, clock.now))
    hold = _hold(station, a.pickup_code)
    assert (hold.released_at, hold.until, hold.parcel_id) == (clock.now, clock.now + timedelta(days=7), None)


def test_a_code_hold_keeps_a_longer_cooldown(station: Station, clock: FakeClock) -> None:
    """Held for 30 days when the cooldown was 30, the code is not freed sooner by a later, shorter hold."""
    a = receive(station, 1, phone=ANN)
    configure(station, code_cooldown_days=30)
    pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    promised = clock.now + timedelta(days=30)
    configure(station, code_cooldown_days=7)
    clock.advance(days=1)
    settings = station.settings()
    station.run(lambda session: slots.hold_code(session, a.pickup_code, settings, clock.now))
    hold = _hold(station, a.pickup_code)
    assert hold.until == promised and hold.released_at == clock.now


def test_the_usual_handover_commits_no_orm_session(station: Station) -> None:
    """No proxy, no fee, no recall overridden: the handover is hot statements on a plain transaction
    (db/fast.py), its parcels read as rows; one parcel or two in one go, each handed over once."""
    a, b, c = (receive(station, n, phone=ANN) for n in (1, 2, 3))
    committed: list[OrmSession] = []

    def note(session: OrmSession) -> None:
        committed.append(session)

    event.listen(OrmSession, "after_commit", note)
    try:
        pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
        pickup.confirm_pickup(
            station, [b.parcel_id, c.parcel_id], method="code", scanned=[b.waybill, c.waybill]
        )
    finally:
        event.remove(OrmSession, "after_commit", note)
    assert committed == []
    for done in (a, b, c):
        row = parcel(station, done.parcel_id)
        assert (row.status, row.version, row.picked_up_counter) == ("picked_up", 2, station.counter)
    handed = [e.parcel_id for e in events(station, EventKind.PICKED_UP)]
    assert len(handed) == 3 and set(handed) == {a.parcel_id, b.parcel_id, c.parcel_id}
