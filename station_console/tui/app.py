"""The console: one Textual app, one mode per job, each with its own screen stack."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen

from station_console import settle_memory
from station_console.i18n import N_, _
from station_console.logs import setup_logging
from station_console.safe_text import visible
from station_console.services.core.health import DatabaseDamaged, check_database
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.clerk_session import CLERK_BINDINGS, ClerkSessionMixin
from station_console.tui.screens.base import translate_bindings
from station_console.tui.screens.checkin import CheckinScreen

if TYPE_CHECKING:
    from station_console.tui.carrier_event_worker import CarrierEventWorker
    from station_console.tui.live_bridge import LiveBridge
    from station_console.tui.notify_worker import NotifyWorker
    from station_console.tui.print_worker import PrintWorker
    from station_console.tui.scanner_bridge import ScannerBridge


# The screens other than check-in (the first one) are imported when the clerk first opens them, and the
# device threads once the first screen is up: the console starts with only what it shows.
def _pickup() -> Screen:
    from station_console.tui.screens.pickup import PickupScreen  # start-up time: on first use

    return PickupScreen()


def _sendout() -> Screen:
    from station_console.tui.screens.sendout import SendoutScreen  # start-up time: on first use

    return SendoutScreen()


def _shelves() -> Screen:
    from station_console.tui.screens.shelves import ShelvesScreen  # start-up time: on first use

    return ShelvesScreen()


def _parcels() -> Screen:
    from station_console.tui.screens.parcels import ParcelsScreen  # start-up time: on first use

    return ParcelsScreen()


def _reports() -> Screen:
    from station_console.tui.screens.reports import ReportsScreen  # start-up time: on first use

    return ReportsScreen()


def _settings() -> Screen:
    from station_console.tui.screens.settings import SettingsScreen  # start-up time: on first use

    return SettingsScreen()


class ConsoleContext(Protocol):
    """What the console needs from whoever starts it (the `station` command's CliApp)."""

    @property
    def station(self) -> Station: ...

    @property
    def counter_settings(self) -> CounterSettings: ...


class StationApp(ClerkSessionMixin, App[None]):
    # What every screen's header shows, watched by the headers (StationHeader).
    clerk_name: reactive[str | None] = reactive(None)
    device_states: reactive[dict[str, str]] = reactive(lambda: {"scanner": "wedge", "printer": "none"})

    # The first screens' styles load with the app's: a screen that brings a new .tcss makes Textual parse
    # every stylesheet again (start-up time: twice more before the first screen is drawn).
    CSS_PATH = ["app.tcss", "screens/checkin.tcss", "screens/signin.tcss"]
    TITLE = "station-console"
    ENABLE_COMMAND_PALETTE = False

    MODES: ClassVar = {
        "checkin": CheckinScreen,
        "pickup": _pickup,
        "sendout": _sendout,
        "shelves": _shelves,
        "parcels": _parcels,
        "reports": _reports,
        "settings": _settings,
    }
    DEFAULT_MODE = "checkin"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f1", "switch_mode('checkin')", N_("Check-in"), id="mode.checkin", tooltip=N_("Receive parcels")
        ),
        Binding(
            "f2", "switch_mode('pickup')", N_("Pickup"), id="mode.pickup", tooltip=N_("Hand out parcels")
        ),
        # The counter's three flows first (in, out, send), then the back office; screens keep F7-F12.
        Binding(
            "f3",
            "switch_mode('sendout')",
            N_("Send-out"),
            id="mode.sendout",
            tooltip=N_("Accept parcels to send; hand them to couriers"),
        ),
        Binding(
            "f4",
            "switch_mode('shelves')",
            N_("Shelves"),
            id="mode.shelves",
            tooltip=N_("Shelf map and stocktake"),
        ),
        Binding(
            "f5",
            "switch_mode('parcels')",
            N_("Parcels"),
            id="mode.parcels",
            tooltip=N_("Search every parcel"),
        ),
        Binding(
            "f6", "switch_mode('reports')", N_("Reports"), id="mode.reports", tooltip=N_("Reconciliation")
        ),
        # Settings is a manager's, now and then: off the F-keys (inside Settings, Ctrl+S saves).
        Binding(
            "ctrl+s",
            "switch_mode('settings')",
            N_("Settings"),
            id="mode.settings",
            tooltip=N_("Station settings"),
        ),
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True),
        *CLERK_BINDINGS,
    ]

    def __init__(
        self,
        station: Station,
        counter_settings: CounterSettings | None = None,
        database_label: str = "",
        *,
        require_sign_in: bool = False,
    ) -> None:
        super().__init__()
        self.station = station
        self.counter_settings = counter_settings or CounterSettings()
        self.database_label = database_label or describe_database(station)
        station.busy_wait_s = self.counter_settings.busy_wait_s
        station.on_busy = self.database_busy
        self.init_clerk_session(require_sign_in)

    def on_mount(self) -> None:
        self.title = visible(self.station.settings().station_name)
        self._devices: list[ScannerBridge | PrintWorker | NotifyWorker | CarrierEventWorker | LiveBridge] = []
        translate_bindings(self)
        self.start_clerk_session()
        self.call_after_refresh(self.start_devices)
        self.call_after_refresh(self.check_database)  # it reads the whole file: not before the first draw

    def start_devices(self) -> None:
        """The scanner, printer, outbox and live-view threads, once the first screen is drawn."""
        # Imported here, not at the top: start-up time (printers and scanners pull in their drivers).
        from station_console.tui.carrier_event_worker import CarrierEventWorker
        from station_console.tui.live_bridge import LiveBridge
        from station_console.tui.notify_worker import NotifyWorker
        from station_console.tui.print_worker import PrintWorker
        from station_console.tui.scanner_bridge import ScannerBridge

        if self._devices or not self.is_running:
            return
        settle_memory()
        # Device scanners (HID, serial, dummy) post Scanned messages.
        self.scanner_bridge = ScannerBridge(self)
        self.print_worker = PrintWorker(self)  # labels go out in a thread; check-in never waits for it
        self.notify_worker = NotifyWorker(self)  # customer messages leave the outbox in a thread
        self.carrier_event_worker = CarrierEventWorker(self)  # events back to carriers, in a thread
        self.live_bridge = LiveBridge(self)  # other counters' check-ins and pickups refresh the screen
        self._devices = [
            self.scanner_bridge,
            self.print_worker,
            self.notify_worker,
            self.carrier_event_worker,
            self.live_bridge,
        ]
        for device in self._devices:
            device.start()

    @work(thread=True, exit_on_error=False, name="quick-check", group="quick-check")
    def check_database(self) -> None:
        """SQLite's page check, off the UI thread (a large file takes a while); a damaged file puts a
        dialog over everything that says what to do."""
        from station_console.tui.screens.damaged import DamagedScreen

        try:
            check_database(self.station.engine)
        except DatabaseDamaged as exc:
            self.call_from_thread(self.push_screen, DamagedScreen(exc.message()))

    def on_unmount(self) -> None:
        for device in self._devices:
            device.stop()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast shows its text as text: messages quote waybills, names and notes."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def database_busy(self) -> None:
        """Another program holds the database: say so at once; the write retries, then gives up."""
        message = _("The database is busy (another program holds it); retrying...")
        if threading.get_ident() == self._thread_id:
            self.notify(message, severity="warning", timeout=4)
        else:  # from a worker thread
            self.call_from_thread(self.notify, message, severity="warning", timeout=4)

    def set_device_state(self, device: str, state: str) -> None:
        """Hardware workers report here (on the UI thread); the headers watch `device_states`."""
        self.device_states = {**self.device_states, device: state}


def describe_database(station: Station) -> str:
    url = station.engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite {Path(url.database).name if url.database else ':memory:'}"
    return f"{url.get_backend_name()} {url.host or ''}/{url.database or ''}"


def run_console(cli_app: ConsoleContext) -> None:
    setup_logging()
    app = StationApp(cli_app.station, cli_app.counter_settings, require_sign_in=True)
    app.run()
