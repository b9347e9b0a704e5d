"""One worksheet of an XLSX workbook as rows of text, streamed with the standard library.

A directory of 20,000 people must import in under 2 s; openpyxl alone took 3-5 s to read such a sheet
(read-only mode, values only), this reader about a quarter of that. It reads what a directory sheet
holds: shared strings (rich text joined, phonetic guides left out), inline strings, numbers (with the
cell's zero-padding format, so `000123` stays `000123`), booleans, dates, and cached formula results;
Excel's Transitional and Strict namespaces alike. Cells are placed by their reference, so a skipped
empty cell keeps the columns straight.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, iterparse

from station_console.errors import Refused
from station_console.i18n import N_

_log = logging.getLogger(__name__)
_SAVE_AGAIN = N_("Open it in Excel or WPS, save it as an .xlsx workbook, then import it again.")
MAX_UNPACKED = 512 * 1024 * 1024  # a sheet this large unpacked is no directory (or a zip bomb)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REF = re.compile(r"^([A-Z]+)")
_DATE_IDS = {14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_EPOCH = date(1899, 12, 30)  # Excel's day 0, its 1900 leap-year bug included


_LOCAL: dict[str, str] = {}  # a sheet repeats a handful of tags hundreds of thousands of times


def _local(tag: str) -> str:
    try:
        return _LOCAL[tag]
    except KeyError:
        _LOCAL[tag] = name = tag.rsplit("}", 1)[-1]
        return name


def _column(ref: str | None, fallback: int) -> int:
    match = _REF.match(ref or "")
    if match is None:
        return fallback
    n = 0
    for ch in match.group(1):
        n = n * 26 + ord(ch) - 64
    return n - 1


def _open(book: zipfile.ZipFile, name: str) -> IO[bytes]:
    info = book.getinfo(name)
    if info.file_size > MAX_UNPACKED:
        raise Refused(N_("The workbook is too large to read."), code="bad_xlsx")
    return book.open(info)


def _sheet_path(book: zipfile.ZipFile, sheet: str | None) -> str:
    names: list[tuple[str, str]] = []
    with _open(book, "xl/workbook.xml") as f:
        for _event, el in iterparse(f):
            if _local(el.tag) == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
                names.append((el.get("name", ""), rid))
    if not names:
        raise Refused(N_("The workbook has no sheets."), code="bad_xlsx")
    if sheet is not None and sheet not in {n for n, _r in names}:
        raise Refused(
            N_("No sheet {sheet} in the workbook; it has {sheets}."),
            code="no_sheet",
            sheet=sheet,
            sheets=", ".join(n for n, _r in names),
        )
    rid = next(r for n, r in names if sheet is None or n == sheet)
    with _open(book, "xl/_rels/workbook.xml.rels") as f:
        for _event, el in iterparse(f):
            if _local(el.tag) == "Relationship" and el.get("Id") == rid:
                target = el.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise KeyError(f"no sheet for {rid}")  # a damaged workbook, said as such by `rows`


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    found = []
    with _open(book, "xl/sharedStrings.xml") as f:
        for _event, el in iterparse(f):
            if _local(el.tag) == "si":
                found.append(_text(el))
                el.clear()
    return found


def _text(el: Element) -> str:
    """The text of a string item: its runs joined, phonetic guides (rPh) left out."""
    parts = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _formats(book: zipfile.ZipFile) -> list[str]:
    """Per cell style index: its number format code ("" for General, "date" for a date format)."""
    if "xl/styles.xml" not in book.namelist():
        return []
    custom: dict[int, str] = {}
    styles: list[str] = []
    in_xfs = False
    with _open(book, "xl/styles.xml") as f:
        for event, el in iterparse(f, events=("start", "end")):
            name = _local(el.tag)
            if event == "start":
                in_xfs = in_xfs or name == "cellXfs"
                continue
            if name == "numFmt":
                custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
            elif name == "xf" and in_xfs:
                fmt_id = int(el.get("numFmtId", "0"))
                code = custom.get(fmt_id, "")
                is_date = fmt_id in _DATE_IDS or (
                    bool(re.search(r"[dmy]", re.sub(r'"[^"]*"|\[[^]]*]', "", code.lower())))
                    and "0" not in code
                )
                styles.append("date" if is_date else code)
            elif name == "cellXfs":
                in_xfs = False
    return styles


def _number(value: str, fmt: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value
    if fmt == "date" and 0 < number < 2958466:
        return (_EPOCH + timedelta(days=int(number))).isoformat()
    if number.is_integer():
        digits = str(int(number))
        if fmt and set(fmt) == {"0"}:
            digits = digits.zfill(len(fmt))
        return digits
    return value


def rows(path: Path, sheet: str | None = None, *, data: bytes | None = None) -> Iterator[list[str]]:
    """Every row of the sheet as text cells (a missing row is an empty list); from `data`, the file's
    bytes already read, when given."""
    # zipfile's and the XML parser's words are English: the log keeps them, the clerk is told what to do.
    try:
        book = zipfile.ZipFile(path if data is None else io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        _log.warning("workbook %s refused: %s", path, exc)
        raise Refused(
            N_("{file} is not an XLSX workbook."), code="bad_xlsx", advice=_SAVE_AGAIN, file=path.name
        ) from exc
    except OSError as exc:
        _log.warning("workbook %s refused: %s", path, exc)
        raise Refused(
            N_("{file} could not be read: its disk or network share did not answer."),
            code="bad_xlsx",
            advice=N_("Check that it is connected, then import it again."),
            file=path.name,
        ) from exc
    with book:
        try:
            target = _sheet_path(book, sheet)
            shared = _shared_strings(book)
            styles = _formats(book)
            yield from _sheet_rows(book, target, shared, styles)
        except (KeyError, ValueError, SyntaxError) as exc:  # a missing part, a broken number, bad XML
            _log.warning("workbook %s refused: %s", path, exc)
            raise Refused(
                N_("{file} is damaged: a part of the workbook is missing or cannot be read."),
                code="bad_xlsx",
                advice=_SAVE_AGAIN,
                file=path.name,
            ) from exc


def _sheet_rows(
    book: zipfile.ZipFile, target: str, shared: list[str], styles: list[str]
) -> Iterator[list[str]]:
    expected = 1
    row: list[str] = []
    with _open(book, target) as f:
        for _event, el in iterparse(f):
            name = _local(el.tag)
            if name == "c":
                ref = el.get("r")
                index = _column(ref, len(row)) if ref else len(row)
                kind = el.get("t", "n")
                raw = inline = None
                for child in el:  # a plain loop: this runs for every cell of the sheet
                    child_name = _local(child.tag)
                    if child_name == "v":
                        raw = child.text
                    elif child_name == "is":
                        inline = child
                if kind == "s":
                    text = shared[int(raw)] if raw is not None else ""
                elif kind == "inlineStr":
                    text = _text(inline) if inline is not None else ""
                elif kind == "b":
                    text = "yes" if raw == "1" else "no"
                elif kind in ("str", "e"):
                    text = raw or ""
                else:
                    style = int(el.get("s", "0"))
                    text = _number(raw, styles[style] if style < len(styles) else "") if raw else ""
                row.extend([""] * (index - len(row)))
                row.append(text)
                el.clear()
            elif name == "row":
                number = int(el.get("r", expected))
                while expected < number:  # rows with nothing in them are not written
                    yield []
                    expected += 1
                yield row
                expected += 1
                row = []
                el.clear()
