"""Every key the screen under it takes, and the console's own, in the clerk's language: the footer
leaves out the keys a narrow terminal has no room for (at 80 columns the modes' F1-F6, Ctrl+L, Ctrl+Q),
this list leaves out none.

Ins opens it and closes it (the app's `keys_list`, a priority key: over a dialog and in a field too;
no field types with Ins and no screen or field has a binding on it), and so does Esc. The screen
under it keeps its focus and what was typed in its fields. The list is the keys as they were when it
opened; over a dialog, the dialog's keys and the console's priority keys (those a dialog leaves on).
A scan that arrives while it is open is not taken and said so, as under any question.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar, NamedTuple

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen

from station_console.i18n import N_, _
from station_console.tui.role_keys import refused
from station_console.tui.screens.base import translate_bindings
from station_console.tui.screens.question_keys import SaysStrayInput
from station_console.tui.screens.typed_dialog import keys_line
from station_console.tui.widgets.plain import Static, plain
from station_console.tui.widgets.wedge import RoutedKeys

KEYS_ACTION = "keys_list"  # the app's action: the footer shows its key first
CLOSE_KEYS = N_("Ins or Esc: close · ↑ ↓ PgUp PgDn: scroll")
LIST_NOT_TAKEN = N_("That key does nothing in this list: Ins or Esc closes it, then press the key.")
LIST_SCAN_NOT_TAKEN = N_(
    "A scan came while the key list is open: it was not taken. Close the list, then scan again."
)
# The list's own keys: closing it, and scrolling it.
_TAKEN = frozenset(
    {"insert", "escape", "up", "down", "pageup", "pagedown", "home", "end", "tab", "shift+tab"}
)
# Textual's own screen keys (moving the focus), in its English: every form moves by Tab and Enter.
_TEXTUALS = frozenset({"app.focus_next", "app.focus_previous"})
# Textual's Ctrl+C, kept: a clerk selects a waybill or an error line with the mouse and copies it (into a
# message to the carrier, a fault report). Its words are marked here to be translated; its Super+C is a
# Mac's Cmd key, which a counter's keyboard has not, so the list names only Ctrl+C.
COPY_WORDS = N_("Copy selected text")
_NOT_ON_A_COUNTER = "super+"
_NAMES = {
    "ctrl": "Ctrl",
    "shift": "Shift",
    "alt": "Alt",
    "escape": "Esc",
    "enter": "Enter",
    "insert": "Ins",
    "delete": "Del",
    "tab": "Tab",
    "space": "Space",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
}


class ListedKey(NamedTuple):
    key: str  # as printed on the keyboard: "Ctrl+S", "F1", "Esc"
    description: str  # translated
    tooltip: str  # translated; "" when it says no more than the description
    usable: bool  # False: the signed-in clerk may not use it now (a manager's), shown dimmed
    console_wide: bool  # the app's: every screen has it


def key_name(key: str) -> str:
    """'ctrl+s' as the keyboard says it: 'Ctrl+S'; 'escape' 'Esc'; 'f1' 'F1'."""
    return "+".join(_NAMES.get(part, part.upper()) for part in key.split("+"))


def keys_of(app: App[Any], screen: Screen[Any]) -> list[ListedKey]:
    """The keys `screen` takes now, then the app's, each action once (Esc and N for one answer read
    'Esc/N'). A widget's own keys (a field's cursor keys) only when the footer would show them."""
    found: dict[tuple[int, str], tuple[list[str], Binding, bool, bool]] = {}
    active = [(node, binding, enabled) for node, binding, enabled, _t in screen.active_bindings.values()]
    if screen.is_modal:  # a dialog cuts the app's keys, but its priority keys still work
        active += [
            (app, b, True) for _k, b in app._bindings if b.priority and b.key not in screen.active_bindings
        ]
    for node, binding, enabled in active:
        if binding.action in _TEXTUALS or not binding.description:
            continue
        if not (binding.show or isinstance(node, (Screen, App))):
            continue
        console_wide = isinstance(node, App)
        usable = enabled and refused(app, binding.id) is None
        entry = found.setdefault((id(node), binding.action), ([], binding, usable, console_wide))
        if not binding.key.startswith(_NOT_ON_A_COUNTER):
            entry[0].append(binding.key_display or key_name(binding.key))
    # The screen's own first, in their order; then the console's in the app's order (modes, lock, quit
    # last), not Textual's: its own Ctrl+Q, which the app's replaces, kept the first place.
    order = {binding.id: n for n, binding in enumerate(app.BINDINGS) if isinstance(binding, Binding)}
    return [
        ListedKey(
            "/".join(keys),
            _(binding.description),
            _(binding.tooltip) if binding.tooltip and binding.tooltip != binding.description else "",
            usable,
            console_wide,
        )
        for keys, binding, usable, console_wide in sorted(
            found.values(), key=lambda entry: (entry[3], order.get(entry[1].id, 0) if entry[3] else 0)
        )
    ]


class _KeysScroll(RoutedKeys, VerticalScroll):
    """The list, scrolled by the arrow and page keys; its keys pass the wedge router, so a scanner's
    burst is one scan said as not taken, not letters dropped unseen."""


class KeysList(SaysStrayInput[None]):
    """The keys listed by `keys_of`, under 'This screen' and 'Every screen'."""

    DEFAULT_CSS = """
    KeysList { align: center middle; }
    KeysList > Vertical { width: 78; max-width: 100%; height: 100%; max-height: 40; border: thick $accent;
        background: $surface; padding: 0 1; }
    KeysList .dialog-title { text-style: bold; }
    KeysList _KeysScroll { height: 1fr; }
    KeysList .keys-group { text-style: bold; margin-top: 1; }
    KeysList .keys-group:first-child { margin-top: 0; }  /* the title's margin is the one blank line */
    KeysList Horizontal { height: auto; }
    KeysList .key-name { width: 12; text-style: bold; }
    KeysList .key-words { width: 1fr; }
    KeysList .-unusable { color: $text-disabled; }
    KeysList #keys-said { color: $warning; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="keys.close", tooltip=N_("Close the key list")),
    ]
    AUTO_FOCUS = "_KeysScroll"
    what = N_("the key list")
    SAID_ID = "keys-said"
    NOT_TAKEN = LIST_NOT_TAKEN
    SCAN_NOT_TAKEN = LIST_SCAN_NOT_TAKEN

    def __init__(self, keys: list[ListedKey]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Keys"), classes="dialog-title")
            with _KeysScroll():
                for console_wide, heading in ((False, N_("This screen")), (True, N_("Every screen"))):
                    group = [key for key in self.keys if key.console_wide == console_wide]
                    if not group:
                        continue
                    yield Static(_(heading), classes="keys-group")
                    for key in group:
                        words = plain(key.description)
                        if key.tooltip:
                            words.append_text(plain(f"  {key.tooltip}", "dim"))
                        classes = "" if key.usable else "-unusable"
                        with Horizontal(classes=classes):
                            yield Static(plain(key.key), classes="key-name")
                            yield Static(words, classes="key-words")
            yield Static(id="keys-said")
            yield keys_line(CLOSE_KEYS)

    def on_mount(self) -> None:  # its router is set up by `SaysStrayInput`'s
        translate_bindings(self)

    def action_close(self) -> None:
        self.dismiss(None)

    def taken_keys(self) -> Collection[str]:
        return _TAKEN
