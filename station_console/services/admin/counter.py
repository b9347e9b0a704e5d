"""Changing this counter's own settings (counter.toml): manager only, as the station's settings are,
and every change recorded in the audit trail (who, when, at which counter, each setting old and new;
secrets by name only: `counter_changes.py`).

The one writer of the file: the Settings, Printers and Scan test screens and `station scan-test --save`
all come here, so a clerk, or nobody signed in, cannot change the counter's printers or scanner by any
way round the screens. Nothing is written or recorded when the role is refused, and a save that
changes nothing records nothing. Settings saves the station's settings `along` with it, in the
transaction of its event, so a refusal of either part saves neither.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session

from db.models import EventKind
from station_console.counter_config import config_path
from station_console.counter_settings import CounterSettings, load_counter_settings, save_counter_settings
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.admin.counter_changes import counter_changes
from station_console.services.admin.setup import validate_counter
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station


def change_counter_settings(
    station: Station,
    new: CounterSettings,
    path: Path | None = None,
    *,
    along: Callable[[Session], None] | None = None,
) -> None:
    """Write `new` as this counter's settings (to `path`, default its counter.toml). Manager only.

    `along`: more work (the station settings' save) in the transaction that records this change, so
    it commits only once the new file is on disk and every check of both parts passed, and a refusal
    of it leaves the file as it was. Only the rename after that commit can still fail (a disk gone
    meanwhile): refused as `counter_not_saved`, which says the station's part was saved. A file that
    cannot be written before that is refused as `counter_write_failed`, naming it and why."""
    require(station, "settings")
    # The name every event of this counter records: one the station would not open under (past the
    # counter columns' 32 characters) left the console and every command on this PC refusing to start.
    validate_counter(new.counter)
    path = path or config_path()
    details = _details(path, new)

    committed = False

    def work(session: Session) -> None:
        if along is not None:
            along(session)
        if details:
            audit.record(session, station, EventKind.COUNTER_SETTINGS_CHANGED, details=details)

    def record() -> None:
        nonlocal committed
        station.run(work)
        committed = True

    # The event commits after the new file is on disk and before it replaces the old one. A refused
    # or failed commit leaves the old file; a failed write records nothing. Between the commit and
    # the rename (a crash, a rename that fails) the trail may tell of a change the file never took,
    # never the other way round: no change goes unrecorded, and the next save's old values, read
    # from the file, show what it held.
    try:
        save_counter_settings(new, path, before_rename=record if details or along else None)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if not (committed and along):
            # A full disk, a read-only folder: the clerk is told which file and why, not a crash report.
            raise Refused(
                N_(
                    "This counter's settings could not be written to {path}: {reason}. Nothing was saved; "
                    "free some disk space or make the folder writable, then save again."
                ),
                code="counter_write_failed",
                path=str(path),
                reason=reason,
            ) from exc
        raise Refused(
            N_(
                "The station settings were saved, this counter's own were not: {reason}. Save again "
                "once the counter's settings file can be written."
            ),
            code="counter_not_saved",
            reason=reason,
        ) from exc


def _details(path: Path, new: CounterSettings) -> dict[str, Any]:
    """What the event records: the settings that differ from the file's, {} when none does. A file
    that cannot be read is compared with the defaults, and the event says it replaced one."""
    try:
        return counter_changes(load_counter_settings(path), new)
    except Refused:
        return {**counter_changes(CounterSettings(), new), "replaced_unreadable": True}
