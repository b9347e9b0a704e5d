"""Changing this counter's own settings (counter.toml): manager only, as the station's settings are,
and every change recorded in the audit trail (who, when, at which counter, each setting old and new;
secrets by name only: `counter_changes.py`).

The one writer of the file: the Settings, Printers and Scan test screens and `station scan-test --save`
all come here, so a clerk, or nobody signed in, cannot change the counter's printers or scanner by any
way round the screens. Nothing is written or recorded when the role is refused, and a save that
changes nothing records nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db.models import EventKind
from station_console.counter_config import config_path
from station_console.counter_settings import CounterSettings, load_counter_settings, save_counter_settings
from station_console.errors import Refused
from station_console.services.admin.counter_changes import counter_changes
from station_console.services.admin.setup import validate_counter
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station


def change_counter_settings(station: Station, new: CounterSettings, path: Path | None = None) -> None:
    """Write `new` as this counter's settings (to `path`, default its counter.toml). Manager only."""
    require(station, "settings")
    # The name every event of this counter records: one the station would not open under (past the
    # counter columns' 32 characters) left the console and every command on this PC refusing to start.
    validate_counter(new.counter)
    path = path or config_path()
    details = _details(path, new)

    def record() -> None:
        station.run(
            lambda session: audit.record(
                session, station, EventKind.COUNTER_SETTINGS_CHANGED, details=details
            )
        )

    # The event commits after the new file is on disk and before it replaces the old one. A refused
    # or failed commit leaves the old file; a failed write records nothing. Between the commit and
    # the rename (a crash, a rename that fails) the trail may tell of a change the file never took,
    # never the other way round: no change goes unrecorded, and the next save's old values, read
    # from the file, show what it held.
    save_counter_settings(new, path, before_rename=record if details else None)


def _details(path: Path, new: CounterSettings) -> dict[str, Any]:
    """What the event records: the settings that differ from the file's, {} when none does. A file
    that cannot be read is compared with the defaults, and the event says it replaced one."""
    try:
        return counter_changes(load_counter_settings(path), new)
    except Refused:
        return {**counter_changes(CounterSettings(), new), "replaced_unreadable": True}
