"""What the outbox screens share (customer messages, carrier events): a table of queued items, a status
filter cycled with one key, the selected row, under the list its error whole (the Error column cuts it,
at 80 columns to a word or two), a status line, Esc back to Settings. Reads and actions
run through `calls.py` workers; a refusal is said on the status line, where it stays over the list read
again (the passes' rounds, another counter's work) until the clerk's next key. The lists follow the live
view (`LiveReread`): another counter's check-in queues a message and an event, its pickup takes this
counter's label off its queue, and the list said none of it until Ctrl+R. A read keeps the cursor on
the item it was on, so a key never acts on the one that slid into its place."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from station_console.i18n import _
from station_console.tui.screens.base import ModeScreen
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.live_reread import LiveReread
from station_console.tui.widgets.plain import Static, Table
from station_console.tui.widgets.status_line import StatusLine


class QueueListScreen(LiveReread, ServiceCalls, ModeScreen):
    DEFAULT_CSS = """
    QueueListScreen .queue-why { height: auto; max-height: 50%; padding: 0 1; border-top: solid $primary; }
    QueueListScreen .queue-why.-none { display: none; }
    """
    FILTERS: ClassVar[tuple[str | None, ...]] = (None,)
    COLUMNS: ClassVar[tuple[str, ...]] = ()  # English message ids of the table's headings
    TABLE_ID: ClassVar[str] = ""
    STATUS_ID: ClassVar[str] = ""  # the StatusLine that says what is shown
    # A way back held for an action on its way is said there too, by its class (each list names its
    # own line's id), in the look every screen says it in (calls_leaving.py).
    WAIT_LINE = ".queue-status"

    def __init__(self) -> None:
        super().__init__()
        self.filter: str | None = self.FILTERS[0]
        self.rows: dict[str, Any] = {}  # table row key -> the item shown there
        # What the clerk's last action did: said before what the list holds until they act or read the
        # list again themselves (a worker's re-read, a moment after a retry, wiped it before it was read).
        self.done_text = ""

    def compose_body(self) -> ComposeResult:
        yield Table(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static("", id=f"{self.TABLE_ID}-why", classes="queue-why -none")
        yield StatusLine("", id=self.STATUS_ID, classes="queue-status")

    def on_mount(self) -> None:
        super().on_mount()
        table: DataTable[str] = self.query_one(DataTable)
        table.add_columns(*(_(c) for c in self.COLUMNS))
        table.focus()

    def came_to_front(self) -> None:
        """Shown, the first time or back from another mode or a dialog: the list read (what it holds may
        have changed meanwhile: a pre-alerted parcel checked in, a message sent)."""
        super().came_to_front()
        self.action_reload()

    def action_reload(self) -> None:
        raise NotImplementedError  # the list's own read, through `read_list`

    def read_list(self, read: Callable[[], object]) -> None:
        """Read the list (answered in `done_list`): the live view's changes heard so far are in it."""
        self.live_read_asked()
        self.call("list", read, exclusive=True)

    def live_reread(self) -> None:
        self.action_reload()

    def cursor_place(self) -> tuple[str | None, int]:
        """Where the cursor is, taken before the table is emptied for a read's rows (`cursor_back`)."""
        table = self.query_one(Table)
        return table.cursor_key(), table.cursor_row

    def cursor_back(self, place: tuple[str | None, int]) -> None:
        """The cursor on the item it was on; that one gone, on the row where it was."""
        table = self.query_one(Table)
        if not table.row_count:
            return
        kept, row_was = place
        at = table.get_row_index(kept) if kept in self.rows else min(row_was, table.row_count - 1)
        table.move_cursor(row=max(at, 0), animate=False)

    def action_read_again(self) -> None:
        """The clerk's own read (Ctrl+R): what the list holds, no longer what they did before."""
        self.done_text = ""
        self.action_reload()

    def why(self, row: Any) -> str:
        """The item's error as shown (in the reader's language); empty: none."""
        return str(getattr(row, "last_error", None) or "")

    @on(DataTable.RowHighlighted)
    def show_why(self) -> None:
        """The highlighted item's error whole, wrapped, under the list; nothing there without one."""
        table: DataTable[str] = self.query_one(DataTable)
        row = None
        if self.rows and 0 <= table.cursor_row < table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            row = self.rows.get(key or "")
        why = self.why(row) if row is not None else ""
        box = self.query_one(f"#{self.TABLE_ID}-why", Static)
        box.update(Text(why))  # a receiver's or printer's words: data, never markup
        box.set_class(not why, "-none")

    def selected(self) -> Any | None:
        """The row an action key is for; with none, the key says so (it did nothing, silently)."""
        table: DataTable[str] = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            self.failed("act", _("The list is empty: there is nothing to act on."))
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    def action_cycle_filter(self) -> None:
        self.filter = self.FILTERS[(self.FILTERS.index(self.filter) + 1) % len(self.FILTERS)]
        self.action_read_again()

    def action_back(self) -> None:
        if not self.stays_for_answer("act"):  # its answer is said on this screen's line
            self.dismiss()

    def say(self, text: str, *, error: bool = False) -> None:
        self.status_line().say(text, error=error)

    def status_line(self) -> StatusLine:
        return self.query_one(f"#{self.STATUS_ID}", StatusLine)

    def act(self, fn: Callable[[], object], done: str) -> None:
        """Run an action on the selected item in a worker; say `done` and read the list again after. One
        at a time: a second asked while the first is on its way is refused (`still_writing`)."""
        if self.write("act", fn):  # its answer comes on a later message: `done` is there by then
            self.done_text = done

    def done_act(self, _result: object) -> None:
        self.say(self.done_text)
        self.action_reload()

    def still_writing(self, tag: str) -> None:
        self.app.bell()
        self.say(_(STILL_WRITING))

    def shown_count(
        self,
        shown: int,
        counts: Mapping[str, int],
        items: Callable[[int], str],
        items_of: Callable[[int, int], str],
    ) -> str:
        """How many items the list shows (`items(n)`: "3 events"); when the read stopped at its limit,
        of how many the filter holds (`items_of(n, total)`: "200 of 1,311 events"). `counts` are the
        whole queue's by state: the list alone cannot say what it left out."""
        total = sum(counts.values()) if self.filter is None else counts.get(self.filter, 0)
        return items_of(shown, total) if shown < total else items(shown)

    def say_listed(self, counts: str) -> None:
        """After a read: what the list holds, after what the clerk's last action did."""
        self.status_line().show_read(f"{self.done_text}  ·  {counts}" if self.done_text else counts)
        self.show_why()  # the list was read again: the row under the cursor may be another one now

    def drop_clerks_lines(self, *, refusal_only: bool = False) -> None:
        """Another clerk signed in: what the last one's action did is theirs, and every read says it
        first (`say_listed`); a write on its way (`refusal_only`) still says its own when it lands."""
        super().drop_clerks_lines(refusal_only=refusal_only)
        if self.done_text and not refusal_only:
            self.done_text = ""
            self.action_reload()

    def failed(self, tag: str, text: str) -> None:
        self.app.bell()
        self.done_text = ""  # a refused action did nothing to say afterwards
        self.say(text, error=True)
