"""A storage fee receipt as it comes out of the printer: an ESC/POS roll (the Dummy printer's bytes, drawn
by the test-side roll renderer) and a PDF page (rendered by PDFium); its number's barcode decodes with
zxing-cpp on both, and the Chinese receipt prints its words in the roll's GB font."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import label_sim
import pytest
from pdf_pages import read_codes, render_page

from hardware.printers import DummyTransport, make_printer
from station_console.services.core.station import Station
from station_console.services.printing.render import render_job

DPI = 203


def paid(station: Station) -> Any:
    """A receipt job as `fees/receipts.py` queued it (its snapshot), not yet sent: one queued before
    pickup codes were left out, its parcel's `code` still in it."""
    from db.models import JobStatus, PrintJob

    return PrintJob(
        kind="receipt",
        counter="counter-1",
        status=JobStatus.QUEUED,
        created_at=station.now(),
        payload={
            "flow": "fees",
            "paper": "fee_receipt",
            "number": "FR000042",
            "entries": [42],
            "at": station.now().isoformat(),
            "counter": "counter-1",
            "clerk": "ann",
            "method": "cash",
            "currency": "CNY",
            "total_cents": 800,
            "parcels": [
                {
                    "code": "3-0-6001",
                    "carrier_code": "ZTO",
                    "carrier_names": {"en": "ZTO Express", "zh": "中通快递"},
                    "waybill_tail": "3361",
                    "amount_cents": 800,
                    "days_stored": 11,
                    "chargeable_days": 8,
                    "free_days": 3,
                    "per_day_cents": 100,
                    "cap_cents": 1000,
                }
            ],
        },
    )


def printer(language: str, paper_mm: int = 58) -> Any:
    DummyTransport.forget_all()
    config = {"language": language, "transport": "dummy", "target": "fees", "paper_mm": paper_mm}
    return make_printer(config, name="default")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("paper_mm", [58, 80])
def test_the_roll_receipt_carries_its_number_as_a_code_that_scans(
    station: Station, lang: str, paper_mm: int
) -> None:
    roll = printer("escpos", paper_mm)
    data = render_job(station, paid(station), roll, lang)
    sheet = label_sim.escpos(data, roll.media.roll_dots)
    assert [c.data for c in sheet.codes] == ["FR000042"]
    found = read_codes(sheet.image())
    assert [c.text for c in found] == ["FR000042"]
    said: tuple[str, ...]
    if lang == "zh":
        said = ("超期保管费收据", "付款方式：现金", "合计：8.00 元", "中通快递", "****3361", "FR000042")
    else:
        said = ("Storage fee", "Paid by cash", "Total: 8.00 CNY", "11 days on the shelf", "****3361")
    for words in said:
        assert words.encode("gb18030") in data, words
    assert b"3-0-6001" not in data  # the pickup code it stored: never printed


def refunded(station: Station) -> Any:
    """A refund slip for part of a receipt paid before (and settled before that)."""
    job = paid(station)
    item = {k: v for k, v in job.payload["parcels"][0].items() if k not in ("code", "days_stored")}
    job.payload = {
        **job.payload,
        "paper": "fee_refund",
        "number": "FF000050",
        "entries": [50],
        "refund_of": ["FR000042"],
        "parcels": [{**item, "amount_cents": 300}],
        "total_cents": 300,
    }
    return job


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_roll_refund_slip_names_the_receipt_it_reverses(station: Station, lang: str) -> None:
    roll = printer("escpos", 58)
    data = render_job(station, refunded(station), roll, lang)
    sheet = label_sim.escpos(data, roll.media.roll_dots)
    assert [c.text for c in read_codes(sheet.image())] == ["FF000050"]
    said = "退还收据 FR000042 的费用" if lang == "zh" else "Refund of receipt FR000042"
    assert said.encode("gb18030") in data


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pdf_receipt_renders_and_scans(station: Station, lang: str, tmp_path: Path) -> None:
    page = render_page(render_job(station, paid(station), printer("pdf"), lang), DPI)
    assert [c.text for c in read_codes(page)] == ["FR000042"]
    keep = os.environ.get("FEE_RECEIPT_PNG")  # a folder to look at the page in
    if keep:
        page.save(Path(keep) / f"fee_receipt_{lang}.png")
        slip = render_page(render_job(station, refunded(station), printer("pdf"), lang), DPI)
        slip.save(Path(keep) / f"fee_refund_{lang}.png")
