"""The console's toasts: shown as text, and held while the console is locked for the clerk who signs in.

Messages quote waybills, names and notes, so a toast never reads Rich markup. Over the sign-in a toast
quoted a customer's waybill or code to whoever came to the counter: a locked console keeps it for the
clerk who signs in (`ClerkSessionMixin` shows them then), unless it can name nobody (the database is
busy). A held toast that answers a call a clerk sent (`toasts_of`: a refusal, what was done) is that
clerk's, shown only if they sign back in (another clerk gets none of their customers); the station's
own (a printer gone, a device unplugged, a live-view change) go to whoever signs in. An error toast
stays up until the clerk has acted since reading it (`tui/error_toasts.py`). A lock takes the toasts
up down (they quote names and waybills), but not a station's notice held until read (`kept_over_lock`:
the day closed at another counter): it waits for the next clerk as one raised while locked does.

A toast about a field of one screen (`of_screen`: a key a field does not take, a letter on a tick box)
goes when that screen is no longer the one on top (another mode's key, a dialog over it, the dialog
closed): "This field takes digits only" typed on Check-in's phone stood over Pickup after F2, naming a
field not there. The station's toasts and a call's answer stay, as they speak of the station's work.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from textual.app import App
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen

from station_console.i18n import _
from station_console.safe_text import visible
from station_console.tui import error_toasts

# A toast held under a lock: (message, title, severity, timeout) as `notify` shows them, and the clerk
# whose call it answers (None: the station's).
HeldToast = tuple[str, str, SeverityLevel, float | None, int | None]


def notify_of_screen(screen: Screen, message: str, severity: SeverityLevel = "warning") -> None:
    """A toast about `screen`'s own fields or choices, said at once (it names no customer) and taken
    down once another screen is on top (`HeldToastsApp.notify`'s `of_screen`)."""
    app = screen.app
    if isinstance(app, HeldToastsApp):
        app.notify(message, severity=severity, names_nobody=True, of_screen=screen)
    else:
        screen.notify(message, severity=severity, markup=False)


class HeldToastsApp(App[None]):
    """`notify` for the console app; expects `locked` and `held_toasts` from `ClerkSessionMixin`."""

    held_toasts: list[HeldToast]  # set by `init_clerk_session`
    # While a call's answer or refusal is said: the clerk who sent it (`toasts_of`).
    _toasts_of: int | None = None
    # The toasts about a field of a screen (`of_screen`), by identity: taken down once it is not on top.
    _screens_toasts: dict[str, weakref.ref[Screen]] | None = None  # None: not watched (a test's app)
    # The texts of the station's notices a lock keeps for the next clerk (`kept_over_lock`).
    _kept_over_lock: frozenset[str] = frozenset()

    @property
    def locked(self) -> bool:
        raise NotImplementedError  # the clerk session's

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        names_nobody: bool = False,
        of_screen: Screen | None = None,
        kept_over_lock: bool = False,
    ) -> None:
        """Every toast shows its text as text: messages quote waybills, names and notes. On a locked
        console a toast waits for the clerk who signs in: over the sign-in it quoted a customer's
        waybill or code to whoever came to the counter (a printer's problem names the label's).
        `names_nobody`: a toast that can name no customer (the database is busy) shows at once. An
        error toast stays up until the clerk has acted since reading it (`tui/error_toasts.py`).
        `of_screen`: a toast about a field of that screen, taken down once another screen is on top
        (called from the app's thread). `kept_over_lock`: the station's notice, still up as the console
        locks, waits for the clerk who signs in (`keep_notices_over_lock`)."""
        toast = (visible(message), visible(title), severity, timeout)
        if kept_over_lock:
            self._kept_over_lock |= {toast[0]}
        if of_screen is not None:
            self._screen_toast(of_screen, *toast)
            return
        if self.locked and not names_nobody:
            held = (*toast, self._toasts_of)
            if held not in self.held_toasts:
                self.held_toasts.append(held)
            return
        self._toast(*toast)

    def watch_screens_for_toasts(self) -> None:
        """Start taking a screen's toasts down as another screen comes on top (from `on_mount`)."""
        self._screens_toasts = {}
        # Not immediate: called once the messages already queued are handled, a toast on its way too.
        self.screen_change_signal.subscribe(self, lambda _screen: self._withdraw_other_screens_toasts())

    def _screen_toast(
        self, screen: Screen, message: str, title: str, severity: SeverityLevel, timeout: float | None
    ) -> None:
        if not screen.is_active:
            return  # said of a screen already under another: about a field the clerk cannot see
        if self._screens_toasts is None:
            self._toast(message, title, severity, timeout)
            return
        shown_for = error_toasts.timeout_for(severity, timeout)
        toast = Notification(
            message,
            title,
            severity,
            self.NOTIFICATION_TIMEOUT if shown_for is None else shown_for,
            markup=False,
        )
        self._screens_toasts[toast.identity] = weakref.ref(screen)
        self._notifications.add(toast)
        self._refresh_notifications()

    def _withdraw_other_screens_toasts(self) -> None:
        if self._screens_toasts is None or not self._screen_stack:
            return  # not watched, or the console is closing (no screen on top)
        on_top = self.screen
        for toast in list(self._notifications):
            owner = self._screens_toasts.get(toast.identity)
            if owner is not None and owner() is not on_top:
                self._unnotify(toast, refresh=False)
        up = {toast.identity for toast in self._notifications}
        self._screens_toasts = {
            identity: owner
            for identity, owner in self._screens_toasts.items()
            if owner() is on_top and identity in up
        }
        self._refresh_notifications()

    @contextmanager
    def toasts_of(self, clerk_id: int | None) -> Iterator[None]:
        """Toasts raised in the span answer a call `clerk_id` sent: held under a lock, they are that
        clerk's alone (None: sent by nobody, the station's)."""
        was, self._toasts_of = self._toasts_of, clerk_id
        try:
            yield
        finally:
            self._toasts_of = was

    def _toast(self, message: str, title: str, severity: SeverityLevel, timeout: float | None) -> None:
        super().notify(
            message,
            title=title,
            severity=severity,
            timeout=error_toasts.timeout_for(severity, timeout),
            markup=False,
        )

    def show_held_toasts(self, clerk_id: int) -> None:
        """The toasts raised while the console was locked, once `clerk_id` has signed in: the station's,
        and those answering their own calls; another clerk's are dropped (their names and waybills
        are not the next clerk's to read, and that clerk's lines went at the hand-over too)."""
        held, self.held_toasts = self.held_toasts, []
        for message, title, severity, timeout, owner in held:
            if owner is None or owner == clerk_id:
                self._toast(message, title, severity, timeout)

    def keep_notices_over_lock(self) -> None:
        """The console locks: the station's notices still up (`kept_over_lock`) wait for the clerk who
        signs in, as one raised while locked does; the lock takes the other toasts down."""
        for toast in self._notifications:
            if toast.message in self._kept_over_lock and not toast.has_expired:
                held = (toast.message, toast.title, toast.severity, toast.timeout, None)
                if held not in self.held_toasts:
                    self.held_toasts.append(held)

    def withdraw_held_toast(self, message: str) -> None:
        """A toast taken back before its time (the printer is ready again) is not shown at the sign-in."""
        self.held_toasts = [toast for toast in self.held_toasts if toast[0] != visible(message)]

    def database_busy(self) -> None:
        """Another program holds the database: say so at once; the write retries, then gives up."""
        message = _("The database is busy (another program holds it); retrying...")
        if threading.get_ident() == self._thread_id:
            self.notify(message, severity="warning", timeout=4, names_nobody=True)
        else:  # from a worker thread
            self.call_from_thread(self.notify, message, severity="warning", timeout=4, names_nobody=True)
