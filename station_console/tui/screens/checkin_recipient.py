"""Check-in's recipient finder: type a name, pinyin initials (`zs` for 张三), a unit or room (`3-502`), an
id or a phone tail; pick the person and they go to the parcel just scanned, the one the finder names (one
with no full phone number takes theirs from the directory, shown masked in its row).

Enter picks the one person matched; with several, it goes to the list (↑↓ then Enter). Enter on a text
that matches no one keeps it as the parcel's name: the parcel then waits in the "who is this?" list. It
answers for what was typed: an Enter typed before that text's matches came waits for them. Matching runs
on a thread worker as the clerk types; names are shown as text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from station_console import name_limit
from station_console.i18n import N_, _, _n
from station_console.services.recipients import matching
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.dialog_css import DIALOG_CSS
from station_console.tui.screens.question_keys import SEARCH_SCAN_NOT_TAKEN, RoutedOptions, SaysStrayInput
from station_console.tui.screens.recipient_dialogs import match_lines
from station_console.tui.widgets.name_input import NameInput
from station_console.tui.widgets.plain import Static


@dataclass(frozen=True)
class Picked:
    """Who the parcel just scanned is for: a directory entry, or only a typed name (matched to no one)."""

    recipient_id: int | None
    name: str
    masked_phone: str | None = None
    consent_missing: bool = False
    wants_door: bool = False

    def describe(self) -> str:
        if self.recipient_id is None:
            return _("{name} (not in the directory)", name=self.name)
        return f"{self.name} {self.masked_phone or ''}".strip()


class RecipientPicker(ServiceCalls, SaysStrayInput[Picked | None]):
    """A scan arriving while the matches have the focus is said on the hint line, not taken as Enter
    picking the highlighted person (`SaysStrayInput`)."""

    what = N_("the recipient search")
    SAID_ID = "pick-hint"
    SAYS_KEYS = False
    TYPES_INTO = "pick-search"
    SCAN_NOT_TAKEN = SEARCH_SCAN_NOT_TAKEN
    DEFAULT_CSS = DIALOG_CSS.replace("FormDialog, ConfirmDialog", "RecipientPicker") + (
        "#pick-matches { height: auto; max-height: 12; }\n#pick-hint { color: $text-muted; }\n"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="picker.cancel", tooltip=N_("No recipient for this parcel")
        ),
    ]

    def __init__(self, parcel: str = "", search: str = "") -> None:
        """`parcel`: the parcel the pick goes to, as the clerk knows it; `search`: typed already (a pick
        refused, kept to try again)."""
        super().__init__()
        self.parcel, self.search = parcel, search
        self.found: dict[str, matching.Match] = {}
        self.matched: str | None = None  # the text the matches shown are for
        self.waiting: str | None = None  # Enter on this text, before its matches came

    @property
    def station(self) -> Any:
        return self.app.station  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog wide"):
            title = (
                _("Who is {parcel} for?", parcel=self.parcel) if self.parcel else _("Who is the parcel for?")
            )
            yield Static(Text(title), classes="dialog-title")
            yield NameInput(
                self.search,
                placeholder=_("name, pinyin initials (zs), room (3-502), id or phone tail"),
                id="pick-search",
                max_length=40,
            )
            yield RoutedOptions(id="pick-matches")
            yield Static(
                _("Enter: pick · no match: Enter keeps the name for Who is this? (Ctrl+W)"),
                id="pick-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#pick-search", Input).focus()
        self._look_up(self.search)

    @on(Input.Changed, "#pick-search")
    def _typed(self, event: Input.Changed) -> None:
        self._look_up(event.value)

    def _look_up(self, text: str) -> None:
        self.call("matches", lambda: (text, matching.match(self.station, text)), exclusive=True)

    def done_matches(self, answer: tuple[str, list[matching.Match]]) -> None:
        text, found = answer
        options = self.query_one("#pick-matches", OptionList)
        options.clear_options()
        self.found = {str(m.id): m for m in found}
        options.add_options(
            [Option(line, id=str(m.id)) for m, line in zip(found, match_lines(found), strict=True)]
        )
        if found:
            options.highlighted = 0
        self.matched = text
        if self.waiting == text:
            self.waiting = None
            self._answer_enter(text)

    @on(Input.Submitted, "#pick-search")
    def _enter(self, event: Input.Submitted) -> None:
        if event.value == self.matched:
            self._answer_enter(event.value)
        else:
            self.waiting = event.value  # its matches are on their way: they answer it

    def _answer_enter(self, text: str) -> None:
        """One person matched: they are picked; several: the list, to choose from; none: the name."""
        options = self.query_one("#pick-matches", OptionList)
        if len(self.found) == 1:
            self._pick(next(iter(self.found.values())))
        elif self.found:
            options.focus()
            count = len(self.found)
            said = _n(
                "{n} person matches: choose with ↑↓ then Enter.",
                "{n} people match: choose with ↑↓ then Enter.",
                count,
                n=count,
            )
            self.query_one("#pick-hint", Static).update(Text(said))
        elif text.strip():
            self.dismiss(Picked(recipient_id=None, name=text.strip()[: name_limit.NAME_MAX]))

    @on(OptionList.OptionSelected, "#pick-matches")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        m = self.found.get(event.option.id or "")
        if m is not None:
            self._pick(m)

    def _pick(self, m: matching.Match) -> None:
        self.dismiss(
            Picked(
                recipient_id=m.id,
                name=m.name,
                masked_phone=m.phone,
                consent_missing=m.consent_missing,
                wants_door=m.delivery_preference == "door",
            )
        )

    def failed(self, tag: str, text: str) -> None:
        self.query_one("#pick-hint", Static).update(Text(text, style="bold red"))
        self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)
