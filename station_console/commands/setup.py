"""`station init` and `station db ...`."""

from __future__ import annotations

import click

from station_console.commands._support import CliApp, emit_json, pass_app
from station_console.i18n import _


def register(cli: click.Group) -> None:
    cli.add_command(init)
    cli.add_command(db_group)


@click.command()
@click.option("--demo", is_flag=True, help="Also add a realistic week of parcels.")
@click.option("--json", "as_json", is_flag=True, help="Print what was added as JSON.")
@pass_app
def init(app: CliApp, demo: bool, as_json: bool) -> None:
    """Create or upgrade the database and seed carriers, shelves and settings."""
    from station_console.services.setup import init_station

    station = app.station
    added = init_station(station)
    if demo:
        from station_console.services.demo import make_demo_week

        added.update(make_demo_week(station))
    if as_json:
        emit_json({"database": station.engine.url.render_as_string(hide_password=True), "added": added})
        return
    click.echo(_("Database ready: {url}", url=station.engine.url.render_as_string(hide_password=True)))
    for key, count in added.items():
        if count:
            click.echo(_("  added {count} {what}", count=count, what=key))


@click.group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command("upgrade")
@pass_app
def db_upgrade(app: CliApp) -> None:
    """Apply any pending migrations (also done whenever a database is opened)."""
    from db.migrate import current_revision

    station = app.station  # opening migrates
    click.echo(_("Database at revision {rev}", rev=current_revision(station.engine)))
