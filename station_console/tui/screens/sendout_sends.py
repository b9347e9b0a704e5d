"""The counter's sends on the Send-out screen, in the columns that fit the table whole.

The panel shows the columns that fit it, most wanted first (`SENDS_WANTED`: the carrier and waybill,
the status, the weight with `*` when typed in, the price; then the rest as room allows): cut at its
edge, "1.25" kg read "1.2" and the price was off screen. Laid out again when its width changes. The
carrier's code leads the waybill in one column (its own heading took a column's room for two or
three letters), padded so the numbers line up.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text

from station_console.i18n import N_, _, label_of
from station_console.services.core.local_times import short_when
from station_console.services.sendout.listing import SendSummary
from station_console.services.sendout.payments import METHOD_LABELS, STATUS_LABELS
from station_console.services.sendout.quote import kg, money
from station_console.text_columns import columns_that_fit, display_width, pad
from station_console.tui.widgets.plain import Table

# Key, heading (`#` and `kg` the same in every language), right-aligned; in the table's order.
SEND_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("id", "#", False),
    ("time", N_("Time"), False),
    ("waybill", N_("Waybill"), False),
    ("to", N_("To"), False),
    ("kg", "kg", True),
    ("total", N_("Total"), True),
    ("pay", N_("Pay"), False),
    ("status", N_("Status"), False),
)
SENDS_WANTED = ("waybill", "status", "kg", "total", "id", "time", "to", "pay")
TYPED_MARK = "*"  # after a weight typed in, not read from the scale (the title says so)
_UNTRANSLATED = frozenset({"#", "kg"})
# A send still here, in a table's few cells ("at the counter" took the room of two columns at 120x40).
AT_COUNTER = N_("at counter")
# A typical send as the table shows it (a send of another day, a typed weight). The columns are chosen
# as if it were one of the rows: an empty list's headings alone fitted all eight, and the first send
# took three away; now the same columns head the list empty or not, and a wider row narrows it alike.
TYPICAL_SEND = {
    "id": "1234",
    "time": "11-25 14:06",
    "waybill": "ZTO 73123456789012",
    "to": "内蒙古",
    "kg": "23.456*",
    "total": "365.00",
}


class SendsTable(Table):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.send_rows: list[dict[str, str]] = []  # the counter's sends, as the table shows them
        self.refundable: set[str] = set()  # the ids of those still at the counter

    def show(self, rows: list[SendSummary], zone: tzinfo, now: datetime) -> None:
        """The last sends, from any day: a send of another day says its date (`11-25 14:06`)."""
        # A send refused under no carrier shows none ("SF" was the last send's, kept by the form).
        names = ["" if r.carrier == "-" else r.carrier_name for r in rows]
        code_width = max((display_width(name) for name in names), default=0)
        # The cursor stays on the send it was on: a send made meanwhile comes in on top, and F7 offers
        # the one chosen here.
        chosen = self.send_rows[min(self.cursor_row, len(self.send_rows) - 1)]["id"] if self.send_rows else ""
        self.refundable = {str(r.send_id) for r in rows if r.status == "accepted"}
        self.send_rows = [
            {
                "id": str(r.send_id),
                "time": short_when(r.created_at, zone, now),
                "waybill": (f"{pad(name, code_width)} " if code_width else "") + (r.waybill or "-"),
                "to": r.destination,
                # Nothing weighed (a refusal at inspection may have no weight): "-", not "0".
                "kg": "-" if r.weight_g is None else kg(r.weight_g) + (TYPED_MARK if r.weight_manual else ""),
                "total": money(r.price_cents),
                "pay": _(METHOD_LABELS.get(r.payment_method or "", "-")),
                "status": _(AT_COUNTER) if r.status == "accepted" else label_of(STATUS_LABELS, r.status),
            }
            for r, name in zip(rows, names, strict=True)
        ]
        if any(r.weight_manual for r in rows):  # a space where a weighed one has no mark: digits aligned
            for values, r in zip(self.send_rows, rows, strict=True):
                values["kg"] += "" if r.weight_manual else " "
        ids = [values["id"] for values in self.send_rows]
        self.lay_out(row=ids.index(chosen) if chosen in ids else None)

    def chosen_refundable(self) -> str:
        """The send a clerk moved to on the list (it has the focus), if it can be refunded; else ""."""
        if not self.has_focus or not self.send_rows:
            return ""
        chosen = self.send_rows[min(self.cursor_row, len(self.send_rows) - 1)]["id"]
        return chosen if chosen in self.refundable else ""

    def lay_out(self, row: int | None = None) -> None:
        """The sends in the columns that fit the table's width (again after a resize), the cursor on `row`
        (by default the row it was on)."""
        headings = [title if title in _UNTRANSLATED else _(title) for _key, title, _right in SEND_COLUMNS]
        typical = TYPICAL_SEND | {
            "pay": max((_(label) for label in METHOD_LABELS.values()), key=display_width),
            "status": _(AT_COUNTER),
        }
        widths = [
            max([display_width(heading), *(display_width(row[key]) for row in [typical, *self.send_rows])])
            for heading, (key, _title, _right) in zip(headings, SEND_COLUMNS, strict=True)
        ]
        keys = [key for key, _title, _right in SEND_COLUMNS]
        room = self.size.width - self.styles.scrollbar_size_vertical  # room for the bar, rows or not
        shown = columns_that_fit(
            widths, room, wanted=[keys.index(key) for key in SENDS_WANTED], gap=2 * self.cell_padding
        )
        row = self.cursor_row if row is None else row
        self.clear(columns=True)
        for index in shown:
            key = SEND_COLUMNS[index][0]
            self.add_column(self._cell(headings[index], index, widths), key=key, width=widths[index])
        for values in self.send_rows:
            self.add_row(
                *(self._cell(values[SEND_COLUMNS[i][0]], i, widths) for i in shown), key=values["id"]
            )
        if self.send_rows:
            self.move_cursor(row=min(row, len(self.send_rows) - 1))

    @staticmethod
    def _cell(text: str, index: int, widths: list[int]) -> Text:
        """A cell as text, never markup; a right-aligned column's padded here (Rich's right justify would
        drop the space that keeps a weighed weight's digits under a typed one's)."""
        return Text(pad(text, widths[index], left=not SEND_COLUMNS[index][2]))
