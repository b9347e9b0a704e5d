"""Helpers for the recipient tests: clerks to act as, directory files in the encodings Excel writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from db.models import Clerk, Recipient, RecipientPhone, Role
from station_console.services.core.station import Station

HEADERS_ZH = ["学号", "姓名", "手机", "楼栋", "单元", "房间"]
PEOPLE = [
    ["00123", "张三", "13812345678", "A3", "2", "502"],
    ["00124", "李四", "13987654321", "A3", "1", "1203"],
    ["00125", "单田芳", "13700001111", "B1", "", "305"],
    ["00126", "Tom Smith", "+86 136-0000-2222", "B1", "", "101"],
]


def act_as(station: Station, role: str = Role.MANAGER, name: str | None = None) -> int:
    """Sign in as a new clerk of `role` (row written directly, no PIN)."""

    def work(session: Session) -> int:
        row = Clerk(name=name or f"{role}-{station.now().timestamp()}", role=role, created_at=station.now())
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id

    station.clerk_id, station.clerk_role = station.run(work), role
    return station.clerk_id


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def write_csv(path: Path, rows: list[list[str]], **kwargs: Any) -> Path:
    path.write_bytes(csv_bytes(rows, **kwargs))
    return path


def write_xlsx(path: Path, rows: list[list[Any]], formats: dict[tuple[int, int], str] | None = None) -> Path:
    """An XLSX with these cell values; `formats` sets number formats by (row, column), 1-based."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for (r, c), fmt in (formats or {}).items():
        sheet.cell(row=r, column=c).number_format = fmt
    book.save(path)
    return path


def recipient(station: Station, external_id: str) -> Recipient:
    with station.read() as session:
        row = session.exec(select(Recipient).where(Recipient.external_id == external_id)).one()
        return row


def phones_of(station: Station, external_id: str) -> list[str | None]:
    with station.read() as session:
        row = session.exec(select(Recipient).where(Recipient.external_id == external_id)).one()
        return [
            p.phone_full
            for p in session.exec(
                select(RecipientPhone)
                .where(RecipientPhone.recipient_id == row.id)
                .order_by(RecipientPhone.position)  # type: ignore[arg-type]
            ).all()
        ]


def count(station: Station, model: Any) -> int:
    from sqlalchemy import func

    with station.read() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())
