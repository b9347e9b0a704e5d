"""The counter's sends on the Send-out screen, in the columns that fit the table whole.

The panel shows the columns that fit it, most wanted first (`SENDS_WANTED`: the carrier and waybill,
the status, the weight with `*` when typed in, the price; then the rest as room allows): cut at its
edge, "1.25" kg read "1.2" and the price was off screen. The carrier's code leads the waybill in one
column (its own heading took a column's room for two or three letters), padded so the numbers line up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text

from station_console.i18n import N_, _, label_of
from station_console.safe_text import visible
from station_console.services.core.local_times import short_when
from station_console.services.sendout.listing import SendSummary
from station_console.services.sendout.payments import METHOD_LABELS, STATUS_LABELS
from station_console.services.sendout.quote import kg, money
from station_console.text_columns import display_width, pad
from station_console.tui.widgets.fitted_table import Cells, FittedTable

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
SEND_KEYS = tuple(key for key, _title, _right in SEND_COLUMNS)
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


class SendsTable(FittedTable):
    COLUMNS = tuple(title for _key, title, _right in SEND_COLUMNS)
    KEYS = SEND_KEYS

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(zebra_stripes=True, **kwargs)
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

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return [(values["id"], tuple(values[key] for key in SEND_KEYS)) for values in self.send_rows]

    def headings(self) -> list[str]:
        return [title if title in _UNTRANSLATED else _(title) for title in self.COLUMNS]

    def wanted(self, rows: list[Cells]) -> Sequence[int]:
        return [SEND_KEYS.index(key) for key in SENDS_WANTED]

    def measured_too(self) -> list[Cells]:
        typical = TYPICAL_SEND | {
            "pay": max((_(label) for label in METHOD_LABELS.values()), key=display_width),
            "status": _(AT_COUNTER),
        }
        return [tuple(typical[key] for key in SEND_KEYS)]

    def cell(self, value: Any, index: int, width: int) -> Text:
        """A cell as text, never markup; a right-aligned column's padded here (Rich's right justify would
        drop the space that keeps a weighed weight's digits under a typed one's)."""
        return Text(pad(visible(value), width, left=not SEND_COLUMNS[index][2]))
