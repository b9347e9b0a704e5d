"""A send-out roll (handover, manifest) whose number is a QR code: white round it, so it scans."""

from __future__ import annotations

import label_sim
import zxingcpp

from hardware.printers import Document, escpos
from hardware.printers.label import Media


def test_a_send_out_roll_with_a_qr_code_keeps_white_round_it_and_decodes() -> None:
    batch = "SF1234567890ABCDEFGHIJKLMN1234"  # too long for Code 128 on a 58 mm roll
    doc = Document(
        "manifest", "Handover", columns=["Waybill"], rows=[[batch]], footer=["Signature"], barcode=batch
    )
    img = label_sim.escpos(
        escpos.render_document(doc, Media(paper_mm=58)), Media(paper_mm=58).roll_dots
    ).image()
    assert [r.text for r in zxingcpp.read_barcodes(img)] == [batch]
