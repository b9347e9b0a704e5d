"""Undoing a pickup reverses the storage fee its handover settled: the cash given back, the account
credited, the waiver withdrawn; recorded as reversals, so the ledger and the day report show both; the
next handover charges what is due then, once."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import FakeClock
from day_helpers import local
from pickup_helpers import as_clerk, configure, events, receive, zto
from sqlmodel import col, select

from db.models import FeeEntry
from station_console.errors import Refused
from station_console.i18n import Translator, set_language
from station_console.services.core.station import Station
from station_console.services.day import export, summary
from station_console.services.day.report import build_report
from station_console.services.fees.ledger import FeeGivenBack, Settlement, give_back_lines, quotes
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.undo import undo_pickup, undo_pickups, undo_preview
from station_console.settings import FeeRule

STANDARD = FeeRule(name="standard", free_days=3, per_day_cents=100)


@pytest.fixture
def fees(station: Station) -> Station:
    configure(station, storage_fee_rules=[STANDARD])
    return station


def _pick(station: Station, n: int, parcel_id: int, fee: Settlement | None = None) -> list[int]:
    return confirm_pickup(station, [parcel_id], method="code", scanned=[zto(n)], fee=fee)


def _ledger(station: Station) -> list[tuple[str, int, str | None]]:
    with station.read() as session:
        rows = session.exec(select(FeeEntry).order_by(col(FeeEntry.id))).all()
    return [(e.kind, e.amount_cents, e.method) for e in rows]


def test_an_undone_cash_pickup_gives_the_cash_back_and_the_next_pickup_charges_once(
    fees: Station, clock: FakeClock
) -> None:
    """It kept the money: the customer came back and paid nothing, or the parcel went back to its sender
    paid for. Now the drawer pays it back, and the next handover charges what is due then."""
    clerk = as_clerk(fees, "ann")
    boss = as_clerk(fees, "boss", role="manager")
    done = receive(clerk, 1)
    clock.advance(days=4)  # two days charged
    _pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=200))
    undone_at = clock.advance(minutes=1)
    given = undo_pickup(boss, done.parcel_id)
    assert given == FeeGivenBack({"cash": 200})
    assert give_back_lines(given, fees.settings()) == ["Give back 2.00 CNY cash from the drawer."]
    assert _ledger(fees) == [
        ("charge", 200, None),
        ("payment", 200, "cash"),
        ("charge_reversal", 200, None),
        ("refund", 200, "cash"),
    ]
    reversed_ = events(fees, "fee_reversed")
    assert len(reversed_) == 1 and reversed_[0].clerk_id == boss.clerk_id
    assert reversed_[0].details["refund_cents"] == 200 and reversed_[0].details["method"] == "cash"
    # Owed again, whole: the same day, then the next.
    assert quotes(clerk, [done.parcel_id])[done.parcel_id].owed_cents == 200
    with pytest.raises(Refused) as due:
        _pick(clerk, 1, done.parcel_id)
    assert due.value.code == "fee_due"
    clock.advance(days=1)
    _pick(clerk, 1, done.parcel_id, Settlement("qr", expected_cents=300))
    assert quotes(clerk, [done.parcel_id])[done.parcel_id].owed_cents == 0  # charged once, in full

    report = build_report(fees, with_forecast=False)
    money = report["storage_fees"]
    assert money["charged_cents"] == 300 and money["paid_cents"] == {"qr": 300}
    assert money["balanced"] and report["balanced"] and money["outstanding_cents"] == 0
    undo_day = build_report(fees, fees.business_day(undone_at), with_forecast=False)["storage_fees"]
    assert undo_day["charged_cents"] == 200 and undo_day["paid_cents"] == {"cash": 200}
    assert undo_day["reversed"]["refunded_cents"] == {"cash": 200} and undo_day["balanced"]


def test_the_day_report_shows_the_charge_its_reversal_and_still_balances(
    fees: Station, clock: FakeClock
) -> None:
    clerk = as_clerk(fees, "ann")
    boss = as_clerk(fees, "boss", role="manager")
    a, b, c = (receive(clerk, n) for n in (1, 2, 3))
    clock.advance(days=4)
    _pick(clerk, 1, a.parcel_id, Settlement("cash"))
    _pick(clerk, 2, b.parcel_id, Settlement("account"))
    _pick(boss, 3, c.parcel_id, Settlement("waive", reason="damaged on our shelf"))
    preview = undo_preview(boss, [b.parcel_id, c.parcel_id])
    assert preview.fee == FeeGivenBack({"account": 200}, unwaived_cents=200)
    given = undo_pickups(boss, [b.parcel_id, c.parcel_id])
    assert given == preview.fee
    assert give_back_lines(given, fees.settings()) == [
        "2.00 CNY is credited back to the customer's account.",
        "The waiver of 2.00 CNY is withdrawn.",
    ]
    set_language("zh")
    assert give_back_lines(FeeGivenBack({"cash": 200}), fees.settings()) == ["请从钱箱退还现金 2.00 元。"]
    set_language("en")

    report = build_report(fees, with_forecast=False)
    money = report["storage_fees"]
    assert money["charged_cents"] == 600 and money["waived_cents"] == 200
    assert money["paid_cents"] == {"account": 200, "cash": 200}
    assert money["reversed"] == {
        "charged_cents": 400,
        "refunded_cents": {"account": 200},
        "refunded_total_cents": 200,
        "waived_cents": 200,
        "parcels": 2,
    }
    assert money["outstanding_cents"] == 0 and money["balanced"] and report["balanced"]
    lines = summary.summary_lines(report)
    # Said as the storage fee line above it says its sums, with their currency, in either language.
    assert (
        "Undone pickups: charges reversed 4.00 CNY on 2 parcels; given back account 2.00 CNY; "
        "waivers withdrawn 2.00 CNY" in lines
    )
    assert (
        "撤销的取件：冲回 2 件的保管费 4.00 元；退还 月结 2.00 元；撤回免除 2.00 元"
        in summary.summary_lines(report, Translator("zh"))
    )
    # Paid by two methods: listed as Chinese lists, with 、 (not an English comma).
    assert any(
        "月结 2.00 元、现金 2.00 元" in line for line in summary.summary_lines(report, Translator("zh"))
    )
    csv = export.to_csv(report)
    assert "storage_fees_reversed_cents,400" in csv and "storage_fees_refunded_account_cents,200" in csv
    assert "storage_fees_unwaived_cents,200" in csv


def test_a_fee_paid_before_the_handover_stays_paid_and_a_second_undo_reverses_only_its_own(
    fees: Station, clock: FakeClock
) -> None:
    clerk = as_clerk(fees, "ann")
    boss = as_clerk(fees, "boss", role="manager")
    done = receive(clerk, 1)
    clock.advance(days=3)
    from station_console.services.fees.ledger import settle

    settle(clerk, done.parcel_id, Settlement("cash"))  # day 4 paid at the counter, before the handover
    _pick(clerk, 1, done.parcel_id)  # nothing more owed the same day
    assert undo_pickup(boss, done.parcel_id) == FeeGivenBack({})  # nothing settled at this handover
    clock.advance(days=1)
    _pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=100))
    assert undo_pickup(boss, done.parcel_id) == FeeGivenBack({"cash": 100})
    assert _ledger(fees)[-2:] == [("charge_reversal", 100, None), ("refund", 100, "cash")]
    assert quotes(clerk, [done.parcel_id])[done.parcel_id].owed_cents == 100  # the earlier day stays paid


def test_the_undo_question_names_each_parcel_and_who_handed_it_over(fees: Station, clock: FakeClock) -> None:
    ann = as_clerk(fees, "ann")
    done = receive(ann, 1)
    clock.advance(days=4)
    _pick(ann, 1, done.parcel_id, Settlement("cash"))
    boss = as_clerk(fees, "boss", role="manager")  # the same counter: the last pickup there is ann's
    preview = undo_preview(boss)
    (item,) = preview.items
    assert (item.pickup_code, item.waybill, item.carrier_name, item.handed_over_by) == (
        done.pickup_code,
        zto(1),
        "ZTO",
        "ann",
    )
    assert item.picked_up_at == clock.now and preview.fee == FeeGivenBack({"cash": 200})


def test_a_day_whose_only_fee_entries_are_reversals_charged_no_parcel_and_says_the_drawers_cash(
    fees: Station, clock: FakeClock
) -> None:
    """Handed over two minutes before midnight, undone one minute after: the next day holds only the
    reversal. It charged nothing (it read "0.00 CNY charged on 1 parcel"); the reversal is said on its
    own line, and the drawer's storage fee cash, paid less given back, beside it."""
    clerk = as_clerk(fees, "ann")
    boss = as_clerk(fees, "boss", role="manager")
    done = receive(clerk, 1)
    clock.now = local(date(2026, 11, 29), 23, 58)
    _pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=200))
    clock.now = local(date(2026, 11, 30), 0, 1)
    undo_pickup(boss, done.parcel_id)

    before = build_report(fees, date(2026, 11, 29), with_forecast=False)["storage_fees"]
    assert before["parcels"] == 1 and "reversed" not in before
    report = build_report(fees, date(2026, 11, 30), with_forecast=False)
    money = report["storage_fees"]
    assert money["parcels"] == 0 and money["charged_cents"] == 0
    assert money["reversed"]["parcels"] == 1 and money["reversed"]["charged_cents"] == 200
    assert money["balanced"]
    lines = summary.summary_lines(report)
    assert "Storage fees: none charged this day; balanced" in lines
    assert (
        "Undone pickups: charges reversed 2.00 CNY on 1 parcel; given back cash 2.00 CNY; "
        "waivers withdrawn 0.00 CNY" in lines
    )
    assert "Storage fee cash in the drawer: -2.00 CNY (0.00 CNY paid, 2.00 CNY given back)" in lines
    zh = summary.summary_lines(report, Translator("zh"))
    assert "超期保管费：本日未收取；已平账" in zh
    assert "撤销的取件：冲回 1 件的保管费 2.00 元；退还 现金 2.00 元；撤回免除 0.00 元" in zh
    assert "钱箱中的保管费现金：-2.00 元（已收 0.00 元，已退 2.00 元）" in zh
    assert "storage_fees_cash_net_cents,-200" in export.to_csv(report)


def test_the_drawers_cash_is_paid_less_given_back_on_a_day_with_both(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    boss = as_clerk(fees, "boss", role="manager")
    a, b = receive(clerk, 1), receive(clerk, 2)
    clock.advance(days=5)  # three days charged
    _pick(clerk, 1, a.parcel_id, Settlement("cash", expected_cents=300))
    _pick(clerk, 2, b.parcel_id, Settlement("cash", expected_cents=300))
    undo_pickup(boss, b.parcel_id)
    report = build_report(fees, with_forecast=False)
    assert report["storage_fees"]["parcels"] == 2  # both were charged this day
    lines = summary.summary_lines(report)
    assert "Storage fee cash in the drawer: 3.00 CNY (6.00 CNY paid, 3.00 CNY given back)" in lines
    assert "钱箱中的保管费现金：3.00 元（已收 6.00 元，已退 3.00 元）" in summary.summary_lines(
        report, Translator("zh")
    )
    assert "storage_fees_cash_net_cents,300" in export.to_csv(report)


def test_a_day_with_reversals_closed_when_every_parcel_with_an_entry_counted_still_matches(
    fees: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from station_console.services.day import figures
    from station_console.services.day.close import close_day

    clerk = as_clerk(fees, "ann")
    boss = as_clerk(fees, "boss", role="manager")
    done = receive(clerk, 1)
    clock.now = local(date(2026, 11, 29), 23, 58)
    _pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=200))
    clock.now = local(date(2026, 11, 30), 0, 1)
    undo_pickup(boss, done.parcel_id)
    day = date(2026, 11, 30)
    counted_now = figures.fee_figures
    with monkeypatch.context() as old:  # the earlier version: the reversal's parcel counted as charged
        old.setattr(
            figures, "fee_figures", lambda session, d, **how: counted_now(session, d, parcels_by_entry=True)
        )
        close_day(boss, day, early=True, allow_unbalanced=True)
        assert build_report(fees, day, with_forecast=False)["storage_fees"]["parcels"] == 1
    after = build_report(fees, day, with_forecast=False)
    assert after["storage_fees"]["parcels"] == 0 and after["closed"]["matches"] is True
