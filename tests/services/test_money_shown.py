"""Money reads one way in each language, on the screen, in commands and on paper: `12.00 CNY` in
English, `12.00 元` in Chinese (core.money.amount); JSON and CSV keep plain figures."""

from __future__ import annotations

from typing import Any

import pytest
from sendout_helpers import parcel, send, staff

from station_console.errors import Refused
from station_console.i18n import Translator, set_language
from station_console.services.core.money import LaterAmount, amount
from station_console.services.core.station import Station
from station_console.services.day import summary
from station_console.services.sendout import drawing, figures


def test_one_sum_in_each_language() -> None:
    assert amount(1200, "CNY", "en") == "12.00 CNY"
    assert amount(1200, "CNY", "zh") == "12.00 元"
    assert amount(-50, "cny", "zh") == "-0.50 元"
    assert amount(1205, "USD", "zh") == amount(1205, "USD", "en") == "12.05 USD"
    set_language("zh")
    assert amount(1200, "CNY") == "12.00 元"  # the console's language when none is given


def test_a_refusals_sum_is_said_in_the_language_it_is_shown_in() -> None:
    refused = Refused("A storage fee of {amount} is due.", amount=LaterAmount(200, "CNY"))
    assert refused.message("en") == "A storage fee of 2.00 CNY is due."
    assert "2.00 元" in refused.message("zh")


def _report(**parts: Any) -> dict[str, Any]:
    sends = figures.empty()
    sends["rows"] = [{"carrier": "SF"}]
    sends["currency"] = "CNY"
    sends["totals"] |= {"revenue_cents": 4400, "refunds_cents": 1200, "net_cents": 3200}
    fees = {
        "parcels": 2,
        "charged_cents": 600,
        "paid_cents": {"cash": 400},
        "waived_cents": 200,
        "outstanding_cents": 0,
        "balanced": True,
        "waivers": [{"waybill": "73000000000003", "amount_cents": 200, "by": "boss", "reason": "damaged"}],
    }
    return {"currency": "CNY", "sends": sends, "storage_fees": fees, **parts}


@pytest.mark.parametrize(
    ("lang", "sends", "fees", "waived"),
    [
        (
            "en",
            "Send revenue 44.00 CNY, refunds 12.00 CNY, net 32.00 CNY",
            "Storage fees: 6.00 CNY charged on 2 parcels; paid cash 4.00 CNY; waived 2.00 CNY",
            "Fee waived: 73000000000003 2.00 CNY by boss",
        ),
        ("zh", "寄件收入 44.00 元，退款 12.00 元，净额 32.00 元", "6.00 元", "2.00 元"),
    ],
)
def test_the_day_reports_sums_say_their_currency(lang: str, sends: str, fees: str, waived: str) -> None:
    """The day report (screen, text, PDF) said "寄件收入 44.00 CNY，退款 12.00" and storage fees as bare
    figures ("charged 6.00")."""
    tr = Translator(lang)
    said = "\n".join(summary.send_lines(_report(), tr) + summary.fee_lines(_report(), tr))
    assert sends in said and fees in said and waived in said, said
    if lang == "zh":
        assert "CNY" not in said, said


@pytest.mark.parametrize(("lang", "says"), [("en", "insured 500.00 CNY"), ("zh", "保价 500.00 元")])
def test_the_waybills_insured_value_says_its_currency(station: Station, lang: str, says: str) -> None:
    staff(station)
    sent = send(station, parcel=parcel(insured=True, declared_value_cents=50000))
    details = drawing.waybill_data(station, sent.send_id, lang).details
    assert says in details, details
