"""How long a 20,000-person directory takes to import (goal: under 2 s), from a GBK CSV as Excel saves it.

Each sample is a fresh station: the first import (everyone new: pinyin keys, phones, inserts), then the
same file again (everyone unchanged: the whole comparison, no writes), then an XLSX of the same people.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from sqlmodel import Session

from db.models import Clerk, Role
from station_console.services.admin.setup import open_station
from station_console.services.recipients.importing import import_file

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文斌宇浩然子涵梓萱一诺欣怡思远博文雨泽晨阳"


def directory_rows(count: int, seed: int = 11) -> list[list[str]]:
    """A campus directory: zero-padded ids, Chinese names, mobile numbers, buildings, rooms."""
    rng = random.Random(seed)
    rows = [["学号", "姓名", "手机", "楼栋", "单元", "房间", "院系"]]
    for n in range(count):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        floor = rng.randint(1, 18)
        rows.append(
            [
                f"{n:08d}",
                name,
                f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}",
                f"{rng.choice('ABCD')}{rng.randint(1, 12)}",
                str(rng.randint(1, 4)),
                f"{floor}{rng.randint(1, 30):02d}",
                rng.choice(("计算机学院", "外国语学院", "经济学院", "物理学院")),
            ]
        )
    return rows


def gbk_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("gbk")


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    """A one-sheet workbook of text cells (inline strings), the smallest XLSX Excel opens."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    cells = "".join(
        "<row>" + "".join(f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in row) + "</row>"
        for row in rows
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData>{cells}</sheetData></worksheet>',
        )


def _manager(station: object) -> None:
    def work(session: Session) -> int:
        row = Clerk(name="bench-manager", role=Role.MANAGER, created_at=station.now())  # type: ignore[attr-defined]
        session.add(row)
        session.flush()
        return row.id or 0

    station.clerk_id = station.run(work)  # type: ignore[attr-defined]
    station.clerk_role = Role.MANAGER  # type: ignore[attr-defined]


def bench_import(
    samples: int = 3, count: int = 20_000, workdir: Path | None = None
) -> dict[str, list[float]]:
    """Seconds per import: `first` (all new), `again` (all unchanged), `xlsx` (all new, from XLSX)."""
    rows = directory_rows(count)
    out: dict[str, list[float]] = {"first": [], "again": [], "xlsx": []}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        folder = Path(tmp)
        source = folder / "directory.csv"
        source.write_bytes(gbk_csv(rows))
        write_xlsx(folder / "directory.xlsx", rows)
        for n in range(samples):
            for kind, path in (("first", source), ("again", source), ("xlsx", folder / "directory.xlsx")):
                if kind != "again":
                    station = open_station(f"sqlite:///{folder / f'{kind}-{n}.sqlite3'}", counter="bench")
                    _manager(station)
                started = time.perf_counter()
                result = import_file(station, path, full=True)
                out[kind].append(time.perf_counter() - started)
                if result.added + result.unchanged != count:
                    raise RuntimeError(f"imported {result.added + result.unchanged} of {count}")
                if kind != "first":
                    station.engine.dispose()
    return out


if __name__ == "__main__":
    figures = bench_import(samples=1)
    print({k: [round(s, 3) for s in v] for k, v in figures.items()})
