"""A stocktake put-back in the day's per-carrier figures: among the check-ins (the day balances to the
parcel), not among the carrier's delivery fees (the carrier delivered it once), nor among a clerk's
check-ins, the check-ins by hour or the arrivals the forecast learns from (no courier brought it)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from day_helpers import act_as_manager, add_clerk, carrier_id, leave, local, put
from sqlmodel import select

from db.models import DayClose
from station_console.services.core.station import Station
from station_console.services.day import forecast
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


def a_put_back_by_the_manager(station: Station, clock: object) -> None:
    """Li checks in two JT parcels at 09:00 and hands one over at 10:00; at 11:00 Mei, the manager,
    finds the handed-over one on the shelf at a stocktake and puts it back."""
    station.clerk_id, station.clerk_role = add_clerk(station, "li"), "clerk"
    gone = put(station, "JT0000000000007", "JT", local(D, 9))
    put(station, "JT0000000000008", "JT", local(D, 9))
    leave(station, gone, "picked_up", local(D, 10))
    act_as_manager(station, "mei")
    clock.now = local(D, 11)  # type: ignore[attr-defined]
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, "JT0000000000007")
    stocktake_close.close(station, take.id, put_back=["JT0000000000007"])
    clock.now = local(D, 21)  # type: ignore[attr-defined]


def test_a_put_back_is_no_clerks_check_in_nor_an_arrival_by_the_hour_or_for_the_forecast(
    station: Station, clock: object
) -> None:
    """The day still counts three in (it balances), but Li checked in two, nobody checked in at 11:00,
    and the forecast learns two arrivals, before the close and from what the close stored."""
    a_put_back_by_the_manager(station, clock)
    report = build_report(station, D)
    assert report["totals"]["checked_in"] == 3 and report["balanced"]
    assert report["per_clerk"] == [{"clerk": "li", "checked_in": 2, "picked_up": 1}]
    assert report["by_hour"]["checked_in"][9] == 2 and sum(report["by_hour"]["checked_in"]) == 2
    jt = carrier_id(station, "JT")
    with station.read() as session:
        assert forecast.daily_counts(session, D, D) == {D: {"JT": 2}}
        assert forecast.checkins_of(session, D) == {str(jt): 2}
    close_day(station, D)
    clock.now = local(D + timedelta(days=1), 9)  # type: ignore[attr-defined]
    with station.read() as session:
        assert session.exec(select(DayClose)).one().checkins == {str(jt): 2}
        assert forecast.daily_counts(session, D, D) == {D: {"JT": 2}}
    assert build_report(station, D)["closed"]["matches"] is True
