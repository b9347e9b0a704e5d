"""A directory file (CSV or XLSX) read and checked: which column is which field, each row's values.

1. Read the file as text (files.py: encodings, leading zeros). The header row is the first of the
   first ten rows in which two or more headers are recognised (a title row above it is skipped).
2. Map columns to fields: a saved mapping (per source, `--mapping NAME`), else common headers in
   Chinese and English (学号/工号/编号/id, 姓名/name, 手机/电话/phone, 楼栋/building, 单元/unit,
   房间/room, 邮箱/email ...), with the clerk's own `field=header` on top. A renamed column of a saved
   mapping falls back to recognition, with a note.
3. Check each row (fields.py); a bad value is reported with its line, the row's other values kept
   when the bad one can be left out (a phone), the row skipped when not (no id, no name). A repeated
   external id is reported and only its first row counts.

Nothing here writes, except `save_mapping` inside the import's own transaction (importing.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import Session

from db.models import Setting
from station_console.errors import Refused, StationError
from station_console.i18n import N_, get_language, sentences, shown_params, translate
from station_console.safe_text import cut
from station_console.services.checkin.phones import Phone
from station_console.services.core.quoted_headings import heading_shown, headings_shown
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.recipients import fields
from station_console.services.recipients.files import Table, read_table

MAPPINGS_KEY = "recipient_mappings"
REQUIRED = ("external_id", "name")
# Headers people use, per field; the longest match wins, so 备用电话 is phone2, not phone.
HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "学号", "工号", "编号", "学工号", "员工编号", "人员编号", "职工号", "住户编号",
        "id", "externalid", "studentid", "staffid", "employeeid", "personid", "no", "number",
    ),
    "name": ("姓名", "名字", "收件人", "name", "fullname", "recipient"),
    "preferred_name": ("昵称", "英文名", "常用名", "preferredname", "nickname", "englishname"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "phone", "mobile", "cell", "tel", "phonenumber"),
    "phone2": ("备用电话", "备用手机", "电话2", "手机2", "其他电话", "phone2", "otherphone", "secondphone"),
    "email": ("邮箱", "电子邮箱", "邮件", "email", "e-mail", "mail"),
    "building": ("楼栋", "楼号", "宿舍楼", "楼宇", "building", "bldg", "block", "楼"),
    "unit": ("单元", "单元号", "unit"),
    "floor": ("楼层", "层", "floor"),
    "room": ("房间", "房间号", "宿舍号", "门牌", "门牌号", "室", "room", "roomno", "apartment", "apt"),
    "department": ("部门", "院系", "学院", "班级", "单位", "department", "dept", "faculty", "class"),
    "language": ("语言", "language", "lang"),
    "delivery_preference": ("配送方式", "取件方式", "收件方式", "投递方式", "delivery", "preference", "deliverychoice"),
    "consent": ("同意驿站代收", "驿站代收", "同意代收", "代收同意", "consent"),
    "proxy_allowed": ("允许代取", "代取", "proxy", "proxyallowed"),
    "reminders_opt_out": ("不接收提醒", "退订提醒", "optout", "noreminders"),
}  # fmt: skip
FIELDS = tuple(HEADERS)
# Written with consent.record_in: each change kept in the history, with channel "import".
CHOICE_FIELDS = ("consent", "delivery_preference", "proxy_allowed", "reminders_opt_out")
DATA_FIELDS = tuple(f for f in FIELDS if f not in CHOICE_FIELDS and f not in ("phone", "phone2"))


@dataclass(frozen=True)
class Issue:
    """Something wrong with one line of the file (or the file itself, line 0)."""

    line: int
    code: str
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    # What became of the line's bad value, said after the reason: the line skipped, or imported
    # without that field (its summary label), so a manager knows whether the person is in.
    skipped: bool = False
    left_out: str = ""

    def message(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        reason = translate(self.msgid, lang, **shown_params(self.params, lang))
        if self.skipped:
            return sentences(reason, translate(N_("The line is skipped."), lang), lang=lang)
        if self.left_out:
            label = translate(fields.SUMMARY_LABELS.get(self.left_out, self.left_out), lang)
            outcome = translate(
                N_(
                    "The line is imported without its {field}; a person already in the directory keeps theirs."
                ),
                lang,
                field=label.lower() if lang != "zh" else label,
            )
            return sentences(reason, outcome, lang=lang)
        return reason

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "message": self.message("en")}


@dataclass
class Person:
    line: int
    values: dict[str, Any]  # typed, only the mapped fields (phones: list[Phone])


@dataclass
class Parsed:
    file: str
    encoding: str
    header_line: int
    columns: dict[str, str]  # field -> header as written in the file
    people: list[Person]
    issues: list[Issue]
    duplicates: list[dict[str, Any]]  # {"line", "external_id", "first_line"}
    rows_read: int
    digest: str = ""  # of the file's bytes as read (files.py)
    # Ids of rows left out for a bad value: the file still lists them, so a full import keeps them.
    listed: set[str] = field(default_factory=set)


# -- columns -------------------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    value = unicodedata.normalize("NFKC", text or "").strip().lower()
    for ch in " _-*:：()（）[]【】.":
        value = value.replace(ch, "")
    return value


# Said only by a whole heading: a "No." or "Number" column may be the id, but inside a longer heading
# these words are another field's ("Room number", "Phone No."); so are the Chinese ids' (证件编号 is an
# ID document's number, 学号备注 a note), or the id would be a column the file never meant as one.
WHOLE_HEADING_ONLY = frozenset({"no", "number", *(a for a in HEADERS["external_id"] if not a.isascii())})


def _word_runs(text: str) -> set[str]:
    """The heading's latin words and every run of them joined, as aliases are written: "Staff ID No."
    and "StaffIDNo" give staff, id, no, staffid, idno, staffidno. A latin alias matches a run, never
    letters inside a word (the "no" of "note", the "tel" of "hotel")."""
    words = [w.lower() for w in _LATIN_WORD.findall(unicodedata.normalize("NFKC", text or ""))]
    return {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}


_LATIN_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def recognise(headers: Sequence[str]) -> dict[str, int]:
    """field -> column index for the headers we know; exact names first, then the longest alias a
    header contains (手机号码（必填） is a phone, "Mobile (required)" too): a Chinese alias anywhere in
    it, a latin one as whole words; an id's Chinese heading only as the whole heading."""
    keys = [_header_key(h) for h in headers]
    found: dict[str, int] = {}
    taken: set[int] = set()
    for name, aliases in HEADERS.items():
        for i, key in enumerate(keys):
            if i not in taken and key in aliases:
                found[name] = i
                taken.add(i)
                break
    runs = [_word_runs(h) for h in headers]
    pairs = sorted(
        ((len(alias), name, alias) for name, aliases in HEADERS.items() for alias in aliases),
        reverse=True,
    )
    for _len, name, alias in pairs:
        if name in found or len(alias) < 2 or alias in WHOLE_HEADING_ONLY:
            continue
        latin = _header_key(alias) if alias.isascii() else None
        for i, key in enumerate(keys):
            if i in taken or not key:
                continue
            if (latin in runs[i]) if latin is not None else (alias in key):
                found[name] = i
                taken.add(i)
                break
    return found


def _header_row(rows: list[list[str]]) -> int:
    for i, row in enumerate(rows[:10]):
        if len(recognise(row)) >= 2:
            return i
    return 0


def saved_mappings(station: Station) -> dict[str, dict[str, str]]:
    """Saved column mappings by source name: {source: {field: header}}."""
    require(station, "view")
    with station.read() as session:
        row = session.get(Setting, MAPPINGS_KEY)
        return {k: dict(v) for k, v in (row.value if row else {}).items()}


def save_mapping(session: Session, source: str, columns: dict[str, str]) -> None:
    row = session.get(Setting, MAPPINGS_KEY) or Setting(key=MAPPINGS_KEY, value={})
    row.value = {**row.value, source: dict(columns)}
    session.add(row)


def _columns(
    headers: list[str],
    saved: dict[str, str] | None,
    given: dict[str, str],
    issues: list[Issue],
    no_column: Mapping[str, str],
) -> dict[str, int]:
    by_text = {_header_key(h): i for i, h in enumerate(headers) if h.strip()}
    recognised = recognise(headers)
    chosen: dict[str, int] = {}
    for name, header in {**(saved or {}), **given}.items():
        if name not in HEADERS:
            raise Refused(
                N_("Unknown field {field}; fields are {fields}."),
                code="bad_field",
                field=cut(name, 30),
                fields=", ".join(FIELDS),
            )
        index = by_text.get(_header_key(header))
        if index is not None:
            chosen[name] = index
        elif name in given:
            raise Refused(N_("The file has no column {header}."), code="no_column", header=cut(header, 40))
        elif name in recognised:
            issues.append(
                Issue(
                    0,
                    "column_renamed",
                    N_("Column {header} of the saved mapping is gone; {field} is read from {found}"),
                    {"header": header, "field": name, "found": heading_shown(headers[recognised[name]])},
                )
            )
        else:
            issues.append(
                Issue(
                    0,
                    "column_missing",
                    N_("Column {header} of the saved mapping is gone; {field} is not imported"),
                    {"header": header, "field": name},
                )
            )
    for name, index in recognised.items():
        if name not in chosen and index not in chosen.values():
            chosen[name] = index
    # Every person is kept by their id and shown by their name: a file without either imports nothing.
    missing = next((name for name in REQUIRED if name not in chosen), None)
    if missing is not None:
        raise Refused(
            no_column[missing],
            code="column_missing",
            field=missing,
            # A file saved without its header row lists its first person: a phone there is masked.
            headers=headings_shown(headers),
        )
    return chosen


# A file without an id or a name column, as the command line says it (its --column maps a heading); a
# caller with no --column passes its own words (`parse`'s `no_column`).
NO_COLUMN = {
    "external_id": N_(
        "The file has no id column (a heading such as 学号, 工号, 编号 or id); its columns: {headers}. "
        "Nothing was imported: rename the heading, or map it: --column external_id=HEADER"
    ),
    "name": N_(
        "The file has no name column (a heading such as 姓名 or name); its columns: {headers}. "
        "Nothing was imported: rename the heading, or map it: --column name=HEADER"
    ),
}


# -- rows ----------------------------------------------------------------------------------------------

_PARSERS = {
    "floor": fields.floor,
    "language": fields.language,
    "delivery_preference": fields.preference,
    "consent": fields.consent,
    "proxy_allowed": fields.yes_no,
    "reminders_opt_out": fields.yes_no,
}


def _readers(columns: dict[str, int]) -> list[tuple[str, int, Callable[[Any], Any]]]:
    """(field, column, how its cell is read), worked out once per file rather than per cell."""
    out: list[tuple[str, int, Callable[[Any], Any]]] = []
    for name, index in columns.items():
        if name in ("phone", "phone2"):
            out.append((name, index, fields.phones))
        elif name in fields.TEXT_FIELDS:
            out.append((name, index, partial(fields.text_field, name)))
        else:
            out.append((name, index, _PARSERS[name]))
    return out


def _person(
    line: int, row: list[str], readers: list[tuple[str, int, Callable[[Any], Any]]], issues: list[Issue]
) -> Person | None:
    values: dict[str, Any] = {}
    phones: list[Phone] = []
    with_phones = False
    bad_phone = False
    width = len(row)
    for name, index, read in readers:
        cell = row[index] if index < width else ""
        try:
            if read is fields.phones:
                with_phones = True
                phones += read(cell)
            else:
                values[name] = read(cell)
        except StationError as exc:
            required = name in REQUIRED
            left_out = "" if required else ("phones" if read is fields.phones else name)
            issues.append(
                Issue(line, exc.code, exc.msgid, {**exc.params}, skipped=required, left_out=left_out)
            )
            if required:
                return None
            bad_phone = bad_phone or read is fields.phones
            values.pop(name, None)  # left as it is in the directory
    if not values.get("external_id"):
        issues.append(Issue(line, "no_external_id", N_("No id on this line: skipped"), {}))
        return None
    # A bad phone cell leaves the person's phones as they are: the good cells alone would replace
    # (and so drop) the numbers the directory already has.
    if with_phones and not bad_phone:
        values["phones"] = list({p.full: p for p in phones}.values()) if len(phones) > 1 else phones
    if "room" in values and "floor" not in values and not any(r[0] == "floor" for r in readers):
        values["floor"] = fields.floor_of_room(values["room"])
    return Person(line, values)


def parse(
    station: Station,
    path: Path,
    *,
    mapping: str | None = None,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
    no_column: Mapping[str, str] = NO_COLUMN,
) -> Parsed:
    """Read and check the file; nothing is written. `no_column`: the refusal of a file without an id
    or a name column, by field, in the caller's words (`NO_COLUMN`: the command line's)."""
    table: Table = read_table(path, sheet=sheet)
    if not table.rows:
        raise Refused(N_("The file is empty."), code="empty_file")
    head = _header_row(table.rows)
    headers = table.rows[head]
    issues: list[Issue] = []
    saved = saved_mappings(station).get(mapping) if mapping else None
    chosen = _columns(headers, saved, dict(columns or {}), issues, no_column)
    readers = _readers(chosen)
    people: list[Person] = []
    first_line: dict[str, int] = {}
    duplicates = []
    listed: set[str] = set()
    rows_read = 0
    for offset, row in enumerate(table.rows[head + 1 :], start=head + 2):
        if not any(c.strip() for c in row):
            continue
        rows_read += 1
        person = _person(offset, row, readers, issues)
        if person is None:
            listed_id = _id_of(row, chosen)
            if listed_id:
                listed.add(listed_id)
            continue
        key = person.values["external_id"]
        if key in first_line:
            duplicates.append({"line": offset, "external_id": key, "first_line": first_line[key]})
            continue
        first_line[key] = offset
        people.append(person)
    return Parsed(
        file=path.name,
        encoding=table.encoding,
        header_line=head + 1,
        columns={name: headers[i] for name, i in sorted(chosen.items(), key=lambda kv: kv[1])},
        people=people,
        issues=issues,
        duplicates=duplicates,
        rows_read=rows_read,
        digest=table.digest,
        listed=listed,
    )


def _id_of(row: list[str], columns: dict[str, int]) -> str | None:
    """The id of a row left out for another value (a name too long), when it reads well itself."""
    index = columns["external_id"]
    try:
        return fields.text_field("external_id", row[index] if index < len(row) else "")
    except StationError:
        return None
