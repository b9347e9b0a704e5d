"""`station label`, `station print` and `station print-queue`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from station_console.cli_help import argument, command, option
from station_console.commands._paper_ids import PRINT_JOB_ID
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.errors import Refused, StationError
from station_console.i18n import N_, LaterText, _, get_language, label_of, shown
from station_console.private_files import write_atomic
from station_console.stored_messages import stored_text
from station_console.text_columns import table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

FORMATS = ("tspl", "zpl", "escpos", "png", "pdf")
TEXT_FORMATS = ("tspl", "zpl")  # safe to write to a terminal


def register(cli: click.Group) -> None:
    cli.add_command(label)
    cli.add_command(print_label)
    cli.add_command(print_queue)


@command()
@argument("ref", metavar="CODE_OR_WAYBILL")
@option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Printer language (default: this counter's printer, else tspl).",
)
@option(
    "--size",
    help="Sticker size in mm: 40x30, 50x30, 60x40, 70x50, 100x100, 100x150 (another size is scaled).",
)
@option("--dpi", type=click.Choice(["203", "300"]), help="Printer resolution.")
@option(
    "--out",
    "out",
    metavar="FILE",
    help="Where to write ('-': stdout). Default: stdout for tspl/zpl, else label-WAYBILL.EXT here.",
)
@pass_app
def label(app: CliApp, ref: str, fmt: str | None, size: str | None, dpi: str | None, out: str | None) -> None:
    """Write the label of a parcel (by pickup code or waybill) in a printer language."""
    from hardware.messages import reason_of
    from hardware.printers import make_printer
    from station_console.services.printing.render import label_data_for, label_for_printer, needs_cjk_fallback
    from station_console.services.shelves.search import find_parcel_id

    configured: dict[str, Any] = dict(app.counter_settings.printer)
    config = {
        **configured,  # the default printer's paper: gap, roll width, how it prints Chinese
        "language": fmt or configured.get("language", "tspl"),
        "transport": "dummy",
        "target": "preview",
        "size": size or configured.get("size", "40x30"),
        "dpi": dpi or configured.get("dpi", 203),  # checked by make_printer, with the reason
    }
    try:
        printer = make_printer(config, name="preview")
    except ValueError as exc:
        fail(
            Refused(
                N_("Cannot make that label: {reason}"), code="bad_label", reason=LaterText(reason_of(exc))
            )
        )
    try:
        parcel_id = find_parcel_id(app.station, ref)
        data = label_data_for(app.station, parcel_id, get_language())
    except StationError as exc:
        fail(exc)
    if needs_cjk_fallback(data.lang, printer):
        click.echo(
            _(
                "No Chinese font found: Chinese text is printed in English. A manager can choose one "
                "in Settings, Label font."
            ),
            err=True,
        )
    payload = printer.render_label(label_for_printer(data, printer, warn=False))
    if out is None and printer.language.name not in TEXT_FORMATS:
        out = f"label-{data.waybill}{printer.language.suffix}"
    if out is None or out == "-":
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    try:
        write_atomic(Path(out), payload)  # 0600: a label shows a masked phone and a pickup code
    except StationError as exc:
        fail(exc)
    click.echo(_("Label for {code} written to {path}", code=data.pickup_code, path=out), err=True)


# `--printer NAME` of a command that queues a paper again (`print`, `fees receipt`): one definition.
NAMED_PRINTER = option(
    "--printer",
    "printer_name",
    metavar="NAME",
    help="A named printer of this counter (default: its default).",
)


@command("print")
@argument("ref", metavar="CODE_OR_WAYBILL")
@NAMED_PRINTER
@option("--json", "as_json", is_flag=True, help="Print the queued job as JSON.")
@pass_app
def print_label(app: CliApp, ref: str, printer_name: str | None, as_json: bool) -> None:
    """Queue a parcel's label (a reprint: recorded in the audit trail)."""
    from station_console.services.printing.printers import printer_for
    from station_console.services.printing.queue_view import reprint
    from station_console.services.shelves.search import find_parcel_id

    try:
        parcel_id = find_parcel_id(app.station, ref)  # a wrong parcel is said before any printer
        if printer_name:
            printer_for(app.counter_settings, printer_name)  # refuse an unknown name now
        job = reprint(app.station, parcel_id, printer=printer_name)
    except StationError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        emit_json(job_json(job, _codes(app, [job.parcel_id]).get(job.parcel_id or 0)))
        return
    click.echo(_("Label queued as print job {job}", job=job.id))


HEADERS = (
    N_("Job"),
    N_("Kind"),
    N_("Status"),
    N_("Tries"),
    N_("Parcel"),
    N_("Printer"),
    N_("Queued"),
    N_("Error"),
)


@command("print-queue")
@option("--json", "as_json", is_flag=True, help="Jobs (and the pass's outcome) as JSON.")
@option("--process", is_flag=True, help="First send what is waiting, once, to each printer of this counter.")
@option("--printer", "printer_name", metavar="NAME", help="With --process: only this printer of the counter.")
@option("--all", "all_jobs", is_flag=True, help="Also printed and cancelled jobs.")
@option("--limit", default=50, show_default=True, help="How many jobs to show.")
@option(
    "--retry", "retry", type=PRINT_JOB_ID, metavar="JOB", help="Send this failed or set-aside job again now."
)
@option(
    "--cancel",
    "cancel",
    type=PRINT_JOB_ID,
    metavar="JOB",
    help="Take this job, not printed yet, off the queue.",
)
@pass_app
def print_queue(
    app: CliApp,
    as_json: bool,
    process: bool,
    printer_name: str | None,
    all_jobs: bool,
    limit: int,
    retry: int | None,
    cancel: int | None,
) -> None:
    """Show this counter's print jobs and their states."""
    from station_console.services.printing.printer_names import shown_name
    from station_console.services.printing.printers import KIND_LABELS
    from station_console.services.printing.queue_view import (
        LABEL_LABELS,
        SET_ASIDE,
        SET_ASIDE_HINT,
        cancel_job,
        list_jobs,
        retry_job,
        set_aside_jobs,
    )
    from station_console.services.printing.sending import PRINTER_STATES

    try:
        if retry is not None:
            retry_job(app.station, retry)
            if not as_json:
                click.echo(_("Print job {job} queued again", job=retry))
        if cancel is not None:
            cancel_job(app.station, cancel)
            if not as_json:
                click.echo(_("Print job {job} cancelled", job=cancel))
    except StationError as exc:
        fail(exc, as_json=as_json)
    outcome: dict[str, Any] | None = None
    passes: dict[str, dict[str, Any]] = {}
    if process:
        outcome, passes = _process(app, printer_name, as_json=as_json)
    statuses = None if all_jobs else ["queued", "sending", "failed", "interrupted"]
    jobs = list_jobs(app.station, statuses=statuses, limit=limit)
    aside = set_aside_jobs(app.station)
    codes = _codes(app, [j.parcel_id for j in jobs if j.parcel_id is not None])
    if as_json:
        emit_json(
            {
                "counter": app.station.counter,
                "processed": outcome,
                "printers": passes,
                "jobs": [job_json(j, codes.get(j.parcel_id or 0), set_aside=j.id in aside) for j in jobs],
            }
        )
        return
    for name, one in passes.items():
        line = _(
            "Printed {printed}, failed {failed}; printer {state}",
            printed=len(one["printed"]),
            failed=len(one["failed"]),
            state=_(PRINTER_STATES.get(one["printer_state"], N_("error"))),
        )
        # One printer as before; several each named, as the console's status line names them.
        # A name no printer may have (its whole name the key) is said cut and escaped, as its error says it.
        said = _("{printer}: {reason}", printer=shown_name(name), reason=line)
        click.echo(said if len(passes) > 1 else line)
        if one["error"]:
            click.echo(f"  {one['error']}")
    if not jobs:
        click.echo(_("No print jobs waiting."))
        return
    rows = [
        [
            str(j.id),
            label_of(KIND_LABELS, j.kind),
            _(SET_ASIDE) if j.id in aside else label_of(LABEL_LABELS, j.status),
            str(j.attempts),
            codes.get(j.parcel_id or 0, ""),
            j.printer or "",
            j.created_at.astimezone(app.station.zone()).strftime("%m-%d %H:%M"),
            stored_text(j.last_error),
        ]
        for j in jobs
    ]
    header = [_(h) for h in HEADERS]
    for line in table_lines([header, *rows]):
        click.echo(line)
    shown_aside = sorted(j.id for j in jobs if j.id in aside)
    if shown_aside:
        click.echo("")
        click.echo(_(SET_ASIDE_HINT))
        for job_id in shown_aside:
            click.echo(
                _(
                    "Job {job}: station print-queue --retry {job}, or --cancel {job}",
                    job=job_id,
                )
            )


def _process(
    app: CliApp, printer_name: str | None, *, as_json: bool
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """One pass per printer of the counter (its default first), as the console's print worker makes:
    a counter's label and receipt printers each take their own jobs. The outcome of all of them, and
    each printer's."""
    # The send-out flow draws its own jobs; loading it registers that renderer with the queue.
    import station_console.services.sendout.drawing  # noqa: F401
    from station_console.services.printing.printer_faults import printer_of, set_up_wrong
    from station_console.services.printing.printers import counter_printers, printer_for, unassigned_kinds
    from station_console.services.printing.sending import QueueResult, process_queue

    merged = QueueResult()
    passes: dict[str, dict[str, Any]] = {}
    try:
        built = counter_printers(app.counter_settings)
        if not built.printers and not printer_name:
            if built.faults:
                raise set_up_wrong(built.faults)  # none set up right, each named: nothing to send to
            printer_for(app.counter_settings)  # none configured: refused with the reason
        counter = built.printers
        takes = unassigned_kinds(counter)  # the whole counter's: one printer alone takes only its own
        printers = [printer_for(app.counter_settings, printer_name)] if printer_name else counter
        for printer in printers:
            result = process_queue(app.station, printer, unassigned=takes.get(printer.name))
            passes[printer.name] = _outcome(result)
            merged.printed += result.printed
            merged.failed += result.failed
            merged.interrupted += result.interrupted
            merged.set_aside += result.set_aside
            if merged.error_code is None and result.error_code is not None:
                merged.error, merged.error_code = result.error, result.error_code
        if not printer_name:  # one set up wrong stops only itself: said after the others' passes
            for fault in built.faults:  # by its whole name: two alike in their first 40 characters are two
                passes[printer_of(fault)] = _set_up_wrong(fault)
    except StationError as exc:
        fail(exc, as_json=as_json)
    return _outcome(merged), passes


def _set_up_wrong(fault: StationError) -> dict[str, Any]:
    """The pass a printer set up wrong did not have: nothing sent, what is wrong and where to fix it."""
    return {
        "printed": [],
        "failed": [],
        "interrupted": [],
        "set_aside": [],
        "printer_state": "set_up_wrong",
        "error": fault.message(),
    }


def _outcome(result: Any) -> dict[str, Any]:
    return {
        "printed": result.printed,
        "failed": result.failed,
        "interrupted": result.interrupted,
        "set_aside": result.set_aside,  # refused while the printer printed the jobs after them
        "printer_state": result.printer_state,
        "error": shown(result.error) if result.error else None,
    }


def job_json(job: Any, code: str | None = None, *, set_aside: bool = False) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "set_aside": set_aside,  # failed, and the printer printed the jobs after it: the clerk's to see to
        "attempts": job.attempts,
        "parcel_id": job.parcel_id,
        "pickup_code": code,
        "printer": job.printer,
        "counter": job.counter,
        "last_error": stored_text(job.last_error) or None,  # in the CLI's language, as refusals are
        "created_at": job.created_at,
        "printed_at": job.printed_at,
    }


def _codes(app: CliApp, parcel_ids: list[int | None]) -> dict[int, str]:
    from station_console.services.printing.queue_view import pickup_codes

    return pickup_codes(app.station, parcel_ids)
