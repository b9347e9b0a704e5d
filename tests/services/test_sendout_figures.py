"""The day's sends in the report and the close: per carrier and payment method, balanced from the
records and from the events, in JSON, CSV, text and PDF."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from conftest import FakeClock
from pypdf import PdfReader
from sendout_helpers import as_clerk, as_manager, parcel, party, recipient, send, sf, staff
from sqlalchemy import update
from sqlmodel import Session, col, select

from db.models import DayClose, Send
from station_console.errors import Refused
from station_console.i18n import Translator
from station_console.services.core.station import Station
from station_console.services.day import close as dayclose
from station_console.services.day import export as report_export
from station_console.services.day.figures import Counting, day_figures
from station_console.services.day.report import build_report
from station_console.services.sendout import accept, handover, payments
from station_console.services.sendout.payments import Payment
from station_console.services.sendout.weighing import Weight


def rows_of(report: dict) -> dict[tuple[str, str], dict[str, int]]:
    return {(r["carrier"], r["payment"]): r for r in report["sends"]["rows"]}


@pytest.fixture
def day_one(station: Station, clock) -> dict[str, int]:
    """Day one: four sends accepted, one refused; one handed over, one refunded."""
    staff(station)
    ids = {
        "cash1": send(station, waybill=sf(1)).send_id,
        "cash2": send(station, waybill=sf(2), weight=Weight(3000, manual=False, device="dummy")).send_id,
        "qr": send(station, waybill=sf(3), payment=Payment("qr", "WX123")).send_id,
        "acct": send(
            station, waybill="JT1234567890123", carrier="JT", payment=Payment("account", "Shop 7")
        ).send_id,
    }
    accept.refuse(
        station, party=party(), recipient=recipient(), parcel=parcel(), reason="fireworks", carrier="SF"
    )
    clock.advance(hours=3)
    batch = handover.open_batch(station, "SF")
    handover.close_batch(station, handover.scan(station, batch, sf(1)).batch_id)
    as_manager(station)
    payments.refund(station, ids["qr"], "wrong carrier")
    as_clerk(station)
    return ids


def test_the_day_balances_per_carrier_and_payment(station: Station, day_one: dict[str, int]) -> None:
    report = build_report(station, station.business_day(), with_forecast=False)
    sends = report["sends"]
    assert sends["balanced"] and report["balanced"] and sends["currency"] == "CNY"
    rows = rows_of(report)
    assert set(rows) == {("SF", "cash"), ("SF", "qr"), ("JT", "account")}
    cash = rows[("SF", "cash")]
    assert [cash[k] for k in ("opening", "accepted", "handed_over", "cancelled", "closing")] == [
        0,
        2,
        1,
        0,
        1,
    ]
    assert (cash["weight_g"], cash["manual_weights"]) == (4200, 1)
    qr = rows[("SF", "qr")]
    assert [qr[k] for k in ("accepted", "cancelled", "closing")] == [1, 1, 0]
    assert qr["net_cents"] == 0 and qr["revenue_cents"] == qr["refunds_cents"] > 0
    totals = sends["totals"]
    assert totals["accepted"] == totals["handed_over"] + totals["closing"] + totals["cancelled"] == 4
    assert sends["refused"] == {"count": 1, "carriers": {"SF": 1}}
    assert {r["carrier"] for r in sends["by_carrier"]} == {"SF", "JT"}
    assert {r["payment"] for r in sends["by_payment"]} == {"cash", "qr", "account"}


def test_the_next_day_opens_with_what_stayed(station: Station, day_one: dict[str, int], clock) -> None:
    clock.advance(days=1)
    batch = handover.open_batch(station, "SF")
    handover.close_batch(station, handover.scan(station, batch, sf(2)).batch_id)
    report = build_report(station, station.business_day(), with_forecast=False)
    rows = rows_of(report)
    assert [rows[("SF", "cash")][k] for k in ("opening", "accepted", "handed_over", "closing")] == [
        1,
        0,
        1,
        0,
    ]
    assert rows[("JT", "account")]["opening"] == rows[("JT", "account")]["closing"] == 1
    assert report["sends"]["balanced"]
    yesterday = build_report(station, station.business_day() - timedelta(days=1), with_forecast=False)
    assert rows_of(yesterday)[("SF", "cash")]["closing"] == 1  # yesterday's figures did not move


def test_a_record_that_disagrees_with_its_events_unbalances_the_day(
    station: Station, day_one: dict[str, int], clock
) -> None:
    # Someone edits a send's row behind the service's back: handed over, with no event.
    station.run(
        lambda s: s.connection().execute(
            update(Send)
            .where(col(Send.id) == day_one["cash2"])
            .values(status="handed_over", handed_over_at=clock.now)
        )
    )
    report = build_report(station, station.business_day(), with_forecast=False)
    assert not report["sends"]["balanced"] and not report["balanced"]
    (diff,) = report["sends"]["differences"]
    assert (diff["send_id"], diff["records"], diff["events"]) == (
        day_one["cash2"],
        ["accepted", "handed_over"],
        ["accepted"],
    )
    as_manager(station)
    with pytest.raises(Refused) as exc:
        dayclose.close_day(station, early=True)  # before closing time, confirmed: still not balanced
    assert exc.value.code == "not_balanced" and "(1 difference); fix it" in exc.value.message()


def test_the_close_freezes_the_sends_and_later_ones_go_to_the_next_day(
    station: Station, day_one: dict[str, int], clock: FakeClock
) -> None:
    as_manager(station)
    info = dayclose.close_day(station, early=True)  # before closing time: the manager confirmed
    with station.read() as session:
        stored = dayclose.stored_figures(session, info.day)
    assert stored is not None and stored["sends"]["totals"]["accepted"] == 4
    assert build_report(station, with_forecast=False)["closed"]["matches"]
    assert info.sha256 == dayclose.digest(stored)
    clock.advance(minutes=5)
    send(station, waybill=sf(9))  # after the close: it lands on the next business day, not the closed one
    assert station.business_day() == info.day + timedelta(days=1)
    closed = build_report(station, info.day, with_forecast=False)
    assert closed["closed"]["matches"] and closed["sends"]["totals"]["accepted"] == 4
    assert build_report(station, with_forecast=False)["sends"]["totals"]["accepted"] == 1


def test_a_day_without_sends_keeps_the_hash_it_had(station: Station) -> None:
    with station.read() as session:
        figures = day_figures(session, station, station.business_day())
    assert "sends" not in figures  # a day closed before send-out existed hashes the same
    report = build_report(station, with_forecast=False)
    assert report["sends"]["rows"] == [] and report["sends"]["balanced"]
    assert "Sends: none" in report_export.to_text(report)


def test_every_export_carries_the_sends(station: Station, day_one: dict[str, int]) -> None:
    report = build_report(station, station.business_day(), with_forecast=False)
    assert json.loads(report_export.to_json(report))["sends"]["totals"]["accepted"] == 4
    csv_text = report_export.to_csv(report)
    assert (
        "revenue_cents" in csv_text and "sends_balanced,True" in csv_text and ",SF,qr,0,1,0,1,0," in csv_text
    )
    text = report_export.to_text(report)
    assert "0 from before + 4 accepted = 1 handed over + 1 cancelled + 2 at the counter; balanced" in text
    assert "3 weights typed in; 1 refused at inspection" in text
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report_export.to_pdf(report))).pages)
    assert "At counter" in pdf and "Accepted" in pdf and "4 accepted = 1 handed over" in pdf


def test_the_day_report_weighs_the_sends_as_their_manifest_does(station: Station) -> None:
    """2.35 kg and 1.2 kg, priced as 3 kg and 2 kg (a first kilogram and whole steps): the report's
    table says the weight charged, 3, 2 and 5 kg, to the gram as the screen, the receipt and the
    manifest write a weight, under a heading that says so; it totalled the weight before the tariff's
    steps (2.35, 1.2 and 3.55 kg) beside the manifest's 'chargeable 2 kg'."""
    staff(station)
    send(station, waybill=sf(1), weight=Weight.typed(2350))
    send(station, waybill=sf(2), weight=Weight.typed(1200), payment=Payment("qr", "WX1"))
    report = build_report(station, station.business_day(), with_forecast=False)
    rows = report_export.send_rows(report)
    column = [str(label) for label in rows[0]].index("Charged kg")
    assert [row[column] for row in rows[1:]] == ["3", "2", "5"]
    totals = report["sends"]["totals"]
    assert (totals["billed_g"], totals["weight_g"]) == (5000, 3550)  # the weighed weight kept, as such
    csv_text = report_export.to_csv(report)
    assert "billed_g" in csv_text and "chargeable_g" not in csv_text
    zh = report_export.send_rows(report, Translator("zh"))
    assert zh[0][column] == "计费千克" and zh[-1][column] == "5"


def test_a_day_closed_when_the_sends_were_weighed_by_chargeable_g_still_matches(
    station: Station, clock: FakeClock
) -> None:
    """A close made before the report totalled the billed weight froze the greater of actual and
    volumetric under `chargeable_g`: its hash still matches, and a changed figure still does not."""
    staff(station)
    send(station, waybill=sf(1), weight=Weight.typed(1200))
    as_manager(station)
    info = dayclose.close_day(station, early=True)
    with station.read() as session:
        before = day_figures(session, station, info.day, counting=Counting(sends_by_chargeable=True))
    assert before["sends"]["totals"]["chargeable_g"] == 1200 and "billed_g" not in before["sends"]["totals"]

    def freeze(session: Session, figures: dict) -> None:
        row = session.exec(select(DayClose)).one()
        row.figures, row.sha256 = dayclose.canonical(figures), dayclose.digest(figures)
        session.add(row)

    station.run(lambda session: freeze(session, before))
    assert build_report(station, info.day, with_forecast=False)["closed"]["matches"]
    station.run(lambda session: freeze(session, {**before, "station": "elsewhere"}))
    assert not build_report(station, info.day, with_forecast=False)["closed"]["matches"]
