"""What a question dialog (yes/no, discard/stay, close the day) does with a key or a scan it does not take.

Each is said in the question, not dropped unseen: a key that answers nothing rings the bell and says to
answer with a key below; a scan that arrives while it is open (keyboard wedge or device scanner) is said
as not taken, and its Enter answers nothing. What was said goes at the clerk's next key the dialog takes
(a move, a tick, typing in its field), so it does not read as still true. The answer buttons pass the wedge router, so a scanner's
burst is one scan, not letters and an Enter pressing the focused button; so do a question's tick boxes
(the stocktake's close) and list (the batch's carrier, the courier's). A dialog takes its own keys (its
bindings) and the keys that move between or press its buttons; a text field in it (the courier's name)
takes the keys typed into it, and a scan typed there (`NameInput`) is said as not a name.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.actions import parse
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.visual import VisualType
from textual.widgets import Button, Input, OptionList

from station_console.i18n import N_, _, sentences
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.base import Dialog, Result, on_a_stack
from station_console.tui.widgets.name_input import NameInput
from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.wedge import KeyRouter, RoutedKeys

NOT_TAKEN = N_("That key does nothing here: answer with a key below.")
SCAN_NOT_TAKEN = N_("A scan came while this question is open: it was not taken. Answer, then scan again.")
SEARCH_SCAN_NOT_TAKEN = N_(
    "A scan came while this search is open: it was not taken. Choose the person or close it, then scan again."
)
SCAN_NOT_A_NAME = N_(
    "A scan is not a name: {code} was not taken. Type the name; scan the parcel once this is closed."
)
# Keys a question takes besides its bindings: a button's Enter, moving between the buttons.
# Said in a question whose Yes moves money or cannot be undone, over keys typed before it appeared.
TYPED_BEFORE = N_("Keys typed before this question appeared were ignored: answer it now.")
MOVES = frozenset({"enter", "tab", "shift+tab", "left", "right", "up", "down"})
SAID_ID = "question-said"


class AnswerButton(RoutedKeys, Button):
    """A question's answer button: its keys pass the question's wedge router."""


class RoutedOptions(RoutedKeys, OptionList):
    """A dialog's list to choose from (a carrier, a person): its keys pass the dialog's wedge router, so
    a scan is one scan said as not taken, not letters dropped and an Enter that chooses the highlighted
    line."""


def said_line() -> Static:
    """Where the question says a key or scan it did not take (empty until then)."""
    return Static(id=SAID_ID, classes="question-said")


class SaysStrayInput(Dialog[Result]):
    """A dialog that says a key it does not take, or a scan arriving under it, instead of dropping it
    unseen: a question, the key list. It says so in its widget `SAID_ID`, in its own words."""

    SAID_ID: ClassVar[str] = SAID_ID
    NOT_TAKEN: ClassVar[str] = NOT_TAKEN
    SCAN_NOT_TAKEN: ClassVar[str] = SCAN_NOT_TAKEN
    # False: only a scan is said. A search's keys are the clerk's typing and its list's and table's moves.
    SAYS_KEYS: ClassVar[bool] = True
    # A search's field (its id): a letter typed while its list or table has the focus starts a new search
    # there, instead of going nowhere unsaid.
    TYPES_INTO: ClassVar[str] = ""
    router: KeyRouter | None = None
    _said: str | None = None  # what the line says of a key or scan not taken, while it says it
    _kept: VisualType = ""

    def taken_keys(self) -> Collection[str]:
        """The keys this dialog takes; any other is said as doing nothing here."""
        return MOVES

    def on_mount(self) -> None:
        """Its widgets that take keys (`RoutedKeys`: answer buttons, the key list) pass its wedge router."""
        settings = getattr(self.app, "counter_settings", None)
        if settings is not None:
            self.router = KeyRouter.from_settings(self, settings)
            for widget in self.walk_children():
                if isinstance(widget, RoutedKeys):
                    widget.router = self.router

    def say_not_taken(self, text: str, *, bell: bool = True) -> None:
        if bell:
            self.app.bell()
        self._say(Text(_(text)))

    def say_under(self, text: str) -> None:
        """Say `text`, in the clerk's language already, with the bell: what the screen under it
        answered meanwhile and could not show (a second scan's fee found while this question asks)."""
        self.app.bell()
        # Once mounted: a question pushed a moment ago, by the answer just before, has no line yet.
        self.call_later(self._say_if_shown, Text(text))

    def _say_if_shown(self, text: Text) -> None:
        if self.query(f"#{self.SAID_ID}"):
            self._say(text)

    def _say(self, text: Text) -> None:
        line = self.query_one(f"#{self.SAID_ID}", Static)
        if self._said is None:
            self._kept = line.content  # a hint the line showed (Ctrl+N's keys) comes back after it
        self._said = text.plain
        line.update(text)

    def clear_said(self) -> None:
        """The clerk's next key the dialog takes: what was said of the last one no longer reads as now.
        The line gets back what it showed before, unless the dialog has written its own words since."""
        if self._said is None:
            return
        line = self.query_one(f"#{self.SAID_ID}", Static)
        if isinstance(line.content, Text) and line.content.plain == self._said:
            line.update(self._kept)
        self._said = None

    def on_key(self, event: events.Key) -> None:
        """A key that reached the dialog and that it does not take: said, not dropped unseen. With no
        widget to focus (nothing to tick), its keys pass the wedge router here: a scan's Enter answers
        nothing."""
        if self.focused is None and self.router is not None and self.router.route(event):
            event.prevent_default()
            event.stop()
        elif isinstance(self.focused, Input):
            # Its cursor keys and Backspace reach the dialog before the field's bindings take them.
            self.clear_said()
        elif self.TYPES_INTO and event.is_printable and event.character:
            self._type_into_search(event)
        elif self.SAYS_KEYS and event.key not in self.taken_keys():
            self.say_not_taken(self.NOT_TAKEN)
        else:
            self.clear_said()

    def _type_into_search(self, event: events.Key) -> None:
        """The key goes to the search field, over what it held (as a search box takes typing): the field
        times it with the keys that follow, so a scanner's burst there is still told from a name."""
        event.prevent_default()
        event.stop()
        field = self.query_one(f"#{self.TYPES_INTO}", Input)
        self.set_focus(field)
        field.select_all()
        again = events.Key(event.key, event.character)
        again.time = event.time
        again.set_sender(self.app)  # bubbles up as a delivered key...
        again._set_forwarded()  # ...not as new input for the app to route again
        field.post_message(again)
        self.clear_said()

    def on_input_changed(self, _event: Input.Changed) -> None:
        """Typing into its field (the field takes those keys before they reach the dialog). A scan typed
        there changes it too, then is said (`ScanTyped` comes after)."""
        self.clear_said()

    def on_key_router_scanned(self, event: KeyRouter.Scanned) -> None:
        event.stop()
        self.say_not_taken(self.SCAN_NOT_TAKEN)

    def on_key_router_refused(self, event: KeyRouter.Refused) -> None:
        """Scanner keys that are not a whole code: not taken either, said once, here, with why, as the
        console's toast says it ("too short", "arrived in pieces"): the clerk scans the label again, or
        another part of it. Passed on, the toast told the same burst a second time over the question."""
        event.stop()
        self.app.bell()
        self._say(Text(sentences(event.shown(), _(self.SCAN_NOT_TAKEN))))

    def on_scanner_bridge_scanned(self, event: ScannerBridge.Scanned) -> None:
        event.stop()
        self.say_not_taken(self.SCAN_NOT_TAKEN)

    def on_name_input_scan_typed(self, event: NameInput.ScanTyped) -> None:
        """A wedge scan typed into its name field (taken back out by the field): said, with what it read."""
        event.stop()
        self.app.bell()
        self._say(Text(_(SCAN_NOT_A_NAME, code=event.code)))


class QuestionDialog(SaysStrayInput[Result]):
    """A question dialog: compose an `AnswerButton` per answer and a `said_line()`; the rest is here.

    A question whose Yes moves money or cannot be undone (`takes_keys_typed_ahead` False: a refund, a
    fee, the day's close) is answered only by keys typed once it is on screen: a Y typed right behind
    the Enter that asked for a refund, held for the question (`TypeAhead`), refunded. Those keys are
    dropped, not given to the field behind either, and the question says so. An ordinary question
    takes them, as a hurried clerk means them."""

    DEFAULT_CSS = ".question-said { color: $warning; height: auto; }"
    takes_keys_typed_ahead: bool = True
    # Run as the question closes, not a message later as Textual's answer callback is: a key typed right
    # behind the answer then finds what it sent on its way (`confirm_dialog.ask`).
    answered_at_once: Callable[[Any], None] | None = None
    _shown_at: float | None = None  # when it was last put on top (Textual's clock, as keys are stamped)
    _dropped_early = False  # keys typed before it appeared were dropped, to be said once it is mounted

    def dismiss(self, result: Any = None) -> AwaitComplete:
        done = super().dismiss(result)
        then, self.answered_at_once = self.answered_at_once, None
        if then is not None:
            if on_a_stack(self):  # not closed yet: held until it is on top again, or until mounted
                self.answered_at_once = then
            else:
                then(result)
        return done

    @on(events.Mount)
    def _shown(self, event: events.Mount) -> None:
        self._shown_at = event.time  # Textual's clock, as the keys' own stamps
        if self._dropped_early:
            self._say(Text(_(TYPED_BEFORE)))

    @on(events.ScreenResume)
    def _shown_again(self, event: events.ScreenResume) -> None:
        # On top again (the same clerk back after a lock, a PIN form closed over it): a Y typed right
        # behind the PIN's Enter, held for the station to open, was not typed at it, and answered it.
        if self._shown_at is not None:
            self._shown_at = event.time

    def typed_before_shown(self, event: events.Key | events.Paste) -> bool:
        """`event` was typed before this question was on screen and must not answer it."""
        if self.takes_keys_typed_ahead:
            return False
        return self._shown_at is None or event.time < self._shown_at

    def typed_ahead_dropped(self) -> None:
        """Keys typed before it appeared were dropped (`TypeAhead`, or a scan field's router behind it):
        said in its line, the focus left where it opened."""
        if self._shown_at is None:
            self._dropped_early = True
        else:
            self._say(Text(_(TYPED_BEFORE)))

    def taken_keys(self) -> set[str]:
        """The keys this question answers to: its own bindings' that it allows now (`check_action`)."""
        keys = set(MOVES)
        for binding in self.BINDINGS:
            key, action = (binding.key, binding.action) if isinstance(binding, Binding) else binding[:2]
            _destination, name, parameters = parse(action)
            if self.check_action(name, parameters) is not False:
                keys.update(each.strip() for each in key.split(","))
        return keys
