"""Opening the station as the console starts: in a thread worker while the sign-in dialog already takes
the clerk's keys (opening imports SQLAlchemy and the models, checks the migration and reads the
settings), then the devices started; a station that cannot be opened closes the console with one line.

Mixed into `StationApp` so the app module stays small.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual import work
from textual.app import App

from station_console.errors import StationError
from station_console.i18n import _
from station_console.logs import log_path

if TYPE_CHECKING:
    from textual.worker import Worker

    from station_console.services.core.station import SettingsRead, Station
    from station_console.settings import CounterSettings

OPENING_WORKER = "load-station"  # the worker that opens the station while the sign-in takes keys


class ConsoleContext(Protocol):
    """What the console needs from whoever starts it (the `station` command's CliApp); both are read
    in a worker, as opening the station and loading the settings are what start-up waits for."""

    @property
    def station(self) -> Station: ...

    @property
    def counter_settings(self) -> CounterSettings: ...


class StationOpeningApp(App[None]):
    """The station's opening for the console app; expects the attributes below from `StationApp`, which
    sets them before it is mounted."""

    _station: Station | None
    _opening: ConsoleContext | None  # who opens the station; None: the app was given one open
    _counter_settings: CounterSettings | None
    counter_settings_at_start: CounterSettings | None
    database_label: str
    open_failure: str | None  # why the station could not be opened, as the clerk read it

    if TYPE_CHECKING:  # the app's own and its other parts' (the clerk session, devices, toasts)

        @property
        def counter_settings(self) -> CounterSettings: ...

        def settings_read(self, read: SettingsRead) -> bool: ...

        def station_is_open(self, first_run: bool) -> None: ...

        def start_devices(self) -> None: ...

        def check_database(self) -> Worker[None]: ...

        def database_busy(self) -> None: ...

    @property
    def station_open(self) -> bool:
        return self._station is not None

    def _use_station(self, station: Station) -> None:
        self._station = station
        self.database_label = self.database_label or describe_database(station)
        station.busy_wait_s = self.counter_settings.busy_wait_s
        station.on_busy = self.database_busy

    def after_station_open(self) -> None:
        # On the app's own queue, not after the next refresh: Textual holds such a callback on the
        # screen on top at the time, and a screen pushed over it at once (a mode key, Settings > Outbox
        # right after sign-in) kept it, and the devices, waiting until the clerk came back to it. The
        # first screen is drawn by now: `station` draws the sign-in dialog before the station opens.
        self.call_later(self.start_devices)
        self.call_later(self.check_database)

    @work(thread=True, exit_on_error=False, name=OPENING_WORKER, group=OPENING_WORKER)
    def load_station(self) -> None:
        """Open the station (imports, migration check, settings) and find out which sign-in it needs,
        aside: the UI thread keeps taking the clerk's keys meanwhile."""
        assert self._opening is not None
        try:
            counter_settings = self._counter_settings or self._opening.counter_settings
            station = self._opening.station
            first_run = False
            if station.clerk_id is None:
                # Imported here, in the worker: start-up time (SQLAlchemy and the models).
                from station_console.services.people.clerks import needs_first_manager

                first_run = needs_first_manager(station)
            station.settings()  # read here, not by the UI thread
        except StationError as exc:
            self.call_from_thread(self._open_failed, exc.message())
            return
        except Exception as exc:  # noqa: BLE001  a bug: logged; the clerk gets one line, never a traceback
            logging.getLogger("station.tui").error("cannot open the station", exc_info=exc)
            text = _("An unexpected error happened; details were written to {path}", path=log_path())
            self.call_from_thread(self._open_failed, text)
            return
        self.call_from_thread(self._station_opened, station, counter_settings, first_run)

    def _station_opened(self, station: Station, counter_settings: CounterSettings, first_run: bool) -> None:
        self._counter_settings = self.counter_settings_at_start = counter_settings
        self._use_station(station)
        self.settings_read(station.current_settings())
        self.station_is_open(first_run)
        self.after_station_open()

    def _open_failed(self, message: str) -> None:
        """The same line `station` printed before the console existed: the screen closes, the line stays."""
        self.open_failure = message
        self.exit(return_code=1, message=Text(f"station: {message}"))


def describe_database(station: Station) -> str:
    url = station.engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite {Path(url.database).name if url.database else ':memory:'}"
    return f"{url.get_backend_name()} {url.host or ''}/{url.database or ''}"
