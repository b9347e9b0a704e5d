"""Two counters saving one thing at the same moment (PostgreSQL): the other counter's save runs whole,
on its own connection, while this one's transaction stands between its check and its write."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text

from station_console.services.core.station import Station

WAIT_S = 30.0
WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@contextmanager
def other_save_before(
    station: Station, statement: str, save: Callable[[], object], waiting: Callable[[], bool] | None = None
) -> Iterator[list[object]]:
    """Inside the block, this thread's first statement starting with `statement` (the write) waits
    while `save` runs on another thread: to its commit, or until it waits for a lock this transaction
    holds (it then goes on after this one's commit). The list yielded holds what `save` returned or
    raised, once the block is left. `waiting`: how to tell that `save` waits for the lock, where it is
    not PostgreSQL's lock wait (SQLite: its station's `on_busy` was told)."""
    here = threading.get_ident()
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(_outcome(save)))

    def blocked() -> bool:
        if waiting is not None:
            return waiting()
        with station.engine.connect() as conn:
            return bool(conn.execute(WAITING_ON_A_LOCK).scalar())

    def before(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if threading.get_ident() != here or worker.ident is not None or not sql.startswith(statement):
            return
        worker.start()
        for _ in range(int(WAIT_S / 0.05)):
            worker.join(0.05)
            if not worker.is_alive() or blocked():
                return
        raise AssertionError(f"the other save neither ended nor waited within {WAIT_S} s")

    event.listen(station.engine, "before_cursor_execute", before)
    try:
        yield outcome
    finally:
        event.remove(station.engine, "before_cursor_execute", before)
        if worker.ident is not None:
            worker.join(WAIT_S)
    assert outcome, "the other save ran (the write's statement was reached) and ended"


def _outcome(save: Callable[[], object]) -> object:
    try:
        return save()
    except Exception as exc:  # the refusal is the result a test looks at
        return exc
