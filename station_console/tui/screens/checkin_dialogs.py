"""Check-in's two pop-ups: the carrier batch picker and the list of parcels still missing a phone."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, OptionList
from textual.widgets.data_table import RowKey
from textual.widgets.option_list import Option

from station_console.errors import StationError
from station_console.i18n import N_, _, sentences
from station_console.services.checkin.late_phone import PhoneSet, set_phone_for
from station_console.services.checkin.recipient import recipient_notes
from station_console.services.core.station import Station
from station_console.services.shelves.lists import missing_phone
from station_console.services.shelves.search import ParcelRow
from station_console.tui.screens.base import report_unexpected
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.dialog_css import DIALOG_CSS
from station_console.tui.screens.question_keys import QuestionDialog, RoutedOptions, said_line
from station_console.tui.screens.typed_dialog import TypedDialog, keys_line
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Static, Table, plain

NO_BATCH = "-"


class BatchPicker(QuestionDialog[str | None]):
    """Pick the carrier being received; "-" receives any carrier (detection decides). A key it does not
    take, or a scan, is said in it (`QuestionDialog`)."""

    what = N_("the batch's carrier choice")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "dismiss(None)", N_("Cancel"), id="batch.cancel", tooltip=N_("Keep the current batch")
        ),
    ]

    def __init__(self, carriers: list[tuple[str, str]], current: str | None) -> None:
        super().__init__()
        self.carriers = carriers
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Which carrier's parcels are you receiving?"), classes="dialog-title")
            options = [Option(_("Any carrier (detect from the number)"), id=NO_BATCH)]
            options += [Option(plain(f"{code:<8} {name}"), id=code) for code, name in self.carriers]
            yield RoutedOptions(*options, id="batch-options")
            with Vertical(id="batch-end"):
                yield said_line()
                yield keys_line(N_("↑ ↓ then Enter: choose · Esc: keep the current batch"))

    def taken_keys(self) -> set[str]:
        return super().taken_keys() | {"home", "end", "pageup", "pagedown"}  # the list's

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [NO_BATCH, *(code for code, _name in self.carriers)]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


NO_PHONE = N_("No phone number given.")
LISTING = N_("One moment: the parcels without a phone are still being read.")


class MissingPhones(ServiceCalls, TypedDialog[int]):
    """Quick-mode follow-up: pick a parcel, type its phone, Enter (or Ctrl+S). Returns how many phones
    were set.

    The list and each phone go through thread workers (the UI never waits on the database); a phone set
    here tells the customer like any other (`set_phone_for`), and says what the phone field after a
    scan says of the directory person it finds (consent, door delivery). Keys typed behind a phone's
    Enter wait for its save (`holds_keys`): the next phone, typed on at once, lands in the emptied
    field, for the next row."""

    what = N_("the parcels without a phone")

    DEFAULT_CSS = DIALOG_CSS
    WAIT_LINE = "#missing-message"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="phones.close", tooltip=N_("Back to check-in")),
        # The phone field keeps the focus: its arrows pick the row the phone goes to.
        Binding("up", "move_row(-1)", show=False, id="phones.up"),
        Binding("down", "move_row(1)", show=False, id="phones.down"),
    ]

    @dataclass
    class Loaded(Message):
        rows: list[ParcelRow]

    @dataclass
    class Saved(Message):
        masked: str

    @dataclass
    class NotListed(Message):
        text: str

    def __init__(self, station: Station) -> None:
        super().__init__()
        self.station = station
        self.done = 0
        # The parcel, phone (as typed) and pickup code of the last save sent.
        self._sent: tuple[int, str, str] = (0, "", "")
        self._listed = False  # the list has been read: before, an empty table is not "nothing left"

    def compose(self) -> ComposeResult:
        # The form's layout: no wider than the screen, the phone field held at the bottom, the list
        # between (it scrolls itself, both ways).
        with Vertical(classes="form-dialog wide"):
            yield Static(
                _("Parcels without a phone: pick one, type the phone, Enter"),
                classes="dialog-title form-head",
            )
            yield Table(id="missing-table", cursor_type="row", zebra_stripes=True)
            with Vertical(classes="form-foot"):
                yield FixedInput(
                    placeholder=_("phone, its last 4 digits, or 138****5678"), id="missing-phone"
                )
                yield Static("", id="missing-message", markup=False)
                yield keys_line(N_("↑ ↓: pick the parcel · Enter or Ctrl+S: save · Esc: close"))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Code"), _("Location"), _("Carrier"), _("Waybill"), _("Checked in"))
        self.reload()
        self.query_one("#missing-phone", Input).focus()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="missing-phones")
    def _load(self) -> None:
        try:
            self.post_message(self.Loaded(missing_phone(self.station)))
        except StationError as exc:
            self.post_message(self.NotListed(exc.message()))
        except Exception as exc:
            self.post_message(self.NotListed(report_unexpected(self, exc)))  # type: ignore[arg-type]

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self._listed = True
        table = self.query_one(DataTable)
        # The clerk's row stays under the cursor when the list is read again (after each save).
        picked = self._picked(table)
        table.clear()
        zone = self.station.zone()
        for row in message.rows:
            table.add_row(
                Text(row.pickup_code or ""),
                Text(row.location or ""),
                Text(row.carrier_name),
                Text(row.waybill),
                row.checked_in_at.astimezone(zone).strftime("%m-%d %H:%M"),
                key=str(row.parcel_id),
            )
        if picked is not None and picked in table.rows:
            table.move_cursor(row=table.get_row_index(picked))

    def action_move_row(self, delta: int) -> None:
        """↑ ↓ typed in the phone field pick the parcel: they moved nothing there, and the phone went
        to the first row whatever the clerk meant to pick (a wrong parcel's customer told)."""
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    @staticmethod
    def _picked(table: DataTable[Any]) -> RowKey | None:
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key

    @on(Input.Submitted, "#missing-phone")
    def action_send(self) -> None:
        table = self.query_one(DataTable)
        if not self._listed:  # a slow database: the phone waits in its field
            self.app.bell()
            self.query_one("#missing-message", Static).update(_(LISTING))
            return
        if table.row_count == 0 and not self.calling("phone"):
            self.dismiss(self.done)
            return
        picked = self._picked(table)
        if picked is None:  # every row saved, the last save still on its way
            self.still_writing("phone")
            return
        parcel_id, phone = int(str(picked.value)), self.query_one("#missing-phone", Input).value
        if not phone.strip():  # an Enter held behind the last save (pressed twice) lands here too
            self.failed("phone", _(NO_PHONE))
            return
        code = str(table.get_row(picked)[0])
        if self.write("phone", partial(set_phone_for, self.station, parcel_id, phone), holds_keys=True):
            self._sent = (parcel_id, phone, code)

    def done_phone(self, saved: PhoneSet) -> None:
        self.done += 1
        parcel_id, phone, code = self._sent
        # As the phone field after a scan says it: the directory person the phone found, and their consent.
        said = _("Phone {masked} saved for {code}.", masked=saved.masked, code=code)
        if saved.consent_missing:
            self.app.bell()
        self.query_one("#missing-message", Static).update(sentences(said, *recipient_notes(saved)))
        # Only the phone sent goes: what was typed after it (past the hold) is the next row's.
        field = self.query_one("#missing-phone", Input)
        field.value = field.value.removeprefix(phone)
        # The saved row goes at once: the cursor is on the next one before the list is read again,
        # so the next phone is never given to the parcel just saved.
        table = self.query_one(DataTable)
        if str(parcel_id) in table.rows:
            table.remove_row(str(parcel_id))
        self.reload()

    @on(NotListed)
    def _not_listed(self, message: NotListed) -> None:
        self.failed("list", message.text)

    def failed(self, tag: str, text: str) -> None:
        self.app.bell()
        self.query_one("#missing-message", Static).update(text)

    def still_writing(self, tag: str) -> None:
        self.failed(tag, _(STILL_WRITING))

    def action_close(self) -> None:
        # Not while a phone is on its way: its answer ("Phone ... saved", the person's consent) is
        # said here, and counted in what the dialog answers.
        if not self.stays_for_answer("phone"):
            self.dismiss(self.cancelled())

    def cancelled(self) -> int:
        return self.done


def carrier_choices(detector: Any) -> list[tuple[str, str]]:
    return [(code, detector.name_of(code)) for code in detector.carriers]
