"""What every mode screen shares: the station header on top, the key footer below."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events, on
from textual._context import NoActiveAppError
from textual.app import ComposeResult, ScreenStackError
from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from station_console.i18n import _
from station_console.logs import log_path
from station_console.tui.screens import clerks_entry
from station_console.tui.widgets import status_line
from station_console.tui.widgets.footer import StationFooter
from station_console.tui.widgets.header import StationHeader

if TYPE_CHECKING:
    from station_console.services.core.station import Station

    _Screen = Screen[Any]
else:
    _Screen = object

Result = TypeVar("Result")


class ClosesOnlyOnTop(_Screen):
    """`dismiss()` closes the screen only while it is the one on top. Textual's pops whatever is on
    top: a second answer queued before the first closed the dialog (Enter twice, a scan's Enter and
    the clerk's, a key and a button's press), or a worker's answer after the clerk moved on, closed
    the screen under it: the last one of its mode, and the console stopped (ScreenStackError), or
    another dialog (the sign-in that locks the console). Not on top (Esc paused a stocktake, F2 came
    before the pause was written), it stays where it is, and the clerk finds it there on coming back."""

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete.nothing()
        return super().dismiss(result)

    def on_screen_suspend(self) -> None:
        """Every drop-down open as another screen comes over this one (a mode key, the lock, a dialog) is
        closed, a field whose list had the focus keeping it: coming back, the clerk found the list still
        open over the form. Not only the focused one: a list opened right before (its Enter and the key
        that opened the dialog given back together) is open while its field still has the focus."""
        for select in self.walk_children(Select):  # a type filter: a CSS query matches every node
            if not select.expanded:
                continue
            overlay = self.focused
            had_focus = isinstance(overlay, SelectOverlay) and overlay.parent is select
            select.expanded = False
            if had_focus:
                select.focus(scroll_visible=False)


class Dialog(ClosesOnlyOnTop, ModalScreen[Result]):
    """Every dialog of the console: a modal screen that closes only from the top; closed by a key, the
    same key pressed again a moment later goes nowhere (`tui/key_bounce.py`).

    A dialog is the clerk's who opened it: when a lock hands the console to another clerk, it closes
    as its Esc closes it (`tui/clerk_handover.py`), with what `cancelled` answers.

    An answer it gives while another screen is over it (a save that finished under the lock's sign-in
    or a question of its own) is kept, and it closes with that answer once it is on top again: the
    save happened, so its caller must hear of it, whoever signs in."""

    DEFAULT_CSS = ".form-keys { color: $text-muted; }"  # the line saying a dialog's keys (`keys_line`)
    # False: the console's own, whoever is signed in (the sign-in, a damaged database).
    CLERKS_OWN: ClassVar[bool] = True
    _held: tuple[Any] | None = None  # the answer given while not on top, to close with
    # What it is, as the toast to the next clerk names it (a message id: "a move"); a generic dialog's
    # caller sets its own.
    what: str = ""
    # Run once when it is on top again (a clerk's hand-over closes it once the dialog over it answered).
    when_on_top: Callable[[], None] | None = None

    def cancelled(self) -> Any:
        """What the dialog's Esc answers, asking nothing."""
        return None

    def answer_kept(self) -> bool:
        """An answer is kept while another screen is over it, to close with once it is on top again (a
        lock's sign-in hands it to whoever signs in: it may have written)."""
        return self._held is not None

    def handover_title(self) -> str:
        """How the toast to the next clerk names it: by what it is (`what`), never by its title, which
        may carry an amount, a waybill or a customer's name ("" names nothing)."""
        return _(self.what) if self.what else ""

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if not self.is_active:
            # Under another screen: kept for when it is back on top. The first answer stands (it may be
            # a write's); a dialog already closed keeps nothing (a second key queued before it went).
            if self._held is None and on_a_stack(self):
                self._held = (result,)
            return AwaitComplete.nothing()
        if not self.is_mounted and on_a_stack(self):
            # Not laid out yet (a key held behind an Enter, let go as a worker's answer opened it): closed
            # once mounted, after its on_mount, which finds its widgets; closed now, they were never made.
            def close() -> None:  # not awaited: Textual refuses a dismiss awaited in the screen's handler
                self.dismiss(result)

            self.call_later(close)
            return AwaitComplete.nothing()
        guard = getattr(self.app, "key_bounce", None)
        if guard is not None:
            guard.closed(self)
        return super().dismiss(result)

    @on(events.ScreenResume)
    def _close_with_held_answer(self) -> None:
        if not self.is_active:
            return
        if self._held is not None:
            (result,) = self._held
            self._held = None
            self.dismiss(result)
        elif self.when_on_top is not None:
            then, self.when_on_top = self.when_on_top, None
            then()


class ModeScreen(ClosesOnlyOnTop, Screen[None]):
    MODE_TITLE: ClassVar[str] = ""
    # The key (binding id) that opens this screen, when the role table gives it to a role: a clerk's
    # hand-over closes it for a next clerk that role refuses (`tui/clerk_handover.py`).
    OPENED_BY: ClassVar[str] = ""
    # The fields of the clerk's unfinished entry (a CSS selector): another clerk signing in after a
    # lock finds them empty (`clear_for_next_clerk`); what shows the station's state is left out.
    CLERKS_ENTRY: ClassVar[str] = ""
    _styled_as_shown = False  # mounted and not suspended since: its styles are those of the moment
    _in_front = False  # resumed and not suspended since

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Textual counts a new screen as out of date with the app's styles, so the first time a mode
        # opens it parses the stylesheets again and restyles the screen being left (the new one is
        # styled as it mounts, and again as it resumes). Once a first screen is up, the stylesheet has
        # the theme's variables (a theme change restyles what is on screen itself): a new screen starts
        # up to date. The first screen, made as the app starts, is brought up to date as usual.
        try:
            app: Any = self.app
            up = app.screen.is_mounted
        except (NoActiveAppError, ScreenStackError):  # no app yet, or its first screen
            return
        if up:
            self._css_update_count = app._css_update_count

    @property
    def station(self) -> Station:
        app: Any = self.app
        return app.station  # type: ignore[no-any-return]

    def compose(self) -> ComposeResult:
        yield StationHeader(self.MODE_TITLE)
        yield from self.compose_body()
        yield StationFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        translate_bindings(self)
        # Styled as it mounted, by a stylesheet Textual brought up to date before (the first screen's
        # own refresh runs before it is mounted, and so never marks it up to date): no restyle of the
        # whole screen again when the clerk first comes back to it.
        app: Any = self.app
        self._css_update_count = app._css_update_count
        self._styled_as_shown = True

    def on_screen_suspend(self) -> None:
        self._styled_as_shown = False
        self._in_front = False

    @on(events.ScreenResume)
    def _styles_still_current(self, event: events.ScreenResume) -> None:
        """Textual restyles the whole screen as it resumes, for what changed while it was away (its
        handler comes after this one); a mode opened for the first time is resumed twice right after
        it mounted, styled as it is."""
        if self._styled_as_shown:
            event.refresh_styles = False

    def on_screen_resume(self) -> None:
        # Textual resumes a mode it opens twice (as it makes the mode's stack and as it switches to it):
        # the screen comes to the front once.
        if self._in_front:
            return
        self._in_front = True
        self.came_to_front()

    def came_to_front(self) -> None:
        """The screen is shown: the first time, or back from another mode or from a screen that was on
        top of it. Once each time; a screen that shows the station's data reads it again here (what it
        shows may have changed meanwhile, and other counters' changes went to the screen in front)."""
        # Device states may have changed while another mode or a dialog was on top.
        for header in self.query(StationHeader):
            header.refresh_status()
        # So may the clerk (the sign-in dialog was on top): the footer dims what is not theirs.
        self.refresh_bindings()
        # A clerk signed in and this screen up: the console's memory settles, once (`device_threads.py`).
        settle = getattr(self.app, "settle_when_signed_in", None)
        if settle is not None:
            settle()

    def clear_for_next_clerk(self) -> str:
        """Another clerk signed in after a lock: what the last one typed here goes, asking nothing (the
        fields of `clerks_entry`; a customer's screen clears as its "next customer" would). How the
        toast names what was cleared; "" when the screen held nothing of the clerk's."""
        typed = clerks_entry.held(self.clerks_entry())
        if not typed:
            return ""
        clerks_entry.clear(typed)
        self.entry_cleared()
        return _("what was typed on {screen}", screen=_(self.MODE_TITLE))

    def drop_clerks_lines(self, *, refusal_only: bool = False) -> None:
        """Another clerk signed in after a lock: what the last clerk's actions said on this screen's
        lines ("Only a manager can...", "Wang Li can no longer sign in.") would read as said to, or done
        by, the new one; `refusal_only` keeps what a write on its way said (its answer replaces it)."""
        status_line.drop_said(self, refusal_only=refusal_only)

    def clerks_entry(self) -> list[Widget]:
        """The fields of the clerk's unfinished entry, as they are now (`CLERKS_ENTRY`)."""
        return list(self.query(self.CLERKS_ENTRY)) if self.CLERKS_ENTRY else []

    def entry_cleared(self) -> None:
        """The clerk's entry was cleared for the next clerk: a screen showing what it selected reads again."""


def on_a_stack(screen: Screen[Any]) -> bool:
    """Pushed and not yet popped, on any mode's stack (mounted or not yet)."""
    stacks: dict[str, list[Screen[Any]]] = getattr(screen.app, "_screen_stacks", {})
    return any(screen in stack for stack in stacks.values())


def open_over(screen: Screen[Any], dialog: Screen[Any], answered: Any = None) -> bool:
    """Open `dialog` over `screen` while `screen` is the one on top; say whether it opened. Every
    screen and dialog opens the next one this way (only the app's own, the sign-in and the damaged
    database, open over whatever is on top). A worker's answer reaches its screen after the clerk
    moved on (another mode, another dialog), and two keys or row selections queued before the first
    dialog was up both reach the screen: the dialog would open over another mode's screen, or a second
    copy over the first. Not opened, the step is dropped: the caller puts back what it was holding for
    it (a handover under way) and, when the clerk must know, says so on its screen."""
    if not screen.is_active:
        return False
    screen.app.push_screen(dialog, answered)
    return True


def translate_bindings(node: Any) -> None:
    """Binding descriptions are English message ids; show them in the console's language.

    The Binding objects belong to the class and are shared by every instance, so each node gets its own
    translated copies; the class keeps the English ids (a later app in another language starts clean).
    """
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=_(b.description), tooltip=_(b.tooltip) if b.tooltip else b.tooltip)
            if b.description or b.tooltip
            else b
            for b in bindings
        ]
    if hasattr(node, "refresh_bindings"):
        node.refresh_bindings()


def log_unexpected(exc: BaseException) -> None:
    """Log a bug with its traceback, whether or not the clerk is told of it."""
    logging.getLogger("station.tui").error("unexpected error", exc_info=exc)


def report_unexpected(screen: Screen[None], exc: BaseException) -> str:
    """Log a bug and give the clerk one calm line instead of a traceback."""
    log_unexpected(exc)
    return _("An unexpected error happened; details were written to {path}", path=log_path())
