"""A call sent to another thread (`Station.as_now`, as every console call is) runs as the clerk signed in
when it was sent: the console's lock and the next sign-in change who acts on the shared station
meanwhile, but not whom the call is refused or recorded as."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from functools import partial

import pytest
from sqlmodel import select

from db.models import EventKind, ParcelEvent
from station_console.errors import PermissionDenied
from station_console.services.core.station import Station
from station_console.services.people import clerks

WAIT_S = 30.0  # bounds a hang only: each wait below ends on its event


@pytest.fixture
def station(new_station: Station) -> Station:
    """Wang, the manager, signed in."""
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    return new_station


def created_by(station: Station, name: str) -> list[int | None]:
    """Who recorded adding clerk `name`."""
    with station.read() as session:
        rows = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.CLERK_CHANGED)).all()
    return [e.clerk_id for e in rows if e.details.get("change") == "created" and e.details["clerk"] == name]


@pytest.mark.sqlite_only
def test_an_add_waiting_on_a_busy_database_is_recorded_under_its_sender_not_the_next_clerk(
    station: Station,
) -> None:
    li = clerks.add_clerk(station, "Li", "1357")
    wang = station.clerk_id
    busy = threading.Event()
    station.busy_wait_s, station.on_busy = WAIT_S, busy.set
    outcome: list[object] = []
    add = station.as_now(partial(clerks.add_clerk, station, "Zhou Qi", "2468"))
    other = sqlite3.connect(str(station.engine.url.database), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another counter writing: the add waits for it
        thread = threading.Thread(target=lambda: outcome.append(add()))
        thread.start()
        assert busy.wait(WAIT_S)
        clerks.act_as(station, None)  # the console locks...
        clerks.act_as(station, li)  # ...and Li signs in, while the add still waits
        other.execute("ROLLBACK")
    finally:
        other.close()
    thread.join(WAIT_S)
    assert [c.name for c in outcome if isinstance(c, clerks.ClerkInfo)] == ["Zhou Qi"]
    assert created_by(station, "Zhou Qi") == [wang]
    assert station.clerk_id == li.id  # the station itself acts as Li


def test_a_call_sent_while_nobody_was_signed_in_stays_refused_after_a_sign_in(station: Station) -> None:
    clerks.act_as(station, None)
    add = station.as_now(partial(clerks.add_clerk, station, "Zhou Qi", "2468"))
    clerks.sign_in(station, "Wang", "9071")
    with pytest.raises(PermissionDenied):
        add()
    assert created_by(station, "Zhou Qi") == []


def test_a_sign_in_sent_as_nobody_acts_as_its_clerk_inside_the_call_and_after(station: Station) -> None:
    clerks.act_as(station, None)
    sign_in = station.as_now(partial(clerks.sign_in, station, "Wang", "9071"))
    wang = sign_in().id
    assert station.clerk_id == wang
    with station.read() as session:
        last = session.exec(select(ParcelEvent).order_by(ParcelEvent.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and (last.kind, last.clerk_id) == (EventKind.SIGNED_IN, wang)


def test_what_a_call_hands_to_the_ui_thread_reads_whoever_acts_now_not_the_call_s_clerk(
    station: Station,
) -> None:
    # Textual's `call_from_thread` is asyncio's `run_coroutine_threadsafe`: the callback runs on the
    # UI loop in a copy of the calling thread's context, the call's own clerk in it.
    seen: dict[str, int | None] = {}

    async def on_the_ui_thread() -> None:
        seen["ui"] = station.clerk_id

    async def console() -> None:
        loop = asyncio.get_running_loop()

        def call() -> None:
            seen["call"] = station.clerk_id
            asyncio.run_coroutine_threadsafe(on_the_ui_thread(), loop).result(WAIT_S)

        sent = station.as_now(call)
        clerks.act_as(station, None)  # the console locks before the call runs
        await asyncio.wait_for(loop.run_in_executor(None, sent), WAIT_S)

    wang = station.clerk_id
    asyncio.run(console())
    assert seen == {"call": wang, "ui": None}
