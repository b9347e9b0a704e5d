"""A background pass's look for sends a crash left half-done takes no write lock when there are none: it
runs before every pass (the print queue's after every check-in), and a write transaction for nothing
made the next check-in wait behind it, or was refused itself while another counter wrote."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from notify_helpers import checkin

from station_console.services.carrier_events import sender as event_sender
from station_console.services.core.station import Station
from station_console.services.notify import sender as notify_sender
from station_console.services.notify.channels import DummyChannel
from station_console.services.printing import sending

WAIT_S = 0.3  # how long a write waits for the lock here before it is refused


@contextmanager
def another_counter_writing(station: Station) -> Iterator[None]:
    other = sqlite3.connect(str(station.engine.url.database), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


RECOVERIES: dict[str, Callable[[Station], object]] = {
    "print queue": lambda station: sending.recover_stale(station),
    "notifications": lambda station: notify_sender.recover_stale(station, DummyChannel()),
    "carrier events": lambda station: event_sender.recover_stale(
        station, event_sender.Channels(station), event_sender.PassResult()
    ),
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("which", sorted(RECOVERIES))
def test_finding_no_stale_send_needs_no_write_lock(station: Station, which: str) -> None:
    checkin(station, 1)  # a label, a notification and a carrier event queued, none of them sending
    station.busy_wait_s = WAIT_S
    with another_counter_writing(station):
        recovered = RECOVERIES[which](station)  # before: refused, the database busy
    assert recovered in ([], None)
