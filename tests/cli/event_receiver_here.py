"""The service tests' fake carrier receiver, importable here (as tui/shelf_data.py does for shelves)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from event_receiver import receiver  # noqa: E402

__all__ = ["receiver"]
