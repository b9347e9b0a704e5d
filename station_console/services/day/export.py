"""The day report as text, CSV, JSON and an A4 PDF (fpdf2).

The PDF embeds a CJK TrueType font when the machine has one (hardware.printers.fonts finds it) and
says which; without one it falls back to a core font and English wording, and says that too, so a
Chinese station never gets a PDF of empty boxes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from hardware.printers.document import Document, Table
from hardware.printers.fonts import cjk_font
from station_console.counter_config import APP_NAME
from station_console.i18n import CURRENT, N_, Translator, _, get_language, translate
from station_console.services.core.money import PAYMENT_METHOD_LABELS
from station_console.services.exceptions.stocktake_view import CLASS_LABELS
from station_console.text_columns import display_width, pad

REPORTS_FOLDER = "reports"


def reports_folder() -> Path:
    """Where a report is saved unless told otherwise: in the station's data folder, whatever folder the
    console or `station` was started in (a repository checkout, /)."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / REPORTS_FOLDER


def report_file(report: dict[str, Any], fmt: str) -> Path:
    """The file a report of `fmt` (pdf, csv, json) is saved as by default."""
    return reports_folder() / f"report-{report['date']}.{fmt}"


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
    ("chargeable_g", N_("kg")),
    ("manual_weights", N_("Typed weights")),
    ("revenue_cents", N_("Revenue")),
    ("refunds_cents", N_("Refunds")),
    ("net_cents", N_("Net")),
)
TOTAL = N_("Total")
FIGURE_KEYS = ("opening", "checked_in", "picked_up", "returned", "written_off", "closing")
NO_CJK_FONT = N_("No Chinese font found: this PDF is in English. Check label_font in the counter settings.")


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def carrier_shown(report: dict[str, Any], code: str) -> str:
    """A carrier as a person reads it on the screen and on paper: its short name, as every list names
    it; its code when it has none (the figures themselves stay keyed by code)."""
    return report.get("carrier_names", {}).get(code) or code


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
        if key == "chargeable_g":
            return f"{int(value) / 1000:.1f}"
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


def send_lines(report: dict[str, Any], tr: Translator = CURRENT) -> list[str]:
    sends = report.get("sends") or {}
    if not sends.get("rows") and not sends.get("refused", {}).get("count"):
        return [tr("Sends: none")]
    totals = sends["totals"]
    lines = [
        tr(
            "Sends: {opening} from before + {accepted} accepted = {handed_over} handed over + "
            "{cancelled} cancelled + {closing} at the counter; {state}",
            accepted=totals["accepted"],
            handed_over=totals["handed_over"],
            closing=totals["closing"],
            cancelled=totals["cancelled"],
            opening=totals["opening"],
            state=tr("balanced") if sends["balanced"] else tr("NOT balanced"),
        ),
        tr(
            "Send revenue {revenue} {currency}, refunds {refunds}, net {net}; {manual}; "
            "{refused} refused at inspection",
            revenue=money(totals["revenue_cents"]),
            currency=sends.get("currency", ""),
            refunds=money(totals["refunds_cents"]),
            net=money(totals["net_cents"]),
            manual=tr.n(
                "{n} weight typed in",
                "{n} weights typed in",
                totals["manual_weights"],
                n=totals["manual_weights"],
            ),
            refused=sends["refused"]["count"],
        ),
    ]
    for diff in sends["differences"][:20]:
        lines.append(
            tr(
                "Send difference: {send} {waybill} ({carrier}): {issue}",
                send=diff.get("send_id") or "-",
                waybill=diff.get("waybill") or "",
                carrier=carrier_shown(report, diff.get("carrier") or ""),
                issue=diff["issue"],
            )
        )
    return lines


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, default=str, indent=2)


def to_csv(report: dict[str, Any]) -> str:
    """The reconciliation table (machine keys, fees in cents; each carrier by its code, then its name), then
    the other figures as key,value rows."""
    out = io.StringIO()
    writer = csv.writer(out)
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
    if report.get("forecast"):
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


def summary_lines(report: dict[str, Any], tr: Translator = CURRENT) -> list[str]:
    """The figures after the table, one line each, in the console's language."""
    ttp = report["time_to_pickup"]
    overdue = report["overdue"]["totals"]
    lines = [
        tr("Balanced")
        if report["balanced"]
        else tr.n(
            "NOT balanced: {count} difference",
            "NOT balanced: {count} differences",
            len(report["differences"]),
            count=len(report["differences"]),
        ),
        tr(
            # By band, each parcel in one (the hours are each carrier's own, 48/72/7 days by default).
            "Overdue at close: {amber} amber, {red} red, {ret} due for return",
            amber=overdue["amber"],
            red=overdue["red"],
            ret=overdue["return"],
        ),
        tr.n(
            "Time to pickup: median {median} h, 90th percentile {p90} h ({count} pickup)",
            "Time to pickup: median {median} h, 90th percentile {p90} h ({count} pickups)",
            ttp["count"],
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
    door = report.get("door")
    if door:
        lines.append(
            tr(
                "Door deliveries: {delivered} delivered (counted as picked up), {failed} failed, "
                "{out} out with a runner at the close (counted as closing); fees {fees}",
                delivered=door["delivered"],
                failed=door["failed"],
                out=door["out_at_close"],
                fees=money(door["fees_cents"]),
            )
        )
    recipients = report.get("recipients")
    if recipients:
        by = recipients["parcels_by_preference"]
        lines.append(
            tr(
                "Recipients: {active} in the directory, {percent}% consented to station pickup "
                "({unknown} not asked, {refused} refused)",
                active=recipients["active"],
                percent=recipients["coverage_percent"] if recipients["coverage_percent"] is not None else "-",
                unknown=recipients["consent"]["unknown"],
                refused=recipients["consent"]["refused"],
            )
        )
        lines.append(
            tr(
                "On the shelves by delivery choice: station {station}, door {door}, locker {locker}, "
                "proxy {proxy}, not stated {unknown}, not in the directory {none}; "
                "{without} held without consent",
                station=by["station"],
                door=by["door"],
                locker=by["locker"],
                proxy=by["proxy"],
                unknown=by["unknown"],
                none=by["none"],
                without=by["without_consent"],
            )
        )
    for clerk in report["per_clerk"]:
        lines.append(
            tr(
                "Clerk {name}: {checked_in} checked in, {picked_up} picked up",
                name=clerk["clerk"],
                checked_in=clerk["checked_in"],
                picked_up=clerk["picked_up"],
            )
        )
    lines += [stocktake_line(st, tr) for st in report["stocktakes"]]
    lines += fee_lines(report, tr)
    fc = report.get("forecast")
    if fc:
        err = (
            tr("{mape}% off on average lately", mape=fc["mape_percent"])
            if fc["mape_percent"] is not None
            else tr("no history to check it against yet")
        )
        lines.append(
            tr.n(
                "Estimate for {date}: about {total} parcel ({error})",
                "Estimate for {date}: about {total} parcels ({error})",
                fc["total"],
                date=fc["date"],
                total=fc["total"],
                error=err,
            )
        )
    lines += send_lines(report, tr)
    lines.append(close_line(report, tr))
    for diff in report["differences"][:20]:
        lines.append(
            tr(
                "Difference: parcel {id} {waybill} ({carrier}): {issue}",
                id=diff["parcel_id"],
                waybill=diff["waybill"],
                carrier=carrier_shown(report, diff["carrier"]),
                issue=diff["issue"],
            )
        )
    return lines


def stocktake_line(stocktake: dict[str, Any], tr: Translator = CURRENT) -> str:
    """A closed stocktake as the clerk reads it: where, what each class counted, the fixes applied (its
    stored result stays whole in the JSON export)."""
    result = stocktake["result"] or {}
    counts, fixes = result.get("counts", {}), result.get("fixes", {})
    counted = tr(", ").join(f"{tr(label)} {counts.get(cls, 0)}" for cls, label in CLASS_LABELS.items())
    return tr(
        "Stocktake {id} of {scope}: {counted}; fixes: relocated {moved}, marked missing {missing}, "
        "checked in again {rechecked}, not applied {failed}",
        id=stocktake["id"],
        scope=result.get("scope") or stocktake["shelf"],
        counted=counted,
        moved=len(fixes.get("relocated", [])),
        missing=len(fixes.get("marked_missing", [])),
        rechecked=len(fixes.get("rechecked", [])),
        failed=len(fixes.get("failed", [])),
    )


def fee_rows(report: dict[str, Any]) -> list[tuple[str, Any]]:
    """The day's storage fees as CSV figures (cents), when the day has any."""
    fees = report.get("storage_fees")
    if not fees:
        return []
    rows: list[tuple[str, Any]] = [("storage_fees_charged_cents", fees["charged_cents"])]
    rows += [(f"storage_fees_paid_{method}_cents", cents) for method, cents in fees["paid_cents"].items()]
    rows += [
        ("storage_fees_waived_cents", fees["waived_cents"]),
        ("storage_fees_outstanding_cents", fees["outstanding_cents"]),
        ("storage_fees_balanced", fees["balanced"]),
    ]
    return rows


def fee_lines(report: dict[str, Any], tr: Translator = CURRENT) -> list[str]:
    """The day's storage fees: charged, paid by method, waived (each waiver with its reason)."""
    fees = report.get("storage_fees")
    if not fees:
        return []
    paid = ", ".join(
        f"{tr(PAYMENT_METHOD_LABELS.get(method, method))} {money(cents)}"
        for method, cents in fees["paid_cents"].items()
    )
    lines = [
        tr.n(
            "Storage fees: {charged} charged on {parcels} parcel; paid {paid}; waived {waived}; {state}",
            "Storage fees: {charged} charged on {parcels} parcels; paid {paid}; waived {waived}; {state}",
            fees["parcels"],
            charged=money(fees["charged_cents"]),
            parcels=fees["parcels"],
            paid=paid or money(0),
            waived=money(fees["waived_cents"]),
            state=tr("balanced")
            if fees["balanced"]
            else tr("{amount} not settled", amount=money(fees["outstanding_cents"])),
        )
    ]
    for waiver in fees["waivers"][:20]:
        lines.append(
            tr(
                "Fee waived: {waybill} {amount} by {by}: {reason}",
                waybill=waiver["waybill"],
                amount=money(waiver["amount_cents"]),
                by=waiver["by"] or "-",
                reason=waiver["reason"] or "",
            )
        )
    return lines


def _minute(iso: str) -> str:
    """A stored ISO time as a person reads it: `2026-12-04 02:42`, not `2026-12-04T02:42:13+08:00`."""
    return iso[:16].replace("T", " ")


def close_line(report: dict[str, Any], tr: Translator = CURRENT) -> str:
    closed = report.get("closed")
    if not closed:
        return tr("Not closed")
    if closed.get("reopened_at"):
        return tr(
            "Reopened at {at} (closed before by {by}); not closed now",
            at=_minute(closed["reopened_at"]),
            by=closed["by"] or "-",
        )
    state = (
        tr("figures still match") if closed.get("matches", True) else tr("FIGURES CHANGED since the close")
    )
    return tr(
        "Closed by {by} at {at}, SHA-256 {sha}; {state}",
        by=closed["by"] or "-",
        at=_minute(closed["at"]),
        sha=closed["sha256"],
        state=state,
    )


def to_text(report: dict[str, Any]) -> str:
    rows = table_rows(report)
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    title = _("{station}: day report {date}", station=report.get("station", ""), date=report["date"])
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
    """An A4 page (or more): station, date, the table, the figures, the close signature, the font used.

    Drawn by the documents' one PDF renderer; without a Chinese font it is in English and says so.
    """
    # fpdf takes ~0.2 s to import: loaded when a PDF is written, not when the console starts.
    from hardware.printers.pdf import render_document

    found = cjk_font()
    lang = get_language()
    if found is not None:
        font_note = _("Font: {font}", font=found.path.name)

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
    title = tr("{station}: day report {date}", station=report.get("station", ""), date=report["date"])
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


def _hours(minutes: float | None) -> str:
    """A clerk reads hours, not thousands of minutes; the JSON keeps minutes."""
    return "-" if minutes is None else f"{minutes / 60:.1f}"
