"""The counter's sends on the Send-out screen, in the columns that fit the table whole.

The panel shows the columns that fit it, most wanted first (`SENDS_WANTED`): cut at its edge, "1.25" kg
read "1.2" and the price was off screen. Laid out again when its width changes.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich.text import Text

from station_console.i18n import N_, _, label_of
from station_console.services.sendout.listing import SendSummary
from station_console.services.sendout.payments import METHOD_LABELS, STATUS_LABELS
from station_console.services.sendout.quote import kg, money
from station_console.text_columns import columns_that_fit, display_width
from station_console.tui.widgets.plain import Table

# Key, heading (`#` and `kg` the same in every language), right-aligned; in the table's order.
SEND_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("id", "#", False),
    ("time", N_("Time"), False),
    ("carrier", N_("Carrier"), False),
    ("waybill", N_("Waybill"), False),
    ("to", N_("To"), False),
    ("kg", "kg", True),
    ("total", N_("Total"), True),
    ("pay", N_("Pay"), False),
    ("status", N_("Status"), False),
)
SENDS_WANTED = ("id", "waybill", "kg", "total", "status", "time", "carrier", "to", "pay")
_UNTRANSLATED = frozenset({"#", "kg"})


class SendsTable(Table):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.send_rows: list[dict[str, str]] = []  # the counter's sends, as the table shows them

    def show(self, rows: list[SendSummary], zone: tzinfo) -> None:
        self.send_rows = [
            {
                "id": str(r.send_id),
                "time": f"{r.created_at.astimezone(zone):%H:%M}",
                "carrier": r.carrier_name,
                "waybill": r.waybill or "-",
                "to": r.destination,
                "kg": kg(r.weight_g or 0),
                "total": money(r.price_cents),
                "pay": _(METHOD_LABELS.get(r.payment_method or "", "-")),
                "status": label_of(STATUS_LABELS, r.status),
            }
            for r in rows
        ]
        self.lay_out()

    def lay_out(self) -> None:
        """The sends in the columns that fit the table's width (again after a resize)."""
        headings = [title if title in _UNTRANSLATED else _(title) for _key, title, _right in SEND_COLUMNS]
        widths = [
            max([display_width(heading), *(display_width(row[key]) for row in self.send_rows)])
            for heading, (key, _title, _right) in zip(headings, SEND_COLUMNS, strict=True)
        ]
        keys = [key for key, _title, _right in SEND_COLUMNS]
        room = self.size.width - self.styles.scrollbar_size_vertical  # room for the bar, rows or not
        shown = columns_that_fit(
            widths, room, wanted=[keys.index(key) for key in SENDS_WANTED], gap=2 * self.cell_padding
        )
        row = self.cursor_row
        self.clear(columns=True)
        for index in shown:
            key, _title, right = SEND_COLUMNS[index]
            self.add_column(
                Text(headings[index], justify="right" if right else "left"), key=key, width=widths[index]
            )
        for values in self.send_rows:
            self.add_row(
                *(
                    Text(values[SEND_COLUMNS[i][0]], justify="right" if SEND_COLUMNS[i][2] else "left")
                    for i in shown
                ),
                key=values["id"],
            )  # data, never markup
        if self.send_rows:
            self.move_cursor(row=min(row, len(self.send_rows) - 1))
