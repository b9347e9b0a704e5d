"""Per-test CPU time, for finding where the suite's time goes on a shared machine.

Wall time moves with the machine's load; the CPU time this process spends on a test (all its threads:
setup, call and teardown) does not. Opt in with `STATION_TEST_CPU_LOG=path`: every worker appends one
tab-separated line per test (CPU seconds, wall seconds, node id, xdist worker) to `path`. Child processes (the CLI
subprocess tests, the PostgreSQL server) are not counted here: `/usr/bin/time` the run for those.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

LOG = os.environ.get("STATION_TEST_CPU_LOG")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if not LOG:
        yield
        return
    cpu, wall = time.process_time(), time.perf_counter()
    yield
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # to see whether the workers end together
    line = f"{time.process_time() - cpu:.4f}\t{time.perf_counter() - wall:.4f}\t{item.nodeid}\t{worker}\n"
    with open(LOG, "a", encoding="utf-8") as log:  # one short append per test: workers do not interleave
        log.write(line)
