"""Who is at the counter: sign-in at start, lock (Ctrl+L, or idle per `auto_lock_minutes`), switch clerk.

Mixed into `StationApp` so the app module stays small. The sign-in dialog appears only when the app
was asked for it (`require_sign_in=True`, as `station` does) and nobody is signed in yet; tests that
start the app with a signed-in station go straight to their screen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events
from textual.binding import Binding

from station_console.i18n import N_, _, listed
from station_console.tui.screens.signin import SignInScreen

if TYPE_CHECKING:
    from station_console.services.core.station import Station
    from station_console.services.people.clerks import ClerkInfo
    from station_console.tui.held_toasts import HeldToast

# How often the idle check runs; locking is at most this late.
IDLE_CHECK_SECONDS = 5.0
# How long Ctrl+Q waits for the sign-out it records: a busy or unreachable database does not hold the
# quit longer (the sign-out then goes unrecorded, as when the power goes).
QUIT_SIGN_OUT_WAIT_S = 1.0

CLERK_BINDINGS = [
    # Priority: a dialog is modal and keeps every other app key, and a clerk stepping away from a fee,
    # a move or a half-typed form must still lock (no screen or field has Ctrl+L of its own).
    Binding(
        "ctrl+l",
        "lock",
        N_("Lock"),
        id="app.lock",
        tooltip=N_("Lock the console; the next clerk signs in with name and PIN"),
        priority=True,
    ),
    Binding(
        "ctrl+t",
        "clerk_activity",
        N_("Audit trail"),
        id="app.activity",
        tooltip=N_("Audit trail: a clerk's activity or a parcel's timeline"),
    ),
    # Ctrl+P: no screen's key and no field's (the command palette it opens in Textual is off).
    Binding("ctrl+p", "change_pin", N_("Change PIN"), id="app.pin", tooltip=N_("Change your own PIN")),
]

_ACTIVITY_EVENTS = (events.Key, events.MouseDown, events.Paste)


class ClerkSessionMixin:
    """Sign-in state for the console app; expects `self.station` and Textual's `App` API."""

    clerk_name: str | None
    require_sign_in: bool
    idle_clock: Callable[[], float]
    _last_activity: float
    _sign_in_asked: bool
    _left_by: tuple[int, str | None] | None
    # Toasts raised while the console is locked, for the clerk who signs in (`HeldToast`).
    held_toasts: list[HeldToast]
    # The name of each clerk a lock signed out, by id: a toast names them as the last clerk.
    _names_left: dict[int, str | None]
    # Bumped as each clerk signs out and as the next signs in: a call started under another count
    # ran across a lock (`ServiceCalls`: a read the lock refused is read again, not said).
    clerk_turns: int

    @property
    def station(self) -> Station:
        raise NotImplementedError  # the app's

    def init_clerk_session(self, require_sign_in: bool) -> None:
        self.require_sign_in = require_sign_in
        self.idle_clock = time.monotonic
        self._last_activity = self.idle_clock()
        self.clerk_name = None
        self._sign_in_asked = False  # a worker is finding out which sign-in dialog to show
        self._left_by = None  # the clerk (id, name) a lock signed out, until the next one signs in
        self.held_toasts = []
        self._names_left = {}
        self.clerk_turns = 0

    def start_clerk_session(self) -> None:
        """On mount: the sign-in dialog if one is needed, and the idle watch.

        While the station opens (`station_open` false) the dialog is drawn at once and takes the name
        and PIN; `station_is_open` then tells it which sign-in the station needs."""
        app: Any = self
        app.set_interval(IDLE_CHECK_SECONDS, self.check_auto_lock, name="auto-lock")
        if not app.station_open:
            app.push_screen(SignInScreen(opening=True), self._signed_in)
        elif self.require_sign_in and self.station.clerk_id is None:
            self.show_sign_in()
        elif self.station.clerk_id is not None:  # signed in already (`--clerk`, tests): the name, read aside
            self._read_name()

    def station_is_open(self, first_run: bool) -> None:
        """The station opened under the sign-in dialog: it may sign in now (or was signed in by `--clerk`)."""
        app: Any = self
        dialog = next((s for s in app.screen_stack if isinstance(s, SignInScreen)), None)
        if self.station.clerk_id is not None:
            if dialog is not None:
                app.pop_screen()  # the dialog is the top screen; nobody signs in through it
            self._to_first_mode()
            self._read_name()
        elif dialog is not None:
            dialog.station_opened(first_run)

    def _read_name(self) -> None:
        app: Any = self
        station, clerk_id = self.station, self.station.clerk_id
        assert clerk_id is not None

        def read_name() -> None:
            from station_console.services.people.clerks import clerk_names  # start-up time

            name = clerk_names(station).get(clerk_id)
            app.call_from_thread(self._named, clerk_id, name)

        app.run_worker(read_name, thread=True, exit_on_error=False, group="clerk-name")

    def _to_first_mode(self) -> None:
        """From the empty screen the console starts on to check-in, once someone is signed in."""
        app: Any = self
        if app.current_mode == "_default":  # the app's START_MODE
            app.switch_mode("checkin")

    def _named(self, clerk_id: int, name: str | None) -> None:
        if self.station.clerk_id == clerk_id:  # not locked or switched meanwhile
            self.clerk_name = name

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _ACTIVITY_EVENTS):
            self._last_activity = self.idle_clock()
        await super().on_event(event)  # type: ignore[misc]

    @property
    def signing_in(self) -> bool:
        app: Any = self
        return any(screen.id == "signin" for screen in app.screen_stack)

    @property
    def locked(self) -> bool:
        """Nobody signed in is at the counter: the sign-in dialog is up, or on its way."""
        return self.signing_in or self._sign_in_asked

    def show_sign_in(
        self, name: str = "", *, locked: bool = False, had_clerk: bool = False, said: str = ""
    ) -> None:
        """The dialog, once a worker has read whether this is a new station (no manager yet); `locked`:
        over a screen a clerk was using, which it hides. `had_clerk`: a clerk was signed in, so the
        station has its clerks: the dialog at once (keys typed meanwhile reached the screen, with
        nobody signed in, and a slow database kept the screen in view for seconds). `said`: why, on
        the dialog."""
        app: Any = self
        if self.signing_in or self._sign_in_asked:
            return
        if had_clerk:
            self._push_sign_in(False, name, locked, said)
            return
        self._sign_in_asked = True
        station = self.station

        def ask() -> None:
            # Imported here: start-up time (the dialog is drawn before SQLAlchemy is loaded).
            from station_console.services.people.clerks import needs_first_manager

            try:
                first_run = needs_first_manager(station)
            except Exception:  # the database is busy: the plain sign-in, which says so when tried
                first_run = False
            app.call_from_thread(self._push_sign_in, first_run, name, locked)

        app.run_worker(ask, thread=True, exit_on_error=False, group="sign-in")

    def _push_sign_in(self, first_run: bool, name: str, locked: bool, said: str = "") -> None:
        app: Any = self
        self._sign_in_asked = False
        if not self.signing_in:
            # The app's own dialog, over whatever is on top (not `open_over`): a lock hides every screen.
            dialog = SignInScreen(first_run=first_run, name=name, locked=locked, said=said)
            app.push_screen(dialog, self._signed_in)

    def _signed_in(self, info: ClerkInfo | None) -> None:
        self.clerk_turns += 1
        self.clerk_name = info.name if info else None
        self._last_activity = self.idle_clock()
        left_by, self._left_by = self._left_by, None
        if info is None:
            return
        self._to_first_mode()
        if left_by is not None and left_by[0] != info.id:
            self._hand_over(left_by[1])
        app: Any = self
        app.show_held_toasts(info.id)  # what happened while locked, now to a clerk

    def _hand_over(self, last_clerk: str | None) -> None:
        """Another clerk than the one who locked: the last one's dialogs and customer entries go
        (`tui/clerk_handover.py`), and the toast says what went; the same clerk finds them as left."""
        from station_console.tui.clerk_handover import close_left_open  # start-up time: on first use

        self._say_closed(close_left_open(self), last_clerk)

    def close_last_clerks_dialog(self, dialog: Any, clerk_id: int | None) -> None:
        """A dialog the hand-over left open for the write the last clerk (`clerk_id`) sent, refused now
        that another clerk is signed in: nothing was written, and what the last clerk typed there is
        theirs, so it closes as its Esc closes it, as the hand-over closed the rest, and the toast says
        what closed. Under another screen it closes once it is on top again (`Dialog.dismiss`)."""
        dialog.dismiss(dialog.cancelled())
        if title := dialog.handover_title():
            self._say_closed([title], self._names_left.get(clerk_id) if clerk_id is not None else None)

    def _say_closed(self, closed: list[str], last_clerk: str | None) -> None:
        if not closed:
            return
        app: Any = self
        # Once each: a form and the question its Enter opened (a refund, an import) are one piece of work.
        what = listed(dict.fromkeys(closed))
        if last_clerk:
            app.notify(_("Closed {what}, left open by {clerk}.", clerk=last_clerk, what=what))
        else:
            app.notify(_("Closed {what}, left open by the last clerk.", what=what))

    def action_lock(self) -> None:
        """Sign the clerk out and ask for the next one (switching clerk is Ctrl+L, then the name)."""
        if self.signing_in:
            return
        had_clerk = self.station.clerk_id is not None
        if had_clerk:
            self._sign_out("lock")
        self._lock(had_clerk)

    def _lock(self, had_clerk: bool, said: str = "") -> None:
        """Nothing of the last customers stays readable on an unattended counter: the dialog hides the
        screen behind it, and the toasts (they quote names and waybills) go now; a station's notice
        held until read (the day closed at another counter) waits for the clerk who signs in."""
        app: Any = self
        self.clerk_name = None
        app.keep_notices_over_lock()
        app.clear_notifications()
        self.show_sign_in(locked=True, had_clerk=had_clerk, said=said)

    def clerk_deactivated(self, text: str, turn: int) -> None:
        """A service refused the clerk signed in since `turn` as deactivated by a manager (at another
        counter): the console locks as Ctrl+L does, the sign-in saying `text`. Their other calls
        refused the same way come after the lock (a turn later) and lock nothing again."""
        if turn != self.clerk_turns or self.station.clerk_id is None or self.signing_in:
            return
        self._sign_out("deactivated")
        self._lock(True, said=text)

    def check_auto_lock(self) -> None:
        """Lock after `auto_lock_minutes` without a key or click (0: never)."""
        app: Any = self
        if not app.station_open:
            return
        minutes = self.station.settings().auto_lock_minutes
        if minutes <= 0 or self.station.clerk_id is None or self.signing_in:
            return
        if self.idle_clock() - self._last_activity >= minutes * 60:
            if self.station.clerk_id is not None:
                self._sign_out("idle")
            self._lock(True)

    def _sign_out(self, reason: str) -> None:
        """Recorded in a thread worker; the clerk is gone from this console at once."""
        from station_console.services.people import clerks  # start-up time, as above

        app: Any = self
        self.clerk_turns += 1
        if self.station.clerk_id is not None:
            self._left_by = (self.station.clerk_id, self.clerk_name)
            self._names_left[self.station.clerk_id] = self.clerk_name
        station = replace(self.station)  # as it is now: the next clerk signs in on `self.station`
        clerks.act_as(self.station, None)
        app.run_worker(
            partial(clerks.sign_out, station, reason=reason),
            thread=True,
            exit_on_error=False,
            group="sign-out",
        )

    def sign_out_to_quit(self) -> None:
        """Ctrl+Q with a clerk signed in: their sign-out is recorded as a lock's is, waited for at most
        `QUIT_SIGN_OUT_WAIT_S` (and SQLite's own wait for one statement) and then left behind."""
        from station_console.services.people import clerks  # start-up time, as above

        if self.station.clerk_id is None:
            return
        station = replace(self.station, busy_wait_s=QUIT_SIGN_OUT_WAIT_S, on_busy=None)
        clerks.act_as(self.station, None)
        self.clerk_turns += 1
        # A daemon thread, not a worker: the quit waits for neither Textual's workers nor, after its
        # time, this one.
        thread = threading.Thread(
            target=_recorded_if_it_can, args=(station,), name="sign-out-on-quit", daemon=True
        )
        thread.start()
        thread.join(QUIT_SIGN_OUT_WAIT_S + 1.0)

    def action_clerk_activity(self) -> None:
        # On demand: sub-screens are kept off the console's start-up.
        from station_console.tui.screens.clerk_activity import ClerkActivityScreen

        app: Any = self
        # The app's own key, over whatever is on top (not `open_over`): any screen shows it.
        app.push_screen(ClerkActivityScreen(clerk=self.clerk_name or ""))

    def action_change_pin(self) -> None:
        """The signed-in clerk's own PIN, over whatever is on top; the service refuses nobody."""
        from station_console.tui.screens.own_pin import own_pin_form  # start-up time: on first use

        app: Any = self
        if self.signing_in:
            return  # the sign-in dialog hides the console: nobody is there to change a PIN
        app.push_screen(own_pin_form(self.station), self._pin_changed)

    def _pin_changed(self, changed: bool | None) -> None:
        if changed:
            app: Any = self
            app.notify(_("Your PIN is changed: sign in with the new one from now on."))


def _recorded_if_it_can(station: Station) -> None:
    from station_console.services.people import clerks  # loaded by the caller already

    try:
        clerks.sign_out(station, reason="quit")
    except Exception:  # the console is going: the log says why no sign-out was recorded
        logging.getLogger(__name__).warning("sign-out on quit not recorded", exc_info=True)
