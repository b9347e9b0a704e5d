"""`station recipients import|mappings`: a directory file read in, previewed, then written; the saved
column mappings it reads by.

The leading underscore keeps `station` from registering this module at the top level;
`recipients.register` adds these commands under `station recipients`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from station_console.cli_help import argument, command, option
from station_console.commands._field_pairs import field_pairs
from station_console.commands._file_paths import FILE
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.commands.shelves import attempt
from station_console.errors import Refused
from station_console.i18n import N_, _

# Services are imported inside each command, as in every command module (CLI start-up).

SHOWN_ISSUES = 20  # the problems listed by line; past them, how many more there are


def register(cli: click.Group) -> None:
    cli.add_command(import_command)
    cli.add_command(mappings_command)


def _echo_import(result: Any) -> None:
    from station_console.services.recipients.import_summary import summary_lines

    for line in summary_lines(result, shown=SHOWN_ISSUES):
        click.echo(line)


@command("import")
@argument("file", type=FILE)
@option("--mapping", metavar="NAME", help="The source's saved column mapping (saved by this import).")
@option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Read FIELD from the column HEADER (e.g. external_id=工号); repeat for each.",
)
@option("--sheet", metavar="NAME", help="The workbook's sheet (default: the first).")
@option("--full", is_flag=True, help="The whole directory of this source: deactivate people not in it.")
@option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@option("--yes", is_flag=True, help="Write without asking.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def import_command(
    app: CliApp,
    file: Path,
    mapping: str | None,
    columns: tuple[str, ...],
    sheet: str | None,
    full: bool,
    dry_run: bool,
    yes: bool,
    as_json: bool,
) -> None:
    """Import a directory file (CSV in UTF-8 or GBK, or XLSX): preview, ask, then upsert on the id."""
    from station_console.services.recipients.import_summary import NOTHING_TO_WRITE
    from station_console.services.recipients.importing import import_file

    mapped = field_pairs(columns, "--column")
    station = app.station
    preview = attempt(
        lambda: import_file(
            station, file, mapping=mapping, columns=mapped, sheet=sheet, full=full, dry_run=True
        ),
        as_json=as_json,
    )
    if dry_run:
        _show(preview, as_json)
        return
    if not yes and preview.writes_nothing:  # nobody to add, change or deactivate: nothing to ask
        _show(preview, as_json)
        if not as_json:
            click.echo(_(NOTHING_TO_WRITE, file=preview.file), err=True)
        return
    previewed = None  # with --yes nobody saw the preview: the file is imported as it is now
    if not yes:
        previewed = preview.digest
        if not sys.stdin.isatty() or as_json:
            fail(
                Refused(N_("Nothing was written: give --yes to import without a question."), code="confirm"),
                as_json=as_json,
            )
        _echo_import(preview)
        if not click.confirm(_("Write these changes?"), default=False, err=True):
            click.echo(_("Nothing was written."), err=True)
            return
    result = attempt(
        lambda: import_file(
            station,
            file,
            mapping=mapping,
            columns=mapped,
            sheet=sheet,
            full=full,
            expect_digest=previewed,
        ),
        as_json=as_json,
    )
    _show(result, as_json)


def _show(result: Any, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_json())
    else:
        _echo_import(result)


@command("mappings")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def mappings_command(app: CliApp, as_json: bool) -> None:
    """The saved column mappings, per source."""
    from station_console.services.recipients.parsing import saved_mappings

    found = saved_mappings(app.station)
    if as_json:
        emit_json(found)
        return
    for source, columns in sorted(found.items()):
        click.echo(f"{source}: " + ", ".join(f"{f}={h}" for f, h in columns.items()))
    if not found:
        click.echo(_("No saved mappings."))
