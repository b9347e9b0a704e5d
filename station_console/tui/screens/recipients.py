"""Settings > Recipients: the directory, a person's consent and choices, "who is this?" (the forms that
change a person: `recipient_forms.py`; the import: `recipients_import.py`).

Type to find someone (name, pinyin initials such as `zs`, room such as `3-502`, id, phone tail; the
search finds deactivated people too, as the whole list shows them); the
detail pane shows them with their consent history. Recording consent is any clerk's (named in the
record); editing, adding, deactivating and importing are a manager's, which the services check.
Every service call runs on a thread worker (ServiceCalls); names and addresses are shown as text,
never markup.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input
from textual.widgets.input import Selection

from station_console.i18n import N_, _, _n, label_of, listed
from station_console.services.notify.templates import PREFERENCE_LABELS
from station_console.services.recipients import consent, directory, matching
from station_console.services.recipients.fields import (
    CHANNEL_LABELS,
    LANGUAGE_LABELS,
    SOURCE_LABELS,
    consent_label,
)
from station_console.services.recipients.phone_links import with_linked
from station_console.tui.queue_trail import follow_then, trail
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.recipient_forms import PersonForms
from station_console.tui.screens.recipients_import import DirectoryImport
from station_console.tui.widgets.fixed_input import FixedInput, typed_space
from station_console.tui.widgets.plain import Static, Table
from station_console.tui.widgets.status_line import StatusLine

COLUMNS = (N_("Id"), N_("Name"), N_("Address"), N_("Phone"), N_("Choice"), N_("Consent"))

# Narrower than this, the detail pane goes below the list: beside it, it covered the list's phone and
# consent columns at 80 columns.
PANE_BESIDE_MIN = 110


def consent_text(value: str | None, *, recorded: bool) -> Text:
    return Text(
        consent_label(value, recorded=recorded), style="green" if value == "granted" else "bold yellow"
    )


class RecipientsScreen(PersonForms, DirectoryImport, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Recipients")
    WAIT_LINE = "#rc-status"
    CLERKS_ENTRY = "#rc-search"  # the list reads again as the search empties
    CSS_PATH = "recipients.tcss"
    # Short words, so every key shows at 80x24 in English and Chinese (the footer leaves out a key that
    # does not fit, F12 went): F7 as its form says ("What they said"), F11 and F12 as their tooltips say;
    # Ins lists them in full.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="recipients.back"),
        Binding("f7", "consent", N_("Wishes"), id="recipients.consent", tooltip=N_("Record what they said")),
        Binding("f8", "edit", N_("Edit"), id="recipients.edit", tooltip=N_("Manager: change their details")),
        Binding("f9", "add", N_("Add"), id="recipients.add", tooltip=N_("Manager: add a person")),
        Binding("f10", "import", N_("Load"), id="recipients.import", tooltip=N_("Manager: CSV or XLSX")),
        Binding(
            "f11",
            "who",
            N_("Who?"),
            id="recipients.who",
            tooltip=N_("Who is this? Parcels with a name, no match"),
        ),
        Binding(
            "f12",
            "toggle_active",
            N_("On/off"),
            id="recipients.toggle",
            tooltip=N_("Manager: someone left, or came back"),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people: dict[str, Any] = {}  # row key -> RecipientView or Match
        self.current: directory.RecipientView | None = None
        # The highlighted person whose details are on their way: the keys for the person shown wait.
        self.reading: int | None = None
        self.note: str | None = None  # what the last change said, kept over the list's reload
        # The person a change was saved for: the list read again after it highlights them, not its
        # first row (the next F7, F8 or F12 acted on whoever that was).
        self.keep: int | None = None
        self._to_search = False  # a key typed on the list went to the search, which is not focused yet

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="rc-top"):
            yield FixedInput(
                placeholder=_("name, pinyin initials (zs), room (3-502), id or phone tail"),
                id="rc-search",
                max_length=40,
            )
        with Horizontal(id="rc-main"):
            yield Table(id="rc-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="rc-detail-pane"):
                yield Static(id="rc-detail")
        yield StatusLine(id="rc-status")

    def on_resize(self) -> None:
        self.query_one("#rc-main").set_class(self.size.width < PANE_BESIDE_MIN, "-stacked")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#rc-table", DataTable)
        for title in COLUMNS:
            table.add_column(_(title))
        self.query_one("#rc-search", Input).focus()
        self.reload()

    # -- reading -------------------------------------------------------------------------------------

    def reload(self) -> None:
        text = self.query_one("#rc-search", Input).value.strip()
        if text:
            self.call(
                "found",
                lambda: matching.match(self.station, text, limit=50, include_inactive=True),
                exclusive=True,
            )
        else:
            self.call(
                "found",
                lambda: directory.list_recipients(self.station, include_inactive=True),
                exclusive=True,
            )

    @on(Input.Changed, "#rc-search")
    def _typed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#rc-search")
    def _enter(self) -> None:
        table = self.query_one("#rc-table", DataTable)
        if table.row_count:
            table.focus()

    def on_key(self, event: events.Key) -> None:
        """A key typed on the list or the pane (neither binds a letter) goes to the search box, the first
        starting it again as Tab back to it would: after a form saved, the cursor is on the list, and a
        name typed there went nowhere, the next F12 acting on the person still highlighted."""
        character = event.character or ""
        if not (event.is_printable and character or typed_space(character)):
            return  # the list's own keys (arrows, Enter) are handled before they reach the screen
        event.stop()
        search = self.query_one("#rc-search", FixedInput)
        if self._to_search:  # typed behind the first (an input method's word, a scan): in order after it
            search.replace(character, len(search.value), len(search.value))
            return
        self._to_search = True
        search.replace(character, 0, len(search.value))
        # The search takes the keys once those already on their way to the list have come here too.
        follow_then(self.app, trail(self.focused or self, self.app), partial(self._search_focused, search))

    def _search_focused(self, search: FixedInput) -> None:
        self._to_search = False
        self.set_focus(search)
        # Behind its focus, which selects what the search holds: the next key goes after it, not over it.
        search.call_later(lambda: setattr(search, "selection", Selection.cursor(len(search.value))))

    def done_found(self, rows: list[Any]) -> None:
        table = self.query_one("#rc-table", DataTable)
        table.clear()
        self.people = {}
        for row in rows:
            key = str(row.id)
            self.people[key] = row
            phone = (row.phones[0] if row.phones else "-") if hasattr(row, "phones") else (row.phone or "-")
            name = row.shown_name if hasattr(row, "shown_name") else row.name
            active = getattr(row, "active", True)
            table.add_row(
                Text(row.external_id or f"#{row.id}"),
                Text(name, style="" if active else "strike dim"),
                Text(row.location or "-"),
                Text(phone),
                Text(_(PREFERENCE_LABELS[row.delivery_preference]) if row.delivery_preference else "-"),
                consent_text(row.consent, recorded=row.consent_recorded),
                key=key,
            )
        note, self.note = self.note, None
        keep, self.keep = self.keep, None
        # A read: a refusal said before it lands stays (a search typed just before a refused key). What
        # the last change did is said over it, not read: the next clerk signing in is not told it.
        status = self.query_one("#rc-status", StatusLine)
        if status.show_read(_n("{n} person", "{n} people", len(rows), n=len(rows))) and note:
            status.say(note)
        if rows:
            if str(keep) in self.people:
                table.move_cursor(row=list(self.people).index(str(keep)))
            self.show(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0))
        else:
            self.current, self.reading = None, None
            self.query_one("#rc-detail", Static).update(_("Nobody matches."))

    @on(DataTable.RowHighlighted, "#rc-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show(int(event.row_key.value))

    def show(self, recipient_id: int) -> None:
        self.reading = recipient_id
        self.call(
            "detail",
            lambda: (directory.get(self.station, recipient_id), consent.history(self.station, recipient_id)),
            exclusive=True,
        )

    def done_detail(self, found: tuple[directory.RecipientView, list[consent.HistoryEntry]]) -> None:
        view, history = found
        self.current, self.reading = view, None
        zone = self.station.zone()
        text = Text(view.shown_name, style="bold")
        if not view.active:
            text.append("  " + _("deactivated"), style="bold red")
        lines = [
            (_("Id"), view.external_id or f"#{view.id}"),
            (_("Address"), view.location or "-"),
            (_("Floor"), "-" if view.floor is None else str(view.floor)),
            (_("Phones"), listed(view.phones) or "-"),
            (_("E-mail"), view.email or "-"),
            (_("Department"), view.department or "-"),
            (_("Language"), label_of(LANGUAGE_LABELS, view.language) if view.language else "-"),
            (
                _("Choice"),
                _(PREFERENCE_LABELS[view.delivery_preference]) if view.delivery_preference else "-",
            ),
            (_("Proxies allowed"), _("yes") if view.proxy_allowed else _("no")),
            (_("Reminders"), _("off") if view.reminders_opt_out else _("on")),
            (_("Source"), label_of(SOURCE_LABELS, view.source)),
        ]
        for label, value in lines:
            text.append("\n" + _("{label}: {value}", label=label, value=value))
        text.append("\n" + _("{label}: {value}", label=_("Consent"), value=""))
        text.append_text(consent_text(view.consent, recorded=view.consent_recorded))
        if view.consent_at:
            channel = _(CHANNEL_LABELS.get(view.consent_channel or "", view.consent_channel or ""))
            at = f"{view.consent_at.astimezone(zone):%Y-%m-%d %H:%M}"
            text.append(_(" ({at}, {channel})", at=at, channel=channel))
        if history:
            text.append("\n\n" + _("What they said"), style="bold")
        for h in history:
            text.append(
                f"\n{h.at.astimezone(zone):%m-%d %H:%M} {label_of(CHANNEL_LABELS, h.channel)} " + h.told()
            )
        self.query_one("#rc-detail", Static).update(text)

    # -- changes -------------------------------------------------------------------------------------

    def _chosen(self) -> directory.RecipientView | None:
        """The person shown on the right; with nobody shown, the key says so rather than nothing. While
        the highlighted person's details are read, nobody: the pane still shows the person before."""
        if self.reading is not None:
            row = self.people.get(str(self.reading))
            name = getattr(row, "shown_name", None) or getattr(row, "name", None) or f"#{self.reading}"
            self.say(_("Reading {name}…", name=name))
            return None
        if self.current is None:
            self.say(_("Nobody is chosen: find the person in the list first."), error=True)
        return self.current

    @role_key("recipients.toggle")
    def action_toggle_active(self) -> None:
        view = self._chosen()
        if view is None:
            return
        if self.calling("changed"):  # a hurried second press: said, not asked again
            self.still_writing("changed")
            return

        if not view.active:
            self._set_active(view)  # bringing someone back loses nothing
            return
        # The question says how many of their parcels wait on the shelves: read first, the keys typed
        # behind F12 (its Y) waiting for the question.
        self.ask_after("on_shelf", partial(self._ask_deactivate, view))

    def _set_active(self, view: directory.RecipientView) -> None:
        self.write("changed", lambda: directory.set_active(self.station, view.id, not view.active))

    def _ask_deactivate(self, view: directory.RecipientView) -> tuple[directory.RecipientView, int]:
        """On the worker: the person and how many of their parcels are on the shelves."""
        return view, directory.parcels_on_shelf(self.station, view.id)

    def done_on_shelf(self, answer: tuple[directory.RecipientView, int]) -> None:
        view, on_shelf = answer
        # One key away from Settings' own F12 (which opened this list): pressed twice, it deactivated
        # the first person listed, unseen, and a deactivated person's name and phones are later purged.
        question = _("Deactivate {name}?", name=view.shown_name)
        shelf = (
            _n(
                "{count} parcel of theirs is on the shelves: it stays linked to them and on its shelf.",
                "{count} parcels of theirs are on the shelves: they stay linked to them and on their shelves.",
                on_shelf,
                count=on_shelf,
            )
            if on_shelf
            else _("No parcel of theirs is on the shelves.")
        )
        body = _(
            "They no longer come up at check-in, and once the privacy period passes their name and "
            "phones are purged. Their parcels stay theirs; F12 brings them back.\n\n"
            "Yes deactivates them; No changes nothing."
        )
        ask(
            self,
            ConfirmDialog(question, f"{shelf}\n\n{body}", what=N_("deactivating a person"), weighty=True),
            partial(self._set_active, view),
            no=N_("Not deactivated: nothing changed."),
            say=self.say,
        )

    def done_changed(self, view: directory.RecipientView) -> None:
        self.note = with_linked(
            _("Saved: {name}", name=view.shown_name),
            view.parcels_linked,
            view.parcels_shared,
            view.parcels_left_to_other,
        )
        self.say(self.note)  # the answer to the clerk's change, said over a refusal of a second key
        self.keep = view.id
        self.reload()

    # -- who is this? --------------------------------------------------------------------------------

    def action_who(self) -> None:
        # On demand: the dialog module loads when it is first asked for.
        from station_console.tui.screens.recipient_dialogs import WhoIsThisDialog

        open_over(self, WhoIsThisDialog(), lambda _done: self.reload())

    def action_back(self) -> None:
        # Not while a person switched on or off, or an import, is on its way: its answer is said here.
        if not self.stays_for_answer("changed", "imported"):
            self.dismiss()

    # -- display -------------------------------------------------------------------------------------

    def failed(self, tag: str, text: str) -> None:
        if tag == "detail":  # the pane's person is not the highlighted one: no key acts on them
            self.current, self.reading = None, None
        self.say(text, error=True)

    def still_writing(self, tag: str) -> None:
        self.failed(tag, _(STILL_WRITING))

    def say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#rc-status", StatusLine).say(Text(text), error=error)
        if error:
            self.app.bell()
