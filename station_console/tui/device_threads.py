"""The console's device threads: the scanner, the passes (labels, customer messages, carrier events) and
the live view, started once the station is open and stopped for good as the console quits; the
database's page check beside them, and the device states the headers show.

Mixed into `StationApp` so the app module stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from station_console import settle_memory, settle_signed_in
from station_console.tui.periodic import PassWorker

if TYPE_CHECKING:
    from station_console.services.core.station import Station
    from station_console.tui.carrier_event_worker import CarrierEventWorker
    from station_console.tui.live_bridge import LiveBridge
    from station_console.tui.notify_worker import NotifyWorker
    from station_console.tui.print_worker import PrintWorker
    from station_console.tui.scanner_bridge import ScannerBridge


class DeviceThreadsApp(App[None]):
    """The device threads of the console app; expects `station` and `device_states` from `StationApp`."""

    _station: Station | None
    device_states: dict[str, str]

    @property
    def station(self) -> Station:
        raise NotImplementedError  # the app's

    def init_device_threads(self) -> None:
        self._devices: list[ScannerBridge | PrintWorker | NotifyWorker | CarrierEventWorker | LiveBridge] = []
        self._kicks_waiting: set[PassWorker] = set()  # kicked before the devices started
        self._quitting = False  # the devices were stopped for good: none starts again

    def stop_devices(self) -> None:
        """The scanner, the passes and the live view stop, for good: each pass after its item in hand."""
        self._quitting = True
        devices, self._devices = self._devices, []
        for device in devices:
            device.stop()

    def start_devices(self) -> None:
        """The scanner, printer, outbox and live-view threads, once the first screen is drawn."""
        # Imported here, not at the top: start-up time (printers and scanners pull in their drivers).
        from station_console.tui.carrier_event_worker import CarrierEventWorker
        from station_console.tui.live_bridge import LiveBridge
        from station_console.tui.notify_worker import NotifyWorker
        from station_console.tui.print_worker import PrintWorker
        from station_console.tui.scanner_bridge import ScannerBridge

        if self._devices or self._quitting or not self.is_running or self._station is None:
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
        for name in sorted(self._kicks_waiting):
            getattr(self, name).kick()
        self._kicks_waiting.clear()
        self.settle_when_signed_in()

    def settle_when_signed_in(self) -> None:
        """Once the devices have started (the station is open), a clerk is signed in and a mode screen
        is on top: what they made is set aside (`settle_signed_in`), after that screen is drawn, while
        the console waits for the clerk's first key. Asked as the devices start and as a mode screen
        comes to the front, whichever comes last; it happens once."""
        # Imported here: start-up time (the screens are loaded after the station opens).
        from station_console.tui.screens.base import ModeScreen

        if not self._devices or self._station is None or self._station.clerk_id is None:
            return
        if isinstance(self.screen, ModeScreen):
            self.call_after_refresh(settle_signed_in)

    def kick_worker(self, name: PassWorker) -> None:
        """Run that background pass now: a label, message or event queued again goes at once, not at
        the next round. Asked before the devices have started, it runs as they start."""
        worker: PrintWorker | NotifyWorker | CarrierEventWorker | None = getattr(self, name, None)
        if worker is None:
            self._kicks_waiting.add(name)
        else:
            worker.kick()

    @work(thread=True, exit_on_error=False, name="quick-check", group="quick-check")
    def check_database(self) -> None:
        """SQLite's page check, off the UI thread (a large file takes a while); a damaged file puts a
        dialog over everything that says what to do."""
        # Imported here: start-up time (the dialog is drawn before any service is loaded).
        from station_console.services.core.health import DatabaseDamaged, check_database
        from station_console.tui.screens.damaged import DamagedScreen

        try:
            check_database(self.station.engine)
        except DatabaseDamaged as exc:
            # Over whatever is on top (not `open_over`): nothing else can be done on a broken database.
            self.call_from_thread(self.push_screen, DamagedScreen(exc.message()))

    def set_device_state(self, device: str, state: str) -> None:
        """Hardware workers report here (on the UI thread); the headers watch `device_states`."""
        self.device_states = {**self.device_states, device: state}
