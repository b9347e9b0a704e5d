"""The run sheet: the runner's list of stops, on a receipt printer (80 mm ESC/POS) or as a PDF.

Printed through the print queue like a return manifest (printing/render.py draws it), or written to a
PDF file directly. Its barcode is the run number (DR000012), so the return desk can scan the run.
"""

from __future__ import annotations

from typing import Any

from db.models import DeliveryStatus
from station_console.errors import Refused
from station_console.i18n import N_, get_language
from station_console.services.core.paper_numbers import run_number
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.delivery.runs import RunView, view
from station_console.services.printing.jobs import queue_run_sheet
from station_console.services.printing.printers import check_printable
from station_console.services.printing.render import run_sheet_document

ON_SHEET = (
    DeliveryStatus.PLANNED,
    DeliveryStatus.OUT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.FAILED,
    DeliveryStatus.UNDONE,  # it went out with the runner on this sheet
)
GOING = (DeliveryStatus.PLANNED, DeliveryStatus.OUT)


def payload(run: RunView) -> dict[str, Any]:
    """What the sheet shows, without names (read from the directory when it is printed)."""
    stops = [s for s in run.stops if s.status in ON_SHEET]
    if not stops:
        raise Refused(
            N_("Delivery run {run} has no parcels to print."), code="run_empty", run=run_number(run.id or 0)
        )
    return {
        "run_id": run.id,
        "runner": run.runner,
        "stops": [
            {
                "n": s.stop,
                "code": s.pickup_code,
                "shelf": s.shelf_location,
                "building": s.building,
                "floor": s.floor,
                "address": s.address,
                "recipient_id": s.recipient_id,
                "phone": s.masked_phone,
                # Recalled after the plan: the sheet says so, as the scan-out or delivery would refuse it.
                **({"recalled": True} if s.recalled and s.status in GOING else {}),
            }
            for s in stops
        ],
    }


def print_sheet(station: Station, run_id: int, counter_settings: Any, *, printer: str | None = None) -> int:
    """Queue the run sheet on this counter's receipt or PDF printer; returns the job id."""
    require(station, "door_delivery")
    data = payload(view(station, run_id))  # a wrong run is said before any printer
    check_printable(counter_settings, "manifest", printer=printer, document="run_sheet")
    return station.run(lambda session: queue_run_sheet(session, station, data, printer=printer).id or 0)


def sheet_pdf(station: Station, run_id: int, *, lang: str | None = None) -> bytes:
    """The run sheet as an A4 PDF."""
    # fpdf2 loads in about 0.2 s: only for a PDF, never on the console's start-up path.
    from hardware.printers.pdf import render_document

    require(station, "door_delivery")
    data = payload(view(station, run_id))
    data["at"] = station.now().isoformat()
    return render_document(run_sheet_document(station, data, lang or get_language()))
