"""Settings > Pre-alerts: the pre-alert files imported (who, when, how many rows, how many arrived), and
F7 to import one from a path typed at the counter (a file from an email or a USB stick).

The import is `station prealert import`'s own service call, twice: a dry run first, on a worker, whose
report (rows, refused rows by line, carriers) the clerk reads; then, on Yes, the import of the same
file, which the service refuses if the file changed since that preview (its digest), so what is loaded
is what was shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, cast

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from station_console.i18n import N_, _, _n, example, get_language
from station_console.services.core.station import Station
from station_console.services.prealerts.import_report import ImportReport, RowIssue
from station_console.services.prealerts.importer import import_file
from station_console.services.prealerts.listing import ImportRow, list_imports
from station_console.services.prealerts.watch import loaded_before_line, report_lines
from station_console.tui.screens.base import open_over
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.queue_list import QueueListScreen

COLUMNS = (N_("Import"), N_("File"), N_("When"), N_("By"), N_("Rows"), N_("Loaded"), N_("Arrived"))
CARRIER_IN_FORM = N_(
    "no carrier given and the number fits {candidates}: name its carrier in the import form (F7)."
)
FILE_SHOWN = 22  # a file name's characters in the list: the other columns stay in 80 columns
REFUSED_SHOWN = 200  # refused rows listed in the preview, as `station prealert import` prints them
NOTHING_SHOWN = 3  # refused rows said on the status line when no row is left to import
# A refusal of the file, said at the field it is about.
FIELDS_AT_FAULT = {
    **dict.fromkeys(
        ("is_folder", "no_file", "bad_file", "file_too_large", "not_this_kind", "station_file")
        + ("not_a_table", "bad_encoding", "bad_json", "bad_csv", "empty_file", "no_waybill_column"),
        "path",
    ),
    "unknown_carrier": "carrier",
}


@dataclass(frozen=True)
class Preview:
    """What the clerk is shown before the import, and what the import must then find again."""

    path: Path
    carrier: str | None
    report: ImportReport
    loaded_before: str | None = None  # when and by whom this very file was loaded before


def preview(station: Station, values: dict[str, Any]) -> Preview:
    """On the worker: the file read and checked against the station, nothing written (the station's
    time zone read here too, for when the file was loaded before)."""
    path, carrier = Path(values["path"].strip()), values["carrier"].strip() or None
    report = import_file(station, path, carrier=carrier, dry_run=True)
    return Preview(path, carrier, report, loaded_before_line(station, report, get_language()))


def preview_text(report: ImportReport, *, most: int = REFUSED_SHOWN, before: str | None = None) -> str:
    """The dry run as the clerk reads it: when the file was loaded before (`before`, as the folder
    watch says it), counts, carriers (by their short names, as the counter's lists name them), then
    each refused row by its line."""
    lang = get_language()
    lines = report_lines(
        replace(report, issues=[_at_counter(i, report) for i in report.issues]), lang, most=most
    )
    if report.carriers:
        carriers = _(", ").join(f"{_short(report, code)} {n}" for code, n in report.carriers.items())
        lines.insert(1, _("Carriers: {carriers}", carriers=carriers))
    return "\n".join([before, *lines] if before else lines)


def _short(report: ImportReport, code: str) -> str:
    return report.carrier_names.get(code) or code


def _at_counter(issue: RowIssue, report: ImportReport) -> RowIssue:
    """A row's reason as the counter says it: a carrier the file leaves unclear is given in the import
    form here (the command line's `--carrier` is no key at the counter), its candidates by short name."""
    if issue.code != "carrier_unclear":
        return issue
    codes = str(issue.params.get("candidates", "")).split(", ")
    candidates = _(", ").join(_short(report, code) for code in codes)
    return replace(issue, msgid=CARRIER_IN_FORM, params={**issue.params, "candidates": candidates})


def to_load(report: ImportReport) -> int:
    return report.to_load


class PrealertsScreen(QueueListScreen):
    MODE_TITLE = N_("Pre-alerts")
    DEFAULT_CSS = """
    PrealertsScreen #pa-table { height: 1fr; }
    PrealertsScreen #pa-status { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f7", "import", N_("Import"), id="prealerts.import", tooltip=N_("Import a pre-alert file")),
        Binding(
            "ctrl+r", "read_again", N_("Refresh"), id="prealerts.refresh", tooltip=N_("Read the list again")
        ),
        Binding("escape", "back", N_("Back"), id="prealerts.back", tooltip=N_("Back to Settings")),
    ]

    COLUMNS = COLUMNS
    TABLE_ID, STATUS_ID = "pa-table", "pa-status"

    def action_reload(self) -> None:
        self.read_list(partial(list_imports, self.station))

    def done_list(self, rows: list[ImportRow]) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        place = self.cursor_place()
        self.rows = {str(r.id): r for r in rows}
        table.clear()
        zone = self.station.zone()
        for r in rows:
            name = r.file_name if len(r.file_name) <= FILE_SHOWN else r.file_name[: FILE_SHOWN - 1] + "…"
            table.add_row(
                str(r.id),
                name,  # a file's name is data: the table shows it as text
                r.imported_at.astimezone(zone).strftime("%m-%d %H:%M"),
                r.clerk or "-",
                str(r.rows_read),
                str(r.loaded),
                str(r.matched),
                key=str(r.id),
            )
        self.cursor_back(place)
        self.say_listed(_n("{n} file imported", "{n} files imported", len(rows), n=len(rows)))

    def action_import(self) -> None:
        fields = [
            FormField(
                "path", _("File (CSV or JSON)"), "", placeholder=example("~/预到货.csv"), max_length=1000
            ),
            FormField(
                "carrier", _("Carrier of rows that name none"), "", placeholder=example("ZTO"), max_length=16
            ),
        ]
        form = FormDialog(
            _("Import a pre-alert file"),
            fields,
            _("It is checked first: nothing is imported before you say yes."),
            submit=partial(preview, self.station),
            at_fault=FIELDS_AT_FAULT,
            keeps_edits=False,  # a file's path: typed again in a moment, nothing to ask
            what=N_("a pre-alert import"),
        )
        open_over(self, form, self.askers_own(self._previewed))

    def _previewed(self, seen: Preview | None) -> None:
        if seen is None:
            return
        report = seen.report
        if not to_load(report):  # no question to ask: the first reasons, on the status line
            self.failed("import", preview_text(report, most=NOTHING_SHOWN, before=seen.loaded_before))
            return

        def not_imported(text: str) -> None:
            # Said before what the list holds: the list is read again as the dialog closes.
            self.done_text = text
            self.say(text)

        def load_it() -> None:
            load = partial(
                import_file, self.station, seen.path, carrier=seen.carrier, expect_digest=report.digest
            )
            self.act(load, "")

        question = _n(
            "Import {n} pre-alert from {file}?",
            "Import {n} pre-alerts from {file}?",
            to_load(report),
            n=to_load(report),
            file=report.file,
        )
        dialog = ConfirmDialog(
            question, preview_text(report, before=seen.loaded_before), what=N_("a pre-alert import")
        )
        # Not opened: the clerk left the screen before the preview came.
        ask(self, dialog, load_it, no=N_("Nothing was imported."), say=not_imported)

    def done_act(self, result: object) -> None:
        report = cast(ImportReport, result)
        said = report_lines(report, get_language())[0]
        self.done_text = said + (_(" (import {id})", id=report.import_id) if report.import_id else "")
        super().done_act(result)
