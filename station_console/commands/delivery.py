"""`station delivery ...`: door delivery (送货上门) requests and runs, headless."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import click

from station_console.cli_help import argument, group, option
from station_console.commands._file_paths import WRITTEN_FILE
from station_console.commands._paper_ids import RUN_ID
from station_console.commands._support import CliApp, emit_json, pass_app
from station_console.commands.shelves import attempt
from station_console.i18n import _, _n, label_of
from station_console.private_files import write_atomic
from station_console.text_columns import table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

REASONS = click.Choice(["not_home", "refused", "wrong_address", "no_access", "other"])


def register(cli: click.Group) -> None:
    cli.add_command(delivery_group)


@group("delivery")
def delivery_group() -> None:
    """Door delivery: requests, runs in walking order, run sheets, scanning out and back."""


def stop_lines(stops: list[Any]) -> list[str]:
    """Stops as a table sized from them: a long name or address widens its column, not its row."""
    from station_console.services.delivery.runs import stop_status_label

    return table_lines(
        [
            [
                str(stop.stop or "-"),
                stop.pickup_code,
                stop.shelf_location,
                stop.address or "-",
                f"{stop.floor}F" if stop.floor is not None else "-",
                stop.name,
                stop.masked_phone or "-",
                stop.waybill,
                stop_status_label(stop),
            ]
            for stop in stops
        ],
        right={0},
    )


def _echo_stop(stop: Any, as_json: bool) -> None:
    if as_json:
        emit_json(stop.to_json())
    else:
        click.echo(stop_lines([stop])[0])


def _echo_run(run: Any, as_json: bool) -> None:
    from station_console.services.core.batch_states import BATCH_STATE_LABELS

    if as_json:
        emit_json(run.to_json())
        return
    click.echo(
        _n(
            "Run {number}  {status}  runner {runner}  {count} parcel",
            "Run {number}  {status}  runner {runner}  {count} parcels",
            len(run.stops),
            number=run.number,
            status=label_of(BATCH_STATE_LABELS, run.status),
            runner=run.runner,
            count=len(run.stops),
        )
    )
    for line in stop_lines(run.stops):
        click.echo("  " + line)


@delivery_group.command("request")
@argument("ref")
@option("--by-phone", is_flag=True, help="The recipient asked by phone (default: at the counter).")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def request_command(app: CliApp, ref: str, by_phone: bool, as_json: bool) -> None:
    """The recipient wants this parcel (waybill or code) at their door."""
    from station_console.services.delivery import requests

    source = "phone" if by_phone else "counter"
    _echo_stop(attempt(lambda: requests.request(app.station, ref, source=source), as_json=as_json), as_json)


@delivery_group.command("cancel")
@argument("ref")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def cancel_command(app: CliApp, ref: str, as_json: bool) -> None:
    """Withdraw a door delivery not yet out with a runner."""
    from station_console.services.delivery import requests

    _echo_stop(attempt(lambda: requests.cancel(app.station, ref), as_json=as_json), as_json)


@delivery_group.command("waiting")
@option("--building", help="Only this building.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def waiting_command(app: CliApp, building: str | None, as_json: bool) -> None:
    """Parcels waiting for a run, in walking order."""
    from station_console.services.delivery import requests

    stops = attempt(lambda: requests.waiting(app.station, building=building), as_json=as_json)
    if as_json:
        emit_json([s.to_json() for s in stops])
        return
    for line in stop_lines(stops):
        click.echo(line)
    if not stops:
        click.echo(_("No parcel is waiting for a door delivery."))


@delivery_group.command("plan")
@option("--runner", required=True, help="Who carries the parcels.")
@option("--building", help="Only this building.")
@option("--limit", type=click.IntRange(1, 500), help="At most this many parcels.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def plan_command(app: CliApp, runner: str, building: str | None, limit: int | None, as_json: bool) -> None:
    """Plan a run with the waiting parcels, in walking order (building, floor, room)."""
    from station_console.services.delivery import runs

    run = attempt(lambda: runs.plan(app.station, runner, building=building, limit=limit), as_json=as_json)
    _echo_run(run, as_json)


@delivery_group.command("runs")
@option("--open", "open_only", is_flag=True, help="Only runs not closed yet.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def runs_command(app: CliApp, open_only: bool, as_json: bool) -> None:
    """Delivery runs, newest first."""
    from station_console.services.core.batch_states import BATCH_STATE_LABELS
    from station_console.services.delivery import runs

    found = attempt(lambda: runs.list_runs(app.station, open_only=open_only), as_json=as_json)
    if as_json:
        emit_json([r.to_json() for r in found])
        return
    for run in found:
        click.echo(
            _n(
                "{number}  {status}  {runner}  {count} parcel: {delivered} delivered, {failed} failed, {out} out",
                "{number}  {status}  {runner}  {count} parcels: {delivered} delivered, {failed} failed, {out} out",
                len(run.stops),
                number=run.number,
                status=label_of(BATCH_STATE_LABELS, run.status),
                runner=run.runner,
                count=len(run.stops),
                delivered=run.count("delivered"),
                failed=run.count("failed"),
                out=run.count("out"),
            )
        )
    if not found:
        click.echo(_("No delivery runs."))


@delivery_group.command("show")
@argument("run_id", type=RUN_ID)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def show_command(app: CliApp, run_id: int, as_json: bool) -> None:
    """One run and its stops."""
    from station_console.services.delivery import runs

    _echo_run(attempt(lambda: runs.view(app.station, run_id), as_json=as_json), as_json)


@delivery_group.command("sheet")
@argument("run_id", type=RUN_ID)
@option("--pdf", "pdf", type=WRITTEN_FILE, help="Write an A4 PDF here.")
@option("--printer", help="This counter's printer to use (default: one that takes manifests).")
@pass_app
def sheet_command(app: CliApp, run_id: int, pdf: Path | None, printer: str | None) -> None:
    """Print the run sheet (receipt printer or PDF printer), or write it as a PDF file."""
    from station_console.services.delivery import sheet

    if pdf is not None:
        write_atomic(pdf, attempt(lambda: sheet.sheet_pdf(app.station, run_id)))  # 0600, whole or nothing
        click.echo(_("Wrote {path}", path=str(pdf)), err=True)
        return
    job = attempt(lambda: sheet.print_sheet(app.station, run_id, app.counter_settings, printer=printer))
    click.echo(_("Run sheet queued (job {job}).", job=job))


@delivery_group.command("out")
@argument("run_id", type=RUN_ID)
@argument("refs", nargs=-1, required=True)
@option("--pay", type=click.Choice(["cash", "qr", "account"]), help="A storage fee due was paid this way.")
@option("--waive", metavar="REASON", help="A manager waives a storage fee due, for this reason.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def out_command(
    app: CliApp, run_id: int, refs: tuple[str, ...], pay: str | None, waive: str | None, as_json: bool
) -> None:
    """Scan parcels (waybills or pickup codes) out to the runner (each one its own step: a refusal stops
    at that parcel). A storage fee due is settled here, before the parcel leaves (--pay or --waive);
    storage ends at the scan-out."""
    from station_console.services.delivery import runs
    from station_console.services.fees.ledger import WAIVE, Settlement

    fee = Settlement(WAIVE, reason=waive) if waive else Settlement(pay) if pay else None
    done = [
        attempt(partial(runs.scan_out, app.station, run_id, ref, fee=fee), as_json=as_json) for ref in refs
    ]
    if as_json:
        emit_json([s.to_json() for s in done])
        return
    for line in stop_lines(done):
        click.echo(line)


@delivery_group.command("delivered")
@argument("run_id", type=RUN_ID)
@argument("ref", metavar="CODE_OR_WAYBILL")
@option("--to", "received_by", required=True, help="Who received it (a name, or 'self').")
@option("--signature", help="The name signed, if any.")
@option("--photo", help="The photo's file reference, if one was taken.")
@option(
    "--override-recall",
    "recall_reason",
    metavar="REASON",
    help="A manager records a recalled parcel delivered (handed over before the recall was heard of).",
)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def delivered_command(
    app: CliApp,
    run_id: int,
    ref: str,
    received_by: str,
    signature: str | None,
    photo: str | None,
    recall_reason: str | None,
    as_json: bool,
) -> None:
    """Scan a parcel back as delivered: it leaves the books like a pickup (method door). A recalled
    parcel is refused: only a manager's --override-recall records it delivered."""
    from station_console.services.delivery import scan_back

    stop = attempt(
        lambda: scan_back.deliver(
            app.station,
            run_id,
            ref,
            received_by=received_by,
            signature_name=signature,
            photo_ref=photo,
            recall_reason=recall_reason,
        ),
        as_json=as_json,
    )
    _echo_stop(stop, as_json)


@delivery_group.command("failed")
@argument("run_id", type=RUN_ID)
@argument("ref", metavar="CODE_OR_WAYBILL")
@option("--reason", type=REASONS, required=True, help="Why it was not delivered.")
@option("--note", help="A short note (at most 200 characters).")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def failed_command(app: CliApp, run_id: int, ref: str, reason: str, note: str | None, as_json: bool) -> None:
    """Scan a parcel back undelivered: on its shelf again (same slot and code); the recipient is told."""
    from station_console.services.delivery import scan_back

    stop = attempt(
        lambda: scan_back.fail(app.station, run_id, ref, reason=reason, note=note), as_json=as_json
    )
    _echo_stop(stop, as_json)


@delivery_group.command("close")
@argument("run_id", type=RUN_ID)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def close_command(app: CliApp, run_id: int, as_json: bool) -> None:
    """Close a run whose parcels are all back; parcels never taken out wait for the next run."""
    from station_console.services.delivery import runs

    run = attempt(lambda: runs.close(app.station, run_id), as_json=as_json)
    _echo_run(run, as_json)
    if (said := run.closing_said()) and not as_json:
        click.echo(said)
