"""`station prealert ...` (import, list, imports, missing, watch) and `station handover ...` (courier
batches: open, show, list, close, receipt). Phones are shown masked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from station_console.cli_help import argument, group, option
from station_console.commands._file_paths import FILE, WRITTEN_FILE
from station_console.commands._paper_ids import COURIER_BATCH_ID
from station_console.commands._support import (
    PARTLY_DONE,
    CliApp,
    done_but,
    emit_json,
    failed_step,
    pass_app,
    repeat,
    say_done_but,
)
from station_console.commands._typed_values import ROW_ID
from station_console.commands.shelves import attempt
from station_console.i18n import _, label_of
from station_console.logs import setup_logging
from station_console.text_columns import pad

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

STATES = click.Choice(["expected", "received", "not_received"])


def register(cli: click.Group) -> None:
    cli.add_command(prealert)
    cli.add_command(handover)


@group()
def prealert() -> None:
    """Pre-alerts: parcels a carrier or platform says are coming, with their phones."""


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, heading = pair.partition("=")
        if not sep or not field.strip() or not heading.strip():
            raise click.BadParameter(_("give FIELD=HEADING, e.g. waybill=运单编码"), param_hint="--map")
        mapping[field.strip()] = heading.strip()
    return mapping


def _echo_report(station: Any, report: Any) -> None:
    from station_console.i18n import get_language
    from station_console.services.prealerts.watch import loaded_before_line, report_lines

    before = loaded_before_line(station, report, get_language())
    if before:  # said once, above the rows' own lines (each row a duplicate, most likely)
        click.echo(before)
    lines = report_lines(report, get_language(), most=200)
    click.echo(lines[0] + (_(" (import {id})", id=report.import_id) if report.import_id else ""))
    for line in lines[1:]:
        click.echo("  " + line)


@prealert.command("import")
@argument("file", type=FILE)
@option("--source", default="", help="A source's layout from the settings (prealert_sources).")
@option("--carrier", help="Carrier code of rows that name none (e.g. ZTO).")
@option("--map", "pairs", multiple=True, metavar="FIELD=HEADING", help="Read FIELD from this column.")
@option("--strict", is_flag=True, help="Load nothing when any row is refused.")
@option("--dry-run", is_flag=True, help="Check the file and report; load nothing.")
@option("--json", "as_json", is_flag=True, help="The report as JSON.")
@pass_app
def prealert_import(
    app: CliApp,
    file: Path,
    source: str,
    carrier: str | None,
    pairs: tuple[str, ...],
    strict: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Load a CSV or JSON pre-alert file; common headings (运单号/waybill, 快递公司/carrier, 手机/phone,
    姓名/name) need no mapping. Bad rows are reported with their line numbers."""
    from station_console.services.prealerts.importer import import_file

    mapping = _mapping(pairs)
    report = attempt(
        lambda: import_file(
            app.station, file, source=source, carrier=carrier, mapping=mapping, strict=strict, dry_run=dry_run
        ),
        as_json=as_json,
    )
    if as_json:
        emit_json(report.to_json())
    else:
        _echo_report(app.station, report)
        click.echo(f"{report.seconds:.2f} s")
    if strict and report.refused:
        raise SystemExit(1)


@prealert.command("list")
@option("--state", type=STATES, help="Only pre-alerts in this state.")
@option("--carrier", help="Only this carrier's.")
@option("--import", "import_id", type=ROW_ID, help="Only this import's.")
@option(
    "--limit",
    type=click.IntRange(1, 1_000_000),
    default=200,
    show_default=True,
    help="How many pre-alerts to show, newest first.",
)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def prealert_list(
    app: CliApp, state: str | None, carrier: str | None, import_id: int | None, limit: int, as_json: bool
) -> None:
    """Pre-alerted parcels, newest first (phones masked)."""
    from station_console.services.prealerts.listing import list_prealerts

    rows = list_prealerts(app.station, state=state, carrier=carrier, import_id=import_id, limit=limit)
    if as_json:
        emit_json({"prealerts": [r.to_json() for r in rows]})
        return
    _echo_prealerts(rows)


def _echo_prealerts(rows: list[Any]) -> None:
    from station_console.services.prealerts.listing import STATE_LABELS

    for r in rows:
        click.echo(
            f"{r.waybill:<22} {r.carrier:<8} {r.masked_phone or '-':<20} {pad(label_of(STATE_LABELS, r.state), 10)} "
            f"{_('import {id} line {line}', id=r.import_id, line=r.line)}"
        )
    if not rows:
        click.echo(_("No pre-alerts."))


@prealert.command("missing")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def prealert_missing(app: CliApp, as_json: bool) -> None:
    """Problem parcels "not received": missing when their courier's batch closed, not arrived since."""
    from station_console.services.core.paper_numbers import courier_batch_number
    from station_console.services.prealerts.listing import not_received

    rows = not_received(app.station)
    if as_json:
        emit_json({"not_received": [r.to_json() for r in rows]})
        return
    for r in rows:
        click.echo(
            f"{r.waybill:<22} {r.carrier:<8} {r.masked_phone or '-':<20} "
            f"{_('batch {batch}', batch=courier_batch_number(r.batch_id) if r.batch_id else '-')} {r.courier or ''}"
        )
    if not rows:
        click.echo(_("Every pre-alerted parcel of a closed batch has arrived."))


@prealert.command("imports")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def prealert_imports(app: CliApp, as_json: bool) -> None:
    """The pre-alert files loaded, newest first."""
    from station_console.i18n import get_language
    from station_console.services.prealerts.listing import list_imports
    from station_console.services.prealerts.watch import outcome_text

    rows = list_imports(app.station)
    if as_json:
        emit_json({"imports": [r.to_json() for r in rows]})
        return
    if not rows:
        click.echo(_("No pre-alert files loaded."))
        return
    zone = app.station.zone()
    for r in rows:
        click.echo(
            f"{r.id:>5}  {r.imported_at.astimezone(zone):%Y-%m-%d %H:%M}  {pad(r.clerk or '-', 12)} "
            f"{r.source or '-':<10} {r.file_name}  "
            + _(
                "{loaded} loaded, {outcome}; {matched} arrived so far",
                loaded=r.loaded,
                outcome=outcome_text(r.bad, r.duplicates, r.on_shelf, get_language()),
                matched=r.matched,
            )
        )


@prealert.command("watch")
@argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@option("--source", default="", help="A source's layout from the settings.")
@option("--carrier", help="Carrier code of rows that name none.")
@option("--once", is_flag=True, help="One pass over the folder, then exit.")
@option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
@option("--json", "as_json", is_flag=True, help="Each pass's outcome as JSON.")
@pass_app
def prealert_watch(
    app: CliApp, folder: Path, source: str, carrier: str | None, once: bool, interval: float, as_json: bool
) -> None:
    """Import every pre-alert file that lands in FOLDER; each moves to imported/ or failed/ with a report."""
    from station_console.services.prealerts.watch import import_folder

    setup_logging()

    def one_pass() -> None:
        result = import_folder(app.station, folder, source=source, carrier=carrier, settle_s=0 if once else 2)
        if as_json:
            emit_json(
                {
                    "imported": [r.to_json() for r in result.imported],
                    "failed": [{"file": f, "reason": why} for f, why in result.failed],
                    "loaded_before": [
                        {"file": b.file, "import_id": b.earlier.import_id} for b in result.loaded_before
                    ],
                    "steps_failed": [{"file": s.file, **failed_step(s.step)} for s in result.steps_failed],
                }
            )
        else:
            for report in result.imported:
                _echo_report(app.station, report)
            stayed = {failed.file for failed in result.steps_failed}  # said below, with why it stayed
            for before in result.loaded_before:
                if before.file not in stayed:
                    click.echo(before.line())
            for name, why in result.failed:
                click.echo(_("{file}: not imported: {reason}", file=name, reason=why), err=True)
        # Said as `done_but` says it, in JSON too (on stderr); a running watch goes on to its next pass.
        for failed in result.steps_failed:
            say_done_but(failed.done_line(), failed.step)
        if once and result.steps_failed:
            sys.exit(PARTLY_DONE)

    repeat(app, one_pass, once=once, interval=interval, as_json=as_json)


# -- courier handover batches ------------------------------------------------------------------------


@group()
def handover() -> None:
    """Courier batches at check-in: expected / received / missing / extra, and the signed receipt."""


def _echo_batch(view: Any, as_json: bool, *, full: bool = True) -> None:
    if as_json:
        emit_json(view.to_json())
        return
    counts = view.counts()
    words = dict(
        label=view.label,
        carrier=view.carrier,
        courier=view.courier_name or "-",
        status=_("open") if view.status == "open" else _("handed over"),
    )
    if not counts["expected"]:  # nothing to be missing or extra against: what came, and what was damaged
        line = _(
            "{label}  {carrier}  {courier}  {status}: received {received}, nothing pre-alerted, damaged {damaged}",
            **words,
            received=counts["received"] + counts["extra"],
            damaged=counts["damaged"],
        )
    else:
        line = _(
            "{label}  {carrier}  {courier}  {status}: expected {expected}, received {received}, "
            "missing {missing}, extra {extra}, damaged {damaged}",
            **words,
            **counts,
        )
    click.echo(line)
    for said in view.other_carrier_said():  # not this carrier's: apart, never in its counts
        click.echo(f"  {said}")
    if not full:
        return
    for title, waybills in ((_("missing"), view.missing), (_("extra"), view.extra)):
        for waybill in waybills:
            click.echo(f"  {waybill:<22} {title}")
    for waybill, code in view.other_carrier:
        click.echo(
            f"  {waybill:<22} " + _("{carrier}: another carrier's", carrier=view.other_carrier_name(code))
        )
    for waybill, note in view.damaged:
        click.echo(f"  {waybill:<22} {_('damaged')} {note}")


@handover.command("open")
@argument("carrier")
@option("--courier", help="The courier's name (can also be given at the close).")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def handover_open(app: CliApp, carrier: str, courier: str | None, as_json: bool) -> None:
    """Open a batch for a courier of CARRIER; check parcels in with `station checkin --handover ID`."""
    from station_console.services.prealerts import batches

    _echo_batch(attempt(lambda: batches.open_batch(app.station, carrier, courier), as_json=as_json), as_json)


@handover.command("show")
@argument("batch", type=COURIER_BATCH_ID)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def handover_show(app: CliApp, batch: int, as_json: bool) -> None:
    """A batch's counts and its missing, extra and damaged waybills."""
    from station_console.services.prealerts import batches

    _echo_batch(attempt(lambda: batches.get(app.station, batch), as_json=as_json), as_json)


@handover.command("list")
@option("--all", "everything", is_flag=True, help="Closed batches too.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def handover_list(app: CliApp, everything: bool, as_json: bool) -> None:
    """Open batches (every courier being received now), newest first."""
    from station_console.services.prealerts import batches

    views = batches.list_batches(app.station, status=None if everything else "open")
    if as_json:
        emit_json({"batches": [v.to_json() for v in views]})
        return
    for view in views:
        _echo_batch(view, False, full=False)
    if not views:
        click.echo(_("No courier batch is open."))


@handover.command("close")
@argument("batch", type=COURIER_BATCH_ID)
@option("--courier", help="The courier's name (required unless given at the opening).")
@option("--no-print", is_flag=True, help="Do not queue the receipt on this counter's printer.")
@option(
    "--pdf",
    type=WRITTEN_FILE,
    help="Also write the receipt as PDF here (with no printer for it: instead of the data folder).",
)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def handover_close(
    app: CliApp, batch: int, courier: str | None, no_print: bool, pdf: Path | None, as_json: bool
) -> None:
    """Close the batch: missing parcels become "not received" problems; the receipt is queued to print.

    With no printer here for the receipt, it is saved as a PDF (in the user data folder, or at --pdf)
    and its path said, as the console does; --no-print neither queues nor saves it (unless --pdf).
    """
    from station_console.i18n import get_language
    from station_console.services.prealerts import batches
    from station_console.services.printing.courier_receipt import JOB_KIND
    from station_console.services.printing.printers import takes

    # No printer here for the receipt: nothing is queued (close_batch would refuse it), the PDF is saved
    # for the courier to sign instead.
    printable = not no_print and takes(app.counter_settings, JOB_KIND)
    view = attempt(
        lambda: batches.close_batch(
            app.station, batch, courier, counter_settings=app.counter_settings, print_receipt=printable
        ),
        as_json=as_json,
    )
    saved, failed = None, None
    if pdf is not None or not (printable or no_print):
        # The batch is closed whatever happens to the file: a PDF not written is said as such, below.
        saved, failed = batches.receipt_pdf_after_close(app.station, batch, get_language(), pdf)
    if as_json:
        receipt: dict[str, Any] = {
            "receipt_printing": printable,
            "receipt_pdf": str(saved) if saved else None,
        }
        if failed is not None:
            receipt["failed"] = failed_step(failed)
        emit_json({**view.to_json(), **receipt})
    else:
        _echo_batch(view, as_json)
        if view.courier_at_open:
            click.echo(view.courier_said())
        if saved is not None and (printable or no_print):
            click.echo(_("Receipt written to {path}", path=str(saved)))
        elif saved is not None:
            click.echo(_("No printer here takes receipts; saved as {path}", path=str(saved)))
    if failed is not None:
        done_but(_("{label} is closed.", label=view.label), failed)


@handover.command("receipt")
@argument("batch", type=COURIER_BATCH_ID)
@option("--pdf", type=WRITTEN_FILE, help="Write the receipt as PDF here.")
@pass_app
def handover_receipt(app: CliApp, batch: int, pdf: Path | None) -> None:
    """Print a closed batch's receipt again (or write it as PDF with --pdf)."""
    from station_console.i18n import get_language
    from station_console.services.prealerts import batches

    if pdf is not None:
        saved = attempt(lambda: batches.save_receipt_pdf(app.station, batch, get_language(), pdf))
        click.echo(_("Receipt written to {path}", path=str(saved)))
        return
    job = attempt(lambda: batches.reprint_receipt(app.station, batch, app.counter_settings))
    click.echo(_("Receipt queued (job {job}).", job=job))
