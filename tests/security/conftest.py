"""Security test fixtures (the helpers are in `security.helpers`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from security.helpers import Run, run_cli


@pytest.fixture
def cli() -> Callable[..., Run]:
    """`station ARGS` through the real entry point, in this process."""
    return run_cli
