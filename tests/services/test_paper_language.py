"""A paper prints in the language it was asked for in: `station --lang zh returns manifest` queues a
manifest a console in English (or `station print-queue --process` with no --lang) sends later. A label
stays in its printer's language."""

from __future__ import annotations

from typing import Any

from shelf_helpers import place, wb
from station_helpers import recall

from db.models import PrintJob
from hardware.printers.document import Document
from station_console.i18n import get_language, set_language, translate
from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.services.printing import render
from station_console.settings import CounterSettings


class DrawnPrinter:
    """Keeps what it was asked to draw, at the seam where a printer turns a document into bytes."""

    cjk_bitmap = False

    def __init__(self) -> None:
        self.documents: list[Document] = []

    def render_document(self, document: Document) -> bytes:
        self.documents.append(document)
        return b"%PDF"

    def render_label(self, data: Any) -> bytes:
        return b"label"


def test_a_manifest_queued_in_chinese_prints_in_chinese_from_a_console_in_english(station: Station) -> None:
    place(station, wb(1), "5-1")
    recall(station, wb(1))
    batch = returns.open_batch_with(station, "JT", [wb(1)])
    office = CounterSettings(printers={"office": {"language": "pdf", "transport": "dummy"}})
    before = get_language()
    set_language("zh")
    try:
        job_id = returns.print_manifest(station, batch.id, office)
    finally:
        set_language(before)
    with station.read() as s:
        job = s.get(PrintJob, job_id)
    assert job is not None
    printer = DrawnPrinter()
    render.render_job(station, job, printer, "en")  # the sender's language is English
    [drawn] = printer.documents
    assert drawn.title == translate("Return manifest", "zh") != "Return manifest"
