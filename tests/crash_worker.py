"""The crash tests' worker process: checks parcels in until it is killed.

It sends each waybill only after `check_in` returned (acknowledged), and READY before the first. It runs
in a process forked from the `forkserver` the concurrency bench uses (`process_context`), which imported
the services once, so each of the many kills does not pay for a new interpreter's imports; the server
is a fresh process, so a worker inherits no engine, connection or lock of the test's. Here, in tests/
(on sys.path from tests/conftest.py on), for a worker to import it: Python 3.11's server does not take
the tests' sys.path, so this module is not among what it imports first.
"""

from __future__ import annotations

from multiprocessing.connection import Connection

from station_helpers import act_as_new_clerk

from db import checkpoint
from db.models import Role
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in


def check_in_until_killed(url: str, run: int, acks: Connection, trigger_pages: int | None = None) -> None:
    """`trigger_pages` sets the background checkpointer's trigger low, so that kills also land in the
    middle of its checkpoints."""
    if trigger_pages is not None:
        checkpoint.TRIGGER_PAGES = trigger_pages
    station = open_station(url, counter="crash")
    act_as_new_clerk(station, f"crash-{run}", Role.CLERK)
    acks.send_bytes(b"READY")
    n = 0
    while True:
        waybill = f"JT{run:06d}{n:07d}"
        check_in(station, waybill, phone=f"1380013{n % 10000:04d}", size="S")
        acks.send_bytes(waybill.encode())  # one write under PIPE_BUF: whole or not at all
        n += 1
