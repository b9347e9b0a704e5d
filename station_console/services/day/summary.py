"""The day report read as sentences: the figures after the table (balance, overdue bands, time to
pickup, stocktakes, storage fees) and the close's line, in the console's language or a translator's.
The words every part of the report shares are `report_words.py`; the storage fees' lines and CSV
figures `fee_lines.py`."""

from __future__ import annotations

from typing import Any

from station_console.i18n import CURRENT, N_, Translator
from station_console.services.core.money import amount
from station_console.services.day.fee_lines import fee_lines
from station_console.services.day.report_words import carrier_shown, issue_text, sum_text
from station_console.services.exceptions.stocktake_view import CLASS_LABELS


def send_lines(report: dict[str, Any], tr: Translator = CURRENT) -> list[str]:
    sends = report.get("sends") or {}
    if not sends.get("rows") and not sends.get("refused", {}).get("count"):
        return [tr("Sends: none")]
    totals = sends["totals"]
    currency = sends.get("currency") or report.get("currency") or "CNY"  # the one the sends were sold in

    def said(cents: int) -> str:
        return amount(cents, currency, tr.lang)

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
            "Send revenue {revenue}, refunds {refunds}, net {net}; {manual}; {refused} refused at inspection",
            revenue=said(totals["revenue_cents"]),
            refunds=said(totals["refunds_cents"]),
            net=said(totals["net_cents"]),
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
                issue=issue_text(diff["issue"], tr),
            )
        )
    return lines


def close_send_lines(report: dict[str, Any], tr: Translator = CURRENT) -> list[str]:
    """The sends the day close freezes, in two short lines (what came and went, and the money), for the
    manager to count the drawer against; none on a day without sends."""
    sends = report.get("sends") or {}
    if not sends.get("rows"):
        return []
    totals = sends["totals"]
    currency = sends.get("currency") or report.get("currency") or "CNY"  # the one the sends were sold in

    def said(cents: int) -> str:
        return amount(cents, currency, tr.lang)

    return [
        tr(
            "Sends: {accepted} accepted, {handed_over} handed over, {closing} at the counter",
            accepted=totals["accepted"],
            handed_over=totals["handed_over"],
            closing=totals["closing"],
        ),
        tr(
            "Send revenue {revenue}, refunds {refunds}, net {net}",
            revenue=said(totals["revenue_cents"]),
            refunds=said(totals["refunds_cents"]),
            net=said(totals["net_cents"]),
        ),
    ]


def no_activity_line(report: dict[str, Any], tr: Translator = CURRENT) -> str | None:
    """What is said instead of "Balanced" for a day nothing could happen on (before the station's first
    day, or any day while nothing is recorded); None for any other day."""
    if not report.get("no_activity"):
        return None
    if report.get("first_day"):
        return tr("No activity: the station's first day is {first}.", first=report["first_day"])
    return tr("No activity: nothing is recorded on this station yet.")


def _overdue_line(report: dict[str, Any], at_close: bool) -> str:
    """By band, each parcel in one (the hours are each carrier's own, 48/72/7 days by default), counted
    back from the day's end; "at close" only once the day is closed: an open day's may still go."""
    if at_close or report.get("closed"):
        return N_("Overdue at close: {amber} amber, {red} red, {ret} due for return")
    return N_("Overdue so far, by the day's end: {amber} amber, {red} red, {ret} due for return")


def summary_lines(report: dict[str, Any], tr: Translator = CURRENT, *, at_close: bool = False) -> list[str]:
    """The figures after the table, one line each, in the console's language; `at_close`: as the close
    about to be made will freeze them (its question), overdue "at close" on a day still open."""
    ttp = report["time_to_pickup"]
    overdue = report["overdue"]["totals"]
    lines = [
        (no_activity_line(report, tr) or tr("Balanced"))
        if report["balanced"]
        else tr.n(
            "NOT balanced: {count} difference",
            "NOT balanced: {count} differences",
            len(report["differences"]),
            count=len(report["differences"]),
        ),
        tr(
            _overdue_line(report, at_close),
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
        )
        if ttp["count"]
        else tr("Time to pickup: no pickups"),  # no median to give hours of
        tr(
            "Re-deliveries: {count}; parcels marked with a problem: {problems}",
            count=report["redeliveries"]["count"],
            problems=report["problems"]["marked"],
        ),
    ]
    lines += put_back_lines(report, tr)
    door = report.get("door")
    if door:
        lines.append(
            tr(
                "Door deliveries: {delivered} delivered (counted as picked up), {failed} failed, "
                "{out} out with a runner at the close (counted as closing); fees {fees}",
                delivered=door["delivered"],
                failed=door["failed"],
                out=door["out_at_close"],
                fees=sum_text(report, door["fees_cents"], tr),
            )
        )
    recipients = report.get("recipients")
    if recipients:
        by = recipients["parcels_by_preference"]
        lines.append(
            tr(
                "Recipients: {active} in the directory, {percent}% consented to station pickup "
                "({unknown} not asked, {refused} refused, {withdrawn} withdrawn)",
                active=recipients["active"],
                percent=recipients["coverage_percent"] if recipients["coverage_percent"] is not None else "-",
                unknown=recipients["consent"]["unknown"],
                refused=recipients["consent"]["refused"],
                withdrawn=recipients["consent"]["withdrawn"],
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
    if fc and not fc.get("ready", True):
        lines.append(
            tr.n(
                "Estimate for {date}: none yet; it needs {needed} day of check-ins to learn from and check "
                "against ({days} so far)",
                "Estimate for {date}: none yet; it needs {needed} days of check-ins to learn from and check "
                "against ({days} so far)",
                fc["needed_days"],
                date=fc["date"],
                needed=fc["needed_days"],
                days=fc["history_days"],
            )
        )
    elif fc:
        if fc["mape_percent"] is not None:
            err = tr("{mape}% off on average lately", mape=fc["mape_percent"])
        elif checked := _measured_days(fc):
            # Too few days checked for an average error to mean much: how many, not a percentage.
            err = tr.n(
                "how far off it runs is said once {needed} day is checked, {days} so far",
                "how far off it runs is said once {needed} days are checked, {days} so far",
                _needed_days(),
                needed=_needed_days(),
                days=checked,
            )
        else:
            err = tr("no history to check it against yet")
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
                issue=issue_text(diff["issue"], tr),
            )
        )
    return lines


def put_back_lines(report: dict[str, Any], tr: Translator = CURRENT) -> list[str]:
    """Each carrier's stocktake put-backs: among its check-ins, so the day balances to the parcel, but
    never delivered again, so left out of its delivery fees."""
    return [
        tr.n(
            "{carrier}: {count} parcel put back at a stocktake, counted among its {checked_in} in so the "
            "day balances; not delivered again, so no delivery fee for it",
            "{carrier}: {count} parcels put back at a stocktake, counted among its {checked_in} in so the "
            "day balances; not delivered again, so no delivery fee for them",
            line["put_back"],
            carrier=carrier_shown(report, line["carrier"]),
            count=line["put_back"],
            checked_in=line["checked_in"],
        )
        for line in report["carriers"]
        if line.get("put_back")
    ]


def stocktake_line(stocktake: dict[str, Any], tr: Translator = CURRENT) -> str:
    """A closed stocktake as the clerk reads it: where, what each class counted, the fixes applied (its
    stored result stays whole in the JSON export). Its strays checked in are parcels the station had no
    record of, as the close offered them: not checked in "again"."""
    result = stocktake["result"] or {}
    counts, fixes = result.get("counts", {}), result.get("fixes", {})
    counted = tr(", ").join(f"{tr(label)} {counts.get(cls, 0)}" for cls, label in CLASS_LABELS.items())
    return tr(
        "Stocktake {id} of {scope}: {counted}; fixes: relocated {moved}, marked missing {missing}, "
        "checked in (not on record here) {rechecked}, put back {put}, not applied {failed}",
        id=stocktake["id"],
        scope=result.get("scope") or stocktake["shelf"],
        counted=counted,
        moved=len(fixes.get("relocated", [])),
        missing=len(fixes.get("marked_missing", [])),
        rechecked=len(fixes.get("rechecked", [])),
        put=len(fixes.get("put_back", [])),
        failed=len(fixes.get("failed", [])),
    )


def _minute(iso: str) -> str:
    """A stored ISO time as a person reads it: `2026-12-04 02:42`, not `2026-12-04T02:42:13+08:00`."""
    return iso[:16].replace("T", " ")


def close_line(report: dict[str, Any], tr: Translator = CURRENT, *, sha_chars: int | None = None) -> str:
    """Whether and by whom the day is closed; `sha_chars`: the SHA-256's start only (a status line of two
    lines, where the whole of it pushed whether the figures still match out of view)."""
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
        sha=closed["sha256"] if sha_chars is None else f"{closed['sha256'][:sha_chars]}…",
        state=state,
    )


def _hours(minutes: float | None) -> str:
    """A clerk reads hours, not thousands of minutes; the JSON keeps minutes."""
    return "-" if minutes is None else f"{minutes / 60:.1f}"


def _measured_days(fc: dict[str, Any]) -> int:
    # Imported here: the forecast loads with the first report, never with the screens that show it.
    from station_console.services.day.forecast import measured_days

    return measured_days(fc["backtest"])


def _needed_days() -> int:
    from station_console.services.day.forecast import MEASURED_DAYS  # (see _measured_days)

    return MEASURED_DAYS
