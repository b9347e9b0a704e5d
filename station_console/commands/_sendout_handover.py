"""`station sendout handover CARRIER`: a carrier's sends handed to its courier, scan by scan.

The leading underscore keeps `station` from registering this module at the top level;
`sendout.register` adds the command under `station sendout`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from station_console.cli_help import argument, command, option
from station_console.commands._file_paths import WRITTEN_FILE
from station_console.commands._paper_ids import HANDOVER_BATCH_ID
from station_console.commands._support import CliApp, done_but, emit_json, fail, failed_step, pass_app
from station_console.errors import StationError
from station_console.i18n import N_, _, _n, label_of
from station_console.safe_text import ring_bell

# A close refused as changed (another counter scanned into or refunded from the shared batch since this
# command's last scan): the screen's "close again" is, here, the command run again. Its scans are saved
# and its batch stays open, so the next run closes the batch as it then is.
RUN_AGAIN = N_(
    "Nothing was handed over and the scans are kept: check the batch as it is now, then run the command "
    "again to close it."
)


def register(sendout: click.Group) -> None:
    sendout.add_command(handover)
    sendout.add_command(manifest)


@command()
@argument("carrier")
@option("--courier", help="The courier's name, for the manifest.")
@option("--keep-open", is_flag=True, help="Record the scans but do not close the batch yet.")
@option(
    "--pdf",
    "pdf_path",
    type=WRITTEN_FILE,
    help="Also write the manifest here (with no printer for it: instead of the data folder).",
)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def handover(
    app: CliApp, carrier: str, courier: str | None, keep_open: bool, pdf_path: Path | None, as_json: bool
) -> None:
    """Hand a carrier's sends to its courier: each line on stdin is one scan; then the batch closes.

    The manifest prints on this counter's printer; with none for it, it is saved as a PDF (in the
    user data folder, or at --pdf) and its path said.
    """
    from station_console.services.core.paper_numbers import handover_batch_number
    from station_console.services.printing.printers import takes
    from station_console.services.sendout import handover as service

    station = app.station
    try:
        batch = service.open_batch(station, carrier)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if sys.stdin.isatty():
        click.echo(_("Scan each parcel the courier takes; Ctrl-D when done."), err=True)
    refused: list[dict[str, str]] = []
    for line in sys.stdin:
        code = line.strip()
        if not code:
            continue
        try:
            got = service.scan(station, batch, code)
        except StationError as exc:
            if exc.code == "batch_closed" and batch.batch_id is not None:
                _stop_closed_elsewhere(station, exc, batch.batch_id, refused, as_json=as_json)
            refused.append({"scan": code[:60], "error": exc.code, "message": exc.message()})
            ring_bell(sys.stderr)
            click.echo(_("{label}: {value}", label=_("WRONG"), value=exc.message()), err=True)
            continue
        batch = got.batch  # saved now: the first accepted scan saved it
        if not as_json:
            note = _("already scanned") if got.already else "OK"
            click.echo(f"{got.row.waybill}  {note}  {got.done}/{got.total}", err=True)
    # No printer here for the manifest: nothing is queued (a job no printer takes would wait for ever),
    # the PDF is saved for the courier to sign, as the console does.
    printable = takes(app.counter_settings, "manifest")
    if batch.batch_id is None:  # no scan accepted: no batch was saved, kept open or not
        fail(service.nothing_scanned(), as_json=as_json)
        return
    batch_id = batch.batch_id
    try:
        view = (
            service.batch_view(station, batch_id)
            if keep_open
            else service.close_batch(
                # The sends its scans last counted: the batch is shared, and another counter's scan or
                # refund since is refused rather than handed over unsaid.
                station,
                batch_id,
                courier_name=courier,
                print_manifest=printable,
                seen=batch.scanned_ids,
            )
        )
    except StationError as exc:
        if exc.code == "batch_changed":
            exc.advice = RUN_AGAIN
            if not as_json:
                _echo_scanned(service.batch_view(station, batch_id))  # the batch as it is now, to check
        fail(exc, as_json=as_json)
        return
    saved, failed = None, None
    if not keep_open and (pdf_path is not None or not printable):
        # The sends are handed over whatever happens to the file: a PDF not written is said as such.
        from station_console.i18n import get_language
        from station_console.services.sendout.drawing import manifest_pdf_after_close

        saved, failed = manifest_pdf_after_close(station, batch_id, get_language(), pdf_path)
    missing = view.summary.get("missing", []) if not keep_open else [r.to_json() for r in view.missing]
    if as_json:
        emit_json(
            {
                **view.to_json(),
                "missing": missing,
                "refused": refused,
                "manifest_printing": printable and not keep_open,
                "manifest_pdf": str(saved) if saved else None,
                **({"failed": failed_step(failed)} if failed is not None else {}),
            }
        )
    else:
        _say_handed(view, printable, saved, missing, refused, kept_open=keep_open)
    if failed is not None:
        label = handover_batch_number(batch_id)
        done_but(_("{label} is closed.", label=label), failed)


def _stop_closed_elsewhere(
    station: Any, refusal: StationError, batch_id: int, refused: list[Any], *, as_json: bool
) -> None:
    """The batch was closed meanwhile (the courier signed at another counter, or at this one's console):
    every scan after would be refused the same way, so the command stops with the refusal (who closed
    it, when and where), after what the batch holds, and exits 1 (the console offers the carriers
    again). Its JSON is the refusal, with the batch."""
    from station_console.services.sendout import handover as service

    view = service.batch_view(station, batch_id)  # as it was handed over
    refusal.data = {**refusal.data, "batch": view.to_json(), "refused": refused}
    if not as_json:
        _say_handed(view, True, None, view.summary.get("missing", []), refused)
    fail(refusal, as_json=as_json)


def _say_handed(
    view: Any,
    printable: bool,
    saved: Path | None,
    missing: list[Any],
    refused: list[Any],
    *,
    kept_open: bool = False,
) -> None:
    from station_console.services.core.batch_states import BATCH_STATE_LABELS
    from station_console.services.core.paper_numbers import handover_batch_number

    if kept_open:  # scanned, not handed over: the courier has taken nothing yet
        _echo_scanned(view)
    else:
        click.echo(
            _n(
                "Batch {batch} {status}: {count} parcel handed over to {carrier}",
                "Batch {batch} {status}: {count} parcels handed over to {carrier}",
                len(view.scanned),
                batch=handover_batch_number(view.batch_id),
                status=label_of(BATCH_STATE_LABELS, view.status),
                count=len(view.scanned),
                carrier=view.carrier,
            )
        )
    if saved is not None and not printable:
        click.echo(_("No printer here takes manifests; saved as {path}", path=str(saved)))
    for m in missing:
        click.echo(_("MISSING: {waybill} is still at the counter", waybill=m["waybill"]))
    if refused:
        click.echo(_n("{n} scan refused", "{n} scans refused", len(refused), n=len(refused)))


def _echo_scanned(view: Any) -> None:
    """A batch's scanned sends, one waybill a line under its number and state."""
    from station_console.services.core.batch_states import BATCH_STATE_LABELS
    from station_console.services.core.paper_numbers import handover_batch_number

    scanned = view.scanned
    click.echo(
        _n(
            "Batch {batch} {status}: {count} parcel scanned for {carrier}",
            "Batch {batch} {status}: {count} parcels scanned for {carrier}",
            len(scanned),
            batch=handover_batch_number(view.batch_id),
            status=label_of(BATCH_STATE_LABELS, view.status),
            count=len(scanned),
            carrier=view.carrier,
        )
    )
    for row in scanned:
        click.echo(f"  {row.waybill}")


def _manifest_path(batch_id: int, pdf_path: Path | None) -> Path:
    """Where the manifest's PDF goes: `--pdf`, or its batch code's file in the user data folder."""
    from station_console.services.core.paper_numbers import handover_batch_number
    from station_console.services.printing.saved_pdfs import pdf_path as saved_path

    return saved_path("manifests", handover_batch_number(batch_id), pdf_path)


def _save_manifest(station: Any, batch_id: int, path: Path) -> Path:
    from station_console.i18n import get_language
    from station_console.services.sendout.drawing import save_manifest_pdf

    return save_manifest_pdf(station, batch_id, get_language(), path)


@command("manifest")
@argument("batch", type=HANDOVER_BATCH_ID)
@option(
    "--pdf",
    "pdf_path",
    type=WRITTEN_FILE,
    help="Write it here (default: the manifests folder in the user data folder).",
)
@pass_app
def manifest(app: CliApp, batch: int, pdf_path: Path | None) -> None:
    """Save a closed handover batch's manifest as a PDF again, for the courier to sign."""
    try:
        saved = _save_manifest(app.station, batch, _manifest_path(batch, pdf_path))
    except StationError as exc:
        fail(exc)
        return
    click.echo(_("Wrote {path}", path=str(saved)))
