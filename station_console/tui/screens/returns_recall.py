"""Returns' F10: a parcel goes back as recalled by its carrier or sender (拦截件), whatever else it has.

The parcel is the one just refused as not due for return, else the list's highlighted one, else the one
a form asks for; the note saying who asked for it back is offered first. A mixin of `ReturnsScreen`
(its `station`, the batch shown, `status`, `show`, `call`): named methods, as a plain mixin has no
decorated-handler table of its own.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.widgets import DataTable

from station_console.i18n import N_, _
from station_console.services.core.free_text import NoteRule, text_field
from station_console.services.exceptions import return_batch_parcels, return_reasons, returns
from station_console.tui.screens.base import open_over
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.returns_table import highlighted_waybill

# The note a recall keeps, named in a refusal as its dialog asks for it (the service's rule says "Note",
# as `returns add --note` is named on the command line).
RECALL_WHO = NoteRule(N_("Who asked for it back"), return_reasons.RECALL_NOTE.limit, required=False)


class ReturnsRecall:
    def action_recall(self) -> None:
        """Any parcel goes back as recalled, whatever else it has (due, damaged, in the batch for its
        age already): the one just refused as not due, else the list's highlighted one when the list
        has the focus, else the one the form asks for (scanned or typed). Its problem and its place in
        the batch in one service call, after the note saying who asked for it back (offered, may be
        left empty: the Problems list shows it, and an empty one told nobody why it was recalled)."""
        screen: Any = self
        if screen._needs_batch() or screen.current_batch is None:
            return
        waybill, screen.recall_waybill = screen.recall_waybill, None
        # Esc on its note leaves it where it was: on its shelf, or in the batch as it was.
        left = N_("Not returned, left on its shelf: {waybill}.")
        table = screen.query_one("#ret-items", DataTable)
        if waybill is None and table.has_focus and table.row_count:
            waybill = highlighted_waybill(table)
            left = N_("Not recalled, it stays in the batch as it was: {waybill}.")
        if waybill is None:
            self._ask_recalled(screen.current_batch.id)
            return
        batch_id = screen.current_batch.id

        def noted(note: str | None) -> None:
            if note is None:  # Esc: nothing recorded
                screen.status(_(left, waybill=waybill))
                return
            work = partial(
                return_batch_parcels.add, screen.station, batch_id, waybill, recalled=True, note=note
            )
            screen.call("added", screen._then_show(work))

        open_over(
            screen,
            ReasonDialog(
                _("Return as recalled: {waybill}", waybill=waybill),
                _("Who asked for it back? (optional: e.g. the sender, by phone)"),
                rule=RECALL_WHO,
                what=N_("a recall's note"),
            ),
            noted,
        )

    def _ask_recalled(self, batch_id: int) -> None:
        """No parcel named on screen: the form asks which one (a scan into its field, or typed) and who
        asked for it back; the service's refusal (another carrier's, not on the shelves) stays in it."""
        screen: Any = self
        ref_label = _("Waybill or pickup code")
        fields = [
            FormField("ref", ref_label, "", max_length=40),
            FormField(
                "note",
                _("Who asked for it back? (optional: e.g. the sender, by phone)"),
                "",
                max_length=return_reasons.RECALL_NOTE.limit,
                no_scans=True,
            ),
        ]
        station = screen.station

        def check(values: dict[str, Any]) -> dict[str, Any]:
            # An empty one is said in the form, which stays open: a hurried Enter twice closed it
            # with nothing recorded and nothing said.
            text_field(values["ref"], ref_label, limit=40)
            return values

        def recall(values: dict[str, Any]) -> returns.BatchView:
            return_batch_parcels.add(station, batch_id, values["ref"], recalled=True, note=values["note"])
            return returns.get(station, batch_id)

        form = FormDialog(
            _("Return a parcel as recalled"),
            fields,
            check=check,
            submit=recall,
            at_fault={"missing": "ref"},
            what=N_("a recall's note"),
        )
        open_over(screen, form, self._recalled)

    def _recalled(self, batch: returns.BatchView | None) -> None:
        screen: Any = self
        if batch is None:  # Esc: said, as Esc on the note of a parcel named on screen is
            screen.status(_("Not returned: no parcel was recalled."))
            return
        screen.show(batch, focus_scan=False)
