"""Stocktake (盘库): pick a shelf or layer, scan everything on it, see each class live, close with fixes.

Escape pauses the stocktake (resume it later by starting on the same shelf: one of another layer only
once the clerk says so); F8 closes it, asking which
of the offered fixes to apply. Scans are told from typing by key timing (`KeyRouter`): a scan is counted
wherever the focus is, so it never becomes the shelf or the layer scanned now.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input

from station_console.errors import StationError
from station_console.i18n import N_, _, example, label_of
from station_console.safe_text import visible
from station_console.services.core.roles import refusal
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.exceptions.stocktake_begun_words import (
    resumed_line,
    resumed_other_line,
)
from station_console.services.exceptions.stocktake_view import CLASSES, View
from station_console.services.shelves.locations import is_layer
from station_console.services.shelves.search import STATUS_LABELS
from station_console.stored_messages import stored_text
from station_console.tui import error_toasts
from station_console.tui.screens.base import ModeScreen, open_over, translate_bindings
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.scans import TakesScans
from station_console.tui.screens.shelf_common import problem_text
from station_console.tui.screens.stocktake_close_dialog import CloseDialog
from station_console.tui.screens.stocktake_table import StocktakeTable, class_text, scanned_by_text
from station_console.tui.screens.stocktake_words import finding_words, gone_line
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput


def counts_head(take: View) -> str:
    """What the counts are of: "Stocktake 1 of shelf 3", "... of layer 3-2" (a scope with its layer)."""
    if is_layer(take.scope):
        return _("Stocktake {id} of layer {layer}: ", id=take.id, layer=take.scope)
    return _("Stocktake {id} of shelf {shelf}: ", id=take.id, shelf=take.scope)


def closed_words(take: View) -> str:
    """What a close did, from its stored result: said after a close here, and shown once the screen
    finds its stocktake closed at another counter."""
    applied = take.result.get("fixes", {})
    return _(
        "Stocktake {id} closed: {moved} relocated, {missing} marked missing, {rechecked} checked in, "
        "{put} put back",
        id=take.id,
        moved=len(applied.get("relocated", [])),
        missing=len(applied.get("marked_missing", [])),
        rechecked=len(applied.get("rechecked", [])),
        put=len(applied.get("put_back", [])),
    )


class StocktakeScreen(TakesScans, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Stocktake")
    WAIT_LINE = "#st-last"
    CLERKS_ENTRY = "#st-scope, #st-layer, #st-scan"  # the scope of a stocktake under way is shown, disabled
    CSS_PATH = "shelves.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "pause",
            N_("Pause"),
            id="stocktake.pause",
            tooltip=N_("Pause and go back; resume later"),
        ),
        Binding(
            "f8",
            "close",
            N_("Close stocktake"),
            id="stocktake.close",
            tooltip=N_("Finish: choose the fixes to apply"),
        ),
    ]

    def __init__(self, scope: str = "") -> None:
        super().__init__()
        self.scope = scope
        self.take: View | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="st-fields", classes="form-row"):
            yield Label(_("Shelf or layer"), classes="field-label")
            yield WedgeInput(value=self.scope, placeholder=example("6 / 6-5"), id="st-scope")
            yield Label(_("Layer scanned now"), classes="field-label")
            yield WedgeInput(placeholder=_("on a whole shelf"), id="st-layer")
        with Horizontal(classes="form-row"):
            yield Label(_("Scan"), classes="field-label")
            yield WedgeInput(placeholder=_("Enter on the shelf first"), id="st-scan", disabled=True)
        yield Static(id="st-counts")
        yield StatusLine(id="st-last")
        yield StocktakeTable(id="st-items")

    def on_mount(self) -> None:
        translate_bindings(self)
        app: Any = self.app
        router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = router
        self.query_one("#st-scope", Input).focus()
        self.show_counts()

    @on(Input.Submitted, "#st-scope")
    def _start(self, event: Input.Submitted) -> None:
        # The shelf's unfinished stocktake is resumed, whatever it counts (`stocktake.begin`). What is
        # typed or pasted right behind the Enter (the first parcel) waits for the scan field it leads to:
        # in the shelf field, all selected, the stocktake begun wrote its scope over it.
        # As typed: the service reads it (`layout.resolve`), and a refusal names it as the clerk typed it.
        begin = partial(stocktake.begin, self.station, event.value)
        self.ask_after("start", begin)

    def done_start(self, begun: stocktake.Begun) -> None:
        self.take = begun.view
        # Said where the findings go, not in a toast: the clerk who typed 6-2 counts it in shelf 6's.
        line = self.query_one("#st-last", StatusLine)
        if begun.layer_in_shelf:  # the layer typed, counted in the shelf's
            line.say(resumed_other_line(begun), warn=True)
            self.query_one("#st-layer", Input).value = begun.asked
        elif begun.resumed:
            line.say(resumed_line(begun.view))
        scope = self.query_one("#st-scope", Input)
        # What the stocktake counts, not what was typed: 2-5 typed over a resumed 2-2 read as counting 2-5
        scope.value, scope.disabled = self.take.scope, True
        layer = self.query_one("#st-layer", Input)
        layer.disabled = is_layer(self.take.scope)
        if layer.disabled:  # a layer typed before it began would go, dimmed, with every scan
            layer.value = ""
        scan = self.query_one("#st-scan", Input)
        scan.disabled = False
        scan.placeholder = _("scan each parcel (or type its code) on {scope}", scope=self.take.scope)
        scan.focus()
        self.refresh_view()

    def ask_to_resume(self, refused: StationError) -> None:
        """The shelf's unfinished stocktake counts another layer than the one typed: resumed with a
        warning the first scan's finding overwrote, a hurried clerk counted the typed layer's parcels
        as found on its layer. It is resumed only on Y; No has the focus, so a hurried Enter resumes
        nothing, and a scan under the question is said as not taken."""
        take_id, scope, asked = refused.params["id"], refused.params["scope"], refused.params["asked"]
        # A layer or a shelf asked for, each its own sentence: Chinese writes "1-2 层" with a space
        # before it and "3号货架" with none, which one sentence with "{asked}" in it cannot do.
        layer = is_layer(asked)
        question = _(
            N_("Stocktake {id} of layer {scope} is not finished. Count layer {scope} now, not layer {asked}?")
            if layer
            else N_(
                "Stocktake {id} of layer {scope} is not finished. Count layer {scope} now, not shelf {asked}?"
            ),
            id=take_id,
            scope=scope,
            asked=asked,
        )
        counted_later = (
            N_(
                "A shelf has one stocktake at a time, so layer {asked} is counted once stocktake {id} is closed."
            )
            if layer
            else N_(
                "A shelf has one stocktake at a time, so shelf {asked} is counted once stocktake {id} is closed."
            )
        )
        body = "\n".join(
            (
                _(counted_later, id=take_id, asked=asked),
                _(
                    "Counting layer {scope}, every parcel scanned is recorded as found on {scope}: scan only "
                    "the parcels on layer {scope}.",
                    scope=scope,
                ),
            )
        )
        dialog = ConfirmDialog(question, body, what=N_("a stocktake's resume"))
        if not open_over(self, dialog, partial(self._resume_chosen, take_id, scope, asked)):
            self._resume_chosen(take_id, scope, asked, False)

    def _resume_chosen(self, take_id: int, scope: str, asked: str, yes: bool | None) -> None:
        if yes:
            self.write("resume_other", partial(stocktake.resume, self.station, take_id))
        elif yes is not None:  # None: closed for another clerk, who asked nothing
            words = _(
                N_(
                    "Stocktake {id} of layer {scope} was not resumed, and nothing is counted. Type {scope} to "
                    "go on with it, or close it first to count layer {asked}."
                )
                if is_layer(asked)
                else N_(
                    "Stocktake {id} of layer {scope} was not resumed, and nothing is counted. Type {scope} to "
                    "go on with it, or close it first to count shelf {asked}."
                ),
                id=take_id,
                scope=scope,
                asked=asked,
            )
            self.query_one("#st-last", StatusLine).say(words, warn=True)
            self.query_one("#st-scope", Input).focus()

    def done_resume_other(self, take: View) -> None:
        """Y: the clerk chose to count the unfinished stocktake's layer."""
        self.done_start(stocktake.Begun(take, resumed=True, asked=take.scope))

    @on(Input.Submitted, "#st-layer")
    def _layer_given(self) -> None:
        self.query_one("#st-scan", Input).focus()

    @on(Input.Submitted, "#st-scan")
    def _scan(self, event: Input.Submitted) -> None:
        event.input.value = ""
        if self.take is None or not event.value.strip():
            return
        self.scan(event.value)

    def take_scan(self, code: str) -> None:
        self.scan(code)

    def refuse_scan(self, text: str) -> bool:
        """Said where the last scan is, and nothing counted."""
        self.refuse(text)
        return True

    def scan(self, ref: str) -> None:
        """A parcel found on the shelf, whichever field has the focus; on the layer typed, if one is."""
        if self.take is None:
            self.refuse(_("Start the stocktake first: type the shelf or layer and press Enter."))
            self.query_one("#st-scope", Input).focus()
            return
        if self.take.status == "closed":  # closed at another counter: nothing goes into it
            self.refuse(_("Stocktake {id} is closed: this scan was not counted.", id=self.take.id))
            return
        layer = self.query_one("#st-layer", Input).value.strip() or None
        self.call("scan", partial(stocktake.scan, self.station, self.take.id, ref, layer=layer))

    def call_refused(self, tag: str, exc: StationError) -> None:
        """A scan, a pause or a close refused as the stocktake was closed at another counter meanwhile:
        the refusal stands, and the screen reads the stocktake again to show it closed, taking no more
        scans, rather than refusing each scan the clerk goes on making."""
        if exc.code == "stocktake_other_scope" and tag == "start":
            self.ask_to_resume(exc)
            return
        self.failed(tag, exc.message())
        if exc.code == "stocktake_closed" and self.take is not None:
            self.refresh_view()
        if exc.code == "stocktake_paused" and tag == "scan" and self.take is not None:
            # Paused at another counter while this one counts: this screen has no resume key (Esc
            # pauses), so each scan was refused until the clerk left and began again.
            self.call("resume", partial(stocktake.resume, self.station, self.take.id))

    def done_resume(self, take: View) -> None:
        self.take = take
        self.refuse(
            _(
                "Stocktake {id} was paused at another counter and is resumed here: scan that parcel again.",
                id=take.id,
            )
        )
        self.refresh_view()

    def failed(self, tag: str, text: str) -> None:
        self.refuse(text)

    def still_writing(self, tag: str) -> None:
        self.failed(tag, _(STILL_WRITING))

    def done_scan(self, item: Any) -> None:
        # A scan's answer lands late: a refusal said while it was written (a partial scan) stays first,
        # the finding below it. The finding is the stocktake's, and stays for whoever carries on.
        self.query_one("#st-last", StatusLine).show_read(
            Text.assemble(
                class_text(item.classification),
                "  ",
                visible(finding_words(item, may_put_back=self._put_back_refused() is None)),
            ),
            under_refusal=True,
        )
        if item.classification != "match":  # not where it belongs
            self.app.bell()
        self.refresh_view()

    def refuse(self, message: str | Text) -> None:
        """A refusal stands over the scans' findings until the clerk's next key or scan; another clerk
        signing in finds it gone."""
        self.query_one("#st-last", StatusLine).say(message, error=True)
        self.app.bell()

    def refresh_view(self) -> None:
        if self.take is not None:
            self.call("view", partial(stocktake.view, self.station, self.take.id), exclusive=True)

    def done_view(self, take: Any) -> None:
        self.take = take
        here = self.station.counter
        findings = []
        for cls in ("wrong_shelf", "wrong_layer", "extra", "missing", "match"):
            for item in self.take.items[cls]:
                status = label_of(STATUS_LABELS, item.status) if item.status else _("no record")
                if item.outgoing_send:  # put it with the outgoing parcels; check-in refuses it
                    # Short, as "no record" is: the whole sentence crowded the Scanned by column out at 80.
                    status = _("for courier")
                elif item.out_on_run:  # on record with a door runner: scanned back at its run, not here
                    status = _("out for delivery")
                cells = (
                    class_text(cls),
                    item.waybill,
                    item.recorded or "-",
                    item.found or "-",
                    status,
                    problem_text(item.problem_kind),
                    scanned_by_text(item.scanned_by, item.scanned_counter),
                )
                findings.append((cells, scanned_by_text(item.scanned_by, item.scanned_counter, here=here)))
        self.query_one(StocktakeTable).show(findings)
        self.show_counts()

    def show_counts(self) -> None:
        counts = self.take.counts if self.take else dict.fromkeys(CLASSES, 0)
        closed = self.take is not None and self.take.status == "closed"
        if closed and self.take is not None:  # as the close counted them
            counts = {**counts, **self.take.result.get("counts", {})}
        text = Text(counts_head(self.take) if self.take else "")
        for cls in CLASSES:
            text.append_text(class_text(cls))
            text.append(f" {counts[cls]}   ")
        if closed and self.take is not None:
            text.append("\n")
            text.append(closed_words(self.take), style="bold")
            self.show_closed(self.take)
        self.query_one("#st-counts", Static).update(text)

    def show_closed(self, take: View) -> None:
        """A stocktake closed at another counter: it says so where the scans go, and Esc goes back. The
        scan field keeps the focus, so a scan still made is refused aloud (`scan`), not lost in the
        table."""
        layer = self.query_one("#st-layer", Input)
        layer.value, layer.disabled = "", True
        scan = self.query_one("#st-scan", Input)
        scan.value = ""
        scan.placeholder = _("Stocktake {id} is closed: Esc goes back to the shelves", id=take.id)

    def action_pause(self) -> None:
        if self.stays_for_answer("close"):  # Esc behind the close's Enter: a pause written before it
            return
        if self.take is not None and self.take.status == "open":
            if not self.calling("pause"):  # a second Esc before the pause is written: one pause, one close
                # Keys typed behind wait for the pause to leave the screen, however long the database
                # takes: F8 (the map's stocktake) right behind Esc or F4 reached this screen still on
                # top, and opened its close.
                self.call("pause", partial(stocktake.pause, self.station, self.take.id), leaves=True)
        else:
            self.dismiss()

    def done_pause(self, paused: View) -> None:
        self.take = paused  # paused: an Esc on coming back closes the screen
        self.notify(_("Stocktake {id} paused", id=paused.id))
        self.dismiss()

    def action_close(self) -> None:
        if self.take is None:
            return
        if self.take.status == "closed":
            self.refuse(_("Stocktake {id} is already closed.", id=self.take.id))
            return
        gone = [gone_line(i) for i in self.take.items["extra"] if i.left]
        offered = stocktake_close.all_fixes(self.take)
        open_over(self, CloseDialog(offered, gone, self._put_back_refused()), self._on_close_chosen)

    def _put_back_refused(self) -> str | None:
        """Why this clerk may not put a parcel back (a manager's fix), said in the dialog before the
        close refuses it; the role only, no database (`roles.refusal`)."""
        refused = refusal(self.station, "put_back")
        return refused.message() if refused is not None else None

    def _on_close_chosen(self, fixes: dict[str, list[str]] | None) -> None:
        if fixes is None or self.take is None:
            return
        # Keys typed behind the close's Enter (or F8) wait for its answer, which leaves the screen: a scan
        # pasted right behind it went into the closing stocktake's scan field and was lost with it. Not
        # `leaves`: a close slower than the hold lets them go here, an Esc then saying it is on its way.
        close = partial(stocktake_close.close, self.station, self.take.id, **fixes)
        self.write("close", close, holds_keys=True)

    def done_close(self, done: Any) -> None:
        applied = done.result.get("fixes", {})
        self.notify(closed_words(done))
        for done_check_in in applied.get("rechecked", []):  # a new code: on the layer it was found on, or not
            where = (
                N_("{waybill} checked in as {code}: leave it on {location}, where it was found")
                if done_check_in.get("stays")
                else N_("{waybill} checked in as {code}: put it on {location}")
            )
            self.notify(
                _(
                    where,
                    waybill=done_check_in["waybill"],
                    code=done_check_in["pickup_code"],
                    location=done_check_in["location"],
                )
            )
        for put in applied.get("put_back", []):
            where = (
                N_(
                    "{waybill} put back as {code}, no message sent: leave it on {location}, where it was found; "
                    "it is flagged for the manager on Problems"
                )
                if put.get("stays")
                else N_(
                    "{waybill} put back as {code}, no message sent: put it on {location}; it is flagged for the "
                    "manager on Problems"
                )
            )
            self.notify(_(where, waybill=put["waybill"], code=put["pickup_code"], location=put["location"]))
        for waybill in applied.get("flagged_left", []):
            self.notify(
                _(
                    "{waybill} not put back: flagged 'found after it left' for a manager on Problems. "
                    "Set it aside until a manager sees it.",
                    waybill=waybill,
                ),
                severity="warning",
                timeout=error_toasts.UNTIL_READ,  # not done: the screen is gone, the toast is all that says it
            )
        for failure in applied.get("failed", []):
            why = stored_text(failure.get("message") or failure["reason"])
            self.notify(
                _("{waybill}: {reason}", waybill=failure["waybill"], reason=why),
                severity="warning",
                timeout=error_toasts.UNTIL_READ,
            )
        self.take = None
        self.dismiss()
