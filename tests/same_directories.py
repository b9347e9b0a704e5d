"""One collector per test folder for the whole session, so a folder's conftest fixtures reach all its tests.

pytest 9.1 attaches a conftest's fixtures to the folder's collector object (no longer to its path), and
collects a folder again, with new collectors for its subfolders, when a file directly inside it is named
on the command line. `pytest tests/cli/test_a.py tests/test_b.py tests/cli/test_c.py` then ran
test_c.py under a second `tests/cli` collector that tests/cli/conftest.py never reached: no signed-in
clerk, no `run` fixture ("Nobody is signed in"), while either file passed alone or under xdist. Here a
folder collected again hands out the subfolder collectors it handed out the first time, as pytest's own
fix does (pytest-dev/pytest#14635, in 9.2, which this suite cannot take yet: see pyproject.toml).
tests/test_same_directories.py checks that it still works, and says when pytest no longer needs it.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

_FIRST = pytest.StashKey[dict[tuple[int, Path], pytest.Directory]]()


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if isinstance(collector, pytest.Directory) and report.passed and report.result:
        first = collector.config.stash.setdefault(_FIRST, {})
        report.result = [
            first.setdefault((id(collector), node.path), node) if isinstance(node, pytest.Directory) else node
            for node in report.result
        ]
    return report
