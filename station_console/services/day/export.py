"""The day report as text, CSV, JSON and an A4 PDF (fpdf2).

The PDF embeds a CJK TrueType font when the machine has one (hardware.printers.fonts finds it) and
names it in its keywords; without one it falls back to a core font and English wording and says so on
the page, so a Chinese station never gets a PDF of empty boxes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from hardware.printers.document import Document, Table
from hardware.printers.factory import file_target
from hardware.printers.fonts import cjk_font
from hardware.printers.transports import is_folder
from station_console.counter_config import APP_NAME
from station_console.i18n import CURRENT, N_, Translator, _, get_language, translate
from station_console.services.core.money import PAYMENT_METHOD_LABELS
from station_console.services.day.fee_lines import fee_rows
from station_console.services.day.report_words import carrier_shown, money
from station_console.services.day.summary import summary_lines
from station_console.services.sendout.quote import kg
from station_console.settings_in_house import shown_station_name
from station_console.text_columns import display_width, pad

REPORTS_FOLDER = "reports"


def reports_folder() -> Path:
    """Where a report is saved unless told otherwise by a counter's PDF printer (`pdf_printer_folder`):
    `reports/` in the station's data folder, whatever folder the console or `station` was started in (a
    repository checkout, /)."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / REPORTS_FOLDER


def pdf_printer_folder(counter: Any | None) -> Path | None:
    """The folder the counter's first PDF printer writes its files into (the default printer first),
    None when it has no such printer (one writing to a spool file, a CUPS queue, or to a relative path,
    which it refuses as set up wrong: `hardware.printers.factory.RELATIVE_TARGET`), or its folder is not
    there now: a share not mounted is never made on the local disk in its place (the file printer does
    not make it either), the report goes to the data folder and the toast says so by its path."""
    if counter is None:
        return None
    for config in [counter.printer, *counter.printers.values()]:
        target = file_target(str(config.get("target", "")))
        if (
            str(config.get("language", "")).lower() == "pdf"
            and str(config.get("transport", "")).lower() == "file"
            and Path(target).is_absolute()  # a relative one is that printer's fault, never the cwd's folder
            and is_folder(target)  # a name too long to look at is no folder either
        ):
            return Path(target)
    return None


def report_file(
    report: dict[str, Any], fmt: str, counter: Any | None = None, counter_name: str | None = None
) -> Path:
    """The name a report of `fmt` (pdf, csv, json) is saved under by default: in the folder of
    `counter`'s PDF printer (`pdf_printer_folder`), else in `reports_folder`, named by the day, and by
    the counter in the data folder's, which every counter run by this PC's user shares (two counters of
    one station on one PC wrote the same file): `counter_name`, the name the station was opened under
    (`--counter` may differ from the counter settings' own), else the settings'. Written by
    `private_files.write_new`, never over a file already there: a report printed and signed is not
    replaced unseen by a later one of the day, nor by another counter's saved into the same shared
    folder at the same moment (`-2`, `-3`, ...)."""
    own = pdf_printer_folder(counter)
    folder = own or reports_folder()
    stem = f"report-{report['date']}"
    name = counter_name or (None if counter is None else counter.counter)
    if own is None and name:
        stem += f"-{file_safe(name)}"
    return folder / f"{stem}.{fmt}"


# Of a counter's name in a file name: a disk takes 255 bytes a name, and a counter's name may be 500
# characters (1,500 bytes in Chinese).
_NAME_BYTES = 80


def file_safe(name: str) -> str:
    """A counter's name as part of a file name: letters (any script), digits, `.`, `-`, `_` kept, the
    rest (a `/`, a space, a control character) as `_`; a long one cut to its start and a digest of the
    whole, so two long names alike in their first 70 bytes still name two files."""
    safe = re.sub(r"[^\w.-]", "_", name).lstrip(".") or "_"
    whole = safe.encode("utf-8")
    if len(whole) <= _NAME_BYTES:
        return safe
    start = whole[: _NAME_BYTES - 10].decode("utf-8", errors="ignore")  # never half a character
    return f"{start}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:9]}"


COLUMNS = (
    ("carrier", N_("Carrier")),
    ("opening", N_("Opening")),
    ("checked_in", N_("In")),
    ("picked_up", N_("Picked up")),
    ("returned", N_("Returned")),
    ("written_off", N_("Written off")),
    ("closing", N_("Closing")),
    ("fees_cents", N_("Delivery fees")),
)
SEND_COLUMNS = (
    ("carrier", N_("Carrier")),
    ("payment", N_("Payment")),
    ("opening", N_("Opening")),
    ("accepted", N_("Accepted")),
    ("handed_over", N_("Handed over")),
    ("cancelled", N_("Cancelled")),
    ("closing", N_("At counter")),
    ("billed_g", N_("Charged kg")),
    ("manual_weights", N_("Typed weights")),
    ("revenue_cents", N_("Revenue")),
    ("refunds_cents", N_("Refunds")),
    ("net_cents", N_("Net")),
)
TOTAL = N_("Total")
FIGURE_KEYS = ("opening", "checked_in", "picked_up", "returned", "written_off", "closing")
NO_CJK_FONT = N_(
    "Chinese cannot be printed: this computer has no Chinese font, so this report is in English. "
    "A manager can choose one in Settings, Label font."
)


def pdf_font() -> str:
    """The font file a PDF report is drawn in, for the line saying it was written ("": none found)."""
    found = cjk_font()
    return found.path.name if found is not None else ""


def table_rows(report: dict[str, Any], tr: Translator = CURRENT) -> list[list[str]]:
    """Header plus one row per carrier plus the totals row, as display strings."""
    rows = [[tr(label) for _key, label in COLUMNS]]
    for line in report["carriers"]:
        rows.append(_figure_cells({**line, "carrier": carrier_shown(report, line["carrier"])}))
    rows.append(_figure_cells({**report["totals"], "carrier": tr(TOTAL)}))
    return rows


def _figure_cells(line: dict[str, Any]) -> list[str]:
    return [money(line[k]) if k == "fees_cents" else str(line[k]) for k, _label in COLUMNS]


def send_rows(report: dict[str, Any], tr: Translator = CURRENT) -> list[list[str]]:
    """The day's sends: header, one row per carrier and payment method, the totals (empty: no sends)."""
    sends = report.get("sends") or {}
    if not sends.get("rows"):
        return []

    def cell(line: dict[str, Any], key: str) -> str:
        value = line.get(key, "")
        if key.endswith("_cents"):
            return money(int(value))
        if key == "billed_g":
            return kg(int(value))  # to the gram, as the screen, the receipt and the manifest weigh a send
        if key == "payment":
            return tr(PAYMENT_METHOD_LABELS[value]) if value in PAYMENT_METHOD_LABELS else str(value)
        return str(value)

    rows = [[tr(label) for _key, label in SEND_COLUMNS]]
    for line in sends["rows"]:
        named = {**line, "carrier": carrier_shown(report, line["carrier"])}
        rows.append([cell(named, key) for key, _label in SEND_COLUMNS])
    totals = {**sends["totals"], "carrier": tr(TOTAL), "payment": ""}
    rows.append([cell(totals, key) for key, _label in SEND_COLUMNS])
    return rows


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, default=str, indent=2)


# A text cell a spreadsheet would run as a formula (a carrier named "=cmd|..."): read as text instead.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _TextCells:
    """A csv writer whose text cells are never formulas (numbers stay numbers)."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([_as_text(cell) for cell in row])


def to_csv(report: dict[str, Any]) -> str:
    """The reconciliation table (machine keys, fees in cents; each carrier by its code, then its name), then
    the other figures as key,value rows."""
    out = io.StringIO()
    writer = _TextCells(out)
    keys = _csv_keys(COLUMNS)
    writer.writerow(["date", *keys])
    for line in [
        *_named(report, report["carriers"]),
        {**report["totals"], "carrier": "TOTAL", "carrier_name": ""},
    ]:
        writer.writerow([report["date"], *[line[k] for k in keys]])
    writer.writerow([])
    writer.writerow(["figure", "value"])
    writer.writerow(["balanced", report["balanced"]])
    writer.writerow(["differences", len(report["differences"])])
    for band, n in report["overdue"]["totals"].items():
        writer.writerow([f"overdue_{band}", n])
    ttp = report["time_to_pickup"]
    writer.writerow(["time_to_pickup_median_minutes", ttp["median_minutes"]])
    writer.writerow(["time_to_pickup_p90_minutes", ttp["p90_minutes"]])
    writer.writerow(["redeliveries", report["redeliveries"]["count"]])
    for line in report["carriers"]:  # among its check-ins, not among its delivery fees
        if line.get("put_back"):
            writer.writerow([f"put_back:{line['carrier']}", line["put_back"]])
    for key, value in report.get("door", {}).items():
        writer.writerow([f"door_{key}", value])
    recipients = report.get("recipients")
    if recipients:
        writer.writerow(["recipients_active", recipients["active"]])
        writer.writerow(["recipients_consent_percent", recipients["coverage_percent"]])
        for key, value in recipients["parcels_by_preference"].items():
            writer.writerow([f"on_shelf_by_choice_{key}", value])
    writer.writerow(["problems_marked", report["problems"]["marked"]])
    for clerk in report["per_clerk"]:
        writer.writerow([f"clerk:{clerk['clerk']}", f"{clerk['checked_in']}/{clerk['picked_up']}"])
    for kind in ("checked_in", "picked_up"):
        writer.writerow([f"{kind}_by_hour", " ".join(str(n) for n in report["by_hour"][kind])])
    for key, value in fee_rows(report):
        writer.writerow([key, value])
    if report.get("forecast") and report["forecast"].get("ready", True):
        writer.writerow(["forecast_total_estimate", report["forecast"]["total"]])
    closed = report.get("closed")
    writer.writerow(["closed_sha256", closed["sha256"] if closed and not closed.get("reopened_at") else ""])
    sends = report.get("sends") or {}
    if sends.get("rows") or sends.get("refused", {}).get("count"):
        writer.writerow([])
        keys = _csv_keys(SEND_COLUMNS)
        writer.writerow(["date", *keys])
        totals = {**sends["totals"], "carrier": "TOTAL", "carrier_name": "", "payment": ""}
        for line in [*_named(report, sends["rows"]), totals]:
            writer.writerow([report["date"], *[line[k] for k in keys]])
        writer.writerow(["sends_balanced", sends["balanced"]])
        writer.writerow(["sends_differences", len(sends["differences"])])
        writer.writerow(["sends_refused", sends["refused"]["count"]])
        writer.writerow(["currency", sends.get("currency", "")])
    return out.getvalue()


def _csv_keys(columns: tuple[tuple[str, str], ...]) -> list[str]:
    """A table's CSV columns: a program keeps reading the carrier's code; its name follows it."""
    keys = [k for k, _label in columns]
    return [*keys[:1], "carrier_name", *keys[1:]]


def _named(report: dict[str, Any], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**line, "carrier_name": carrier_shown(report, line["carrier"])} for line in lines]


def to_text(report: dict[str, Any]) -> str:
    rows = table_rows(report)
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    station = shown_station_name(report.get("station", ""))
    title = _("{station}: day report {date}", station=station, date=report["date"])
    lines = [title, ""]
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(pad(c, w, left=i == 0) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        )
        if n == 0 or n == len(rows) - 2:
            lines.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
    sends = send_rows(report)
    if sends:
        widths = [max(display_width(r[i]) for r in sends) for i in range(len(sends[0]))]
        lines += ["", _("Sends")]
        for row in sends:
            lines.append(
                "  ".join(pad(c, w, left=i < 2) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
            )
    return "\n".join([*lines, "", *summary_lines(report)]) + "\n"


def to_pdf(report: dict[str, Any]) -> bytes:
    """An A4 page (or more): station, date, the table, the figures, the close signature.

    Drawn by the documents' one PDF renderer, which names its font in the file's keywords; the page
    is for the clerk who signs it, and mentions the font only when there is no Chinese one: then it
    is in English and says so.
    """
    # fpdf takes ~0.2 s to import: loaded when a PDF is written, not when the console starts.
    from hardware.printers.pdf import render_document

    found = cjk_font()
    lang = get_language()
    font_note = ""
    if found is not None:
        tr = Translator(lang)
    else:
        font_note = translate(NO_CJK_FONT, "en")
        tr = Translator("en")
        # The core font draws Latin-1 only: a carrier it cannot name reads as its code, not as "??".
        names = report.get("carrier_names", {})
        report = {**report, "carrier_names": {c: n for c, n in names.items() if _latin1(n)}}

    header, *rows = table_rows(report, tr)
    more: list[Table] = []
    sends = send_rows(report, tr)
    if sends:
        more.append(
            Table(
                sends[0],
                sends[1:],
                aligns=["L", "L", *["R"] * (len(sends[0]) - 2)],
                heading=tr("Sends"),
                small=True,
            )
        )
    station = shown_station_name(report.get("station", ""), tr.lang)
    title = tr("{station}: day report {date}", station=station, date=report["date"])
    document = Document(
        kind="report",
        title=title,
        note=font_note,
        columns=header,
        rows=rows,
        aligns=["L", *["R"] * (len(header) - 1)],
        more=more,
        footer=[*summary_lines(report, tr), "", tr("Signature (manager): ____________________")],
    )
    return render_document(document)


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True
