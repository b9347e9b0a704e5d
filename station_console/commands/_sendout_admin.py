"""`station sendout tariff|checklist|stock ...`: the send-out rule data a manager keeps.

The leading underscore keeps `station` from registering this module at the top level;
`sendout.register` adds these groups under `station sendout`.
"""

from __future__ import annotations

from pathlib import Path

import click

from station_console.cli_help import argument, group, option
from station_console.commands._file_paths import FILE
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.commands._typed_values import MAX_ROW_ID
from station_console.errors import StationError
from station_console.i18n import _


def register(cli: click.Group) -> None:
    cli.add_command(tariff)
    cli.add_command(checklist)
    cli.add_command(stock)


@group()
def tariff() -> None:
    """Tariff tables per carrier (a manager edits; every edit is a version)."""


@tariff.command("show")
@argument("carrier")
@option("--version", type=click.IntRange(0, MAX_ROW_ID), help="An older version.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def tariff_show(app: CliApp, carrier: str, version: int | None, as_json: bool) -> None:
    """Print a carrier's table as JSON (the current version unless --version)."""
    from station_console.services.sendout import tariff as tariffs

    station = app.station
    code = carrier.strip().upper()
    try:
        table = tariffs.load(station, code, version)
        with station.read() as session:
            found = (
                tariffs.current_version(session, code)
                if version is None
                else tariffs.at_version(session, code, version)
            )
    except StationError as exc:
        # The table is JSON either way; a refusal is said on stderr, as every command says one, and
        # with --json also as the one JSON document on stdout.
        fail(exc, as_json=as_json)
        return
    assert found is not None
    emit_json({"carrier": code, "version": table.version, "sha256": table.sha256, "table": found.body})


@tariff.command("set")
@argument("carrier")
@argument("path", type=FILE)
@pass_app
def tariff_set(app: CliApp, carrier: str, path: Path) -> None:
    """Store a new version of a carrier's table from a .toml file or .csv rates (manager)."""
    from station_console.services.sendout import rule_files
    from station_console.services.sendout import tariff as tariffs

    station = app.station
    code = carrier.strip().upper()
    try:
        body, base = rule_files.tariff_body(station, code, path)  # a .toml or .csv file, as the screen's
        # Refused if another version was stored since the read above (the CSV's rates go over it).
        version = tariffs.set_tariff(station, code, body, based_on=base.version if base else 0)
    except StationError as exc:
        fail(exc)
        return
    click.echo(
        _(
            "{carrier} tariff version {version} stored ({sha})",
            carrier=code,
            version=version.version,
            sha=version.sha256[:12],
        )
    )


@tariff.command("history")
@argument("carrier")
@pass_app
def tariff_history(app: CliApp, carrier: str) -> None:
    """The versions of a carrier's table, newest first."""
    from station_console.services.sendout import tariff as tariffs

    emit_json({"versions": [v.to_json() for v in tariffs.history(app.station, carrier.strip().upper())]})


@group()
def checklist() -> None:
    """The inspection checklist (a manager edits; every edit is a version)."""


@checklist.command("show")
@pass_app
def checklist_show(app: CliApp) -> None:
    """Show the current inspection checklist as JSON."""
    from station_console.services.sendout import inspection

    emit_json(inspection.current(app.station).to_json())


@checklist.command("history")
@pass_app
def checklist_history(app: CliApp) -> None:
    """The versions of the inspection checklist, newest first (0: the built-in one)."""
    from station_console.services.sendout import inspection

    emit_json({"versions": [v.to_json() for v in inspection.history(app.station)]})


@checklist.command("set")
@argument("path", type=FILE)
@pass_app
def checklist_set(app: CliApp, path: Path) -> None:
    """Store a new checklist from a TOML ([[items]] id, zh, en) or JSON file (manager)."""
    from station_console.services.sendout import inspection, rule_files

    station = app.station
    try:
        base = inspection.current(station).version
        body = rule_files.checklist_body(station, path)  # a manager's, before the file is read
        # Refused if another version was stored since `base` was read: it would be replaced unseen.
        version = inspection.set_checklist(station, body, based_on=base)
    except StationError as exc:
        fail(exc)
        return
    click.echo(_("Checklist version {version} stored", version=version.version))


@group()
def stock() -> None:
    """Waybill numbers the carriers issued to the station."""


@stock.command("import")
@argument("carrier")
@argument("path", type=FILE)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def stock_import(app: CliApp, carrier: str, path: Path, as_json: bool) -> None:
    """Import one number per line (CSV: the first column); all valid, or nothing (manager)."""
    from station_console.services.sendout import rule_files

    try:
        done = rule_files.import_stock(app.station, carrier, path)  # a manager's, before the file is read
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(done.to_json())
    else:
        click.echo(done.said())


@stock.command("list")
@pass_app
def stock_list(app: CliApp) -> None:
    """Unused numbers per carrier."""
    from station_console.services.sendout import waybills

    emit_json({"stock": waybills.stock_left(app.station)})
