"""Changing this counter's own settings (counter.toml): manager only, as the station's settings are.

The one writer of the file: the Settings, Printers and Scan test screens and `station scan-test --save`
all come here, so a clerk, or nobody signed in, cannot change the counter's printers or scanner by any
way round the screens. The file is on this PC, not in the database: nothing is recorded in the audit
trail, and nothing is written when the role is refused.
"""

from __future__ import annotations

from pathlib import Path

from station_console.counter_settings import CounterSettings, save_counter_settings
from station_console.services.core.roles import require
from station_console.services.core.station import Station


def change_counter_settings(station: Station, new: CounterSettings, path: Path | None = None) -> None:
    """Write `new` as this counter's settings (to `path`, default its counter.toml). Manager only."""
    require(station, "settings")
    save_counter_settings(new, path)
