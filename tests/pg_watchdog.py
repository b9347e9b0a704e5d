"""Stops a test PostgreSQL cluster whose pytest process is gone, and removes its folder.

`python pg_watchdog.py OWNER POSTMASTER FOLDER`, started by tests/pg_server.py in a session of its own
(a Ctrl+C at the terminal does not reach it). pg_ctl daemonises the server, so nothing ties it to the
pytest worker that started it: a worker killed (SIGKILL, a second Ctrl+C) left the server running and
its folder in /dev/shm. This process waits on both (pidfds: no polling, no pid reused meanwhile). When
the server goes first, its session stopped it and there is nothing to do; when the worker goes first,
the server gets SIGQUIT (PostgreSQL's immediate shutdown) and the folder is removed once it is gone.
Runs as whoever runs pytest: as root it may signal the server's `station-pg` account.

Only the standard library, and no site packages (`python -S`): it costs a few ms to start.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import sys


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except ProcessLookupError:
        return None


def _wait(fd: int, seconds: float) -> bool:
    """Whether the process behind `fd` exited within `seconds`."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(seconds * 1000))


def main(owner: int, postmaster: int, folder: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # only the owner's end stops the server
    server = _pidfd(postmaster)
    if server is None:  # already stopped
        return
    worker = _pidfd(owner)
    if worker is not None:
        poller = select.poll()
        poller.register(worker, select.POLLIN)
        poller.register(server, select.POLLIN)
        ended = {fd for fd, _event in poller.poll()}
        if worker not in ended:  # the session stopped its server: it removes the folder itself
            return
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        signal.pidfd_send_signal(server, signal.SIGQUIT)
    _wait(server, 10)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
