"""`station backup FILE` and `station restore FILE`."""

from __future__ import annotations

from pathlib import Path

import click

from station_console.cli_help import argument, command, option
from station_console.commands._file_paths import FILE
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.errors import StationError
from station_console.i18n import _

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).


def register(cli: click.Group) -> None:
    cli.add_command(backup_command)
    cli.add_command(restore_command)


@command("backup")
@argument("file", type=FILE)
@option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def backup_command(app: CliApp, file: Path, overwrite: bool, as_json: bool) -> None:
    """Back up the station database into FILE (SQLite; manager); for PostgreSQL, print the pg_dump
    command."""
    from station_console.services.admin import backup
    from station_console.services.core.roles import require

    station = app.station
    engine = station.engine
    try:
        require(station, "backup")
        backup.check_backup_target(file)  # pg_dump too is given a file, not a folder
        if engine.dialect.name == "postgresql":
            command = backup.pg_dump_command(engine.url.render_as_string(hide_password=False), file)
            if as_json:
                emit_json({"database": "postgresql", "command": command})
            else:
                click.echo(_("PostgreSQL is backed up with pg_dump; run:"))
                click.echo(command)
            return
        size = backup.backup_sqlite(station, file, overwrite=overwrite)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json({"database": "sqlite", "file": str(file), "bytes": size})
    else:
        click.echo(_("Backed up to {file} ({size} bytes); the copy was checked", file=str(file), size=size))


@command("restore")
@argument("file", type=FILE)
@option("--yes", is_flag=True, help="Do not ask; the current data is replaced (and kept aside).")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def restore_command(app: CliApp, file: Path, yes: bool, as_json: bool) -> None:
    """Replace the SQLite station database with the backup FILE (manager). The file is checked first;
    the current database is kept aside. Close the other consoles first."""
    from station_console.services.admin import backup
    from station_console.services.core.roles import require

    station = app.station
    try:
        require(station, "restore")
        if station.engine.dialect.name == "postgresql":
            click.echo(
                _("PostgreSQL is restored with pg_restore (see README: Backup and restore)."), err=True
            )
            raise SystemExit(2)
        if not yes:
            # Before asking: a file that cannot go in is said now. With --yes the restore checks it
            # itself, and the whole file is not read and checked twice.
            backup.check_restore_file(station, file)
            if not click.confirm(
                _("Replace every record in the station database with {file}?", file=str(file)), err=True
            ):
                raise SystemExit(1)
        done = backup.restore_sqlite(station, file)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(done.to_json())
        return
    click.echo(
        _("Restored from {file} ({events} audit events verified).", file=str(file), events=done.events)
    )
    click.echo(
        _(
            "The database it replaced is kept as {kept}; to undo: station restore {kept}",
            kept=str(done.kept_as),
        )
    )
