"""`station label`, `station print`, `station print-queue` on a real SQLite file and a device-file printer."""

from __future__ import annotations

import io
import json
import os
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image
from sqlmodel import Session, select

from db.models import PrintJob
from hardware.printers import fonts
from station_console.services.admin.setup import open_station


def checkin(run, waybill: str) -> str:  # type: ignore[no-untyped-def]
    result = run("checkin", waybill, "--phone", "13812345678", "--json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.output)["pickup_code"])


def test_label_in_every_format_carries_the_code_and_a_decodable_barcode(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code = checkin(run, "SF1234567890123")
    outputs = {}
    for fmt in ("tspl", "zpl", "escpos", "png", "pdf"):
        out = tmp_path / f"label.{fmt}"
        result = run("label", code, "--format", fmt, "--out", str(out))
        assert result.exit_code == 0, result.output
        outputs[fmt] = out.read_bytes()
    # The default sticker, 40x30 at 203 dpi, is too narrow for an SF waybill's bars: a QR code.
    assert code.encode() in outputs["tspl"] and b"QRCODE" in outputs["tspl"]
    assert f"^FD{code}^FS".encode() in outputs["zpl"] and b"^BQN" in outputs["zpl"]
    assert code.encode() in outputs["escpos"] and b"\x1dkI" in outputs["escpos"]
    assert all(b"13812345678" not in data for data in outputs.values())
    img = Image.open(io.BytesIO(outputs["png"]))
    assert img.size == (320, 240)
    assert [r.text for r in zxingcpp.read_barcodes(img)] == ["SF1234567890123"]
    assert code in pypdf.PdfReader(io.BytesIO(outputs["pdf"])).pages[0].extract_text()


def test_label_finds_a_parcel_by_waybill_or_a_sloppy_code(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code = checkin(run, "73123456789012")
    by_waybill = run("label", "73123456789012", "--format", "zpl")
    full_width = code.replace("-", "－").translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    by_code = run("label", f" {full_width} ", "--format", "zpl")
    assert by_waybill.exit_code == by_code.exit_code == 0
    assert by_waybill.stdout_bytes == by_code.stdout_bytes and f"^FD{code}^FS" in by_code.output
    zh = run(
        "label",
        code,
        "--format",
        "png",
        "--size",
        "60x40",
        "--dpi",
        "300",
        "--out",
        str(tmp_path / "zh.png"),
        lang="zh",
    )
    assert zh.exit_code == 0 and Image.open(tmp_path / "zh.png").size == (709, 472)
    missing = run("label", "9-9-9999")
    assert missing.exit_code == 1 and "No parcel matches 9-9-9999" in missing.output


def test_a_label_without_a_chinese_font_says_where_a_manager_chooses_one(  # type: ignore[no-untyped-def]
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = checkin(run, "73123456789012")
    monkeypatch.setenv("STATION_CJK_FONT", "")
    fonts.cjk_font.cache_clear()
    try:
        zh = run("label", code, "--format", "zpl", lang="zh")
    finally:
        fonts.cjk_font.cache_clear()
    assert zh.exit_code == 0, zh.output
    assert "未找到中文字体：中文将以英文打印。店长可在“设置”的“标签字体”中选择字体。" in zh.stderr
    assert "counter.toml" not in zh.stderr


def test_unplugged_printer_keeps_the_label_and_prints_it_when_back(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    device = tmp_path / "lp0"
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printer]\nlanguage = "tspl"\ntransport = "device"\ntarget = "{device}"\n', encoding="utf-8"
    )
    code = checkin(run, "SF1234567890123")  # check-in does not wait for the printer

    offline = run("print-queue", "--process", "--json")
    doc = json.loads(offline.output)
    assert doc["processed"]["printer_state"] == "offline" and doc["processed"]["printed"] == []
    [job] = doc["jobs"]
    assert job["status"] == "failed" and job["pickup_code"] == code and "not found" in job["last_error"]

    device.write_bytes(b"")  # plugged back in; let the backoff pass
    station = open_station(db_url)

    def back_off_passed(s: Session) -> None:
        stored = s.get(PrintJob, job["id"])
        assert stored is not None and stored.updated_at is not None
        stored.updated_at -= timedelta(minutes=5)

    station.run(back_off_passed)
    back = run("print-queue", "--process")
    assert back.exit_code == 0 and "Printed 1, failed 0; printer ready" in back.output
    assert f'"{code}"'.encode() in device.read_bytes()
    assert "No print jobs waiting." in run("print-queue").output
    again = run("print-queue", "--process")
    assert "Printed 0" in again.output and device.read_bytes().count(b"PRINT 1,1") == 1

    queued = run("print", code, "--json")  # a reprint, audited
    assert queued.exit_code == 0 and json.loads(queued.output)["status"] == "queued"
    assert json.loads(queued.output)["pickup_code"] == code
    with station.read() as s:
        assert len(s.exec(select(PrintJob)).all()) == 2
    station.engine.dispose()
    assert run("print", code, "--printer", "nope").exit_code == 1
