"""A stocktake put-back in the day's per-carrier figures: among the check-ins (the day balances to the
parcel), not among the carrier's delivery fees (the carrier delivered it once)."""

from __future__ import annotations

import json
from datetime import date

from day_helpers import act_as_manager, leave, local, put
from sqlmodel import select

from db.models import DayClose
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.day.export import to_csv
from station_console.services.day.report import build_report
from station_console.services.day.summary import carrier_shown, summary_lines
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.scan.carriers import update_carrier

D = date(2026, 11, 25)


def test_a_put_back_is_checked_in_for_the_balance_but_its_carrier_is_not_paid_for_it_again(
    station: Station, clock: object
) -> None:
    """JT delivered two parcels; one, recorded as picked up, was found and put back. The day counts three
    in (it balances: two on the shelf at the close, one picked up), but JT's fee was for three."""
    act_as_manager(station, "mei")  # the carrier's fee and a put-back are a manager's
    update_carrier(station, "JT", {"fee_cents": 40})
    gone = put(station, "JT0000000000007", "JT", local(D, 9))
    put(station, "JT0000000000008", "JT", local(D, 9))
    leave(station, gone, "picked_up", local(D, 10))
    clock.now = local(D, 11)  # type: ignore[attr-defined]
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, "JT0000000000007")
    stocktake_close.close(station, take.id, put_back=["JT0000000000007"])
    clock.now = local(D, 21)  # type: ignore[attr-defined]
    report = build_report(station, D)
    (jt,) = report["carriers"]
    figures = [jt[k] for k in ("opening", "checked_in", "picked_up", "closing", "put_back", "fees_cents")]
    assert figures == [0, 3, 1, 2, 1, 80]  # two delivered: 2 x 40, not 3 x 40
    assert (report["totals"]["put_back"], report["totals"]["fees_cents"]) == (1, 80)
    assert report["balanced"] and report["differences"] == []
    said = f"{carrier_shown(report, 'JT')}: 1 parcel put back at a stocktake, counted among its 3 in"
    assert any(line.startswith(said) and "no delivery fee for it" in line for line in summary_lines(report))
    csv = to_csv(report).replace("\r", "")
    assert "put_back:JT,1\n" in csv and f"{D.isoformat()},TOTAL,,0,3,1,0,0,2,80\n" in csv
    close_day(station, D)
    with station.read() as session:
        stored = json.loads(session.exec(select(DayClose)).one().figures)
    assert stored["carriers"][0]["fees_cents"] == 80 and stored["carriers"][0]["put_back"] == 1
    assert build_report(station, D)["closed"]["matches"] is True
