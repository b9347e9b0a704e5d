"""The day report as text, CSV, JSON and an A4 PDF (fpdf2).

The PDF embeds a CJK TrueType font when the machine has one (hardware.printers.fonts finds it) and
says which; without one it falls back to a core font and English wording, and says that too, so a
Chinese station never gets a PDF of empty boxes.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any

from hardware.printers.fonts import cjk_font
from station_console.i18n import N_, _, get_language, translate

COLUMNS = (
    ("carrier", N_("Carrier")),
    ("opening", N_("Opening")),
    ("checked_in", N_("In")),
    ("picked_up", N_("Picked up")),
    ("returned", N_("Returned")),
    ("written_off", N_("Written off")),
    ("closing", N_("Closing")),
    ("fees_cents", N_("Fees")),
)
TOTAL = N_("Total")
FIGURE_KEYS = ("opening", "checked_in", "picked_up", "returned", "written_off", "closing")
NO_CJK_FONT = N_("No Chinese font found: this PDF is in English. Install fonts-wqy-microhei.")


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def table_rows(report: dict[str, Any], tr: Any = _) -> list[list[str]]:
    """Header plus one row per carrier plus the totals row, as display strings."""
    rows = [[tr(label) for _key, label in COLUMNS]]
    for line in [*report["carriers"], {**report["totals"], "carrier": tr(TOTAL)}]:
        rows.append([money(line[k]) if k == "fees_cents" else str(line[k]) for k, _label in COLUMNS])
    return rows


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, default=str, indent=2)


def to_csv(report: dict[str, Any]) -> str:
    """The reconciliation table (machine keys, fees in cents), then the other figures as key,value rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", *[k for k, _label in COLUMNS]])
    for line in [*report["carriers"], {**report["totals"], "carrier": "TOTAL"}]:
        writer.writerow([report["date"], *[line[k] for k, _label in COLUMNS]])
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
    writer.writerow(["problems_marked", report["problems"]["marked"]])
    for clerk in report["per_clerk"]:
        writer.writerow([f"clerk:{clerk['clerk']}", f"{clerk['checked_in']}/{clerk['picked_up']}"])
    for kind in ("checked_in", "picked_up"):
        writer.writerow([f"{kind}_by_hour", " ".join(str(n) for n in report["by_hour"][kind])])
    if report.get("forecast"):
        writer.writerow(["forecast_total_estimate", report["forecast"]["total"]])
    closed = report.get("closed")
    writer.writerow(["closed_sha256", closed["sha256"] if closed and not closed.get("reopened_at") else ""])
    return out.getvalue()


def summary_lines(report: dict[str, Any], tr: Any = _) -> list[str]:
    """The figures after the table, one line each, in the console's language."""
    ttp = report["time_to_pickup"]
    overdue = report["overdue"]["totals"]
    lines = [
        tr("Balanced")
        if report["balanced"]
        else tr("NOT balanced: {count} differences", count=len(report["differences"])),
        tr(
            "Overdue at close: {amber} over 48 h, {red} over 72 h, {ret} over 7 days",
            amber=overdue["amber"],
            red=overdue["red"],
            ret=overdue["return"],
        ),
        tr(
            "Time to pickup: median {median} h, 90th percentile {p90} h ({count} pickups)",
            median=_hours(ttp["median_minutes"]),
            p90=_hours(ttp["p90_minutes"]),
            count=ttp["count"],
        ),
        tr(
            "Re-deliveries: {count}; problems marked: {problems}",
            count=report["redeliveries"]["count"],
            problems=report["problems"]["marked"],
        ),
    ]
    for clerk in report["per_clerk"]:
        lines.append(
            tr(
                "Clerk {name}: {checked_in} checked in, {picked_up} picked up",
                name=clerk["clerk"],
                checked_in=clerk["checked_in"],
                picked_up=clerk["picked_up"],
            )
        )
    for st in report["stocktakes"]:
        lines.append(
            tr(
                "Stocktake of shelf {shelf}: {result}",
                shelf=st["shelf"],
                result=json.dumps(st["result"], ensure_ascii=False, sort_keys=True),
            )
        )
    fc = report.get("forecast")
    if fc:
        err = (
            tr("{mape}% off on average lately", mape=fc["mape_percent"])
            if fc["mape_percent"] is not None
            else tr("no history to check it against yet")
        )
        lines.append(
            tr(
                "Estimate for {date}: about {total} parcels ({error})",
                date=fc["date"],
                total=fc["total"],
                error=err,
            )
        )
    lines.append(close_line(report, tr))
    for diff in report["differences"][:20]:
        lines.append(
            tr(
                "Difference: parcel {id} {waybill} ({carrier}): {issue}",
                id=diff["parcel_id"],
                waybill=diff["waybill"],
                carrier=diff["carrier"],
                issue=diff["issue"],
            )
        )
    return lines


def close_line(report: dict[str, Any], tr: Any = _) -> str:
    closed = report.get("closed")
    if not closed:
        return tr("Not closed")
    if closed.get("reopened_at"):
        return tr(
            "Reopened at {at} (closed before by {by}); not closed now",
            at=closed["reopened_at"][:16],
            by=closed["by"] or "-",
        )
    state = (
        tr("figures still match") if closed.get("matches", True) else tr("FIGURES CHANGED since the close")
    )
    return tr(
        "Closed by {by} at {at}, SHA-256 {sha}; {state}",
        by=closed["by"] or "-",
        at=closed["at"][:16],
        sha=closed["sha256"],
        state=state,
    )


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text


def to_text(report: dict[str, Any]) -> str:
    rows = table_rows(report)
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    title = _("{station}: day report {date}", station=report.get("station", ""), date=report["date"])
    lines = [title, ""]
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(_pad(c, w, left=i == 0) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        )
        if n == 0 or n == len(rows) - 2:
            lines.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
    return "\n".join([*lines, "", *summary_lines(report)]) + "\n"


def to_pdf(report: dict[str, Any]) -> bytes:
    """An A4 page (or more): station, date, the table, the figures, the close signature, the font used."""
    # fpdf takes ~0.2 s to import: loaded when a PDF is written, not when the console starts.
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    found = cjk_font()
    lang = get_language()
    if found is not None:
        pdf.add_font("report", fname=str(found.path), collection_font_number=found.index)
        family, font_note = "report", _("Font: {font}", font=found.path.name)

        def tr(msgid: str, **params: Any) -> str:
            return translate(msgid, lang, **params)
    else:
        family, font_note = "helvetica", translate(NO_CJK_FONT, "en")

        def tr(msgid: str, **params: Any) -> str:
            text = translate(msgid, "en", **params)
            return text.encode("latin-1", "replace").decode("latin-1")

    pdf.set_title(f"{report.get('station', '')} {report['date']}")
    pdf.add_page()
    pdf.set_font(family, size=16)
    pdf.cell(
        0,
        10,
        tr("{station}: day report {date}", station=report.get("station", ""), date=report["date"]),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(family, size=8)
    pdf.cell(0, 5, font_note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, size=10)
    rows = table_rows(report, tr)
    with pdf.table(
        text_align=("LEFT", *["RIGHT"] * (len(COLUMNS) - 1)),
        line_height=6,
        headings_style=FontFace(emphasis=""),
    ) as table:  # no bold face of the CJK font
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.ln(4)
    for line in summary_lines(report, tr):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, size=9)
    pdf.multi_cell(0, 5, tr("Signature (manager): ____________________"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _hours(minutes: float | None) -> str:
    """A clerk reads hours, not thousands of minutes; the JSON keeps minutes."""
    return "-" if minutes is None else f"{minutes / 60:.1f}"
