"""Settings > Recipients' import: a CSV or XLSX file of the directory, previewed (nothing written), then
written on the clerk's yes, only as previewed (the file's digest). A manager's, which the service checks.

A mixin of `RecipientsScreen` (its `call`, `station`, `say`, `reload`, `note`): named methods, as a
plain mixin has no decorated-handler table of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station_console.i18n import N_, _, _n, example
from station_console.services.recipients import import_summary, importing
from station_console.services.recipients.phone_links import with_linked
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import open_over
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.form_dialog import FormDialog, FormField

# The import form's field each refusal of the file is about.
IMPORT_FIELDS_AT_FAULT = {
    code: "path"
    for code in (
        "is_folder",  # to station_file: the shared typed-path reader's (`typed_files.read_typed_bytes`)
        "no_file",
        "bad_file",
        "file_too_large",
        "not_this_kind",
        "station_file",
        "xls_format",
        "bad_encoding",
        "bad_csv",
        "empty_file",
        "column_missing",
        "lists_nobody",
    )
}
# A file without an id or a name column, as the counter says it (the service's `no_column`): the command
# line's --column is no key here, so the heading is renamed in the file.
NO_COLUMN_AT_COUNTER = {
    "external_id": N_(
        "The file has no id column (a heading such as 学号, 工号, 编号 or id); its columns: {headers}. "
        "Nothing was imported: rename its id column's heading in the file, then import it again."
    ),
    "name": N_(
        "The file has no name column (a heading such as 姓名 or name); its columns: {headers}. "
        "Nothing was imported: rename its name column's heading in the file, then import it again."
    ),
}
# A preview that deactivates nobody says how to ask for that here: the form's switch, not --full.
KEPT_WITHOUT_FULL = N_(
    "People missing from this file stay as they are (tick 'The whole directory of this source' in the "
    "import form to deactivate them)."
)
NOTHING_SHOWN = 3  # problems said on the status line when there is nothing to write
ImportArgs = tuple[Path, str | None, bool]  # the file, its source's mapping, a full directory or not


def more_problems_here(n: int) -> str:
    """The problems past those shown, as the counter says them: it has no --json to list them."""
    return _n("... and {n} more problem", "... and {n} more problems", n, n=n)


class DirectoryImport:
    import_args: ImportArgs

    @role_key("recipients.import")
    def action_import(self) -> None:
        screen: Any = self
        fields = [
            FormField(
                "path",
                _("File (CSV or XLSX)"),
                "",
                placeholder=example("/media/usb/名单.xlsx"),
                max_length=500,
            ),
            FormField(
                "mapping",
                _("Source (its column mapping is saved)"),
                "",
                placeholder=example("campus"),
                max_length=32,
            ),
            FormField(
                "full",
                _("The whole directory of this source: deactivate people not in it"),
                False,
                switch=True,
            ),
        ]

        def preview(values: dict[str, Any]) -> tuple[ImportArgs, importing.ImportResult] | None:
            # On the worker: the file read and matched against the directory, nothing written.
            if not values["path"].strip():
                return None
            # As typed: the service makes `~` the user's folder, and "~name" of no user here no such file.
            args = (Path(values["path"].strip()), values["mapping"].strip() or None, values["full"])
            path, mapping, full = args
            result = importing.import_file(
                screen.station, path, mapping=mapping, full=full, dry_run=True, no_column=NO_COLUMN_AT_COUNTER
            )
            return args, result

        def given(previewed: tuple[ImportArgs, importing.ImportResult] | None) -> None:
            if previewed is not None:
                self.import_args, result = previewed
                self._ask_to_write(result)

        form = FormDialog(
            _("Import the directory"),
            fields,
            submit=preview,
            at_fault=IMPORT_FIELDS_AT_FAULT,
            keeps_edits=False,  # a file's path: typed again in a moment, nothing to ask
            what=N_("a directory import"),
        )
        open_over(screen, form, screen.askers_own(given))

    def _ask_to_write(self, result: importing.ImportResult) -> None:
        screen: Any = self
        if result.writes_nothing:  # no question to ask: why, by its first problems, on the status line
            lines = import_summary.problem_lines(
                result, shown=NOTHING_SHOWN, more_problems=more_problems_here
            )
            screen.failed(
                "imported", "\n".join([_(import_summary.NOTHING_TO_WRITE, file=result.file), *lines])
            )
            return
        body = "\n".join(
            import_summary.summary_lines(
                result, kept_without_full=KEPT_WITHOUT_FULL, more_problems=more_problems_here
            )
        )

        def write() -> None:
            path, mapping, full = self.import_args
            screen.call(
                "imported",
                lambda: importing.import_file(
                    screen.station,
                    path,
                    mapping=mapping,
                    full=full,
                    expect_digest=result.digest,
                    no_column=NO_COLUMN_AT_COUNTER,
                ),
            )

        # Weighty, whatever it writes: its Yes overwrites and deactivates people's records, and even one
        # that only adds people has no undo but deactivating each by hand (their phones may already match
        # parcels on the shelf to them). A Y typed on behind the form's Enter, before the preview was
        # read, answers nothing. Not opened: the clerk left the directory before the preview came.
        ask(
            screen,
            ConfirmDialog(_("Write these changes?"), body, what=N_("a directory import"), weighty=True),
            write,
            no=N_("Nothing was written."),
            say=screen.say,
        )

    def done_imported(self, result: importing.ImportResult) -> None:
        screen: Any = self
        # The preview's counts in its own words, so "1 changed (1 back)" is not "1 changed" after.
        screen.note = with_linked(
            _(
                "Imported in {seconds} s: {counts}",
                seconds=result.seconds,
                counts=import_summary.counts_line(result),
            ),
            result.linked,
            result.shared,
            result.left_to_other,
        )
        screen.say(screen.note)
        screen.reload()
