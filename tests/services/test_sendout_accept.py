"""Accepting a send: one transaction from the checked form to the print jobs and the audit event;
every refusal writes nothing; real-name rules; weights; waybill numbers from every source."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from conftest import FakeClock
from sendout_helpers import (
    FULL_NUMBERS,
    RESIDENT_ID,
    SENDER_PHONE,
    as_manager,
    born_on,
    dump,
    events,
    jobs,
    parcel,
    party,
    recipient,
    row,
    send,
    senders,
    sf,
    staff,
)
from station_helpers import configure, snapshot

from station_console.errors import NotFound, PermissionDenied, Refused, StationError
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.sendout import accept, inspection, rule_view, waybills
from station_console.services.sendout import senders as sender_service
from station_console.services.sendout.payments import Payment
from station_console.services.sendout.providers import EWaybill, EWaybillOrder, FakeProvider, ProviderFailed
from station_console.services.sendout.weighing import Weight


@pytest.fixture
def counter(station: Station) -> Station:
    return staff(station)


def test_one_send_from_form_to_receipt(counter: Station) -> None:
    result = send(counter, parcel=parcel(dims_mm=(300, 200, 100), declared_value_cents=50_000, insured=True))
    assert (result.status, result.carrier, result.waybill, result.waybill_source) == (
        "accepted",
        "SF",
        "SF1234567890123",
        "entered",
    )
    # 1.2 kg from 广东 to 新疆 on the built-in SF table: 26.00 + one more kg 18.00 + insurance 2.50.
    assert result.price_cents == 2600 + 1800 + 250
    assert [line["code"] for line in result.quote["lines"]] == [
        "zone",
        "weight_volumetric",
        "first",
        "additional",
        "insurance",
    ]
    stored = row(counter, result.send_id)
    assert (stored.status, stored.weight_g, stored.weight_manual, stored.volumetric_g) == (
        "accepted",
        1200,
        True,
        1000,
    )
    assert (stored.id_type, stored.id_last4, stored.id_seen) == ("resident", "002X", True)
    assert stored.recipient_masked_phone == "139****4321"
    assert stored.recipient_phone_full == "13987654321"  # kept for the carrier until handover
    assert stored.inspection["checked"] == inspection.current(counter).ids
    assert stored.tariff_version == 0 and stored.payment_method == "cash"
    assert [(j.kind, j.printer) for j in jobs(counter)] == [("receipt", None)]
    (event,) = events(counter, "send_accepted")
    assert event.details["send_id"] == result.send_id and event.clerk_id == counter.clerk_id
    (who,) = senders(counter)
    assert (who.name, who.masked_phone, who.id_last4) == ("Zhang San", "138****5678", "002X")


def test_no_full_number_reaches_events_jobs_or_the_result(counter: Station) -> None:
    result = send(counter)
    text_ = dump(counter) + repr(result.to_json()) + repr(result)
    for number in FULL_NUMBERS:
        assert number not in text_
    assert RESIDENT_ID not in repr(party())  # the form itself does not print it either


def test_a_waybill_printer_gets_the_label(counter: Station) -> None:
    send(counter, label_printer="waybill")
    assert [(j.kind, j.printer) for j in jobs(counter)] == [("receipt", None), ("waybill", "waybill")]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"party": party(id_number=None)}, "id_required"),
        ({"party": party(id_type=None)}, "id_type_missing"),
        ({"party": party(id_seen=False)}, "id_not_seen"),
        ({"party": party(id_number="110105194912310021")}, "bad_id"),
        ({"party": party(phone="5678")}, "phone_incomplete"),
        ({"party": party(name="  ")}, "missing"),
        ({"party": party(name="x" * 5000)}, "too_long"),
        ({"recipient": recipient(phone="138****4321")}, "phone_incomplete"),
        ({"recipient": recipient(destination="Atlantis")}, "unknown_destination"),
        ({"parcel": parcel(contents="")}, "missing"),
        ({"parcel": parcel(item_count=0)}, "bad_count"),
        ({"parcel": parcel(insured=True)}, "bad_value"),
        ({"checked": []}, "inspection_incomplete"),
        ({"weight": Weight(1200, manual=False, device="hidpos", stable=False)}, "not_stable"),
        ({"weight": Weight.typed(0)}, "bad_weight"),
        ({"payment": Payment("cheque")}, "bad_payment"),
        ({"payment": Payment("account")}, "account_required"),
        ({"waybill": "JT1234567890123"}, "carrier_conflict"),
        ({"waybill": "hello"}, "too_short"),
        ({"waybill": None}, "no_waybill"),
        ({"carrier": "NOPE"}, "unknown_carrier"),
        ({"expected_total_cents": 1}, "price_changed"),
    ],
)
def test_every_refusal_writes_nothing(counter: Station, changes: dict[str, Any], code: str) -> None:
    before = snapshot(counter)
    with pytest.raises(StationError) as exc:
        send(counter, **changes)
    assert exc.value.code == code, exc.value.message()
    assert snapshot(counter) == before


def test_a_number_failing_another_carriers_check_digit_names_the_chosen_carrier(counter: Station) -> None:
    with pytest.raises(StationError) as exc:
        send(counter, "731234567890", carrier="ZTO")
    assert exc.value.message("en") == "731234567890 is not a valid ZTO waybill number."
    assert "FEDEX" not in exc.value.message("zh")


def test_a_station_without_real_name_rules_takes_no_id(counter: Station) -> None:
    configure(counter, send_real_name=False)
    result = send(counter, party=party(id_type=None, id_number=None, id_seen=False))
    assert row(counter, result.send_id).id_type is None


def test_an_id_number_with_no_kind_of_id_is_refused_not_dropped(counter: Station) -> None:
    """Even where no ID is required: the number the clerk typed was thrown away in silence."""
    configure(counter, send_real_name=False)
    before = snapshot(counter)
    with pytest.raises(StationError) as exc:
        send(counter, party=party(id_type=None, id_seen=False))
    assert exc.value.code == "id_type_missing"
    assert exc.value.message() == "Choose the kind of the sender's ID for the number typed."
    assert snapshot(counter) == before


def test_a_birth_date_is_checked_against_the_stations_own_day(counter: Station, clock: FakeClock) -> None:
    """The station's calendar in its own zone (Asia/Shanghai), on its clock, not the machine's: at
    01:00 on 1 March 2024 there (still 29 February in UTC, years before any machine running this),
    someone born that day sends, and someone born the next day is refused."""
    clock.now = datetime(2024, 2, 29, 17, 0, tzinfo=UTC)

    result = send(counter, party=party(id_number=born_on(date(2024, 3, 1))))
    assert row(counter, result.send_id).id_last4 == born_on(date(2024, 3, 1))[-4:]
    before = snapshot(counter)
    with pytest.raises(Refused) as exc:
        send(counter, waybill=sf(2), party=party(id_number=born_on(date(2024, 3, 2))))
    assert exc.value.code == "bad_id"
    assert snapshot(counter) == before


def test_nobody_signed_in_is_refused(counter: Station) -> None:
    clerks.act_as(counter, None)
    before = snapshot(counter)
    with pytest.raises(PermissionDenied) as exc:
        send(counter)
    assert exc.value.code == "not_signed_in"
    with pytest.raises(PermissionDenied):
        sender_service.find_sender(counter, SENDER_PHONE)
    assert snapshot(counter) == before


def test_a_scale_weight_is_recorded_with_its_device(counter: Station) -> None:
    result = send(counter, weight=Weight(2500, manual=False, device="hidpos:0922:8003:1:5"))
    stored = row(counter, result.send_id)
    assert (stored.weight_g, stored.weight_manual, stored.weight_device) == (
        2500,
        False,
        "hidpos:0922:8003:1:5",
    )


def test_a_returning_sender_is_found_by_phone_and_updated(counter: Station) -> None:
    assert sender_service.find_sender(counter, SENDER_PHONE) is None
    send(counter, waybill=sf(1))
    found = sender_service.find_sender(counter, "+86 138-1234-5678")
    assert found is not None and (found.name, found.masked_phone, found.sends) == (
        "Zhang San",
        "138****5678",
        1,
    )
    send(
        counter, waybill=sf(2), party=party(name="Zhang San Feng", id_type="passport", id_number="E12345678")
    )
    (who,) = senders(counter)
    assert (who.name, who.id_type, who.id_last4) == ("Zhang San Feng", "passport", "5678")
    saved = [e.details["changed"] for e in events(counter, "sender_saved")]
    assert saved == [["created"], ["name", "id"]]


def test_a_waybill_number_names_one_live_send(counter: Station) -> None:
    send(counter, waybill=sf(7))
    with pytest.raises(Refused) as exc:
        send(counter, waybill=sf(7))
    assert exc.value.code == "waybill_used"


def test_numbers_from_the_station_stock(counter: Station) -> None:
    as_manager(counter)
    done = waybills.import_stock(counter, "SF", f"waybill\n{sf(11)}\n{sf(12)}\n", source="sf-stock.csv")
    assert (done.imported, done.already) == (2, 0)
    again = waybills.import_stock(counter, "SF", f"{sf(11)}\n{sf(13)}\n")
    assert (again.imported, again.already) == (1, 1)
    assert waybills.stock_left(counter) == {"SF": 3}
    first = send(counter, waybill=None, from_stock=True)
    assert (first.waybill, first.waybill_source) == (sf(11), "pool")
    typed = send(counter, waybill=sf(12))  # a stock number scanned off its pre-printed label is used up too
    assert typed.waybill_source == "entered"
    assert send(counter, waybill=None, from_stock=True).waybill == sf(13)
    with pytest.raises(NotFound) as exc:
        send(counter, waybill=None, from_stock=True)
    assert exc.value.code == "stock_empty"


def test_a_stock_file_with_a_bad_line_imports_nothing(counter: Station) -> None:
    as_manager(counter)
    with pytest.raises(Refused) as exc:
        waybills.import_stock(counter, "SF", f"{sf(1)}\nJT1234567890123\n\n{sf(2)}\nnonsense\n")
    assert exc.value.code == "bad_lines" and "2, 5" in exc.value.message()
    assert waybills.stock_left(counter) == {}
    with pytest.raises(Refused):
        waybills.import_stock(counter, "SF", f"{sf(1)}\n{sf(1)}\n")


def test_only_a_manager_imports_stock(counter: Station) -> None:
    with pytest.raises(PermissionDenied):
        waybills.import_stock(counter, "SF", f"{sf(1)}\n")


def test_an_e_waybill_from_the_provider(counter: Station) -> None:
    provider = FakeProvider(start=42)
    result = send(counter, waybill=None, provider=provider)
    assert (result.waybill, result.waybill_source) == ("SF0000000000042", "provider")
    (order,) = provider.orders
    assert (order.sender_phone, order.recipient_phone, order.weight_g) == (SENDER_PHONE, "13987654321", 1200)
    assert SENDER_PHONE not in repr(order)  # the request's repr is safe to log
    assert [j.payload.get("sort_code") for j in jobs(counter)] == [None]


def test_a_provider_outage_writes_nothing(counter: Station) -> None:
    before = snapshot(counter)
    with pytest.raises(ProviderFailed):
        send(counter, waybill=None, provider=FakeProvider(fail_with="account suspended"))
    assert snapshot(counter) == before


def test_an_issued_number_is_cancelled_when_the_send_is_not_recorded(counter: Station) -> None:
    provider = FakeProvider()
    with pytest.raises(Refused):
        send(counter, waybill=None, provider=provider, checked=[])  # inspection fails inside the transaction
    assert provider.cancelled == ["SF0000000000001"]


def test_a_garbled_e_waybill_answer_is_said_as_the_services_and_cancelled(counter: Station) -> None:
    class Garbled(FakeProvider):
        def request(self, order: EWaybillOrder) -> EWaybill:
            bill = super().request(order)
            return replace(bill, waybill="[bold]" + bill.waybill[:4])

    provider = Garbled()
    before = snapshot(counter)
    with pytest.raises(ProviderFailed) as exc:
        send(counter, waybill=None, provider=provider)
    assert "e-waybill service answered [bold]SF00" in exc.value.message()  # not as if the clerk typed it
    assert provider.cancelled == ["[bold]SF00"]  # the carrier's order is not left live
    assert snapshot(counter) == before


def test_a_garbled_e_waybill_is_said_as_one_short_line_of_text(counter: Station) -> None:
    """The client's waybill was shortened but said with its escapes and line breaks, as the sort code and
    the client's refusal are not: on the send screen and on a terminal, one short printable line."""

    class Noisy(FakeProvider):
        def request(self, order: EWaybillOrder) -> EWaybill:
            bill = super().request(order)
            return replace(bill, waybill="\x1b[2J\x1b]0;owned\x07SF\x00\r\n[b]" + "9" * 500)

    provider = Noisy()
    with pytest.raises(ProviderFailed) as exc:
        send(counter, waybill=None, provider=provider)
    said = exc.value.message()
    assert said.startswith("The e-waybill service answered SF [b]999")
    assert said.isprintable() and "owned" not in said
    assert len(exc.value.params["waybill"]) <= 40
    # the carrier's order cancelled by the number it issued, not by the line said of it
    assert provider.cancelled and provider.cancelled[0].startswith("\x1b[2J")


def test_a_changed_tariff_is_never_charged_silently(counter: Station) -> None:
    from station_console.services.sendout import quote, tariff
    from station_console.services.sendout.rules import builtin

    shown = quote.quote(counter, "SF", destination="新疆", weight_g=1200).total_cents
    as_manager(counter)
    body = dict(builtin("tariffs.toml")["SF"], minimum_cents=99_00)
    tariff.set_tariff(counter, "SF", body)
    with pytest.raises(Refused) as exc:
        send(counter, expected_total_cents=shown)
    assert exc.value.code == "price_changed" and "99.00" in exc.value.message()
    assert send(counter, expected_total_cents=99_00).price_cents == 99_00


def test_a_refusal_at_inspection_is_recorded_with_its_reason(counter: Station) -> None:
    result = accept.refuse(
        counter,
        party=party(),
        recipient=recipient(phone=""),
        parcel=parcel(contents="phone with spare batteries"),
        reason="two loose lithium batteries",
        found=["batteries"],
        carrier="SF",
    )
    stored = row(counter, result.send_id)
    assert (stored.status, stored.refused_reason, stored.price_cents, stored.waybill) == (
        "refused",
        "two loose lithium batteries",
        0,
        None,
    )
    assert stored.inspection["found"] == ["batteries"]
    (event,) = events(counter, "send_refused")
    # The checklist's codes, not the typed reason: that may name someone, and the chain keeps all.
    assert event.details["found"] == ["batteries"] and "lithium" not in str(event.details)
    with pytest.raises(Refused):
        accept.refuse(counter, party=party(), recipient=recipient(), parcel=parcel(), reason="  ")
    with pytest.raises(Refused) as exc:
        accept.refuse(
            counter, party=party(), recipient=recipient(), parcel=parcel(), reason="x", found=["ufo"]
        )
    assert exc.value.code == "bad_checklist"


def test_a_refusal_needs_what_was_found_or_a_reason_and_keeps_the_form(counter: Station) -> None:
    """The item found is why a send is refused (验视): ticked alone it is enough, the reason then
    optional; neither is refused. The refused row keeps the destination and weight typed."""
    with pytest.raises(Refused) as exc:
        accept.refuse(counter, party=party(), recipient=recipient(), parcel=parcel(), reason=" ")
    assert exc.value.code == "nothing_found"
    result = accept.refuse(
        counter,
        party=party(),
        recipient=recipient(),
        parcel=parcel(),
        found=["batteries"],
        weight=Weight.typed(1500),
    )
    stored = row(counter, result.send_id)
    assert (stored.refused_reason, stored.destination, stored.weight_g, stored.weight_manual) == (
        None,
        "新疆",
        1500,
        True,
    )
    (event,) = events(counter, "send_refused")
    assert event.details["found"] == ["batteries"] and event.details["destination"] == "新疆"


def test_hostile_text_is_data(counter: Station) -> None:
    result = send(counter, parcel=parcel(contents="[bold red]x[/] \x1b[31mred\x1b[0m\x00 ok"))
    assert row(counter, result.send_id).contents == "[bold red]x[/] red ok"


def test_the_checklist_is_data_a_manager_edits(counter: Station) -> None:
    body = {"items": [{"id": "knives", "zh": "管制刀具", "en": "Controlled knives"}]}
    with pytest.raises(PermissionDenied):
        inspection.set_checklist(counter, body)
    as_manager(counter)
    version = inspection.set_checklist(counter, body)
    assert version.version == 1
    assert inspection.current(counter).ids == ["knives"]
    # The built-in list stays in its history, under the one that replaced it, as a tariff's does.
    assert [v.version for v in rule_view.read(counter).checklist_versions] == [1, 0]
    assert row(counter, send(counter, checked=["knives"]).send_id).inspection["checklist_version"] == 1
    with pytest.raises(Refused):
        inspection.set_checklist(counter, {"items": [{"id": "a b", "zh": "x", "en": "y"}]})
    (change,) = events(counter, "checklist_changed")
    assert change.details["previous_version"] == 0


@pytest.mark.parametrize(("typed", "carrier"), [("13812345606", "SF"), ("+86 138 1234 5606", "SF")])
def test_a_phone_scanned_as_the_waybill_is_refused_masked_and_writes_nothing(
    counter: Station, typed: str, carrier: str
) -> None:
    """The sender's phone barcode scanned into the waybill (the CLI's --waybill) was echoed whole in
    the refusal. (One DHL takes is asked to be confirmed: the test below.)"""
    before = snapshot(counter)
    with pytest.raises(StationError) as exc:
        send(counter, typed, carrier=carrier)
    assert exc.value.code == "phone_not_waybill"
    assert exc.value.message("en") == (
        "138****5606 looks like a mobile number, not a waybill. Type a phone in the phone field."
    )
    assert snapshot(counter) == before


def dhl_priced(counter: Station) -> None:
    """DHL sends priced as SF's built-in table (none is built in for DHL); the counter's clerk a manager."""
    from station_console.services.sendout import tariff
    from station_console.services.sendout.rules import builtin

    as_manager(counter)
    tariff.set_tariff(counter, "DHL", dict(builtin("tariffs.toml")["SF"]))


def test_a_dhl_waybill_shaped_as_a_mobile_is_refused_naming_dhl_until_confirmed(counter: Station) -> None:
    """An 11-digit DHL Express waybill starting 13-19 with its check digit right could not be a send's
    number at all: refused as a phone even with DHL chosen. Unconfirmed it is still refused (a phone
    it may be), now naming DHL, masked, nothing written; confirmed it is the send's number."""
    dhl_priced(counter)
    before = snapshot(counter)
    with pytest.raises(StationError) as exc:
        send(counter, "13812345606", carrier="DHL")
    assert exc.value.code == "phone_not_waybill" and exc.value.params["detected"] == "DHL"
    assert exc.value.message("en") == (
        "138****5606 looks like a mobile number; if it is a DHL waybill, "
        "Ctrl+Y takes it. Type a phone in the phone field."
    )
    assert snapshot(counter) == before
    # Check-in's refusal of the same number is worded alike: one sentence, the key in it.
    from station_console.services.checkin.transaction import check_in

    with pytest.raises(StationError) as at_checkin:
        check_in(counter, "13812345606", batch="ZTO")
    assert at_checkin.value.code == "phone_not_waybill"
    for lang in ("en", "zh"):
        assert at_checkin.value.message(lang) == exc.value.message(lang), lang
    assert exc.value.reason("zh") == "138****5606 看起来是手机号；如确是 DHL 的单号，用 Ctrl+Y 照收。"
    result = send(counter, "13812345606", carrier="DHL", waybill_confirmed=True)
    assert (result.carrier, result.waybill) == ("DHL", "13812345606")
    assert row(counter, result.send_id).waybill == "13812345606"


@pytest.mark.parametrize(("typed", "carrier"), [("13812345607", "DHL"), ("13812345606", "SF")])
def test_a_confirmed_mobile_the_carrier_does_not_take_is_still_a_phone(
    counter: Station, typed: str, carrier: str
) -> None:
    """The confirmation takes only a number the chosen carrier's check passes: a mobile failing DHL's
    check digit, or any mobile for SF, stays a phone refused."""
    before = snapshot(counter)
    with pytest.raises(StationError) as exc:
        send(counter, typed, carrier=carrier, waybill_confirmed=True)
    assert exc.value.code == "phone_not_waybill" and "detected" not in exc.value.params
    assert snapshot(counter) == before


def test_a_stock_file_of_phones_imports_nothing(counter: Station) -> None:
    """A DHL stock file's numbers are DHL's by the manager's choice (the test below); a mobile in SF's
    is a phone, and one failing DHL's check digit is no DHL number."""
    as_manager(counter)
    for carrier, text in (("SF", "13812345606\n"), ("DHL", "13812345606\n13812345607\n")):
        with pytest.raises(Refused) as exc:
            waybills.import_stock(counter, carrier, text, source="shifted.csv")
        assert exc.value.code == "bad_lines", carrier
    assert "lines 2:" in exc.value.message()
    assert waybills.stock_left(counter) == {}


def test_a_dhl_stock_file_takes_its_waybills_shaped_as_mobiles(counter: Station) -> None:
    """DHL Express waybills starting 13-19 were refused as phones in DHL's own stock file: the file is
    DHL's by the manager's choice, so they are imported and a send takes one."""
    dhl_priced(counter)
    imported = waybills.import_stock(counter, "DHL", "13812345606\n", source="dhl.csv")
    assert (imported.imported, waybills.stock_left(counter)) == (1, {"DHL": 1})
    result = send(counter, None, carrier="DHL", from_stock=True)
    assert result.waybill == "13812345606" and waybills.stock_left(counter) == {}
