"""`station returns ...`, `problem`, `problems`, `write-off`, `overdue`: the exceptions of shelf work."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from station_console.cli_help import argument, command, group, option
from station_console.commands._paper_ids import RETURN_BATCH_ID
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.commands.shelves import attempt, flag
from station_console.i18n import _, _n, label_of
from station_console.services.exceptions.problem_kinds import HAND_KINDS, KIND_LABELS
from station_console.text_columns import table_lines

if TYPE_CHECKING:
    from station_console.services.exceptions.returns import BatchView

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).


def register(cli: click.Group) -> None:
    cli.add_command(returns_group)
    cli.add_command(problem)
    cli.add_command(problems_list)
    cli.add_command(write_off)
    cli.add_command(overdue_cmd)


def _batch_line(view: BatchView) -> str:
    """A batch's one line, in `list` as in `show`: a closed one names the courier who signed, as typed."""
    from station_console.services.exceptions.return_batch_words import merged_text
    from station_console.services.exceptions.returns import STATE_LABELS

    if view.status == "merged":  # emptied by an upgrade: where its parcels went, not "0 parcels"
        merged = merged_text(view.merged_into, view.merged_into_count)
        return _(
            "Return batch {id}  {carrier}  {merged}", id=view.number, carrier=view.carrier, merged=merged
        )
    return _n(
        "Return batch {id}  {carrier}  {status}  {count} parcel",
        "Return batch {id}  {carrier}  {status}  {count} parcels",
        view.count,
        id=view.number,
        carrier=view.carrier,
        status=label_of(STATE_LABELS, view.status),
        count=view.count,
    ) + (_("  signed by {name}", name=view.signed_by_name) if view.signed_by_name else "")


def _echo_batch(view: object, as_json: bool) -> None:
    from station_console.services.exceptions.returns import BatchView

    assert isinstance(view, BatchView)
    if as_json:
        emit_json(view.to_json())
        return
    click.echo(_batch_line(view))
    for p in view.parcels:
        click.echo(
            f"  {p.waybill:<22} {p.pickup_code or '-':<12} {p.location or '-':<6}" + flag(p.problem_kind)
        )


@group("returns")
def returns_group() -> None:
    """Return parcels to a courier: open a batch, add parcels, print the manifest, close on signature."""


@returns_group.command("open")
@argument("carrier")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def returns_open(app: CliApp, carrier: str, as_json: bool) -> None:
    """Open a carrier's return batch (e.g. ZTO); the one already open is answered, not a second."""
    from station_console.services.exceptions import returns
    from station_console.services.exceptions.return_batch_words import opened_text

    view = attempt(lambda: returns.open_batch(app.station, carrier), as_json=as_json)
    if not as_json:  # found or new: its JSON says so as "opened"
        click.echo(opened_text(view.carrier_name, bool(view.opened)))
    _echo_batch(view, as_json)


@returns_group.command("add")
@argument("batch", type=RETURN_BATCH_ID)
@argument("refs", nargs=-1, required=True)
@option(
    "--recalled",
    is_flag=True,
    help="Their carrier or sender asked for them back: recorded as their problem, so ones not yet due go too.",
)
@option("--note", default="", help="With --recalled: who asked for them back (optional).")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def returns_add(
    app: CliApp, batch: int, refs: tuple[str, ...], recalled: bool, note: str, as_json: bool
) -> None:
    """Add parcels (waybills or pickup codes) to an open batch: all of them, or none."""
    from station_console.services.exceptions import return_batch_parcels, returns

    if note and not recalled:
        raise click.UsageError(_("--note goes with --recalled."))
    attempt(
        lambda: return_batch_parcels.add_many(app.station, batch, list(refs), recalled=recalled, note=note),
        as_json=as_json,
    )
    _echo_batch(returns.get(app.station, batch), as_json)


@returns_group.command("remove")
@argument("batch", type=RETURN_BATCH_ID)
@argument("ref")
@pass_app
def returns_remove(app: CliApp, batch: int, ref: str) -> None:
    """Take a parcel out of an open batch (it stays on its shelf)."""
    from station_console.services.exceptions import return_batch_parcels, returns

    attempt(lambda: return_batch_parcels.remove(app.station, batch, ref))
    _echo_batch(returns.get(app.station, batch), False)


@returns_group.command("manifest")
@argument("batch", type=RETURN_BATCH_ID)
@pass_app
def returns_manifest(app: CliApp, batch: int) -> None:
    """Queue the batch's manifest on this counter's printer."""
    from station_console.services.exceptions import returns

    job = attempt(lambda: returns.print_manifest(app.station, batch, app.counter_settings))
    click.echo(_("Manifest queued as print job {job}", job=job))


@returns_group.command("close")
@argument("batch", type=RETURN_BATCH_ID)
@option("--signed-by", required=True, help="Name of the courier who signed for the parcels.")
@option(
    "--expect",
    type=click.IntRange(min=0),
    help=(
        "How many parcels the courier signed for, as returns show listed them: if the batch now holds "
        "another number, nothing is returned and the batch is listed again."
    ),
)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def returns_close(app: CliApp, batch: int, signed_by: str, expect: int | None, as_json: bool) -> None:
    """Close the batch: its parcels are returned and leave the shelves."""
    from station_console.errors import StationError
    from station_console.services.exceptions import returns

    try:
        closed = returns.close(app.station, batch, signed_by, seen=expect)
    except StationError as exc:
        if exc.code == "batch_changed" and not as_json:
            _echo_batch(returns.get(app.station, batch), False)  # the list as it is now, to check
        fail(exc, as_json=as_json)
        return
    _echo_batch(closed, as_json)


@returns_group.command("list")
@option("--open", "only_open", is_flag=True, help="Only open batches.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def returns_list(app: CliApp, only_open: bool, as_json: bool) -> None:
    """Return batches, newest first."""
    from station_console.services.exceptions import returns

    views = returns.list_batches(app.station, status="open" if only_open else None)
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    if not views:
        click.echo(_("No return batches."))
    for v in views:
        click.echo(_batch_line(v))


@returns_group.command("show")
@argument("batch", type=RETURN_BATCH_ID)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def returns_show(app: CliApp, batch: int, as_json: bool) -> None:
    """One batch and its parcels."""
    from station_console.services.exceptions import returns

    _echo_batch(attempt(lambda: returns.get(app.station, batch), as_json=as_json), as_json)


@command("problem")
@argument("ref")
@option("--kind", type=click.Choice(HAND_KINDS), help="What is wrong.")
@option("--note", default="", help="What the clerk saw (required when marking).")
@option("--resolve", "resolve_it", is_flag=True, help="Clear the flag instead.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def problem(app: CliApp, ref: str, kind: str | None, note: str, resolve_it: bool, as_json: bool) -> None:
    """Flag a parcel as a problem (it stays on the shelf), or --resolve it."""
    from station_console.services.exceptions import problems

    if resolve_it:
        row = attempt(lambda: problems.resolve(app.station, ref, note), as_json=as_json)
    else:
        if kind is None:
            raise click.UsageError(_("Give --kind (or --resolve)"))
        row = attempt(lambda: problems.mark(app.station, ref, kind, note), as_json=as_json)
    if as_json:
        emit_json(row.to_json())
        return
    click.echo(f"{row.waybill}  {row.location or '-'}  {row.pickup_code or '-'}" + flag(row.problem_kind))


@command("problems")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def problems_list(app: CliApp, as_json: bool) -> None:
    """Problem parcels on the shelves."""
    from station_console.services.exceptions import problems

    rows = problems.list_problems(app.station)
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    if not rows:
        click.echo(_("No problem parcels."))
    table = [
        [
            r.waybill,
            r.carrier,
            r.location or "-",
            label_of(KIND_LABELS, r.problem_kind or "-"),
            r.problem_note or "",
        ]
        for r in rows
    ]
    for line in table_lines(table):
        click.echo(line)


@command("write-off")
@argument("ref")
@option("--reason", required=True, help="Why the parcel is lost or destroyed.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def write_off(app: CliApp, ref: str, reason: str, as_json: bool) -> None:
    """Write a parcel off (manager): it leaves the shelves as lost or destroyed."""
    from station_console.services.exceptions import problems

    row = attempt(lambda: problems.write_off(app.station, ref, reason), as_json=as_json)
    if as_json:
        emit_json(row.to_json())
        return
    click.echo(_("{waybill} written off.", waybill=row.waybill))


@command("overdue")
@option(
    "--band",
    type=click.Choice(["amber", "red", "return"]),
    default="amber",
    show_default=True,
    help="Show this band and worse.",
)
@option("--carrier", help="Only this carrier's (its code).")
@option("--remind", is_flag=True, help="Queue a reminder to each recipient listed.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def overdue_cmd(app: CliApp, band: str, carrier: str | None, remind: bool, as_json: bool) -> None:
    """Overdue parcels by age band, with each carrier's policy."""
    from station_console.services.core.ageing import BAND_LABELS
    from station_console.services.exceptions import overdue

    rows = overdue.overdue(app.station, min_band=band, carrier=carrier)
    sent = overdue.resend(app.station, [r.parcel.waybill for r in rows]) if remind and rows else None
    if as_json:
        emit_json(
            {
                "summary": overdue.summary(app.station),
                "parcels": [r.to_json() for r in rows],
                **({"reminded": sent.queued, "skipped": sent.skipped} if sent else {}),
            }
        )
        return
    if not rows:
        click.echo(_("No overdue parcels."))
    table = [
        [
            label_of(BAND_LABELS, r.band),
            _("{days} d {hours} h", days=r.age[0], hours=r.age[1]),
            r.parcel.waybill,
            r.parcel.carrier,
            r.parcel.location or "-",
            r.parcel.pickup_code or "-",
            (r.parcel.masked_phone or "-") + flag(r.parcel.problem_kind),
        ]
        for r in rows
    ]
    for line in table_lines(table, right={1}):
        click.echo(line)
    if sent:
        click.echo(
            _(
                "Reminders queued: {n}; skipped (no phone or email): {m}",
                n=len(sent.queued),
                m=len(sent.skipped),
            )
        )
