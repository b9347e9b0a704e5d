"""Exact bytes for the printer languages, against golden files reviewed by eye once.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/hardware/test_labels_bytes.py`
and read the diff: these bytes are what the printer gets.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from hardware.printers import Captions, Document, LabelData, escpos, layout_for, tspl, zpl
from hardware.printers.fonts import cjk_font
from hardware.printers.label import LabelSize, Media

GOLDEN = Path(__file__).parent / "golden"

EN = LabelData(
    pickup_code="6-5-3002",
    carrier="SF",
    waybill="SF1234567890123",
    masked_phone="****5678",
    checked_in=date(2026, 11, 25),
)
ZH = LabelData(
    pickup_code="6-5-3002",
    carrier="J&T",
    waybill="JT0012345678901",
    masked_phone="****5678",
    checked_in=date(2026, 11, 25),
    lang="zh",
    captions=Captions("取件码", "运单尾号 {tail}", "手机"),
)


def media(size: str = "40x30", dpi: int = 203, **options: object) -> Media:
    return Media(LabelSize.parse(size), dpi, **options)  # type: ignore[arg-type]


def without_bitmaps(data: bytes) -> bytes:
    """ZPL with each ^GFA's hex replaced by its length: the glyphs depend on the machine's CJK font,
    the field's place and size do not (the bitmap itself is checked below)."""
    return re.sub(
        rb"(\^GFA,\d+,\d+,\d+,)([0-9A-F]+)", lambda m: m.group(1) + b"<%d hex>" % len(m.group(2)), data
    )


def check_golden(name: str, data: bytes) -> None:
    """`data` must equal the reviewed golden file; only UPDATE_GOLDEN=1 writes one (a missing one fails)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert path.exists(), f"no golden file {name}: make it with UPDATE_GOLDEN=1, then review it"
    assert data == path.read_bytes(), f"{name} changed: review and regenerate with UPDATE_GOLDEN=1"


@pytest.mark.parametrize(
    ("label", "size", "dpi"), [(EN, "40x30", 203), (ZH, "40x30", 203), (EN, "60x40", 300)]
)
def test_tspl_golden(label: LabelData, size: str, dpi: int) -> None:
    data = tspl.render_label(label, media(size, dpi))
    check_golden(f"{label.lang}-{size}-{dpi}.tspl", data)
    text = data.decode("gb18030")
    assert text.startswith(f"SIZE {size.replace('x', ' mm,')} mm\r\nGAP 2 mm,0 mm\r\n")
    assert '"6-5-3002"' in text and "****5678" in text and text.endswith("PRINT 1,1\r\n")
    if label.lang == "zh":
        assert '"TSS24.BF2",0,1,1,"取件码"' in text and "BITMAP" not in text


def test_tspl_chinese_as_bitmaps_for_printers_without_the_font() -> None:
    data = tspl.render_label(ZH, media(cjk="bitmap", gap_mm=0))
    assert b"TSS24.BF2" not in data and b"GAP 0 mm,0 mm\r\n" in data
    layout = layout_for("40x30", 203, ZH.waybill, ZH.captions.code)
    head = (
        f"BITMAP {layout.caption.x},{layout.caption.y},{layout.caption.w // 8},{layout.caption.h},0,".encode()
    )
    assert head in data
    bits = data.split(head, 1)[1][: layout.caption.w // 8 * layout.caption.h]
    ink = sum(8 - bin(b).count("1") for b in bits)  # TSPL: a 0 bit is a dot
    assert 20 < ink < len(bits) * 4  # some ink, not a black block
    # Latin text stays in the printer's fonts.
    assert b'"6-5-3002"' in data


@pytest.mark.parametrize(
    ("label", "size", "dpi"), [(EN, "40x30", 203), (ZH, "40x30", 203), (EN, "50x30", 300)]
)
def test_zpl_golden(label: LabelData, size: str, dpi: int) -> None:
    if label.lang == "zh":
        assert cjk_font() is not None, (
            "the bundled CJK font is missing: ZPL draws Chinese captions as bitmaps"
        )
    data = zpl.render_label(label, media(size, dpi))
    check_golden(f"{label.lang}-{size}-{dpi}.zpl", without_bitmaps(data))
    text = data.decode()
    assert text.startswith("^XA\n^CI28\n") and text.endswith("^PQ1\n^XZ\n")
    assert "^FD6-5-3002^FS" in text and ("^BCN," in text or "^BQN,2," in text)


def test_zpl_chinese_caption_is_a_bitmap_of_the_text() -> None:
    layout = layout_for("40x30", 203, ZH.waybill, ZH.captions.code)
    field = zpl.text_field("取件码", layout.caption)
    assert field.startswith(f"^FO{layout.caption.x},{layout.caption.y}^GFA,")
    total, _, row_bytes, hexdata = field.split("^GFA,")[1].removesuffix("^FS").split(",")
    raw = bytes.fromhex(hexdata)
    assert len(raw) == int(total) and int(row_bytes) == layout.caption.w // 8
    img = Image.frombytes("1", (int(row_bytes) * 8, len(raw) // int(row_bytes)), bytes(b ^ 0xFF for b in raw))
    black = img.convert("L").histogram()[0]
    assert 100 < black < img.width * img.height // 2  # ink, but not a black block
    assert img.width <= layout.caption.w  # never past its box


@pytest.mark.parametrize("label", [EN, ZH])
def test_escpos_golden(label: LabelData) -> None:
    data = escpos.render_label(label, media())
    check_golden(f"{label.lang}-label.escpos", data)
    assert data.startswith(b"\x1b@") and data.endswith(b"\x1dV\x00")
    # The printer's Code128, function B: subset B "JT0", then subset C pairs as bytes.
    if label is ZH:
        assert b"\x1dkI\x0d{BJT0{C\x01\x17\x2d\x43\x59\x01" in data
        assert b"\x1c&" + "取件码".encode("gb18030") in data


def test_escpos_receipt_golden() -> None:
    doc = Document(
        kind="receipt",
        title="取件凭条",
        meta=["Parcel Station", "时间：2026-11-25 10:00"],
        columns=["取件码", "快递公司", "尾号"],
        rows=[["6-5-3002", "SF", "0123"], ["1-1-1001", "J&T", "8901"]],
        footer=["件数：2"],
    )
    data = escpos.render_document(doc, media())
    check_golden("receipt.escpos", data)
    assert "取件凭条".encode("gb18030") in data and b"6-5-3002" in data


def test_a_missing_golden_fails_and_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.GOLDEN", tmp_path)
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    with pytest.raises(AssertionError, match="UPDATE_GOLDEN=1"):
        check_golden("new-label.zpl", b"^XA^XZ")
    assert not (tmp_path / "new-label.zpl").exists()
