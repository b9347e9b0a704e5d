"""`station init` and `station db ...`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from station_console.cli_help import command, group, option
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.errors import StationError
from station_console.i18n import N_, _

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

# What `station init` reports it added, by key: a whole line each, the count at its end (no plural
# to agree with it, and a line for parcels left out is not read as added).
ADDED_LINES = {
    "carriers": N_("  carriers added: {count}"),
    "shelves": N_("  shelves added: {count}"),
    "layers": N_("  shelf layers added: {count}"),
    "demo_parcels": N_("  demo parcels added: {count}"),
    "demo_pickups": N_("  demo pickups added: {count}"),
    "demo_problems": N_("  problem parcels added: {count}"),
    "demo_write_offs": N_("  write-offs added: {count}"),
    "demo_returns": N_("  returns added: {count}"),
    "demo_closed_days": N_("  closed days added: {count}"),
    "demo_skipped": N_("  demo parcels left out, the shelves being full: {count}"),
}


def register(cli: click.Group) -> None:
    cli.add_command(init)
    cli.add_command(db_group)


@command()
@option("--demo", is_flag=True, help="Also add a realistic week of parcels (only into a new database).")
@option("--timezone", "zone", metavar="ZONE", help="The station's time zone, e.g. Asia/Shanghai.")
@option("--opening-hours", "hours", metavar="HH:MM-HH:MM", help="Opening hours, e.g. 09:00-21:00.")
@option("--json", "as_json", is_flag=True, help="Print what was added as JSON.")
@pass_app
def init(app: CliApp, demo: bool, zone: str | None, hours: str | None, as_json: bool) -> None:
    """Create or upgrade the database and seed carriers, shelves and settings.

    A new station is asked for its time zone (default: this machine's) and opening hours, which
    define its business day and closing time; --timezone and --opening-hours answer without asking."""
    from station_console.services.admin.setup import init_station, set_station_basics, station_basics
    from station_console.services.people.clerks import needs_first_manager

    station = app.station
    added = init_station(station)
    for key, count in station.seeded.items():  # a new database: opening it seeded these
        added[key] = added.get(key, 0) + count
    current = station.settings()
    first_start = needs_first_manager(station)
    if first_start and _on_a_terminal() and not as_json:
        zone = zone or _ask(
            _("Station time zone"), current.timezone, lambda z: station_basics(z, current.opening_hours)
        )
        chosen = zone
        hours = hours or _ask(_("Opening hours"), current.opening_hours, lambda h: station_basics(chosen, h))
    try:
        if zone or hours:
            set_station_basics(station, zone or current.timezone, hours or current.opening_hours)
        if demo:
            from station_console.services.admin.demo import make_demo_week

            added.update(make_demo_week(station))
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json({"database": station.engine.url.render_as_string(hide_password=True), "added": added})
        return
    click.echo(_("Database ready: {url}", url=station.engine.url.render_as_string(hide_password=True)))
    for key, count in added.items():
        if count:
            click.echo(_(ADDED_LINES[key], count=count))
    if first_start and not demo:
        # The next step of a new station, which nothing else names: without a clerk no command signs in.
        click.echo(
            _(
                "No clerk yet: `station` (the console) asks for the first manager's name and PIN, or run "
                "`station clerk add NAME --role manager`."
            )
        )


def _on_a_terminal() -> bool:
    return sys.stdin.isatty()


def _ask(question: str, default: str, check: Callable[[str], object]) -> str:
    """One first-start question, asked again with the reason until its answer can be used (a zone typed
    wrong was refused only after the next question, and the whole command with it)."""

    def checked(answer: str) -> str:
        try:
            check(answer)
        except StationError as exc:
            raise click.UsageError(exc.message()) from None
        return answer.strip()

    return str(click.prompt(question, default=default, value_proc=checked))


@group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command("upgrade")
@pass_app
def db_upgrade(app: CliApp) -> None:
    """Apply any pending migrations (also done whenever a database is opened)."""
    from db.migrate import current_revision

    station = app.station  # opening migrates
    click.echo(_("Database at revision {rev}", rev=current_revision(station.engine)))


@db_group.command("check")
@pass_app
def db_check(app: CliApp) -> None:
    """Check every page of the SQLite database file (integrity_check); exit 1 if it is damaged."""
    from station_console.services.core.health import check_file

    engine = app.station.engine
    if engine.dialect.name == "sqlite" and engine.url.database:
        check_file(Path(engine.url.database))
    click.echo(_("The database file is sound."))
