"""Storage fees: the arithmetic on station-local days, settling at the handover, waivers, the day's money."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import FakeClock
from pickup_helpers import as_clerk, configure, events, parcel, receive, zto
from sqlmodel import col, select

from db.models import FeeEntry, ParcelStatus
from station_console.errors import PermissionDenied, Refused
from station_console.services.core.money import parse_cents
from station_console.services.core.station import Station
from station_console.services.day import export, summary
from station_console.services.day.close import close_day
from station_console.services.day.report import build_report
from station_console.services.fees.ledger import Settlement, quotes, settle
from station_console.services.fees.rules import money, quote, rule_for
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.lookup import lookup
from station_console.services.pickup.undo import undo_pickup
from station_console.settings import FeeRule, StationSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
STANDARD = FeeRule(name="standard", free_days=3, per_day_cents=100)


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[arg-type, misc]  # parts: year to second, no tzinfo


# -- arithmetic -------------------------------------------------------------------------------------


def test_the_check_in_day_is_day_one_whatever_the_hour() -> None:
    checked_in = at(SHANGHAI, 2026, 11, 23, 23, 50)  # Monday 23:50 in Shanghai, 15:50 UTC
    wednesday_night = at(SHANGHAI, 2026, 11, 25, 23, 59)
    thursday_morning = at(SHANGHAI, 2026, 11, 26, 0, 5)  # still Wednesday in UTC
    assert thursday_morning.astimezone(UTC).date() == date(2026, 11, 25)
    free = quote(STANDARD, checked_in, wednesday_night, SHANGHAI)
    assert (free.days_stored, free.chargeable_days, free.accrued_cents) == (3, 0, 0)
    first = quote(STANDARD, checked_in, thursday_morning, SHANGHAI)
    assert (first.days_stored, first.chargeable_days, first.accrued_cents) == (4, 1, 100)
    assert first.fee_starts == date(2026, 11, 26)


def test_the_same_instants_cost_by_the_stations_own_days() -> None:
    checked_in = datetime(2026, 11, 23, 15, 50, tzinfo=UTC)  # Mon 23:50 Shanghai, Mon 10:50 New York
    later = datetime(2026, 11, 25, 16, 5, tzinfo=UTC)  # Thu 00:05 Shanghai, Wed 11:05 New York
    assert quote(STANDARD, checked_in, later, SHANGHAI).accrued_cents == 100
    assert quote(STANDARD, checked_in, later, NEW_YORK).accrued_cents == 0


def test_days_are_calendar_days_across_a_daylight_saving_change() -> None:
    # New York springs forward on 2026-03-08: Saturday 22:00 to Monday 00:30 is 25.5 hours, three days.
    checked_in = at(NEW_YORK, 2026, 3, 7, 22, 0)
    monday = at(NEW_YORK, 2026, 3, 9, 0, 30)
    assert monday.astimezone(UTC) - checked_in.astimezone(UTC) == timedelta(hours=25, minutes=30)
    rule = FeeRule(name="r", free_days=2, per_day_cents=150)
    fee = quote(rule, checked_in, monday, NEW_YORK)
    assert (fee.days_stored, fee.chargeable_days, fee.accrued_cents) == (3, 1, 150)


def test_cap_free_days_zero_and_the_return_to_sender_day() -> None:
    checked_in = at(SHANGHAI, 2026, 11, 1, 9, 0)
    day_10 = at(SHANGHAI, 2026, 11, 10, 9, 0)
    capped = FeeRule(name="c", free_days=3, per_day_cents=100, cap_cents=500)
    assert quote(capped, checked_in, day_10, SHANGHAI).accrued_cents == 500  # 7 days, capped
    from_day_one = FeeRule(name="z", free_days=0, per_day_cents=50)
    assert quote(from_day_one, checked_in, checked_in, SHANGHAI).accrued_cents == 50
    returning = FeeRule(name="r", free_days=2, per_day_cents=100, return_after_days=5)
    fee = quote(returning, checked_in, day_10, SHANGHAI)
    # Days 3, 4 and 5 cost money; from day 6 (Nov 6) the parcel goes back and the fee stops.
    assert (fee.chargeable_days, fee.accrued_cents, fee.return_from) == (3, 300, date(2026, 11, 6))
    billed = quote(returning, checked_in, day_10, SHANGHAI, billed_cents=200)
    assert billed.owed_cents == 100


def test_the_most_specific_rule_prices_a_parcel() -> None:
    rules = [
        FeeRule(name="any"),
        FeeRule(name="large", size="L"),
        FeeRule(name="large-again", size="L"),
        FeeRule(name="sf-large", size="L", carrier="SF"),
        FeeRule(name="students", recipient_type="student", per_day_cents=0),
    ]

    def name(**kw: str | None) -> str | None:
        found = rule_for(rules, **{"size": None, "carrier": None, "recipient_type": None, **kw})
        return found.name if found else None

    assert name(size="M", carrier="ZTO") == "any"
    assert name(size="L", carrier="ZTO") == "large"  # ties go to the first
    assert name(size="L", carrier="SF") == "sf-large"
    assert name(size="S", recipient_type="student") == "students"
    assert rule_for([FeeRule(name="sf", carrier="SF")], size="M", carrier="ZTO", recipient_type=None) is None


def test_money_in_cents() -> None:
    settings = StationSettings()
    assert [parse_cents(t) for t in ("1.5", "¥2", "0.05", "12", ".5")] == [150, 200, 5, 1200, 50]
    for bad in ("1.234", "abc", "", "-1", "1,5", "99999999999", "9" * 5000):
        with pytest.raises(Refused):
            parse_cents(bad)
    assert parse_cents("00012.5", most=1250) == 1250
    with pytest.raises(Refused) as refused:
        parse_cents("12.51", most=1250)
    assert refused.value.message() == "An amount must be at most 12.50 CNY: 12.51."
    assert money(1205, settings) == "12.05 CNY"


# -- at the handover --------------------------------------------------------------------------------


@pytest.fixture
def fees(station: Station) -> Station:
    configure(station, storage_fee_rules=[STANDARD])
    return station


def test_the_pickup_list_counts_the_days_the_fee_is_charged_by(fees: Station, clock: FakeClock) -> None:
    """Checked in at 23:30 station time: an hour later, past midnight, it is day 2 for the fee, and the
    list says 2 (it said 0: whole 24-hour periods), not a figure the customer is charged differently by."""
    clock.now = at(SHANGHAI, 2026, 11, 24, 23, 30)
    result = receive(fees, 1, "13812345678")

    def days() -> tuple[int, int]:
        (row,) = lookup(fees, result.pickup_code).rows
        return row.days_on_shelf, quotes(fees, [row.parcel_id])[row.parcel_id].days_stored

    clock.now = at(SHANGHAI, 2026, 11, 24, 23, 59)
    assert days() == (1, 1)
    clock.now = at(SHANGHAI, 2026, 11, 25, 0, 30)
    assert days() == (2, 2)
    clock.now = at(SHANGHAI, 2026, 11, 27, 23, 59)  # day 4: the first day charged (3 free)
    assert days() == (4, 4)


def _pick(station: Station, n: int, parcel_id: int, fee: Settlement | None = None) -> list[int]:
    return confirm_pickup(station, [parcel_id], method="code", scanned=[zto(n)], fee=fee)


def test_a_fee_due_refuses_the_handover_until_it_is_settled(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1, phone="5678")
    clock.advance(days=4)  # checked in Wednesday 10:00: Wed Thu Fri free, Sat Sun cost money
    assert quotes(clerk, [done.parcel_id])[done.parcel_id].owed_cents == 200
    with pytest.raises(Refused) as refused:
        _pick(clerk, 1, done.parcel_id)
    assert refused.value.code == "fee_due" and "2.00 CNY" in refused.value.message()
    assert parcel(clerk, done.parcel_id).status == ParcelStatus.ON_SHELF
    with pytest.raises(Refused) as changed:
        _pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=100))
    assert changed.value.code == "fee_changed"
    with pytest.raises(Refused) as method:
        _pick(clerk, 1, done.parcel_id, Settlement("bitcoin"))
    assert method.value.code == "bad_fee_method"
    assert method.value.message("en") == "Pay by cash, qr (QR code) or account."
    assert method.value.message("zh").startswith("付款方式请使用 cash（现金）、qr（扫码） 或 account（")
    with clerk.read() as session:
        assert session.exec(select(FeeEntry)).all() == []

    _pick(clerk, 1, done.parcel_id, Settlement("qr", expected_cents=200))
    assert parcel(clerk, done.parcel_id).status == ParcelStatus.PICKED_UP
    with clerk.read() as session:
        entries = session.exec(select(FeeEntry).order_by(col(FeeEntry.id))).all()
    assert [(e.kind, e.amount_cents, e.method) for e in entries] == [
        ("charge", 200, None),
        ("payment", 200, "qr"),
    ]
    assert entries[0].rule == "standard" and entries[0].days == 2
    paid = events(clerk, "fee_paid")
    assert paid[-1].details["amount_cents"] == 200 and paid[-1].details["method"] == "qr"
    assert paid[-1].clerk_id == clerk.clerk_id


def test_no_fee_within_the_free_days_and_no_rules_no_fees(station: Station, clock: FakeClock) -> None:
    done = receive(station, 1)
    clock.advance(days=30)
    assert quotes(station, [done.parcel_id]) == {}  # no rule table: no fee at all
    assert _pick(station, 1, done.parcel_id) == [done.parcel_id]


def test_waivers_are_a_managers_with_a_reason_and_audited(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=3)
    with pytest.raises(PermissionDenied):
        _pick(clerk, 1, done.parcel_id, Settlement("waive", reason="regular customer"))
    boss = as_clerk(fees, "boss", role="manager")
    with pytest.raises(Refused) as no_reason:
        _pick(boss, 1, done.parcel_id, Settlement("waive", reason="  "))
    assert no_reason.value.code == "missing"
    assert parcel(boss, done.parcel_id).status == ParcelStatus.ON_SHELF

    _pick(boss, 1, done.parcel_id, Settlement("waive", reason="our shelf was closed for repairs"))
    waived = events(boss, "fee_waived")
    assert len(waived) == 1 and waived[0].clerk_id == boss.clerk_id
    assert waived[0].details["reason"] == "our shelf was closed for repairs"
    assert waived[0].details["amount_cents"] == 100


def test_paid_before_the_handover_then_only_new_days_are_owed(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=3)
    assert settle(clerk, done.parcel_id, Settlement("cash")) == 100
    with pytest.raises(Refused) as nothing:
        settle(clerk, done.parcel_id, Settlement("cash"))
    assert nothing.value.code == "no_fee_due"
    assert _pick(clerk, 1, done.parcel_id) == [done.parcel_id]  # nothing owed the same day
    # Undone by mistake: the money stays recorded, and the next day costs only that day.
    boss = as_clerk(fees, "boss", role="manager")
    undo_pickup(boss, done.parcel_id)
    clock.advance(days=1)
    assert quotes(clerk, [done.parcel_id])[done.parcel_id].owed_cents == 100


def test_the_days_money_balances_and_shows_in_the_report(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    boss = as_clerk(fees, "boss", role="manager")
    a, b, c = (receive(clerk, n) for n in (1, 2, 3))
    quiet_day = fees.business_day()
    clock.advance(days=4)
    _pick(clerk, 1, a.parcel_id, Settlement("cash"))
    _pick(clerk, 2, b.parcel_id, Settlement("account"))
    _pick(boss, 3, c.parcel_id, Settlement("waive", reason="damaged on our shelf"))
    report = build_report(fees, with_forecast=False)
    money_today = report["storage_fees"]
    assert money_today["charged_cents"] == 600
    assert money_today["paid_cents"] == {"account": 200, "cash": 200}
    assert money_today["waived_cents"] == 200 and money_today["outstanding_cents"] == 0
    assert money_today["balanced"] and report["balanced"]
    assert money_today["waivers"][0]["reason"] == "damaged on our shelf"
    assert "storage_fees" not in build_report(fees, quiet_day, with_forecast=False)
    lines = summary.summary_lines(report)
    assert (
        "Storage fees: 6.00 CNY charged on 3 parcels; paid account 2.00 CNY, cash 2.00 CNY; waived 2.00 CNY; balanced"
        in lines
    )
    assert "Fee waived: 73000000000003 2.00 CNY by boss: damaged on our shelf" in lines
    assert "storage_fees_paid_cash_cents,200" in export.to_csv(report)


def test_an_unsettled_charge_unbalances_the_day_and_stops_the_close(fees: Station, clock: FakeClock) -> None:
    done = receive(fees, 1)
    clock.advance(days=5)

    def lone_charge(session):  # type: ignore[no-untyped-def]
        session.add(
            FeeEntry(
                parcel_id=done.parcel_id,
                kind="charge",
                amount_cents=200,
                at=fees.now(),
                business_day=fees.business_day(),
            )
        )

    fees.run(lone_charge)
    report = build_report(fees, with_forecast=False)
    assert not report["storage_fees"]["balanced"] and not report["balanced"]
    assert [d["issue"] for d in report["differences"]] == ["fee_unsettled"]
    boss = as_clerk(fees, "boss", role="manager")
    with pytest.raises(Refused) as refused:
        close_day(boss, early=True)  # before closing time, confirmed: still not balanced
    assert refused.value.code == "not_balanced"


def test_reminders_say_when_the_fee_starts_and_what_is_due(fees: Station, clock: FakeClock) -> None:
    from station_console.services import notify
    from station_console.services.notify.channels import DummyChannel

    configure(fees, notify_language="en")
    done = receive(fees, 1, phone="13812345678")  # Wednesday 25th, 10:00 station time
    channel = DummyChannel()
    clock.advance(seconds=121)
    notify.run_once(fees, channel)  # the arrival message: no fee talk
    assert "fee" not in channel.sent[-1].body
    clock.advance(hours=48)  # Friday: past ZTO's amber age, still free (Wed, Thu, Fri)
    notify.run_once(fees, channel)
    assert channel.sent[-1].kind == "reminder"
    assert (
        f"{done.pickup_code}: storage is free until 2026-11-27; from 2026-11-28 it costs 1.00 CNY a day."
        in channel.sent[-1].body
    )
    clock.advance(days=2)  # Sunday: two days charged
    notify.run_once(fees, channel)
    assert (
        f"{done.pickup_code}: a storage fee of 2.00 CNY is due so far (1.00 CNY a day since 2026-11-28)."
        in (channel.sent[-1].body)
    )


def test_a_rules_typed_text_is_stored_as_one_clean_line() -> None:
    """A rule typed into the Settings screen's JSON field (where `\\u001b` is an escape) or given to
    `station fees set`: its name, carrier and recipient type lose control and direction characters,
    as a station setting's text does, so no screen, receipt or ledger row carries them."""
    settings = StationSettings.model_validate(
        {
            "storage_fee_rules": [
                {"name": "[b]x\x1b[31m\u202eQ\x07", "carrier": "SF\x1b", "recipient_type": " staff\u2066 "}
            ]
        }
    )
    (rule,) = settings.storage_fee_rules
    assert (rule.name, rule.carrier, rule.recipient_type) == ("[b]x Q", "SF", "staff")
    with pytest.raises(ValueError):
        FeeRule(name="\x1b\u202e")  # nothing left of the name: refused, as an empty one


def test_a_fee_cap_set_in_the_settings_form_has_the_command_lines_limit() -> None:
    """The console's fee table (cents, as JSON) refuses a cap `fees set --cap` refuses: it took any."""
    from pydantic import ValidationError

    assert FeeRule(name="c", cap_cents=10_000_000_000).cap_cents == 10_000_000_000
    with pytest.raises(ValidationError):
        FeeRule(name="c", cap_cents=10_000_000_001)
