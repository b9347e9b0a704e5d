"""Paper names a carrier as the screens do, in the paper's language (中通快递 / ZTO Express), for the
customer and the courier who read it: the pickup receipt, the return manifest and the courier handover
receipt; its code where it has no name. The parcel sticker keeps the short name (tested with labels)."""

from __future__ import annotations

from typing import Any

import pytest
from pickup_helpers import receive
from sqlmodel import Session, select

from db.models import Carrier, Parcel, ReturnBatch
from hardware.printers import DummyTransport, make_printer
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.prealerts import batches
from station_console.services.printing import jobs as printing
from station_console.services.printing import render, sending
from station_console.services.printing.courier_receipt import handover_document, handover_payload

NAMES = {"en": "ZTO Express", "zh": "中通快递"}


def _rename(station: Station, **names: str) -> None:
    def work(session: Session) -> None:
        carrier = session.exec(select(Carrier).where(Carrier.code == "ZTO")).one()
        for key, value in names.items():
            setattr(carrier, key, value)
        carrier.short_name = "ZT"  # no part of either name: a cell saying it is the short name
        session.add(carrier)

    station.run(work)


def _receipt_job(station: Station) -> Any:
    ids = [receive(station, n).parcel_id for n in (1, 2)]
    return station.run(lambda s: printing.queue_receipt(s, station, ids))


def _return_batch(station: Station) -> int:
    parcel_id = receive(station, 3).parcel_id

    def work(session: Session) -> int:
        carrier = session.exec(select(Carrier).where(Carrier.code == "ZTO")).one()
        batch = ReturnBatch(carrier_id=carrier.id or 0, created_at=station.now())
        session.add(batch)
        session.flush()
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None and batch.id is not None
        parcel.return_batch_id = batch.id
        return batch.id

    return station.run(work)


@pytest.mark.parametrize("paper", [58, 80])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pickup_receipt_names_the_carrier_in_its_language(
    station: Station, lang: str, paper: int
) -> None:
    _rename(station)
    set_language(lang)  # a paper prints in the language it was asked in
    job = _receipt_job(station)
    doc = render.receipt_document(station, job.payload, lang)
    assert [row[1] for row in doc.rows] == [NAMES[lang]] * 2
    DummyTransport.forget_all()
    config = {
        "language": "escpos",
        "transport": "dummy",
        "paper_mm": paper,
        "target": "r",
        "jobs": ["receipt"],
    }
    printer = make_printer(config)
    assert sending.process_queue(station, printer, lang=lang).printed == [job.id]
    out = printer.transport.sent[0]  # type: ignore[attr-defined]
    assert NAMES[lang].encode("gb18030") in out
    assert b"ZT " not in out and not out.count(b"ZT\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_return_manifest_names_the_carrier_in_its_language(station: Station, lang: str) -> None:
    _rename(station)
    batch_id = _return_batch(station)
    job = station.run(lambda s: printing.queue_manifest(s, station, batch_id))
    doc = render.manifest_document(station, job.payload, lang)
    said = {"en": "Carrier: ZTO Express", "zh": "快递公司：中通快递"}[lang]
    assert said in doc.meta, doc.meta


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_courier_handover_receipt_names_the_carrier_in_its_language(station: Station, lang: str) -> None:
    _rename(station)
    batch = batches.open_batch(station, "ZTO", "李师傅")
    batches.close_batch(station, batch.id, "李师傅", print_receipt=False)
    doc = handover_document(station, handover_payload(batches.receipt_of(station, batch.id)), lang)
    said = {"en": "Carrier: ZTO Express", "zh": "快递公司：中通快递"}[lang]
    assert said in doc.meta, doc.meta


def test_a_carrier_without_a_name_in_the_papers_language_is_named_by_its_code(station: Station) -> None:
    _rename(station, name_zh="  ")
    job = _receipt_job(station)
    assert [row[1] for row in render.receipt_document(station, job.payload, "zh").rows] == ["ZTO"] * 2
    assert [row[1] for row in render.receipt_document(station, job.payload, "en").rows] == ["ZTO Express"] * 2


def test_a_receipt_queued_before_jobs_kept_names_prints_as_it_did(station: Station) -> None:
    payload = {
        "at": station.now().isoformat(),
        "counter": "c",
        "parcels": [{"code": "1-1-1001", "carrier": "ZTO", "waybill_tail": "0001"}],
    }
    assert render.receipt_document(station, payload, "zh").rows == [["1-1-1001", "ZTO", "****0001"]]
