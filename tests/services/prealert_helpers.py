"""Helpers for the pre-alert tests: files written as carriers and platforms send them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pickup_helpers import zto
from sqlmodel import col, select

from db.models import PreAlert


def write_csv(path: Path, headings: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def zh_rows(numbers: list[int], phone: str = "17012345678-{n:04d}") -> list[list[Any]]:
    """运单号, 快递公司, 手机, 姓名 rows of ZTO parcels with privacy (virtual) numbers."""
    return [[zto(n), "中通", phone.format(n=n), f"收件人{n}"] for n in numbers]


ZH_HEADINGS = ["运单号", "快递公司", "手机", "姓名"]


def sign_in(station: Any, name: str = "ann") -> None:
    """This station acts as a signed-in clerk from now on (importing and batches need somebody)."""
    from pickup_helpers import as_clerk

    clerk = as_clerk(station, name)
    station.clerk_id, station.clerk_role = clerk.clerk_id, clerk.clerk_role


def stored(station: Any) -> list[PreAlert]:
    """Every pre-alert stored, oldest first."""
    with station.read() as session:
        return list(session.exec(select(PreAlert).order_by(col(PreAlert.id))).all())
