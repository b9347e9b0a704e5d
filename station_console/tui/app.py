"""The console: one Textual app, one mode per job, each with its own screen stack."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from textual import events
from textual.binding import Binding, BindingType
from textual.reactive import reactive, var
from textual.screen import Screen

from station_console.i18n import N_, _
from station_console.logs import setup_logging
from station_console.safe_text import visible
from station_console.tui import error_toasts, mode_key, terminal_closed, whole_pastes
from station_console.tui.clerk_session import CLERK_BINDINGS, ClerkSessionMixin
from station_console.tui.device_threads import DeviceThreadsApp
from station_console.tui.early_actions import ActionsOnceLaidOutApp
from station_console.tui.focus_in_view import (
    LookAgain,
    TypedRun,
    bring_focus_into_view,
    look_after_focus,
    look_again,
)
from station_console.tui.held_toasts import HeldToastsApp
from station_console.tui.key_bounce import SCAN_GAP, BounceGuard
from station_console.tui.quitting import run_to_the_end
from station_console.tui.scans_not_taken import ScansNotTakenApp
from station_console.tui.screens.base import ModeScreen, translate_bindings
from station_console.tui.station_opening import ConsoleContext, StationOpeningApp
from station_console.tui.type_ahead import TypeAhead, newline_as_enter
from station_console.tui.widgets.status_line import clerk_acted
from station_console.tui.widgets.tick import Tick

if TYPE_CHECKING:
    from station_console.services.core.station import SettingsRead, Station
    from station_console.settings import CounterSettings, StationSettings


# Every mode's screen is imported when the clerk first opens it (check-in: once signed in), and the
# device threads once the station is open: the console starts with only what it shows.
def _checkin() -> Screen:
    from station_console.tui.screens.checkin import CheckinScreen  # start-up time: after sign-in

    return CheckinScreen()


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


class StartScreen(Screen[None]):
    """What is under the sign-in dialog while the station opens: nothing of a station yet."""


START_MODE = "_default"  # Textual's mode for the app's default screen: StartScreen here


class StationApp(
    ClerkSessionMixin,
    StationOpeningApp,
    DeviceThreadsApp,
    HeldToastsApp,
    ActionsOnceLaidOutApp,
    ScansNotTakenApp,
):
    # What every screen's header shows, watched by the headers (StationHeader).
    clerk_name: reactive[str | None] = reactive(None)
    device_states: reactive[dict[str, str]] = reactive(lambda: {"scanner": "wedge", "printer": "none"})
    # The station settings as last read (`settings_read`): the screens that show one watch them.
    station_settings: var[StationSettings | None] = var(None)
    _settings_order = 0  # their place among the station's swaps (`SettingsRead.order`)

    # The first screens' styles load with the app's: a screen that brings a new .tcss makes Textual parse
    # every stylesheet again (start-up time: twice more before the first screen is drawn).
    CSS_PATH = ["app.tcss", "screens/checkin.tcss", "screens/signin.tcss"]
    TITLE = "station-console"
    ENABLE_COMMAND_PALETTE = False

    MODES: ClassVar = {
        "checkin": _checkin,
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
        *CLERK_BINDINGS,
        # Ins: every ctrl+letter and F-key is some screen's or field's, and it types nothing. Priority:
        # it lists a dialog's keys too, and the footer shows it first (`tui/screens/keys_list.py`).
        Binding(
            "insert",
            "keys_list",
            N_("Keys"),
            id="app.keys",
            key_display="Ins",
            tooltip=N_("Every key of this screen"),
            priority=True,
        ),
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True),  # last on the key list
    ]

    def __init__(
        self,
        station: Station | None = None,
        counter_settings: CounterSettings | None = None,
        database_label: str = "",
        *,
        require_sign_in: bool = False,
        opening: ConsoleContext | None = None,
        first_mode: str | None = None,
    ) -> None:
        """Either an open `station` (tests, tools), or `opening`, whose `station` and `counter_settings`
        are read in a thread worker once the sign-in dialog is drawn, so the clerk types while the
        database opens (`station`). `first_mode`, with a `station`: the mode shown first instead of
        check-in (a test of another mode need not build a check-in screen it never looks at)."""
        if (station is None) == (opening is None):
            raise ValueError("StationApp needs a station or a way to open one, not both")
        if first_mode is not None:
            if opening is not None or first_mode not in self.MODES:
                raise ValueError(f"no first mode {first_mode!r} for this console")
            self.DEFAULT_MODE = first_mode  # type: ignore[misc]  # as below
        if opening is not None:
            # The first screen is an empty one under the sign-in dialog (`get_default_screen`), in
            # Textual's own first mode: a mode from MODES makes Textual parse every stylesheet again
            # as it starts (start-up time). Check-in comes after sign-in.
            self.DEFAULT_MODE = START_MODE  # type: ignore[misc]  # this app's, read by App.__init__
        super().__init__()
        if counter_settings is None and opening is None:
            from station_console.settings import CounterSettings  # start-up time: pydantic

            counter_settings = CounterSettings()
        self._counter_settings = counter_settings
        # What this console started with: the settings that wait for a restart run by these.
        self.counter_settings_at_start = counter_settings
        self.database_label = database_label
        self._station: Station | None = None
        self._opening = opening
        self.open_failure: str | None = None  # why the station could not be opened, as the clerk read it
        self.init_device_threads()
        self.key_bounce = BounceGuard(self._scan_gap)  # a dialog's answer key, repeated, goes nowhere
        # Keys after an Enter wait for its answer, then pass the bounce guard again (a dialog it closed).
        self.type_ahead = TypeAhead(self, self._to_focus, self.key_bounce.held_behind)
        self.typed_run = TypedRun()  # keys typed into a field: one look behind the first (`_to_focus`)
        self.init_clerk_session(require_sign_in)
        if station is not None:
            self._use_station(station)

    @property
    def station(self) -> Station:
        if self._station is None:
            raise RuntimeError("the station is still opening")  # a bug: nothing reads it before sign-in
        return self._station

    @property
    def counter_settings(self) -> CounterSettings:
        if self._counter_settings is None:
            raise RuntimeError("the counter settings load with the station")  # a bug, as above
        return self._counter_settings

    @counter_settings.setter
    def counter_settings(self, settings: CounterSettings) -> None:  # saved by a settings screen
        """What the running console can take at once, it takes: the busy-database wait and the labels'
        font here, the wedge scanner's from the next key (`KeyRouter`); the counter's name, language and
        device scanner wait for a restart (`tui/restart_needed.py`)."""
        old, self._counter_settings = self._counter_settings, settings
        if self._station is not None:
            self._station.busy_wait_s = settings.busy_wait_s
        if old is not None and old.label_font != settings.label_font:
            from hardware.printers.fonts import use_cjk_font  # start-up time: as the file is loaded

            use_cjk_font(settings.label_font)

    def _scan_gap(self) -> float:
        settings = self._counter_settings
        return settings.wedge_max_key_gap_ms / 1000 if settings is not None else SCAN_GAP

    async def on_event(self, event: events.Event) -> None:
        """Keys from the terminal pass the bounce guard first (a dialog's answer pressed again), then wait
        behind an Enter a field has not answered yet (`TypeAhead`), a paste in line with them."""
        if isinstance(event, events.Key) and not self.screen_stack:
            return  # still queued as the console shuts down: its screens are gone, nothing takes it
        if isinstance(event, events.Key) and not event.is_forwarded:
            top = self.screen_stack[-1]
            for key in self.key_bounce.arrived(newline_as_enter(event, top), top):
                await self.type_ahead.arrived(key)
            return
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.typed_run.broken()  # the wheel or a click may scroll a form: the next key looks again
        if isinstance(event, (events.MouseDown, events.Paste)) and not event.is_forwarded:
            self.key_bounce.other_input()
            self._clerk_acted()
        if isinstance(event, events.Paste) and not event.is_forwarded:
            # In line with the keys: one typed behind an Enter waits for the field the Enter leads to.
            await self.type_ahead.arrived(event)
            return
        await super().on_event(event)

    async def _to_focus(self, event: events.Key | events.Paste) -> None:
        """A key or a paste passed on to Textual's own dispatch: its field shown first
        (`tui/focus_in_view.py`; a paste goes to the focused field as typing does)."""
        bring_focus_into_view(self, event)
        self._clerk_acted(locks=isinstance(event, events.Key) and self._locks(event))
        await super().on_event(event)

    def on_tick_typed(self, message: Tick.Typed) -> None:
        """A letter typed on a tick box whose screen has no line of its own to say it on (Parcels'
        "problems only", Settings' on/off fields): said as a warning, naming the box, not dropped unsaid."""
        self.notify(message.said(), severity="warning", names_nobody=True, of_screen=message.tick.screen)

    def on_look_again(self, message: LookAgain) -> None:
        """Behind a key typed into a form's field: its field shown whole once the form's scrolls asked
        for by the keys before it are made (`tui/focus_in_view.py`)."""
        look_again(self, message)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A widget focused as a page key's scroll is on its way: shown once that scroll is made
        (`tui/focus_in_view.py`)."""
        look_after_focus(self, event.widget)

    def _clerk_acted(self, *, locks: bool = False) -> None:
        """A key, click or paste of the clerk's: a refusal on the screen's status line has stood until
        now, and an error toast up long enough has been read. `locks`: the key that locks the console
        reads nothing: the lock takes the toasts down itself, and a station's notice still up (the day
        closed at another counter) waits for the clerk who signs in (`keep_notices_over_lock`), not
        taken down first as read by the clerk who left."""
        clerk_acted(self.screen)
        if not locks:
            error_toasts.clerk_acted(self)

    def _locks(self, key: events.Key) -> bool:
        """Whether `key` is the lock's (Ctrl+L, or the key a keymap gives it)."""
        if not any(toast.timeout == error_toasts.UP_TO_S for toast in self._notifications):
            return False  # nothing it could take down: the bindings are not looked up for every key
        bound = self.screen.active_bindings.get(key.key)
        return bound is not None and bound.binding.action == "lock"

    def action_keys_list(self) -> None:
        """Ins: the key list over whatever is on top; on the list itself, it closes."""
        from station_console.tui.screens.keys_list import KeysList, keys_of  # start-up time: on first use

        top = self.screen
        if isinstance(top, KeysList):
            top.dismiss(None)
        else:
            self.push_screen(KeysList(keys_of(self, top)))

    async def action_quit(self) -> None:
        """Ctrl+Q: unsaved edits on any screen are saved or discarded first (not while locked: nobody
        is signed in to answer for them); then the clerk signs out."""
        screens = [
            s for mode, stack in self._screen_stacks.items() if mode != self.current_mode for s in stack
        ]
        self._leave([*screens, *self.screen_stack], self._quit, quitting=True)

    def _terminal_closed(self) -> None:
        """SIGHUP: nobody is left to answer a question about edits, so the clerk signs out as Ctrl+Q
        signs them out, whatever is open (`tui/terminal_closed.py`)."""
        self._quit()

    def _quit(self) -> None:
        """The clerk signed in signs out as the console goes (recorded as a lock records it)."""
        if self.station_open:
            self.sign_out_to_quit()
        self.exit()

    def exit(self, result: None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Every way out (Ctrl+Q, a station that cannot be opened): the passes are stopped first, so
        none starts another item (a message, a label, an event) while Textual shuts down, and what
        they still finish once the screen is gone is only the item each had in hand
        (`tui/quitting.py` says it)."""
        self.stop_devices()
        super().exit(result, return_code, message)

    async def action_switch_mode(self, mode: str) -> None:
        if mode != self.current_mode:
            self._leave(self.screen_stack, lambda: self.switch_mode(mode))
        elif mode == "settings":
            self._save_key_in_settings()  # Settings teaches Ctrl+S as its save: it stays that
        else:
            mode_key.back_to_first(self, self._leave)

    def _save_key_in_settings(self) -> None:
        """Settings teaches Ctrl+S as its save: on a screen opened from it with no Ctrl+S of its own the
        key saves that screen's form (Clerks), or says there is nothing to save, rather than nothing."""
        screen = self.screen
        if not isinstance(screen, ModeScreen):
            return  # a dialog: its own keys answer it
        if getattr(screen, "SAVES", False) and hasattr(screen, "save_now"):
            if not screen.save_waits():  # type: ignore[attr-defined]
                screen.save_now()  # type: ignore[attr-defined]
            return
        self.bell()
        # Of that screen: it goes when another comes on top, as the screen it names is no longer shown.
        self.notify(_("Nothing to save on this screen."), names_nobody=True, of_screen=screen)

    def _leave(self, screens: list[Screen], then: Callable[[], object], *, quitting: bool = False) -> None:
        unsaved = sys.modules.get("station_console.tui.screens.unsaved")  # none imported: no form to ask for
        if unsaved is None or self.signing_in:
            then()
        else:
            unsaved.leave(self, screens, then, quitting=quitting)

    def get_default_screen(self) -> Screen:
        return StartScreen()

    def on_mount(self) -> None:
        translate_bindings(self)
        self.watch_screens_for_toasts()
        terminal_closed.watch(self._terminal_closed)
        if self._opening is not None:
            self.start_clerk_session()  # the sign-in dialog, waiting for the station
            self.call_after_refresh(self.load_station)  # once the dialog is drawn
            return
        self.settings_read(self.station.current_settings())
        self.start_clerk_session()
        self.after_station_open()

    def settings_read(self, read: SettingsRead) -> bool:
        """The station settings were read (as the station opened, after a save here, or when the live
        view heard of a change made elsewhere): the title, and the screens watching them, follow.
        Settings older than those held are dropped: a re-read begun before a save here committed, and
        answered after it, would show the values the save replaced. True when they changed."""
        if read.order < self._settings_order:
            return False
        self._settings_order = read.order
        held, settings = self.station_settings, read.settings
        self.title = visible(settings.name_shown())
        self.station_settings = settings
        return settings != held

    def on_unmount(self) -> None:
        terminal_closed.unwatch()
        self.stop_devices()  # stopped at the exit already, unless the app ended another way
        if self._station is not None and self._opening is not None:
            self._station.engine.dispose()  # the console opened it


def console_app(context: ConsoleContext) -> StationApp:
    """The console as `station` starts it (and the start-up bench, the same way): the sign-in dialog
    first, the station opened in a thread meanwhile (opening it imports SQLAlchemy and the models)."""
    setup_logging()
    whole_pastes.install()
    return StationApp(require_sign_in=True, opening=context)


def run_console(context: ConsoleContext) -> None:
    app = console_app(context)
    run_to_the_end(app)
    if app.return_code:
        sys.exit(app.return_code)
