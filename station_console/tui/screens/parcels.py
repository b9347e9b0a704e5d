"""The Parcels mode: search every parcel ever by any field, page through, read a parcel's timeline.

The page shown follows other counters' work and this one's in other modes (`LiveReread`): the same
search and page read again, the cursor kept on its parcel, its timeline read again.

A scan (told from typing by key timing, `KeyRouter`, or from a device scanner) replaces the search box's
text and searches, as a scan field takes one: appended, `0001` typed before it made `00012623`."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, DataTable, Input, Select

from station_console.errors import StationError
from station_console.i18n import N_, _, _n, label_of, sentences
from station_console.safe_text import visible
from station_console.services.people.audit_trail import kind_label
from station_console.services.people.event_details import cut, event_details, label
from station_console.services.shelves.search import Page, Query, Timeline, search, timeline
from station_console.tui.screens.base import ModeScreen, translate_bindings
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.event_text import packed
from station_console.tui.screens.live_reread import LiveReread
from station_console.tui.screens.parcels_table import ParcelsTable
from station_console.tui.screens.scans import TakesScans
from station_console.tui.screens.shelf_common import STATUS_LABELS, problem_text
from station_console.tui.widgets.fixed_input import FixedInput, day_field
from station_console.tui.widgets.paged_select import PagedSelect
from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.tick import Tick
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

PAGE = 50
# Narrower than this, the timeline goes below the table: beside it, it would leave the table too little
# room for its columns (about 110 cells with a 20-character waybill and a problem flag).
SIDE_BY_SIDE_MIN = 160
# Narrower than this, the dates and the problems box go on a second row: on one, the search field
# was squeezed to a few cells (2 at 80 columns) and the box pushed off the edge.
FILTERS_ONE_ROW_MIN = 120


def _more(page: Page) -> str:
    """What F8 would read: a first page that read only the shelves and recent parcels says so, found
    or not (older ones may match too); a full page has more of the same."""
    if page.recent_only:
        return _(" (on the shelves or recent; F8: older ones)")
    return _(" (F8: older)") if page.next_before_id else ""


class ParcelsScreen(LiveReread, TakesScans, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Parcels")
    CLERKS_ENTRY = "#pa-text, #pa-carrier, #pa-since, #pa-until"  # the typed search; its choices are the view
    CSS_PATH = "shelves.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f7", "previous_page", N_("Newer"), id="parcels.previous", tooltip=N_("Previous (newer) page")
        ),
        Binding("f8", "next_page", N_("Older"), id="parcels.next", tooltip=N_("Next (older) page")),
        Binding(
            "escape", "focus_search", N_("Search"), id="parcels.search", tooltip=N_("Back to the search box")
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages: list[int | None] = [None]  # before_id of each page shown so far
        self.next_before: int | None = None
        self._timeline_asked: str | None = None  # the waybill whose timeline was asked for last
        self._searched_text: str | None = None  # the text of the search on its way, said if none match
        self._timeline: Timeline | None = None  # the one shown
        self._query: Query | None = None  # the search shown (or on its way): what the live view reads again
        self.router: KeyRouter | None = None

    def compose_body(self) -> ComposeResult:
        narrow = self.app.size.width < FILTERS_ONE_ROW_MIN
        with Horizontal(id="pa-filters", classes="form-row -two-rows" if narrow else "form-row"):
            with Horizontal(id="pa-find"):
                yield WedgeInput(placeholder=_("waybill, code or phone"), id="pa-text")
                yield FixedInput(placeholder=_("carrier"), id="pa-carrier", max_length=16)
                yield PagedSelect(
                    [(_(label), status) for status, label in STATUS_LABELS.items()],
                    prompt=_("any status"),
                    id="pa-state",
                )
            with Horizontal(id="pa-dates"):
                yield day_field(_("from YYYY-MM-DD"), "pa-since")
                yield day_field(_("to YYYY-MM-DD"), "pa-until")
                yield Tick(_("problems only"), id="pa-problems")
        with Horizontal(id="pa-main", classes="-stacked" if self.app.size.width < SIDE_BY_SIDE_MIN else ""):
            yield ParcelsTable(id="pa-table")
            with VerticalScroll(id="pa-timeline"):
                yield Static(id="pa-events")
        # What a search found is a read; a refused search is said to its clerk, and another clerk
        # signing in after a lock finds it gone (`drop_clerks_lines`).
        yield StatusLine(id="pa-status")

    def on_mount(self) -> None:
        translate_bindings(self)
        app: Any = self.app
        self.router = KeyRouter.from_settings(self, app.counter_settings)
        self.query_one("#pa-text", WedgeInput).router = self.router
        self.run_search()
        self.query_one("#pa-text", Input).focus()

    def build_query(self) -> Query:
        def value(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", Input).value.strip()

        def day(widget_id: str) -> date | None:
            text = value(widget_id)
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise StationError(N_("Dates look like 2026-11-25."), code="bad_date") from None

        status = self.query_one("#pa-state", Select).value
        return Query(
            text=value("pa-text") or None,
            carrier=value("pa-carrier") or None,
            status=status if isinstance(status, str) else None,
            since=day("pa-since"),
            until=day("pa-until"),
            problems_only=self.query_one("#pa-problems", Tick).value,
        )

    @on(Input.Submitted)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _search(self) -> None:
        self.pages = [None]
        self.run_search()

    def take_scan(self, code: str) -> None:
        field = self.query_one("#pa-text", Input)
        field.value, field.cursor_position = code, len(code)  # typing on edits its end, as after typing it
        self._search()

    def refuse_scan(self, text: str) -> bool:
        """A partial scan is said on the status line, and searched for nowhere."""
        self.app.bell()
        self.query_one("#pa-status", StatusLine).say(Text(text), error=True)
        return True

    def entry_cleared(self) -> None:
        self._search()  # the list the last clerk's search found goes with it

    def run_search(self) -> None:
        # Where the next page starts is the answer's to say: F8 pressed again before it came took the
        # page on screen's start (a page shown twice, or after F7 one skipped).
        self.next_before = None
        try:
            query = self.build_query()
        except StationError as exc:
            self.failed("search", exc.message())
            return
        self._searched_text, self._query = query.text, query
        self.drop("live")  # an older search's page, read again: this one's answer is the clerk's
        self.live_read_asked()
        self.call(
            "search",
            partial(search, self.station, query, limit=PAGE, before_id=self.pages[-1]),
            exclusive=True,
        )

    def live_reread(self) -> None:
        """The page shown read again, its search as the clerk asked it (not what is typed since)."""
        if self._query is None or self.read_coming("search"):
            return  # a refused search shows nothing to follow; one on its way reads the changes too
        self.call(
            "live",
            partial(search, self.station, self._query, limit=PAGE, before_id=self.pages[-1]),
            exclusive=True,
        )

    def done_live(self, page: Page) -> None:
        table = self.query_one("#pa-table", ParcelsTable)
        self._show_page(page, keep=table.cursor_key() or "")
        key = table.cursor_key()
        if key is not None:  # what happened to the parcel under the cursor is its timeline's to say
            self.show_timeline(table.waybills[key])
        else:
            self._no_timeline()

    def done_search(self, page: Page) -> None:
        self._show_page(page)
        if page.rows:
            self.show_timeline(page.rows[0].waybill)
        else:
            self._no_timeline()

    def _no_timeline(self) -> None:
        # The status line says what was searched for and what F8 would read; the pane said it again.
        self._timeline = self._timeline_asked = None
        self.drop("timeline")  # the last list's, asked for a row no longer listed
        self.query_one("#pa-events", Static).update("")

    def _show_page(self, page: Page, *, keep: str | None = None) -> None:
        self.query_one("#pa-table", ParcelsTable).show(
            page.rows, self.station.zone(), self.station.now(), keep=keep
        )
        self.next_before = page.next_before_id
        self.query_one("#pa-status", StatusLine).show_read(
            _n(
                "Page {page}: {n} parcel{more}",
                "Page {page}: {n} parcels{more}",
                len(page.rows),
                page=len(self.pages),
                n=len(page.rows),
                more=_more(page),
            )
            if page.rows
            else self._none_found(page)
        )

    def _none_found(self, page: Page) -> str:
        """A search that found nothing names what was searched for ("Page 1: 0 parcels" did not), and
        what F8 would still read."""
        text = self._searched_text
        if not text:
            return _("No parcels match.")
        if page.recent_only:
            return sentences(
                _("Nothing on the shelves or among recent parcels matches {text}.", text=text),
                _("F8 searches older ones."),
            )
        if len(self.pages) > 1:
            return _("Nothing older matches {text}.", text=text)
        return _("Nothing matches {text}.", text=text)

    @on(DataTable.RowHighlighted, "#pa-table")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        waybill = self.query_one("#pa-table", ParcelsTable).waybills.get(str(event.row_key.value))
        # A page just filled highlights the row it already read.
        if waybill is not None and waybill != self._timeline_asked:
            self.show_timeline(waybill)

    def show_timeline(self, waybill: str) -> None:
        self._timeline_asked = waybill
        self.call("timeline", partial(timeline, self.station, waybill), exclusive=True)

    def failed(self, tag: str, text: str) -> None:
        if tag == "live":
            return  # the page shown stays; the next change heard reads it again
        if tag == "timeline":
            self._timeline = None
            self.query_one("#pa-events", Static).update(Text(text))
        else:
            # A refused search has no answer: the last one's rows and timeline would read as its own, and
            # one still on its way would land over the refusal.
            self.drop("search")
            self.drop("live")
            self.drop("timeline")
            self._query = None
            self.app.bell()
            self.query_one("#pa-table", ParcelsTable).show([], self.station.zone(), self.station.now())
            self.next_before = None
            self._timeline = self._timeline_asked = None
            self.query_one("#pa-events", Static).update("")
            status = self.query_one("#pa-status", StatusLine)
            status.show_read("")  # the count below the refusal went with the rows it counted
            status.say(Text(text), error=True)

    def drop_clerks_lines(self, *, refusal_only: bool = False) -> None:
        """A refused search's line goes for another clerk, and the list is searched again: the refusal
        left it empty, and the fields may hold nothing now (the last clerk emptied them after it)."""
        refused = self.query_one("#pa-status", StatusLine).has_class("-error")
        super().drop_clerks_lines(refusal_only=refusal_only)
        if refused:
            self._search()

    def done_timeline(self, t: Timeline) -> None:
        self._timeline = t
        self.show_events(t)

    def on_resize(self) -> None:
        self.query_one("#pa-filters").set_class(self.size.width < FILTERS_ONE_ROW_MIN, "-two-rows")
        self.query_one("#pa-main").set_class(self.size.width < SIDE_BY_SIDE_MIN, "-stacked")
        if self._timeline is not None:  # the details were packed to the old width
            self.show_events(self._timeline)

    def show_events(self, t: Timeline) -> None:
        p = t.parcel
        width = self.query_one("#pa-events", Static).size.width or 40
        text = Text.assemble(
            (visible(p.waybill), "bold"),
            visible(f"  {p.carrier_name}  "),
            label_of(STATUS_LABELS, p.status),
            "\n",
        )
        facts = [
            _("{label}: {value}", label=label("code"), value=visible(p.pickup_code or "-")),
            _("{label}: {value}", label=label("location"), value=visible(p.location or "-")),
            _("{label}: {value}", label=label("masked_phone"), value=visible(p.masked_phone or "-")),
        ]
        text.append(packed(facts, width, indent=""))
        zone = self.station.zone()
        # The problem as it stands, with when and by whom it was flagged; its note is said here, not a
        # second time in the event that flagged it.
        marking = t.problem_marking()
        if p.problem_kind:
            text.append_text(problem_text(p.problem_kind))
            if p.problem_note:
                text.append(f" {cut(p.problem_note)}")  # a 5,000-character note must not fill the pane
            if marking is not None:
                when = f"{marking.at.astimezone(zone):%Y-%m-%d %H:%M}"
                text.append("  " + _("flagged {at} by {clerk}", at=when, clerk=visible(marking.clerk or "-")))
            text.append("\n")
        for e in t.events:
            when, what = f"{e.at.astimezone(zone):%Y-%m-%d %H:%M} ", kind_label(e.kind)
            who = visible(f"{e.clerk or '-'} @ {e.counter}")
            text.append(f"\n{when}", style="dim")
            text.append(what, style="bold")
            # Who and where on the next line when they do not fit whole.
            fits = cell_len(f"{when}{what}  {who}") <= width
            text.append(f"  {who}\n" if fits else f"\n  {who}\n")
            shown = {k: v for k, v in e.details.items() if k != "note"} if e is marking else e.details
            details = event_details(e.kind, shown, zone=zone, waybill=p.waybill, carrier_name=e.carrier_name)
            text.append(packed([d.text() for d in details], width))
        self.query_one("#pa-events", Static).update(text)

    def action_next_page(self) -> None:
        if self.next_before is not None:
            self.pages.append(self.next_before)
            self.run_search()
        elif self.read_coming("search"):
            # Where the older page starts is known once this one is in: the key did nothing, said so
            # until the page lands.
            self.query_one("#pa-status", StatusLine).say(_("Still reading the page asked for…"), warn=True)
        else:  # the last page on screen: the key reads nothing, and says so
            self.query_one("#pa-status", StatusLine).say(
                _("No older parcels: this is the last page."), warn=True
            )

    def action_previous_page(self) -> None:
        if len(self.pages) > 1:
            self.pages.pop()
            self.run_search()
        else:  # the first page: the key reads nothing, and says so, as F8 on the last
            self.query_one("#pa-status", StatusLine).say(
                _("No newer parcels: this is the first page."), warn=True
            )

    def action_focus_search(self) -> None:
        self.query_one("#pa-text", Input).focus()
