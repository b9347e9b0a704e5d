"""The test PostgreSQL cluster (tests/pg_server.py) ends with the process that started it, even when that
process is killed before its session could stop it (SIGKILL, a second Ctrl+C): no server left running,
no folder left in /dev/shm."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres  # deselected with the other PostgreSQL tests (STATION_TEST_PG=0)

TESTS = Path(__file__).resolve().parent

# A process that starts a cluster as a pytest worker does (the session fixture's own `cluster()`,
# without the templates a test would migrate into it) and waits to be killed.
WORKER = f"""
import json, sys, time
sys.path.insert(0, {str(TESTS)!r})
from pg_server import cluster

with cluster() as server:
    print(json.dumps({{"postmaster": server.postmaster_pid(), "folder": str(server.datadir.parent)}}), flush=True)
    time.sleep(120)
"""


def _ended(pidfd: int, seconds: float) -> bool:
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    return bool(poller.poll(seconds * 1000))


def test_a_killed_worker_takes_its_cluster_and_folder_with_it() -> None:
    worker = subprocess.Popen([sys.executable, "-c", WORKER], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None
        ready, _w, _x = select.select([worker.stdout], [], [], 60)
        assert ready, "the cluster did not start"
        started = json.loads(worker.stdout.readline())
        postmaster = os.pidfd_open(started["postmaster"])
        folder = Path(started["folder"])
        assert folder.is_dir()
        worker.kill()  # SIGKILL: the session's teardown never runs
        worker.wait()
        assert _ended(postmaster, 10), "the server outlived its worker"
        deadline = time.monotonic() + 30  # bounds a hang only
        while folder.exists() and time.monotonic() < deadline:  # removed once the server is gone
            time.sleep(0.02)
        assert not folder.exists()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
