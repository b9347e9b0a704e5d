"""`station report` and `station close-day`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from station_console.cli_help import command, option
from station_console.commands._file_paths import WRITTEN_FILE
from station_console.commands._support import CliApp, done_but, emit_json, fail, pass_app
from station_console.commands._typed_values import DAY
from station_console.errors import StationError
from station_console.i18n import _
from station_console.private_files import write_atomic, write_new

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).


def register(cli: click.Group) -> None:
    cli.add_command(report)
    cli.add_command(close_day_command)
    cli.add_command(reopen_day_command)


@command()
@option("--date", "day", type=DAY, metavar="YYYY-MM-DD", help="Business day (default: today, station time).")
@option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "pdf"]),
    default="text",
    show_default=True,
    help="How to write the report.",
)
@option(
    "--out",
    "out",
    type=WRITTEN_FILE,
    help=(
        "Write to this file (a PDF without it: the folder of this counter's PDF printer, else the "
        "reports folder in the station's data folder)."
    ),
)
@pass_app
def report(app: CliApp, day: date | None, fmt: str, out: Path | None) -> None:
    """The day's reconciliation per carrier and the other end-of-day figures."""
    from station_console.services.day import export
    from station_console.services.day.report import build_report

    try:
        data = build_report(app.station, day)
    except StationError as exc:
        fail(exc, as_json=fmt == "json")
        return
    if fmt == "pdf":
        blob = export.to_pdf(data)
        if out is not None:
            target = _write(out, blob)
        else:  # never over a report already there (another counter's in a shared folder too)
            path = export.report_file(data, "pdf", app.counter_settings, app.station.counter)
            target = _write(path, blob, new=True)
        font = export.pdf_font()
        if font:
            click.echo(_("Wrote {path} (font: {font})", path=str(target), font=font), err=True)
        else:
            click.echo(_("Wrote {path}", path=str(target)), err=True)
            click.echo(_(export.NO_CJK_FONT), err=True)
        return
    text = {"json": export.to_json, "csv": export.to_csv, "text": export.to_text}[fmt](data)
    if out is not None:
        _write(out, text)
        click.echo(_("Wrote {path}", path=str(out)), err=True)
    else:
        click.echo(text, nl=False)


def _write(path: Path, data: bytes | str, *, new: bool = False) -> Path:
    """An export, whole or not at all (a full disk leaves no half file), 0600; `new`: under the first
    name free from `path` on (`write_new`). Returns the path written."""
    try:
        if new:
            return write_new(path, data)
        write_atomic(path, data)
    except StationError as exc:
        fail(exc)
    return path


@command("close-day")
@option("--date", "day", type=DAY, metavar="YYYY-MM-DD", help="Business day (default: today, station time).")
@option("--force", is_flag=True, help="Close even when the day does not balance.")
@option("--early", is_flag=True, help="Close today before its closing hour (ends the day now).")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def close_day_command(app: CliApp, day: date | None, force: bool, early: bool, as_json: bool) -> None:
    """Close a business day (manager): its figures are stored with their SHA-256 and frozen.

    Work after the close belongs to the next business day."""
    from station_console.services.day.close import close_day

    station = app.station  # nobody signed in is refused by the service, like a clerk
    try:
        info = close_day(station, day, allow_unbalanced=force, early=early)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    closed = _("Closed {day}; SHA-256 {sha}.", day=info.day.isoformat(), sha=info.sha256)
    if as_json:
        emit_json({"date": info.day.isoformat(), **info.to_json()})
    else:
        click.echo(closed)
    if info.anchor_failed is not None:
        done_but(_("{day} is closed.", day=info.day.isoformat()), info.anchor_failed)


@command("reopen-day")
@option("--date", "day", type=DAY, metavar="YYYY-MM-DD", required=True, help="The closed business day.")
@option("--reason", required=True, help="Why (kept in the audit trail).")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def reopen_day_command(app: CliApp, day: date, reason: str, as_json: bool) -> None:
    """Reopen a closed business day (manager, with a reason); the next close stores a new hash."""
    from station_console.services.day.close import reopen_day

    station = app.station  # nobody signed in is refused by the service, like a clerk
    try:
        done = reopen_day(station, day, reason)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(
            {
                "date": day.isoformat(),
                "work_after_close": done.work_after_close,
                "runs_on": done.ends_at is None,
            }
        )
        return
    click.echo(done.describe())
