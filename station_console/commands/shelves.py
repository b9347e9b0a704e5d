"""`station shelves`, `move`, `stocktake`, `parcel`, `search`: shelf work and parcel search, headless.

Returns, problems and overdue live in `commands/shelf_exceptions.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import click

from station_console.cli_help import argument, command, group, option
from station_console.commands._file_paths import FILE
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.commands._typed_values import DAY, ROW_ID
from station_console.errors import StationError
from station_console.i18n import _, _n, label_of
from station_console.text_columns import table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

T = TypeVar("T")


def register(cli: click.Group) -> None:
    cli.add_command(shelves_group)
    cli.add_command(move)
    cli.add_command(stocktake_cmd)
    cli.add_command(parcel_cmd)
    cli.add_command(search_cmd)


def attempt(work: Callable[[], T], *, as_json: bool = False) -> T:
    """Run a service call; a refusal ends the command with its reason (and exit code 1)."""
    try:
        return work()
    except StationError as exc:
        fail(exc, as_json=as_json)
        raise  # unreachable: fail() exits


def flag(problem_kind: str | None) -> str:
    from station_console.services.exceptions.problems import KIND_LABELS  # lazily, as each command

    return f"  [!{label_of(KIND_LABELS, problem_kind)}]" if problem_kind else ""


def status_text(status: str) -> str:
    from station_console.services.shelves.search import STATUS_LABELS  # lazily, as each command

    return label_of(STATUS_LABELS, status)


@group("shelves", invoke_without_command=True)
@option("--json", "as_json", is_flag=True, help="Print the shelf map as JSON.")
@option("--all", "include_retired", is_flag=True, help="Include retired shelves and layers.")
@pass_app
@click.pass_context
def shelves_group(ctx: click.Context, app: CliApp, as_json: bool, include_retired: bool) -> None:
    """The shelf map: per layer capacity, used units, fill %, parcels, overdue and problem counts."""
    if ctx.invoked_subcommand is not None:
        return
    from station_console.services.shelves.layout import shelf_map

    rows = shelf_map(app.station, include_retired=include_retired)
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    for row in rows:
        retired = _(" (retired)") if row.retired else ""
        click.echo(_("Shelf {shelf} [{zone}]{retired}", shelf=row.label, zone=row.zone, retired=retired))
        for c in row.layers:
            click.echo(
                "  "
                + _(
                    "{shelf}-{layer}  {used}/{capacity} units {fill}%  {count}  {overdue} overdue  {problems}",
                    shelf=row.label,
                    layer=c.label,
                    used=c.used_units,
                    capacity=c.capacity_units,
                    fill=c.fill_pct,
                    count=_n("{n} parcel", "{n} parcels", c.parcel_count, n=c.parcel_count),
                    overdue=c.overdue_count,
                    problems=_n("{n} problem", "{n} problems", c.problem_count, n=c.problem_count),
                )
            )


@shelves_group.command("import")
# A plain path, read by the service as Edit shelves reads a typed one (UTF-8 or GBK, `typed_files`), and
# refused in its words (a folder, no such file, no text), as the other imports' files are.
@argument("file", type=FILE)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def shelves_import(app: CliApp, file: Path, as_json: bool) -> None:
    """Add shelves from a CSV layout in UTF-8 or GBK: shelf,zone,layers,capacity_units,accepts_sizes
    (manager)."""
    from station_console.services.shelves.layout_csv import import_layout_file

    added = attempt(lambda: import_layout_file(app.station, file), as_json=as_json)
    if as_json:
        emit_json(added)
        return
    click.echo(
        _(
            "Added {shelves} with {layers}; {skipped} already existed",
            shelves=_n("{n} shelf", "{n} shelves", added["shelves"], n=added["shelves"]),
            layers=_n("{n} layer", "{n} layers", added["layers"], n=added["layers"]),
            skipped=added["skipped"],
        )
    )


@shelves_group.command("add")
@argument("label")
@option("--zone", default="main", show_default=True, help="The shelf's zone.")
@option("--layers", default=5, show_default=True, type=click.IntRange(1, 50), help="How many layers.")
@option("--capacity", default=40, show_default=True, type=int, help="Capacity of each layer in units.")
@option("--sizes", default="SML", show_default=True, help="Size letters the layers take (X for XL).")
@pass_app
def shelves_add(app: CliApp, label: str, zone: str, layers: int, capacity: int, sizes: str) -> None:
    """Add a shelf with its layers (manager)."""
    from station_console.services.shelves.layout import add_shelf

    attempt(
        lambda: add_shelf(
            app.station, label, zone=zone, layers=layers, capacity_units=capacity, accepts_sizes=sizes
        )
    )
    click.echo(_("Shelf {shelf} added", shelf=label.upper()))


@shelves_group.command("add-layer")
@argument("shelf")
@option("--capacity", default=40, show_default=True, type=int, help="The new layer's capacity in units.")
@option("--sizes", default="SML", show_default=True, help="Size letters the new layer takes (X for XL).")
@pass_app
def shelves_add_layer(app: CliApp, shelf: str, capacity: int, sizes: str) -> None:
    """Add a layer on top of a shelf (manager)."""
    from station_console.services.shelves.layout import add_layer
    from station_console.services.shelves.locations import split_location

    attempt(lambda: add_layer(app.station, shelf, capacity_units=capacity, accepts_sizes=sizes))
    # the shelf the layer went on: `6-5` (a layer of it) adds to shelf 6
    click.echo(_("Layer added to shelf {shelf}", shelf=split_location(shelf)[0]))


@shelves_group.command("edit")
@argument("location")
@option("--capacity", type=int, help="New capacity in units (a layer, SHELF-LAYER).")
@option("--sizes", help="Size letters the layer takes (a layer).")
@option("--zone", help="Zone of the shelf (a shelf).")
@option("--walk-order", type=int, help="Walking order of the shelf (a shelf).")
@pass_app
def shelves_edit(
    app: CliApp,
    location: str,
    capacity: int | None,
    sizes: str | None,
    zone: str | None,
    walk_order: int | None,
) -> None:
    """Change a layer's capacity or sizes, or a shelf's zone or walking order (manager)."""
    from station_console.services.shelves.edits import edit

    # One call, one transaction: a value refused (a bad zone after a good capacity) saves nothing.
    changed = attempt(
        lambda: edit(
            app.station,
            location,
            capacity_units=capacity,
            accepts_sizes=sizes,
            zone=zone,
            walk_order=walk_order,
        )
    )
    # A layer or shelf given as stored is not written: "updated" would tell of a change never made.
    click.echo(
        _("{location} updated", location=location) if changed else _("Nothing changed: nothing to save.")
    )


@shelves_group.command("retire")
@argument("location")
@option("--restore", is_flag=True, help="Bring it back into use instead.")
@pass_app
def shelves_retire(app: CliApp, location: str, restore: bool) -> None:
    """Retire a shelf (6) or a layer (6-5); refused while it holds parcels (manager)."""
    from station_console.services.shelves import layout

    if restore:
        attempt(lambda: layout.restore(app.station, location))
        click.echo(_("{location} is back in use", location=location))
    else:
        attempt(lambda: layout.retire(app.station, location))
        click.echo(_("{location} retired", location=location))


@command()
@argument("ref")
@option("--to", "target", required=True, metavar="SHELF-LAYER", help="Target layer, e.g. 6-5.")
@option("--layer", "whole_layer", is_flag=True, help="REF is a layer (SHELF-LAYER): move all its parcels.")
@option("--keep-code", "policy", flag_value="keep_code", default=None, help="Keep the pickup code.")
@option("--new-code", "policy", flag_value="new_code", help="Issue a new pickup code and reprint.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def move(app: CliApp, ref: str, target: str, whole_layer: bool, policy: str | None, as_json: bool) -> None:
    """Move a parcel (waybill or pickup code), or a whole layer, to SHELF-LAYER."""
    from station_console.services.shelves.moves import move_layer, move_parcel

    if whole_layer:
        results = attempt(lambda: move_layer(app.station, ref, target, policy=policy), as_json=as_json)
    else:
        results = [attempt(lambda: move_parcel(app.station, ref, target, policy=policy), as_json=as_json)]
    if as_json:
        emit_json([r.to_json() for r in results])
        return
    for r in results:
        click.echo(
            _(
                "{waybill}: {src} -> {dst}  code {code}",
                waybill=r.waybill,
                src=r.from_location,
                dst=r.to_location,
                code=r.pickup_code or "-",
            )
            + (_("  (new code, label queued)") if r.code_changed else "")
        )


# put-back: an extra recorded as picked up or returned, back on the shelf with no message (never "recheck").
FIXES = ("relocate", "missing", "recheck", "put-back")


@command("stocktake")
@argument("location")
@option("--resume", is_flag=True, help="Continue the unfinished stocktake on this shelf.")
@option("--close", "close_it", is_flag=True, help="Close at end of input (otherwise it is paused).")
@option(
    "--fix",
    "fixes",
    multiple=True,
    type=click.Choice(FIXES),
    help="With --close: apply this fix to every scan it fits (repeatable).",
)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def stocktake_cmd(
    app: CliApp, location: str, resume: bool, close_it: bool, fixes: tuple[str, ...], as_json: bool
) -> None:
    """Stocktake SHELF or SHELF-LAYER: scans from stdin, one per line; JSON on EOF.

    On a whole shelf, a line `@3` says the following scans are on layer 3.
    """
    # The counts are JSON either way; a refusal before any scan is read is said on stderr, as every
    # command says one, and with --json also as the one JSON document on stdout.
    from station_console.services.core.roles import require
    from station_console.services.exceptions import stocktake, stocktake_close

    station = app.station
    if "put-back" in fixes:  # a manager's fix: refused before any scan is counted, and again at the close
        # A scan refused later is listed in the JSON.
        attempt(lambda: require(station, "put_back"), as_json=as_json)
    layer: str | None = None
    if resume:
        from station_console.services.exceptions.stocktake_begun_words import resumed_line, resumed_other_line

        # As the console's F8: the shelf's unfinished stocktake, found by the shelf; one of another
        # layer is refused (its scans would be recorded as found there), resumed by its own scope
        begun = attempt(lambda: stocktake.begin(station, location, resume_only=True), as_json=as_json)
        take = begun.view
        if begun.layer_in_shelf:  # the layer asked is the layer scanned until a line `@N`
            click.echo(resumed_other_line(begun), err=True)
            layer = begun.asked
        else:
            click.echo(resumed_line(take), err=True)
    else:
        take = attempt(lambda: stocktake.start(station, location), as_json=as_json)
    errors: list[dict[str, str]] = []
    # A parcel scanned again counts once; each repeat is listed, so every line read is accounted for.
    repeats: list[dict[str, str]] = []
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        if text.startswith("@"):
            layer = text[1:].strip() or None
            continue
        try:
            item = stocktake.scan(station, take.id, text, layer=layer)
        except StationError as exc:
            errors.append({"scan": text[:64], "error": exc.code, "message": exc.message()})
            continue
        if item.duplicate:
            repeats.append({"scan": text[:64], "waybill": item.waybill})
    if close_it:
        offered = stocktake_close.all_fixes(stocktake.view(station, take.id))
        view = stocktake_close.close(
            station,
            take.id,
            relocate=offered["relocate"] if "relocate" in fixes else (),
            mark_missing=offered["mark_missing"] if "missing" in fixes else (),
            recheck_in=offered["recheck_in"] if "recheck" in fixes else (),
            put_back=offered["put_back"] if "put-back" in fixes else (),
        )
    else:
        view = stocktake.pause(station, take.id)
    emit_json({**view.to_json(), "repeats": repeats, "errors": errors})


@command("parcel")
@argument("ref")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def parcel_cmd(app: CliApp, ref: str, as_json: bool) -> None:
    """A parcel (waybill or pickup code) and its full timeline."""
    from station_console.services.people.audit_trail import kind_label
    from station_console.services.people.event_details import details_text
    from station_console.services.shelves.search import timeline

    t = attempt(lambda: timeline(app.station, ref), as_json=as_json)
    if as_json:
        emit_json(t.to_json())
        return
    p = t.parcel
    click.echo(
        _(
            "{waybill}  {carrier}  {status}  code {code}  at {location}  phone {phone}",
            waybill=p.waybill,
            carrier=p.carrier,
            status=status_text(p.status),
            code=p.pickup_code or "-",
            location=p.location or "-",
            phone=p.masked_phone or "-",
        )
        + flag(p.problem_kind)
    )
    if p.problem_note:
        click.echo("  " + _("Problem note: {note}", note=p.problem_note))
    zone = app.station.zone()
    events = [
        [
            f"{e.at.astimezone(zone):%Y-%m-%d %H:%M}",
            kind_label(e.kind),
            e.clerk or "-",
            e.counter,
            details_text(e.kind, e.details, zone=zone, waybill=p.waybill, carrier_name=e.carrier_name),
        ]
        for e in t.events
    ]
    for line in table_lines(events):
        click.echo("  " + line)


@command("search")
@argument("text", required=False)
@option("--carrier", help="Only this carrier's (its code).")
@option(
    "--status",
    type=click.Choice(["on_shelf", "picked_up", "returned", "written_off", "cancelled"]),
    help="Only parcels with this status.",
)
@option(
    "--since",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="Checked in on or after this day.",
)
@option(
    "--until",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="Checked in on or before this day.",
)
@option("--shelf", help="Only on this shelf or layer (6 or 6-5).")
@option("--problems", is_flag=True, help="Only problem parcels.")
@option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="How many parcels to show, newest first.",
)
@option("--before", "before_id", type=ROW_ID, help="Next page: the id printed after the last page.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def search_cmd(
    app: CliApp,
    text: str | None,
    carrier: str | None,
    status: str | None,
    since: date | None,
    until: date | None,
    shelf: str | None,
    problems: bool,
    limit: int,
    before_id: int | None,
    as_json: bool,
) -> None:
    """Search every parcel ever: TEXT is a waybill, pickup code, phone tail or phone number."""
    from station_console.services.shelves.search import Query, search

    query = Query(
        text=text,
        carrier=carrier,
        status=status,
        since=since,
        until=until,
        problems_only=problems,
        shelf=shelf,
    )
    page = attempt(lambda: search(app.station, query, limit=limit, before_id=before_id), as_json=as_json)
    if as_json:
        emit_json(
            {
                "rows": [r.to_json() for r in page.rows],
                "next_before_id": page.next_before_id,
                "recent_only": page.recent_only,
            }
        )
        return
    if not page.rows:
        # The line says where the older ones are: a "More:" line after it would say it again.
        click.echo(
            _(
                "None on the shelves or among recent parcels. Older ones: --before {id}",
                id=page.next_before_id,
            )
            if page.recent_only
            else _("No parcels.")
        )
        return
    table = [
        [
            r.waybill,
            r.carrier,
            status_text(r.status),
            r.pickup_code or "-",
            r.location or "-",
            r.masked_phone or "-",
            f"{r.business_day}{flag(r.problem_kind)}",
        ]
        for r in page.rows
    ]
    for line in table_lines(table):
        click.echo(line)
    if page.recent_only:  # older parcels may match too: said as the page with none says it
        click.echo(
            _(
                "Only the shelves and recent parcels were read. Older ones: --before {id}",
                id=page.next_before_id,
            )
        )
    elif page.next_before_id is not None:
        click.echo(_("More: --before {id}", id=page.next_before_id))
