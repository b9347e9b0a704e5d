"""The check-in screen's table of this session's check-ins: its columns, a row per parcel checked in
with its label's state (held for the parcel's phone, then queued), and Ctrl+Z's undo, which strikes the
row through for good."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.widgets import DataTable

from station_console.i18n import N_, _
from station_console.services.checkin.transaction import CheckinResult
from station_console.services.printing.queue_view import LABEL_LABELS
from station_console.tui.screens.checkin_phones import CheckinPhones
from station_console.tui.screens.checkin_state import TABLE_ROWS
from station_console.tui.screens.checkin_writer import CheckinWriter
from station_console.tui.widgets.tail_table import tail

UNDONE = "strike dim"
UNDONE_LABEL = N_("undone")
TAILS = ("waybill", "phone")  # cells shown by their end when cut
PHONE_SHOWN = len("138****5678")  # a masked mobile number whole; a virtual number's extension and tail


class CheckinTable(CheckinPhones):
    def _set_up_table(self) -> None:
        table = self.query_one("#ci-table", DataTable)
        table.can_focus = False  # focus stays in the fields; the table only shows
        # Phone and label change after the row is added: sized up front to what they can say in this
        # language, so no change re-lays the table. The waybill gives way (`TailTable`), then a phone
        # longer than a masked mobile number: each shows its end, the digits a customer quotes.
        labels = [_(LABEL_LABELS[state]) for state in LABEL_LABELS] + [_(UNDONE_LABEL)]
        for key, title, width in (
            ("n", "#", None),
            ("code", _("Code"), None),
            ("where", _("Location"), None),
            ("carrier", _("Carrier"), None),
            ("waybill", _("Waybill"), None),
            ("phone", _("Phone"), PHONE_SHOWN),
            ("label", _("Label"), max(map(cell_len, labels))),
        ):
            table.add_column(title, key=key, width=width and max(width, cell_len(title)))

    def _list_checked_in(self, result: CheckinResult) -> None:
        """The parcel's row on top, its label held for its phone unless in quick mode; the oldest row
        goes once the table is full."""
        self.count += 1
        self.results.append(result)
        table = self.query_one("#ci-table", DataTable)
        held = result.masked_phone is None and not self.quick
        if self._held_row is not None:
            self.show_let_go(table, self._held_row)  # this scan printed it, unless its phone did
        self._held_row = result.parcel_id if held else None
        label = "held" if held else "queued"
        table.add_row(*self._cells(result, _(LABEL_LABELS[label])), key=str(result.parcel_id))
        self.label_shown[result.parcel_id] = label
        table.sort("n", key=_row_number, reverse=True)
        if table.row_count > TABLE_ROWS:
            gone = self.results[-TABLE_ROWS - 1].parcel_id
            table.remove_row(str(gone))
            self.label_shown.pop(gone, None)

    def action_undo(self) -> None:
        self.writer.submit(self.writer.undo)

    @on(CheckinWriter.Undone)
    def _undone(self, message: CheckinWriter.Undone) -> None:
        result = message.result
        self.undone.add(result.parcel_id)
        self.label_shown.pop(result.parcel_id, None)  # "undone" for good: re-reads leave the row alone
        table = self.query_one("#ci-table", DataTable)
        if str(result.parcel_id) in table.rows:
            row = table.get_row(str(result.parcel_id))
            for key, cell in zip(("n", "code", "where", "carrier", "waybill", "phone"), row, strict=False):
                struck = tail(str(cell), UNDONE) if key in TAILS else Text(str(cell), style=UNDONE)
                table.update_cell(str(result.parcel_id), key, struck)
            table.update_cell(str(result.parcel_id), "label", Text(_(UNDONE_LABEL), style="bold"))
        shown = self.current.result if self.current is not None else None
        if shown is not None and shown.parcel_id == result.parcel_id:
            self._in_hand_after_answer()
            self.last_scan_refused = False
            self._show_current()
        self._clear_big()
        self._answer(
            _(
                "Undone: {waybill} ({code}) is no longer checked in.",
                waybill=result.waybill,
                code=result.pickup_code,
            ),
            warn=True,
        )
        self._refresh_status()

    @on(CheckinWriter.LabelLetGo)
    def _label_let_go(self, message: CheckinWriter.LabelLetGo) -> None:
        held, self._held_row = self._held_row, None
        if held is not None:
            self.show_let_go(self.query_one("#ci-table", DataTable), held)

    def _cells(self, result: CheckinResult, label: str) -> tuple[Any, ...]:
        return (
            self.count,
            Text(result.pickup_code),
            Text(result.location),
            Text(result.carrier_name),
            tail(result.waybill),
            tail(result.masked_phone or "-"),
            label,
        )


def _row_number(cell: object) -> int:
    """A row's "#": a number, or the struck-through text of one once undone (Text and int do not sort)."""
    return int(str(cell))
