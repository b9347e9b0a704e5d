"""What the check-in screen knows and shows besides the scan: the current parcel, the status line
(batch, quick mode, parcels without a phone, refused scans), the message line and the label states.

The message line is a `StatusLine`: what the clerk's act did is said (`_say`; a refusal stands until
their next key or scan), what a late answer found is read (`_answer`: the writer's answer for a scan
sent earlier while the clerk scans on, a phone saved, a courier batch written), below a refusal said
meanwhile. Its box grows with what it says (`fit_message_box`).

The check-in screen is built in layers, one concern each: this one, the open questions
(`checkin_questions.py`), the phone and recipient panel (`checkin_phones.py`), then the scan intake and
the table (`checkin.py`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import DataTable, Digits, Input

from station_console.errors import StationError
from station_console.i18n import N_, _, label_of
from station_console.services.checkin.transaction import CheckinResult
from station_console.services.printing.queue_view import LABEL_LABELS
from station_console.services.shelves.lists import missing_phone_count, rows_now
from station_console.tui.parcel_names import parcel_end, parcel_named
from station_console.tui.screens.base import report_unexpected
from station_console.tui.screens.checkin_batch import CourierBatchScreen
from station_console.tui.screens.checkin_writer import CheckinWriter, ScanRequest
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter

READY = N_("Ready: scan a parcel.")
TABLE_ROWS = 200  # this session's newest check-ins kept on screen
# Narrower than this, the status line leaves out its keys ([F7]...; the footer shows them) so that each
# count reads whole, the refused one last.
STATUS_KEYS_MIN = 100
# The message box's usual height (#ci-last in checkin.tcss): a refusal and its hint at 80 columns.
MESSAGE_BOX_HEIGHT = 7
# However long a message, the parcel list keeps its header and its two newest rows on screen.
TABLE_KEEPS = 3
DIGITS_CHARS = set("0123456789-ABCDEF")  # what the big code display can draw


@dataclass
class Current:
    """The parcel a typed phone goes to: the latest scan; `result` once it is checked in."""

    seq: int
    raw: str
    result: CheckinResult | None = None


class CheckinState(CourierBatchScreen):
    @dataclass
    class Counts(Message):
        missing: int

    @dataclass
    class Labels(Message):
        statuses: dict[int, str]
        places: dict[int, tuple[str, str]]  # parcel id -> pickup code and location, as they are now

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batch_carrier: str | None = None
        self.quick = False
        self.count = 0
        self.refused = 0  # scans of this session that did not check in (an answered question did)
        self.results: list[CheckinResult] = []
        self.undone: set[int] = set()
        self.checked_in_by: dict[int, tuple[int, str] | None] = {}
        self.latencies: list[float] = []  # scan (terminator key) to row on screen, seconds
        self.current: Current | None = None
        # No parcel shown because the last scan was refused (a phone typed now is told to rescan it).
        self.last_scan_refused = False
        self._held_row: int | None = None  # the parcel whose label waits for its phone
        # The label state each row of the table shows (parcel id -> state), undone rows left out: a
        # re-read touches only the rows whose state changed.
        self.label_shown: dict[int, str] = {}
        self._seq = itertools.count(1)
        self._last_seq = 0
        # The parcel in hand scanned again, its answer still on its way: scan seq -> its request.
        self._rescans: dict[int, ScanRequest] = {}
        self.router: KeyRouter | None = None
        # The needs-attention item the message line's refusal names, while that is what it says.
        self.said_item: int | None = None
        # The parcel a calm "scanned twice" line offers to reprint with Ctrl+Y, while that line is the last
        # thing said (checkin_twice.py): the needs-attention refusal it replaces offered the reprint.
        self.twice_parcel: int | None = None
        self._writer: CheckinWriter | None = None
        self.big_shown: CheckinResult | None = None  # the check-in the big code display shows
        # The big code's parcel is not the one in hand: its answer came after a later scan (refused, or
        # still on its way), and the box says it is an earlier parcel's.
        self.big_earlier = False
        # The big code landed after a later scan, and the clerk has scanned nothing since: a refusal of
        # that later scan leaves it up (`_big_refused`), with its answer said below the refusal. Taken
        # away at once, a clerk with no printer never read the code to write on its box.
        self.big_late: tuple[str, bool] | None = None  # its answer's text and whether a warning

    @property
    def writer(self) -> CheckinWriter:
        if self._writer is None:
            self._writer = CheckinWriter(self, self.station)
        return self._writer

    def on_unmount(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def _refuse_text(self, text: str) -> None:
        self.app.bell()
        self._say(text, error=True)

    @property
    def message(self) -> StatusLine:
        return self.query_one("#ci-message", StatusLine)

    def _say(self, text: str, *, error: bool = False, warn: bool = False) -> None:
        """What the clerk's act did; a refusal (`error`) stands over the answers after it."""
        self.said_item = None
        self.twice_parcel = None
        self.message.say(text, error=error, warn=warn)
        self.fit_message_box()

    def _answer(self, text: str, *, warn: bool = False) -> None:
        """What a late answer found: below a refusal said since the clerk's last key or scan, which
        stays first (a scan refused while an earlier one was written)."""
        self.message.show_read(text, warn=warn, under_refusal=True)
        self.fit_message_box()

    def _ready(self) -> None:
        """The line's first words again: what it said was about parcels now put away."""
        self.message.show_read(_(READY))
        self.fit_message_box()

    def fit_message_box(self) -> None:
        """The message box as tall as its message needs at its width (a receipt's path takes 3 lines
        at 80 columns), never shorter than usual nor so tall that the parcel list leaves the screen.
        A message that fits the box as it is lays nothing out: a scan must not lay out the screen."""
        message = self.message
        width = message.content_size.width
        if width <= 0:
            return  # not laid out yet: the first resize fits it
        needed = message.get_content_height(self.size, self.size, width) + message.styles.gutter.height
        box = self.query_one("#ci-last")
        room = box.outer_size.height + self.query_one("#ci-table").outer_size.height - TABLE_KEEPS
        box.styles.height = max(MESSAGE_BOX_HEIGHT, min(needed, room))  # the same height: no layout

    def _show_current(self) -> None:
        """Beside the Phone field: which parcel a phone typed now goes to."""
        label = self.query_one("#ci-phone-for", Label)
        current = self.current
        if current is None:
            label.update(_("Phone (scan first)"), layout=False)
        else:
            label.update(_("Phone for {waybill}", waybill=shown_parcel(current)), layout=False)
        label.set_class(current is not None, "-current")

    def _without_phone(self, parcel_id: int) -> bool:
        """The parcel's row shows no phone."""
        table = self.query_one("#ci-table", DataTable)
        return str(parcel_id) in table.rows and str(table.get_cell(str(parcel_id), "phone")) == "-"

    def on_live_bridge_changed(self, message: object) -> None:
        self._refresh_status()  # another counter's work changes the counts shown here
        self.refresh_batches()

    def batch_changed(self) -> None:
        self._refresh_status()

    def focus_scan_field(self) -> None:
        self.query_one("#scan", Input).focus()

    def say_batch(self, text: str, *, error: bool = False) -> None:
        if error:  # a key refused, or the batch's write
            self._refuse_text(text)
        else:  # the batch's write answered, late
            self._answer(text)

    def _key_hint(self, key: str) -> str:
        return f"  [{key}]" if self.size.width >= STATUS_KEYS_MIN else ""

    def _say_status(self, selector: str, text: str) -> Static:
        box = self.query_one(selector, Static)
        # Wide, each part has its fixed share: a new count repaints it only (a scan must not lay out
        # the screen); narrow, each is as wide as its text.
        box.update(text, layout=self.size.width < STATUS_KEYS_MIN)
        return box

    def _refresh_status(self) -> None:
        self.query_one("#ci-status").set_class(self.size.width < STATUS_KEYS_MIN, "-narrow")
        batch = self.batch_carrier or _("any")
        self._say_status("#ci-batch", _("Batch: {batch}", batch=batch) + self._key_hint("F7"))
        state = _("on") if self.quick else _("off")
        self._say_status("#ci-quick", _("Quick mode: {state}", state=state) + self._key_hint("F8"))
        self.show_refused()
        self._count_missing()

    def show_refused(self) -> None:
        refused = self._say_status("#ci-refused", _("Refused this session: {n}", n=self.refused))
        refused.set_class(self.refused > 0, "-some")

    @work(thread=True, exclusive=True, exit_on_error=False, group="checkin-status")
    def _count_missing(self) -> None:
        try:
            self.post_message(self.Counts(missing_phone_count(self.station)))
        except StationError:
            pass  # a busy database: the next refresh tries again
        except Exception as exc:  # a bug: logged; the count is only a count
            report_unexpected(self, exc)

    @on(Counts)
    def _counts(self, message: Counts) -> None:
        self._say_status("#ci-missing", _("Without phone: {n}", n=message.missing) + self._key_hint("F9"))

    def _read_labels(self) -> None:
        ids = self._rows_on_screen()
        # The parcel in hand and the big code's are read too when scrolled off the table's screenful.
        shown = [r.parcel_id for r in (self.current.result if self.current else None, self.big_shown) if r]
        ids += [pid for pid in dict.fromkeys(shown) if pid in self.label_shown and pid not in ids]
        if ids:
            self._label_statuses(ids)

    def _rows_on_screen(self) -> list[int]:
        """The rows the clerk can read (undone ones left out: they stay as they were struck): only these
        are read again, so a full table costs no more than a screenful."""
        table = self.query_one("#ci-table", DataTable)
        top = round(table.scroll_y)
        keys = [row.key.value for row in table.ordered_rows[top : top + table.size.height]]
        return [int(k) for k in keys if k is not None and int(k) in self.label_shown]

    @work(thread=True, exclusive=True, exit_on_error=False, group="checkin-labels")
    def _label_statuses(self, ids: list[int]) -> None:
        try:
            now = rows_now(self.station, ids)
            self.post_message(self.Labels(now.labels, now.places))
        except Exception:
            return  # a busy database: try again on the next tick

    @on(Labels)
    def _labels(self, message: Labels) -> None:
        shown = self.label_shown
        changed = [(pid, s) for pid, s in message.statuses.items() if pid in shown and shown[pid] != s]
        table = self.query_one("#ci-table", DataTable)
        for pid, status in changed:
            self.show_label(table, pid, status)
        for pid, place in message.places.items():
            if pid in shown and str(pid) in table.rows:
                self._show_place(table, pid, place)
        self._show_in_hand_moved(message.places)

    def _show_in_hand_moved(self, places: dict[int, tuple[str, str]]) -> None:
        """The parcel in hand (the Phone field's label) and the big code's, moved since they checked in
        (a new code, another shelf, here or at another counter): shown as they are now, as their rows
        are. The big code is what the clerk writes on the box and tells the customer. This session's
        check-ins read are renewed alike (a phone saved names the code), the same object as the one in
        hand (a scan read twice knows the parcel in hand by it)."""
        renewed: dict[int, CheckinResult] = {}
        for n, result in enumerate(self.results):
            moved = _moved(result, places)
            if moved is not None:
                renewed[id(result)] = self.results[n] = moved
        current = self.current
        if current is not None and current.result is not None:
            moved = renewed.get(id(current.result)) or _moved(current.result, places)
            if moved is not None:
                current.result = moved
                self._show_current()
        if self.big_shown is not None:
            big = renewed.get(id(self.big_shown)) or _moved(self.big_shown, places)
            if big is not None:
                self._show_big(big)

    def _show_big(self, result: CheckinResult, *, earlier: bool | None = None) -> None:
        """The big code of `result`, naming its parcel under it (carrier and waybill end): the box beside
        a refusal, or while the next scan is written, must not be read as the parcel in hand's.
        `earlier`: it is not the parcel in hand (None: as it was, the same parcel's code renewed)."""
        if earlier is not None:
            self.big_earlier = earlier
        self.big_shown = result
        big = self.query_one("#ci-big")
        big.remove_class("-refused")
        big.set_class(self.big_earlier, "-earlier")
        code = result.pickup_code.upper()
        self.query_one("#ci-code", Digits).update(code if set(code) <= DIGITS_CHARS else "")
        where = _(
            "{code}   shelf {shelf} · layer {layer}",
            code=result.pickup_code,
            shelf=result.shelf,
            layer=result.layer,
        )
        self.query_one("#ci-where", Static).update(where, layout=False)
        self.query_one("#ci-whose", Static).update(
            big_code_parcel(result, earlier=self.big_earlier), layout=False
        )

    def _clear_big(self) -> None:
        self.big_shown = None
        self.big_earlier = False
        self.big_late = None
        self.query_one("#ci-big").remove_class("-refused", "-earlier")
        self.query_one("#ci-code", Digits).update("")
        self.query_one("#ci-where", Static).update("", layout=False)
        self.query_one("#ci-whose", Static).update("", layout=False)

    def _big_refused(self) -> bool:
        """A scan refused: the big code went, and the box says the parcel in hand has none. Left up,
        the last parcel's code stood beside the refusal, and a hurried clerk wrote it on this box.
        But a code that landed after the refused scan was made (`big_late`) stays, named as an earlier
        parcel's in its heavy box, until the clerk's next scan: it was up a moment only. Whether kept."""
        if self.big_late is not None and self.big_shown is not None:
            return True
        self._clear_big()
        self.query_one("#ci-big").add_class("-refused")
        self.query_one("#ci-where", Static).update(_("No code: this scan was refused."), layout=False)
        return False

    def _big_moved_on(self) -> None:
        """The clerk scanned another parcel: the big code is no longer the parcel in hand's (its box
        says so while the scan is written), and one kept over a refusal has been read."""
        self.big_late = None
        if self.big_shown is not None and not self.big_earlier:
            self._show_big(self.big_shown, earlier=True)

    def _said_with_late_code(self) -> None:
        """A refusal just said beside a code kept up (`big_late`): that code's answer goes below it, as
        when the answer lands after the refusal."""
        if self.big_late is not None:
            text, warn = self.big_late
            self._answer(text, warn=warn)

    def _show_place(self, table: DataTable[Any], parcel_id: int, place: tuple[str, str]) -> None:
        """Row `parcel_id`'s code and location as they are now (moved since, with a new code or not, here
        or at another counter): a stale code read off the screen sends the customer to the wrong shelf.
        Set only when changed, as Textual renders every visible row again after any cell change."""
        row = str(parcel_id)
        for column, now in zip(("code", "where"), place, strict=True):
            if str(table.get_cell(row, column)) != now:
                table.update_cell(row, column, Text(now))

    def show_let_go(self, table: DataTable[Any], parcel_id: int) -> None:
        """Row `parcel_id`'s label, held for its phone, was let go (its phone typed, the next scan, a
        clerk's change): "queued", over "waiting for phone" only. Its state may be later already (read
        printed since the phone let it go), and a label never goes back from printed to queued."""
        if self.label_shown.get(parcel_id) == "held":
            self.show_label(table, parcel_id, "queued")

    def show_label(self, table: DataTable[Any], parcel_id: int, status: str) -> None:
        """Row `parcel_id` shows label state `status`."""
        table.update_cell(str(parcel_id), "label", label_of(LABEL_LABELS, status))
        self.label_shown[parcel_id] = status


def _moved(result: CheckinResult, places: dict[int, tuple[str, str]]) -> CheckinResult | None:
    """`result` with the code and place read now (`rows_now`), when they differ from its own; else None.
    Shelf and layer labels hold no dash, so the place splits at its one."""
    now = places.get(result.parcel_id)
    if now is None or now == (result.pickup_code, result.location):
        return None
    code, where = now
    shelf, _dash, layer = where.partition("-")
    return replace(result, pickup_code=code, shelf=shelf, layer=layer)


def big_code_parcel(result: CheckinResult, *, earlier: bool) -> str:
    """The line under the big code naming whose it is (`parcel_end`: a clerk matches the last digits):
    "Earlier parcel: ..." when it is not the parcel in hand."""
    parcel = parcel_end(result.carrier_name, result.waybill)
    if earlier:
        return _("Earlier parcel: {parcel}", parcel=parcel)
    return _("Waybill: {parcel}", parcel=parcel)


def shown_parcel(current: Current) -> str:
    """The current parcel as the Phone field's label names it: its code and its waybill's end once
    checked in (6-5-3002 · SF…0123), the end of what was scanned until then."""
    r = current.result
    if r is None:
        return _tail(current.raw)
    return parcel_named(r.pickup_code, r.carrier_name, r.waybill)


def _tail(raw: str) -> str:
    text = raw.strip()
    return text if len(text) <= 8 else f"…{text[-6:]}"
