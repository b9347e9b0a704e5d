"""`import_file`: load a pre-alert file's good rows in one transaction and report the others by line.

A row is refused (reported, not loaded) when its waybill fits no carrier's format or not its own carrier's,
its carrier is unknown or unclear, its phone, size or weight cannot be read, or it repeats: a waybill twice
in the file, one already pre-alerted and still open, or one already on the shelf. `strict` loads nothing when any row is refused;
`dry_run` only reports. Phones are personal data: the report and the audit event never carry them.

A name or recipient type longer than its column is loaded cut to it, and the line is reported as cut
(kind `cut`, not a refusal: a carrier's row is not lost for a long name, and `strict` still loads).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select as columns
from sqlmodel import Session, col

from db.bulk import insert_many
from db.models import (
    Carrier,
    EventKind,
    Parcel,
    ParcelStatus,
    PreAlert,
    PreAlertImport,
    PreAlertStatus,
)
from station_console import name_limit
from station_console.errors import NotFound, Refused, StationError
from station_console.i18n import N_
from station_console.logs import mask_text
from station_console.phone_masking import mask_phones
from station_console.safe_text import clean, cut
from station_console.services.checkin.phones import Phone, parse_phone
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.core.typed_files import refuse_if_changed
from station_console.services.prealerts.import_report import CUT, ImportReport, RowIssue
from station_console.services.prealerts.loaded_before import loaded_before
from station_console.services.prealerts.parse import Table, read_table
from station_console.services.scan.carriers import get_detector, short_names
from station_console.services.scan.phone_scans import mobile_shaped_waybill, refuse_phone
from station_console.services.scan.waybill import normalise

OPEN = (PreAlertStatus.EXPECTED, PreAlertStatus.NOT_RECEIVED)
CHUNK = 900  # waybills per IN (...) lookup: under SQLite's parameter limit
REPORT_ROWS = 500  # refused rows kept with the import record
# What a refused row's report quotes of a cell (its waybill, a bad value): enough to find the row, whose
# line is said too, and never a whole line of a file that is no pre-alert (one read with its first line
# mapped as the waybill heading would be echoed line by line).
CELL_SHOWN = 20
CELL_PARAMS = ("waybill", "text", "chars", "carrier", "size")
# The texts a row carries, their column's width, and what the report says when one is cut.
TEXT_FIELDS = (
    ("name", "recipient_name", name_limit.NAME_MAX, N_("name cut to {limit} characters (it had {n})")),
    ("recipient_type", "recipient_type", 16, N_("recipient type cut to {limit} characters (it had {n})")),
)
SIZES = {
    "S": "S",
    "M": "M",
    "L": "L",
    "XL": "XL",
    "小": "S",
    "中": "M",
    "大": "L",
    "特大": "XL",
    "超大": "XL",
}
_WEIGHT = re.compile(r"^(\d+(?:\.\d+)?)\s*(kg|公斤|千克|g|克)?$", re.IGNORECASE)
_ZH_SUFFIX = re.compile(r"(快递|速运|速递|物流|快运)$")
_EN_SUFFIX = re.compile(r"\s+(express|logistics)$", re.IGNORECASE)


class CarrierNames:
    """A carrier as a pre-alert names it: code, short name, English or Chinese name, with or without
    its 快递/速运/Express suffix (`中通`, `ZTO Express`, `zto`, `顺丰速运`)."""

    def __init__(self, carriers: Iterable[Carrier]) -> None:
        self.by_name: dict[str, tuple[int, str]] = {}
        for c in carriers:
            if c.id is None or not c.active:
                continue
            names = [c.code, c.short_name, c.name_en, _EN_SUFFIX.sub("", c.name_en)]
            for part in c.name_zh.split("/"):
                names += [part, _ZH_SUFFIX.sub("", part)]
            for name in names:
                self.by_name.setdefault(self.key(name), (c.id, c.code))

    @staticmethod
    def key(name: str) -> str:
        return "".join(unicodedata.normalize("NFKC", name).split()).upper()

    def find(self, name: str) -> tuple[int, str] | None:
        return self.by_name.get(self.key(name)) if name.strip() else None


def _clean_text(text: str) -> str:
    """Names are data: terminal escape sequences go whole (a copied coloured name kept its `[31m`
    when only the ESC went), then control and format characters; whitespace collapses."""
    text = "".join(c for c in unicodedata.normalize("NFKC", clean(text)) if unicodedata.category(c)[0] != "C")
    return " ".join(text.split())


def _cut_texts(line: int, waybill: str, row: dict[str, Any]) -> list[RowIssue]:
    """Cut the row's texts longer than their column, in place; a report line for each (never silently)."""
    said = []
    for _field, column, limit, msgid in TEXT_FIELDS:
        text = row[column]
        if text is not None and len(text) > limit:
            row[column] = text[:limit]
            said.append(RowIssue(line, waybill, CUT, msgid, {"limit": limit, "n": len(text)}))
    return said


def _weight_g(text: str, grams: bool) -> int:
    match = _WEIGHT.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise Refused(
            N_("weight {text} is not a number of kg or g."), code="bad_weight", text=cut(mask_text(text), 20)
        )
    value, unit = float(match.group(1)), (match.group(2) or "").lower()
    in_grams = unit in ("g", "克") or (not unit and grams)
    return round(value if in_grams else value * 1000)


def _issue(line: int, waybill: str, error: StationError, kind: str = "bad") -> RowIssue:
    if error.code == "phone_not_waybill":  # kept in the import's report: the phone as its reason says it
        waybill = str(error.params["waybill"])
    params = {
        name: cut(value, CELL_SHOWN) if name in CELL_PARAMS and isinstance(value, str) else value
        for name, value in error.params.items()
    }
    # The cell as written: a note with a phone in it (`张三 13812345678`) is masked, as its reason's
    # cleaned copy of it is.
    return RowIssue(line, cut(mask_phones(waybill), CELL_SHOWN), kind, error.msgid, params, error.code)


def _rows(
    station: Station, table: Table, carriers: CarrierNames, default_carrier: str | None, report: ImportReport
) -> list[dict[str, Any]]:
    """The rows that read well, as pre-alert columns; the others go into `report.issues`."""
    detector = get_detector(station)
    default = carriers.find(default_carrier) if default_carrier else None
    if default_carrier and default is None:
        raise NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=default_carrier)
    seen: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    for raw in table.rows:
        report.rows_read += 1
        text = raw.values.get("waybill", "")
        if raw.error is not None:
            report.issues.append(RowIssue(raw.line, "", "bad", raw.error))
            continue
        try:
            out_row = _row(raw.values, table.grams, detector, carriers, default)
        except StationError as exc:
            report.issues.append(_issue(raw.line, text, exc))
            continue
        waybill = out_row["waybill"]
        if waybill in seen:
            report.issues.append(
                RowIssue(raw.line, waybill, "duplicate", N_("also on line {line}"), {"line": seen[waybill]})
            )
            continue
        seen[waybill] = raw.line
        cut_texts = _cut_texts(raw.line, waybill, out_row)
        out.append({**out_row, "line": raw.line, CUT: cut_texts})
    return out


def _row(
    values: dict[str, str],
    grams: bool,
    detector: Any,
    carriers: CarrierNames,
    default: tuple[int, str] | None,
) -> dict[str, Any]:
    norm = normalise(values.get("waybill", ""))
    named = values.get("carrier", "")
    # A phone in the waybill column (columns shifted): a DHL-shaped mobile was loaded as a pre-alert.
    # Only a row whose carrier (its column, else the import's) says DHL may hold a DHL waybill of
    # that shape: the file says so.
    stated = carriers.find(named) if named else default
    detection = detector.detect(norm.waybill) if norm.waybill is not None else None
    if detection is None or mobile_shaped_waybill(detection, stated[1] if stated else None) is None:
        refuse_phone(norm.raw, norm.waybill, advice=None)
    if norm.waybill is None or detection is None:
        assert norm.error is not None
        if norm.error.code == "empty":  # a file's cell, not a scan: "Nothing was scanned." said nothing
            raise Refused(N_("no waybill number."), code="no_waybill")
        raise norm.error
    waybill = norm.waybill
    if detection.error is not None:  # fits no carrier's format: a note, a repeated heading, a typo
        its_carrier = carriers.find(named)
        raise (
            detection.error
            if its_carrier is None
            else _not_its_format(detection.error, waybill, its_carrier[1])
        )
    if named:
        carrier = carriers.find(named)
        if carrier is None:
            raise Refused(
                N_("unknown carrier {carrier}."), code="unknown_carrier", carrier=cut(mask_text(named), 30)
            )
    elif default is not None:
        carrier = default
    else:
        codes = [c.carrier for c in detection.candidates]
        if len(codes) != 1:
            raise Refused(
                N_("no carrier given and the number fits {candidates}: add a carrier column or --carrier."),
                code="carrier_unclear",
                candidates=", ".join(codes) or "-",
            )
        carrier = carriers.find(codes[0])
        if carrier is None:
            raise Refused(N_("unknown carrier {carrier}."), code="unknown_carrier", carrier=codes[0])
    # A number that fits other carriers' formats only is not this carrier's parcel: loaded as its, a
    # courier's batch expected it and missed it, and the parcel it was never met its pre-alert.
    if carrier[1] not in {c.carrier for c in detection.candidates}:
        raise _not_its_format(None, waybill, carrier[1])
    phone = _phone(values["phone"]) if values.get("phone") else None
    size_text = unicodedata.normalize("NFKC", values.get("size", "")).strip().upper()
    size = SIZES.get(size_text) if size_text else None
    if size_text and size is None:
        raise Refused(
            N_("size {size} is not S, M, L or XL."), code="bad_size", size=cut(mask_text(size_text), 10)
        )
    return {
        "waybill": waybill,
        "carrier_id": carrier[0],
        "phone_tail": phone.tail if phone else None,
        "masked_phone": phone.masked if phone else None,
        "phone_full": phone.full if phone else None,
        **{column: _clean_text(values.get(field, "")) or None for field, column, _w, _m in TEXT_FIELDS},
        "size": size,
        "weight_g": _weight_g(values["weight"], grams) if values.get("weight") else None,
    }


def _not_its_format(error: StationError | None, waybill: str, carrier: str) -> Refused:
    """A row that names its carrier is refused in that carrier's terms, not another's it resembles."""
    if (
        error is not None
        and error.code == "check_digit"
        and carrier in str(error.params.get("carriers", "")).split(", ")
    ):
        return Refused(error.msgid, code=error.code, waybill=waybill, carriers=carrier)
    return Refused(
        N_("{waybill} does not fit {carrier}'s waybill format."),
        code="not_carrier_format",
        waybill=waybill,
        carrier=carrier,
    )


def _phone(text: str) -> Phone:
    """The row's phone; a bad one is reported masked (the report is kept and shown, the file is not)."""
    try:
        return parse_phone(text)
    except Refused as exc:
        digits = "".join(c for c in text if c.isdigit())
        shown = f"****{digits[-4:]}" if len(digits) > 4 else "****"  # whatever was written: never whole
        raise Refused(N_("phone {text} is not a phone number."), code=exc.code, text=shown) from exc


def _existing(session: Session, waybills: list[str]) -> tuple[dict[str, tuple[int, int]], dict[str, str]]:
    """Open pre-alerts (waybill -> (import, line)) and parcels on the shelf (waybill -> pickup code)."""
    open_alerts: dict[str, tuple[int, int]] = {}
    on_shelf: dict[str, str] = {}
    conn = session.connection()
    for start in range(0, len(waybills), CHUNK):
        chunk = waybills[start : start + CHUNK]
        for waybill, import_id, line in conn.execute(
            columns(col(PreAlert.waybill), col(PreAlert.import_id), col(PreAlert.line)).where(
                col(PreAlert.waybill).in_(chunk), col(PreAlert.status).in_(OPEN)
            )
        ):
            open_alerts.setdefault(waybill, (import_id, line))
        for waybill, code in conn.execute(
            columns(col(Parcel.waybill), col(Parcel.pickup_code)).where(
                col(Parcel.waybill).in_(chunk), col(Parcel.status) == ParcelStatus.ON_SHELF
            )
        ):
            on_shelf[waybill] = code or ""
    return open_alerts, on_shelf


def import_file(station: Station, path: Path, **options: Any) -> ImportReport:
    """Read `path` and load its good rows as expected parcels (see the module docstring); `options` are
    `load_file`'s. A clerk's action: somebody signed in (the watched folder, an unattended duty, calls
    `load_file` itself)."""
    require(station, "prealerts")
    return load_file(station, path, **options)


def load_file(
    station: Station,
    path: Path,
    *,
    source: str = "",
    carrier: str | None = None,
    mapping: dict[str, str] | None = None,
    strict: bool = False,
    dry_run: bool = False,
    expect_digest: str | None = None,
    skip_loaded: bool = False,
    follow_links: bool = True,
) -> ImportReport:
    """Read `path` and load its good rows (see the module docstring), whoever is signed in.

    `expect_digest`: the `digest` of a dry run the clerk has seen; a file changed since is refused
    whole, so what is loaded is what the preview showed. A file loaded before (its name and bytes)
    names that import (`loaded_before`); with `skip_loaded` it loads nothing: the watched folder's file
    left behind by a move that failed, whose waybills alone would load again once their batch closed.
    A clerk's own import goes on, its rows reported as any file's. `follow_links=False`: a link is
    refused unread (`is_link`), even one put in the file's place after the caller looked (the watch)."""
    started = time.perf_counter()
    settings = station.settings()
    layout = settings.prealert_sources.get(source) if source else None
    if source and layout is None and not mapping:
        raise NotFound(
            N_("No pre-alert source named {source} in the settings."), code="no_source", source=source
        )
    columns_map = {**(layout.columns if layout else {}), **(mapping or {})}
    table = read_table(path, columns_map, follow_links=follow_links)
    refuse_if_changed(path.name, table.digest, expect_digest)
    report = ImportReport(
        file=path.name,
        source=source,
        columns=table.columns,
        unknown_headings=table.unknown_headings,
        unknown_headings_more=table.unknown_headings_more,
        digest=table.digest,
    )
    with station.read() as session:
        known = session.exec(columns(Carrier)).scalars().all()  # type: ignore[call-overload]
        report.carrier_names = short_names(session)
    names, codes = CarrierNames(known), {c.id: c.code for c in known}
    rows = _rows(station, table, names, carrier or (layout.carrier if layout else None), report)
    read_issues = list(report.issues)

    def work(session: Session) -> None:
        report.issues[:] = read_issues  # a retried transaction starts over
        report.loaded_before = loaded_before(session, path.name[:200], table.digest)
        if skip_loaded and report.loaded_before is not None:
            return
        open_alerts, on_shelf = _existing(session, [r["waybill"] for r in rows])
        good = []
        for row in rows:
            waybill, line = row["waybill"], row["line"]
            if waybill in on_shelf:
                report.issues.append(
                    RowIssue(
                        line,
                        waybill,
                        "on_shelf",
                        N_("already on the shelf at {code}"),
                        {"code": on_shelf[waybill]},
                    )
                )
            elif waybill in open_alerts:
                earlier, at_line = open_alerts[waybill]
                report.issues.append(
                    RowIssue(
                        line,
                        waybill,
                        "duplicate",
                        N_("already pre-alerted (import {import_id}, line {line})"),
                        {"import_id": earlier, "line": at_line},
                    )
                )
            else:
                good.append({k: v for k, v in row.items() if k != CUT})
                report.issues.extend(row[CUT])  # loaded, cut: said on its line
        report.issues.sort(key=lambda issue: issue.line)
        if strict and report.refused:
            good = []  # strict: one refused row loads nothing, so a dry run would load nothing either
        report.carriers = dict(Counter(codes[row["carrier_id"]] for row in good).most_common())
        if dry_run or not good:
            return
        now = station.now()
        record = PreAlertImport(
            source=source[:64],
            file_name=path.name[:200],
            imported_at=now,
            imported_by=station.clerk_id,
            counter=station.counter,
            rows_read=report.rows_read,
            loaded=len(good),
            bad=report.count("bad"),
            duplicates=report.count("duplicate"),
            on_shelf=report.count("on_shelf"),
            # The file's digest with it: the watched folder knows a file it loaded before (`skip_loaded`).
            report={
                "issues": [issue.to_json() for issue in report.issues[:REPORT_ROWS]],
                "digest": table.digest,
            },
        )
        session.add(record)
        session.flush()
        insert_many(
            session.connection(),
            PreAlert.__table__,  # type: ignore[attr-defined]
            [
                {**row, "import_id": record.id, "status": PreAlertStatus.EXPECTED, "created_at": now}
                for row in good
            ],
        )
        report.import_id, report.loaded = record.id, len(good)
        audit.record(
            session,
            station,
            EventKind.PREALERTS_IMPORTED,
            at=now,
            details={
                "import": record.id,
                "file": path.name[:200],
                "source": source[:64],
                "loaded": len(good),
                "bad": record.bad,
                "duplicates": record.duplicates,
                "on_shelf": record.on_shelf,
            },
        )

    if dry_run:
        with station.read() as session:
            work(session)
        report.dry_run = True
    else:
        station.run(work)
    report.seconds = time.perf_counter() - started
    return report
