"""Per-test CPU time, for finding where the suite's time goes on a shared machine.

Wall time moves with the machine's load; the CPU time this process spends on a test (all its threads:
setup, call and teardown) does not. Opt in with `STATION_TEST_CPU_LOG=path`: every worker appends one
tab-separated line per test to `path`: CPU seconds, wall seconds, node id, xdist worker, start (Unix
time), and the CPU seconds of the child processes the test waited for (the CLI, crash and concurrency
subprocesses). The PostgreSQL servers are not children that anyone waits for: each writes its own
total at the end (tests/pg_server.py). Wall minus both CPU columns is roughly the time a test waits.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator

import pytest

LOG = os.environ.get("STATION_TEST_CPU_LOG")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if not LOG:
        yield
        return
    cpu, wall, started, children = time.process_time(), time.perf_counter(), time.time(), _children_cpu()
    yield
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # to see whether the workers end together
    line = (
        f"{time.process_time() - cpu:.4f}\t{time.perf_counter() - wall:.4f}\t{item.nodeid}\t{worker}"
        f"\t{started:.3f}\t{_children_cpu() - children:.4f}\n"
    )
    with open(LOG, "a", encoding="utf-8") as log:  # one short append per test: workers do not interleave
        log.write(line)
