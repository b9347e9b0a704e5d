"""Reading a pre-alert file: CSV (UTF-8 or GBK, comma, tab or semicolon) or JSON, into rows of fields.

Common headings are recognised without a mapping, in Chinese and English (运单号/waybill, 快递公司/carrier,
手机/phone, 姓名/name, ...); a source's mapping (`PreAlertSource.columns`) names the others. Each row
keeps its line number (the header is line 1, as a spreadsheet shows it; in JSON, the item's number), so
a bad row is reported where the sender can find it.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.parse_errors import json_error
from station_console.safe_text import cut
from station_console.services.core import csv_rows
from station_console.services.core.quoted_headings import HEADINGS_SHOWN, heading_shown, headings_shown
from station_console.services.core.typed_files import content_digest, decode_text, read_typed_bytes
from station_console.validation_reasons import InvalidValue

FIELDS = ("waybill", "carrier", "phone", "name", "size", "weight", "recipient_type")
MAX_BYTES = 200 * 1024 * 1024  # a pre-alert file is never this big; refuse rather than fill the memory
# The kinds a pre-alert is read from (typed, or dropped in the watched folder): any other is refused unread.
KINDS = (".csv", ".tsv", ".txt", ".json")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Headings, compared after `heading_key` (width, case, spaces and punctuation do not matter).
ALIASES: dict[str, tuple[str, ...]] = {
    "waybill": _words(
        "运单号 快递单号 运单编号 物流单号 单号 面单号 waybill waybillno waybillnumber tracking trackingno "
        "trackingnumber mailno awb"
    ),
    "carrier": _words(
        "快递公司 快递 物流公司 承运商 快递品牌 carrier courier couriercompany express expresscompany company"
    ),
    "phone": _words(
        "手机 手机号 手机号码 电话 联系电话 收件人电话 收件人手机 收件人手机号 收货人电话 收货人手机 虚拟号 "
        "隐私号 phone mobile tel telephone receiverphone recipientphone virtualnumber"
    ),
    "name": _words(
        "姓名 收件人 收件人姓名 收货人 收货人姓名 name recipient recipientname receiver receivername "
        "consignee"
    ),
    "size": _words("尺寸 规格 大小 件型 size sizeclass"),
    "weight": _words("重量 重量kg 重量公斤 重量千克 重量g 重量克 weight weightkg weightg"),
    "recipient_type": _words("收件人类型 客户类型 recipienttype customertype"),
}
_PUNCT = re.compile(r"[\s_\-()（）\[\]【】:：/.]+")


def heading_key(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(text)).strip().lower())


_BY_HEADING = {heading_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict[str, str]  # field -> text as found ('' when empty)
    error: str | None = None  # the row is not a record at all (a JSON item that is not an object)


@dataclass(frozen=True)
class Table:
    columns: dict[str, str]  # field -> the heading it was read from
    grams: bool  # the weight heading says grams (else kilograms)
    rows: list[RawRow]
    unknown_headings: list[str]  # the first HEADINGS_SHOWN of the headings no field reads
    digest: str = ""  # sha256 of the bytes read: an import can insist on the very file it previewed
    unknown_headings_more: int = 0  # how many more there are, not listed


def column_map(headings: list[str], mapping: dict[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    """(field -> column index, field -> heading): the mapping's headings first, then the known ones."""
    keys = [heading_key(h) for h in headings]
    index: dict[str, int] = {}
    for name, heading in mapping.items():
        if name not in FIELDS:
            raise Refused(
                N_("Unknown pre-alert field {field}: use {fields}."),
                code="bad_mapping",
                field=name,
                fields=", ".join(FIELDS),
            )
        if heading_key(heading) not in keys:
            raise Refused(
                N_("The file has no column {heading} (mapped to {field})."),
                code="bad_mapping",
                heading=cut(heading, 40),
                field=name,
            )
        index[name] = keys.index(heading_key(heading))
    for i, key in enumerate(keys):
        known = _BY_HEADING.get(key)
        if known and known not in index and i not in index.values():
            index[known] = i
    if "waybill" not in index:
        raise Refused(
            N_("No waybill column found (headings: {headings}). Name it 运单号 or waybill, or map it."),
            code="no_waybill_column",
            # A file saved without its heading row lists its first row: a phone there is masked.
            headings=headings_shown(headings),
        )
    return index, {name: headings[i] for name, i in index.items()}


def read_table(path: Path, mapping: dict[str, str] | None = None, *, follow_links: bool = True) -> Table:
    """The file's rows as fields, refused whole when it cannot be read as a pre-alert at all (a folder,
    no such file, not to be read: in the clerk's words, as every typed path is). `follow_links`: as
    `read_typed_bytes` takes it (the watched folder reads no link)."""
    data = read_typed_bytes(
        path,
        kinds=KINDS,
        max_bytes=MAX_BYTES,
        too_large=N_("{path} is too big for a pre-alert file (over {mb} MB)."),
        follow_links=follow_links,
    )
    # Decoded once, as every typed file is (a JSON file saved as UTF-16 or GBK is read as its CSV would
    # be), then told from CSV by its text's first character that is not blank: a byte-order mark is none.
    text = _decode(data, path.name)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        headings, records = _json_records(text, path.name)
    else:
        headings, records = _csv_records(text, path.name)
    index, columns = column_map(headings, mapping or {})
    rows = [
        RawRow(line, {name: cells[i].strip() if i < len(cells) else "" for name, i in index.items()})
        if cells is not None
        else RawRow(line, {}, error=N_("not an object"))
        for line, cells in records
        if cells is None or any(cell.strip() for cell in cells)
    ]
    grams = "weight" in columns and heading_key(columns["weight"]) in {"重量g", "重量克", "weightg"}
    unknown = [heading_shown(h) for i, h in enumerate(headings) if i not in index.values() and h.strip()]
    return Table(
        columns=columns,
        grams=grams,
        rows=rows,
        unknown_headings=unknown[:HEADINGS_SHOWN],
        digest=content_digest(data),
        unknown_headings_more=max(len(unknown) - HEADINGS_SHOWN, 0),
    )


def _decode(data: bytes, name: str) -> str:
    """The text as every typed file's is read (UTF-8, UTF-16 by its mark, else GBK); binary is refused."""
    # A NUL says binary, except in UTF-16 (Excel's "Unicode text"), where every other byte of ASCII is one
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Refused(N_("{file} is not a CSV or JSON file."), code="not_a_table", file=name)
    decoded = decode_text(data)
    if decoded is not None:
        return decoded[0]
    raise Refused(N_("{file} is not UTF-8 or GBK text."), code="bad_encoding", file=name)


Records = Iterator[tuple[int, list[str] | None]]


def _csv_records(text: str, name: str) -> tuple[list[str], Records]:
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel

    def unreadable(reason: InvalidValue) -> Refused:
        # The file is refused whole: a line the reader cannot take is not one row to leave out.
        return Refused(N_("Cannot read {path}: {reason}"), code="bad_csv", path=name, reason=reason)

    found = csv_rows.records(text, unreadable, dialect=dialect)
    first = next(found, None)
    if first is None:
        raise Refused(N_("The file is empty."), code="empty_file")
    return first[1], found


_LIST_KEYS = ("items", "data", "list", "parcels", "rows", "records")


def _json_records(text: str, name: str) -> tuple[list[str], Records]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Refused(
            N_("Cannot read {path}: {reason}"), code="bad_json", path=name, reason=json_error(exc)
        ) from exc
    if isinstance(doc, dict):
        doc = next((doc[k] for k in _LIST_KEYS if isinstance(doc.get(k), list)), None)
    if not isinstance(doc, list):
        raise Refused(
            N_("{file}: expected a list of parcels (or an object with an items list)."),
            code="bad_json",
            file=name,
            reason="",
        )
    headings: list[str] = []
    for item in doc:
        if isinstance(item, dict):
            headings.extend(str(k) for k in item if str(k) not in headings)

    def records() -> Records:
        for n, item in enumerate(doc, 1):
            if isinstance(item, dict):
                yield n, ["" if item.get(h) is None else str(item.get(h)) for h in headings]
            else:
                yield n, None

    return headings, records()
