"""The door delivery run sheet on paper: an 80 mm ESC/POS roll and an A4 PDF, its run number scannable."""

from __future__ import annotations

import io

import label_sim
import pytest
import zxingcpp
from pdf_pages import quiet_zone_problem, read_codes, render_pdf
from pypdf import PdfReader

from db.models import Clerk, Role
from hardware.printers import make_printer
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import runs, sheet
from station_console.services.printing.render import run_sheet_document
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice


@pytest.fixture
def run_payload(station: Station) -> dict[str, object]:
    def work(session):  # type: ignore[no-untyped-def]
        row = Clerk(name="boss", role=Role.MANAGER, created_at=station.now())
        session.add(row)
        session.flush()
        return row.id

    station.clerk_id, station.clerk_role = station.run(work), Role.MANAGER
    for n, (name, building, room) in enumerate((("张三", "B10", "1203"), ("李四", "B2", "502")), start=1):
        rid = directory.add(
            station, {"name": name, "building": building, "room": room, "phones": f"1380000000{n}"}
        ).id
        consent.record(station, rid, Choice(delivery_preference="door"), channel="app")
        check_in(station, f"JT{n:013d}", recipient_id=rid)
    run = runs.plan(station, "小刘")
    data = sheet.payload(run)
    data["at"] = station.now().isoformat()
    return data


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_roll_sheet_fits_80_mm_and_its_run_number_scans(
    station: Station, run_payload: dict[str, object], lang: str
) -> None:
    printer = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": 80}, name="roll")
    blob = printer.render_document(run_sheet_document(station, run_payload, lang))
    image = label_sim.escpos(blob, printer.media.roll_dots).image()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == ["DR000001"]
    text = blob.decode("gb18030", errors="replace")
    assert text.index("502") < text.index("1203")  # B2 before B10: walking order
    assert "138****0002" in text and "13800000002" not in text


def test_the_pdf_sheet_names_each_stop_in_walking_order(
    station: Station, run_payload: dict[str, object]
) -> None:
    from hardware.printers.pdf import render_document

    blob = render_document(run_sheet_document(station, run_payload, "en"))
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(blob)).pages)
    assert text.index("李四") < text.index("张三")
    assert "[B2 floor 5]" in text and "Runner: 小刘" in text and "13800000001" not in text
    image = render_pdf(blob, 300)[-1]
    found = read_codes(image)
    assert [r.text for r in found] == ["DR000001"] and quiet_zone_problem(image, found[0]) == ""


@pytest.mark.parametrize(
    ("lang", "says"), [("en", "Parcels: 2, 1 of them recalled"), ("zh", "件数：2，其中 1 件已拦截")]
)
def test_the_sheets_count_says_how_many_stops_are_recalled(
    station: Station, run_payload: dict[str, object], lang: str, says: str
) -> None:
    """The runner signs for the count: a stop recalled after the plan stays on the sheet (marked) but is
    kept off the trolley, so the count says how many of its parcels are not to be delivered."""
    from station_helpers import recall

    from hardware.printers.pdf import render_document

    recall(station, "JT0000000000002")
    data = sheet.payload(runs.view(station, int(str(run_payload["run_id"]))))
    data["at"] = run_payload["at"]
    doc = run_sheet_document(station, data, lang)
    assert doc.footer[0].startswith(says), doc.footer
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(render_document(doc))).pages)
    assert says in text.replace("\n", "")
