"""The check-in screen's "needs attention" list: every refused scan and every open question stays here
until the clerk resolves or dismisses it, or the waybill it was about checks in (a split scan's piece
too), so nothing a busy clerk missed in the message box vanishes.

Compact on purpose: a one-line head with the count and the keys, and a short table (newest first).
Its rows fit the width whole, the hint (what the clerk acts on) above all: on a narrow terminal the time
goes first, then the hint goes under the text, the rows two lines and more.
The screen owns the items' actions (keys Ctrl+Y, Ctrl+B, Ctrl+X); this widget only keeps and shows them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

from hardware.line_breaks import break_lines
from station_console.i18n import _, label_of
from station_console.services.checkin.dismissals import KIND_LABELS
from station_console.text_columns import display_width
from station_console.tui.line_breaks import unbroken
from station_console.tui.screens.calls_clerks import clerk_now
from station_console.tui.screens.checkin_writer import ScanRequest
from station_console.tui.widgets.plain import Static, Table

_ids = itertools.count(1)


@dataclass
class Attention:
    kind: str  # a key of KIND_LABELS
    code: str  # the refusal's code (a partial scan: split, short, framing, garbled)
    text: str  # what happened, in the clerk's language
    hint: str  # the key that resolves it
    waybill: str | None = None
    request: ScanRequest | None = None  # a question's scan, to check in once answered
    detected: str | None = None  # a carrier question: the carrier the number looks like
    parcel_id: int | None = None  # a duplicate: the parcel already on the shelf
    length: int = 0  # a partial scan: how many characters came
    fragment: str = ""  # ...and what they were, on screen only (never stored), to settle it on a rescan
    trying: bool = False  # Ctrl+Y's check-in is on its way: not sent twice (the second a duplicate)
    id: int = 0
    at: str = ""  # station time, set when it is listed
    # Whose it is (id and name): the clerk who sent what it is about (a scan, a phone, a recipient),
    # else the one signed in when it was listed. The list says so once another clerk signs in. The
    # items stay: they are the station's (the parcels are still on the counter).
    by: tuple[int, str] | None = None

    def __post_init__(self) -> None:
        self.id = self.id or next(_ids)


# Waybills are mostly digits: a shorter piece turns up inside another parcel's number too often (a
# 4-digit one in about 1 of 1,000 waybills) and would settle a refusal that is not this parcel's. Those
# the clerk dismisses.
MIN_PIECE = 6


# The columns a row is shown in, the widest first: time, kind, text and hint side by side; without the
# time; the kind beside a body of the text with the hint under it.
WIDE = ("at", "kind", "text", "hint")
NO_TIME = ("kind", "text", "hint")
STACKED = ("kind", "body")
MIN_BODY = 20  # cells: a body narrower still is cut at the edge rather than wrapped a word a line


def _lines(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken where Chinese and English may break."""
    return break_lines(text, lambda line: display_width(line) <= width) if text else []


def _plain(text: str) -> str:
    return "".join(text.split()).upper()


def _is_piece(text: str, whole: str) -> bool:
    piece = _plain(text)
    return len(piece) >= MIN_PIECE and piece in whole


class AttentionList(Vertical):
    @dataclass
    class Settled(Message):
        """`item` left the list: put right, dismissed, or replaced by a newer one for its waybill."""

        item: Attention

    DEFAULT_CSS: ClassVar[str] = """
    AttentionList { height: auto; padding: 0 1; }
    AttentionList #att-head { height: auto; color: $text-muted; }
    AttentionList.-open #att-head { color: $warning; text-style: bold; }
    AttentionList #att-table { height: auto; max-height: 6; display: none; }
    AttentionList.-open #att-table { display: block; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.items: list[Attention] = []  # newest first
        self._layout: tuple[tuple[str, ...], int] = ((), 0)  # the columns shown, the body's width
        self._laid_out_at = 0  # the width the rows were fitted to

    def compose(self) -> ComposeResult:
        yield Static(id="att-head")
        yield Table(id="att-table", cursor_type="row", show_header=False, zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.can_focus = False  # the fields keep the focus; the screen's keys act on the highlighted row
        self._redraw()

    def on_resize(self, event: Resize) -> None:
        if self.content_region.width != self._laid_out_at:
            chosen = self.selected()
            self._redraw(select=chosen.id if chosen is not None else None)

    def add(self, item: Attention) -> Attention:
        """Add `item`, or refresh the open one for the same waybill and kind (a scan repeated)."""
        same = next(
            (i for i in self.items if item.waybill and (i.kind, i.waybill) == (item.kind, item.waybill)), None
        )
        if same is not None:
            self.remove_item(same.id)
        self.items.insert(0, item)
        self._redraw(select=item.id)
        return item

    def remove_item(self, item_id: int) -> Attention | None:
        item = next((i for i in self.items if i.id == item_id), None)
        if item is None:
            return None
        chosen = self.selected()
        self.items.remove(item)
        self._redraw(select=chosen.id if chosen is not None and chosen is not item else None)
        self.post_message(self.Settled(item))
        return item

    def remove_waybill(self, waybill: str) -> None:
        """A waybill checked in after all: its refusals and questions are settled, and so are the pieces
        of it a split scan left (a partial head, a refused tail). A piece of some other parcel stays."""
        whole = _plain(waybill)

        def settled(item: Attention) -> bool:
            if item.kind in ("conflict", "no_room", "no_code", "no_layer"):
                return item.waybill == waybill
            if item.kind == "refused":
                return item.waybill == waybill or _is_piece(item.waybill or "", whole)
            return item.kind == "partial" and _is_piece(item.fragment, whole)

        for item in [i for i in self.items if settled(i)]:
            self.remove_item(item.id)

    def clerk_changed(self) -> None:
        """Another clerk signed in after a lock: the rows listed for the last one say so (and the
        clerk's own, back after another, no longer do)."""
        chosen = self.selected()
        self._redraw(select=chosen.id if chosen is not None else None)

    def text_of(self, item: Attention) -> str:
        """What happened, and whose it is when another clerk's ("... (left by Wang)"). Nobody signed in
        (drawn under the lock) is nobody else: the clerk back finds their own, not redrawn for them."""
        now = clerk_now(self.app)
        if item.by is None or now is None or item.by[0] == now:
            return item.text
        return _("{text} (left by {clerk})", text=item.text, clerk=item.by[1])

    def get(self, item_id: int | None) -> Attention | None:
        return next((i for i in self.items if i.id == item_id), None)

    def selected(self) -> Attention | None:
        table = self.query_one(DataTable)
        if not self.items or table.row_count == 0:
            return None
        row_key, _col = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.get(int(str(row_key.value)))

    def move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    def _redraw(self, select: int | None = None) -> None:
        """The table from the items, newest first (few rows: redrawn whole), in the columns that fit."""
        table = self.query_one(DataTable)
        columns, body = self._fit()
        if (columns, body) != self._layout:
            table.clear(columns=True)
            for key in columns:
                table.add_column(key, key=key, width=body if key == "body" else None)
            self._layout = (columns, body)
        else:
            table.clear()
        for item in self.items:
            kind = Text(label_of(KIND_LABELS, item.kind), style="bold")
            if columns == STACKED:
                text, below = _lines(self.text_of(item), body), _lines(item.hint, body)
                cell = Text("\n".join(text)).append("\n" if text and below else "")
                cell.append("\n".join(below), style="italic")
                table.add_row(kind, cell, key=str(item.id), height=max(1, len(text) + len(below)))
            else:
                hint = Text(item.hint, style="italic")
                cells = {"at": item.at, "kind": kind, "text": Text(self.text_of(item)), "hint": hint}
                table.add_row(*(cells[key] for key in columns), key=str(item.id))
        ids = [i.id for i in self.items]
        if select in ids:
            table.move_cursor(row=ids.index(select))
        self._show_head()

    def _fit(self) -> tuple[tuple[str, ...], int]:
        """The widest columns whose rows fit the width whole, and the stacked body's width."""
        table = self.query_one(DataTable)
        self._laid_out_at = self.content_region.width
        room = self._laid_out_at - table.styles.scrollbar_size_vertical  # room for the bar, rows or not
        gap = 2 * table.cell_padding
        cells = [
            dict(zip(WIDE, (i.at, label_of(KIND_LABELS, i.kind), self.text_of(i), i.hint), strict=True))
            for i in self.items
        ]
        widths = {key: max((display_width(c[key]) for c in cells), default=0) for key in WIDE}
        for columns in (WIDE, NO_TIME):
            if room <= 0 or sum(widths[key] + gap for key in columns) <= room:
                return columns, 0
        return STACKED, max(MIN_BODY, room - widths["kind"] - 2 * gap)

    def _show_head(self) -> None:
        n = len(self.items)
        self.set_class(bool(n), "-open")
        if not n:
            self.query_one("#att-head", Static).update(_("Needs attention: nothing"))
            return
        # Short enough for one line at 80 columns in English: a word fewer beside the arrows.
        head = _("Needs attention: {n} · ↑↓ · Ctrl+Y do it · Ctrl+B keep batch · Ctrl+X dismiss", n=n)
        # Each key's words held together: narrower than it, the line wraps between two keys (it went on
        # past the edge, cut after "Ctrl+X").
        parts = re.split(r"(\s+·\s+)", head)  # the keys at even places, the separators between
        head = "".join(part if i % 2 else unbroken(part) for i, part in enumerate(parts))
        self.query_one("#att-head", Static).update(head)
