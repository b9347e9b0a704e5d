""" "Who is this?": parcels checked in with a name that matched no one, or with a phone two people
share, and the person each is for.

Pick a parcel: its typed name (else its phone's tail, finding the people who share it) is searched at once (edit it: initials, a room); pick the person and
Enter links them, the directory's phone filling a parcel that had none. From Settings > Recipients and
from check-in.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, OptionList
from textual.widgets.option_list import Option

from station_console.i18n import N_, _, _n, sentences
from station_console.safe_text import clean
from station_console.services.checkin.recipient import consent_note
from station_console.services.recipients import matching
from station_console.services.recipients.consent import consent_tag
from station_console.services.recipients.linking import Linked
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.dialog_css import DIALOG_CSS
from station_console.tui.screens.question_keys import SEARCH_SCAN_NOT_TAKEN, RoutedOptions, SaysStrayInput
from station_console.tui.widgets.name_input import NameInput
from station_console.tui.widgets.plain import Static, Table, plain


def match_lines(found: list[matching.Match]) -> list[Text]:
    """One line per person, columns aligned across the list (a Chinese name is two cells a character)."""
    rows = [(m.name, m.location or "-", m.phone or "-", m.external_id or "") for m in found]
    widths = [max((cell_len(r[i]) for r in rows), default=0) for i in range(4)]
    lines = []
    for m, row in zip(found, rows, strict=True):
        text = plain("  ".join(v + " " * (w - cell_len(v)) for v, w in zip(row, widths, strict=True)))
        if tag := consent_tag(m.consent_state):
            text.append("  " + tag, style="bold yellow")
        lines.append(text)
    return lines


class WhoIsThisDialog(ServiceCalls, SaysStrayInput[int]):
    """Returns how many parcels were linked. A scan arriving while the people matched have the focus is
    said on its status line, not taken as Enter linking the highlighted person (`SaysStrayInput`)."""

    SAID_ID = "who-status"
    SAYS_KEYS = False
    TYPES_INTO = "who-search"
    SCAN_NOT_TAKEN = SEARCH_SCAN_NOT_TAKEN

    what = N_("the 'who is this?' list")

    CSS_PATH = "recipients.tcss"
    WAIT_LINE = "#who-status"
    # Its box is a form's: without the forms' style it was unframed until some form had brought it.
    DEFAULT_CSS = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="who.close", tooltip=N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.linked = 0
        self.parcel_id: int | None = None
        self.names: dict[str, str] = {}
        self.note: tuple[str, bool] | None = None  # what the last link said, shown after the reload

    @property
    def station(self) -> Any:
        return self.app.station  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog wide"):
            yield Static(
                _("Who is this? Parcels with a name that matched no one or a phone people share"),
                classes="dialog-title",
            )
            yield Table(id="who-parcels", cursor_type="row", zebra_stripes=True)
            yield NameInput(
                placeholder=_("name, pinyin initials (zs), room (3-502), id or phone tail"), id="who-search"
            )
            yield RoutedOptions(id="who-matches")
            yield Static(id="who-status")

    def on_mount(self) -> None:
        table = self.query_one("#who-parcels", DataTable)
        for title in (N_("Code"), N_("Location"), N_("Carrier"), N_("Waybill"), N_("Name"), N_("Phone")):
            table.add_column(_(title))
        self.reload()

    def reload(self) -> None:
        self.call("parcels", lambda: matching.unmatched(self.station), exclusive=True)

    def done_parcels(self, rows: list[matching.Unmatched]) -> None:
        """The list again, the focus left where the clerk has it (the table has it first, as the dialog
        opens) and the highlighted parcel kept: what the clerk typed in the search stays theirs. A
        parcel just linked has left the list: the one after it is highlighted."""
        table = self.query_one("#who-parcels", DataTable)
        was = table.cursor_row
        table.clear()
        self.names = {}
        for r in rows:
            self.names[str(r.parcel_id)] = r.search
            table.add_row(
                r.pickup_code,
                r.location,
                r.carrier_name,
                r.waybill,
                Text(r.name or (_("phone shared") if r.shared_phone else "-")),
                r.masked_phone or "-",
                key=str(r.parcel_id),
            )
        note, self.note = self.note, None
        if not rows:
            self.parcel_id = None
            self.query_one("#who-matches", OptionList).clear_options()
            self.say(
                note[0] if note else _("Every parcel with a name or a shared phone is matched."),
                warn=bool(note and note[1]),
            )
            return
        if note:
            self.say(note[0], warn=note[1])
        else:
            self.say(
                _n(
                    "{n} parcel: pick it, then the person it is for",
                    "{n} parcels: pick one, then the person it is for",
                    len(rows),
                    n=len(rows),
                )
            )
        keys = [str(r.parcel_id) for r in rows]
        kept = str(self.parcel_id)
        table.move_cursor(row=keys.index(kept) if kept in keys else min(was, len(rows) - 1), scroll=False)

    @on(DataTable.RowHighlighted, "#who-parcels")
    def _parcel(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key is None or event.cursor_row != event.data_table.cursor_row:
            return  # passed over as the list reloaded: the cursor went on to the parcel kept
        if self.parcel_id == int(key):
            return  # the same parcel again (the list reloaded): the search is the clerk's
        self.parcel_id = int(key)
        # The people found for the last parcel are not this one's: nobody is linked to it by their Enter
        # until its own matches come.
        self.query_one("#who-matches", OptionList).clear_options()
        search = self.query_one("#who-search", Input)
        search.value = clean(self.names.get(key, ""))  # typed text, never a terminal sequence; it searches

    @on(Input.Changed, "#who-search")
    def _search(self, event: Input.Changed) -> None:
        text = event.value
        self.call("matches", lambda: matching.match(self.station, text), exclusive=True)

    @on(Input.Submitted, "#who-search")
    def _to_matches(self) -> None:
        self.query_one("#who-matches", OptionList).focus()

    def done_matches(self, found: list[matching.Match]) -> None:
        options = self.query_one("#who-matches", OptionList)
        options.clear_options()
        options.add_options(
            [Option(line, id=str(m.id)) for m, line in zip(found, match_lines(found), strict=True)]
        )
        if found:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#who-matches")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        parcel_id, recipient_id = self.parcel_id, event.option.id
        if parcel_id is None or recipient_id is None:
            return
        self.call("linked", lambda: matching.link(self.station, parcel_id, int(recipient_id)))

    def done_linked(self, linked: Linked) -> None:
        if linked.already:  # linked meanwhile (another counter, a command) to the same person
            self.note = (
                _(
                    "{code} is already matched to {name}: nothing changed.",
                    code=linked.pickup_code,
                    name=linked.name,
                ),
                False,
            )
            self.reload()
            return
        self.linked += 1
        note = sentences(
            _("{code} is now matched.", code=linked.pickup_code),
            _("Phone {masked} from the directory.", masked=linked.masked_phone) if linked.phone_added else "",
            consent_note(linked.consent, wants_door=linked.wants_door),
        )
        self.note = (note, linked.consent_missing)
        self.reload()

    def failed(self, tag: str, text: str) -> None:
        self.say(text, error=True)

    def say(self, text: str, *, error: bool = False, warn: bool = False) -> None:
        status = self.query_one("#who-status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")
        status.set_class(warn and not error, "-warn")
        if error:
            self.app.bell()

    def action_close(self) -> None:
        # Not while a match is on its way: its answer (the phone added, the consent) is said here, and
        # counted in what the dialog answers.
        if not self.stays_for_answer("linked"):
            self.dismiss(self.cancelled())

    def cancelled(self) -> int:
        return self.linked
