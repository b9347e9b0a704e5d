"""Security test fixtures (the helpers are in `security.helpers`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from security.helpers import Run, run_cli
from security.restore_helpers import backed_up_station
from station_console.services.core.station import Station


@pytest.fixture
def cli() -> Callable[..., Run]:
    """`station ARGS` through the real entry point, in this process."""
    return run_cli


@pytest.fixture
def live(tmp_path: Path) -> Station:
    """The restore tests' station: two parcels, yesterday closed, a good backup, a third parcel."""
    return backed_up_station(tmp_path)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: files 0644, folders 0755
    yield
    os.umask(old)
