"""The check-in service: one scan, one transaction; duplicates, re-deliveries, phones, undo."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from checkin_helpers import counts, keep_layers, layer_used, pick_up, wb
from sqlmodel import col, select

from db.models import CodeHold, EventKind, Notification, Parcel, ParcelEvent, PrintJob
from station_console.errors import NotFound, Refused
from station_console.services.checkin.late_phone import set_phone
from station_console.services.checkin.phones import parse_phone
from station_console.services.checkin.transaction import check_in, undo_last
from station_console.services.core.station import Station
from station_console.services.printing import jobs as printing


def events(station: Station, parcel_id: int) -> list[ParcelEvent]:
    with station.read() as s:
        return list(
            s.exec(
                select(ParcelEvent).where(ParcelEvent.parcel_id == parcel_id).order_by(col(ParcelEvent.id))
            ).all()
        )


def test_each_check_in_writes_one_parcel_label_event_and_a_message_when_it_has_a_number(
    station: Station,
) -> None:
    for n, raw in enumerate(["SF1234567890123", "73123456789012", wb(7), "YT1234567890123"], start=1):
        result = check_in(station, raw, phone="13812345678" if n % 2 else None)
        assert counts(station) == {"parcels": n, "jobs": n, "notes": (n + 1) // 2, "events": n}
        with station.read() as s:
            parcel = s.get(Parcel, result.parcel_id)
            job = s.exec(select(PrintJob).where(PrintJob.parcel_id == result.parcel_id)).one()
            note = s.exec(select(Notification).where(Notification.parcel_id == result.parcel_id)).first()
        assert parcel is not None and parcel.pickup_code == result.pickup_code
        assert parcel.checked_in_counter == "test-counter"
        assert job.id == result.label_job and job.status == "queued" and job.kind == "label"
        if n % 2 == 0:
            assert note is None  # nobody to tell yet: the message comes with the phone (set_phone)
            continue
        assert note is not None and note.status == "queued"
        assert note.payload["pickup_code"] == result.pickup_code and note.payload["shelf"] == result.shelf
        [event] = events(station, result.parcel_id)
        assert event.kind == EventKind.CHECKED_IN and event.details["code"] == result.pickup_code
    assert [check_in(station, wb(100)).carrier] == ["JT"]


def test_the_label_job_message_and_event_carry_the_check_ins_own_time(station: Station) -> None:
    """One check-in, one instant: its label job and message are queued at the time the parcel was
    checked in, not a moment the clock reached later in the same transaction."""
    start = station.now()
    ticks = iter(range(1, 100))
    station.clock = lambda: start + timedelta(microseconds=next(ticks))  # moves at every reading
    result = check_in(station, wb(1), phone="13812345678")
    with station.read() as s:
        parcel = s.get(Parcel, result.parcel_id)
        job = s.exec(select(PrintJob).where(PrintJob.parcel_id == result.parcel_id)).one()
        note = s.exec(select(Notification).where(Notification.parcel_id == result.parcel_id)).one()
    [event] = events(station, result.parcel_id)
    assert parcel is not None
    assert job.created_at == note.created_at == note.next_attempt_at == event.at == parcel.checked_in_at


def test_nothing_is_written_when_a_later_step_fails(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_in(station, wb(1))
    before, used = counts(station), layer_used(station, "1-2")

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("printer table on fire")

    monkeypatch.setattr(printing, "queue_label_row", broken)
    with pytest.raises(RuntimeError):
        check_in(station, wb(2))
    assert counts(station) == before
    assert layer_used(station, "1-2") == used  # the claimed units went back with the rollback


def test_duplicate_on_the_shelf_is_refused_and_nothing_written(station: Station) -> None:
    first = check_in(station, wb(1))
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, f" {wb(1)}\r\n")  # scanner noise normalises to the same waybill
    assert exc.value.code == "duplicate"
    assert exc.value.params["parcel_id"] == first.parcel_id  # what the screen reprints
    assert first.pickup_code in exc.value.message()
    assert counts(station) == before


def test_redelivery_after_pickup_is_allowed_and_marked(station: Station) -> None:
    first = check_in(station, wb(1))
    assert not first.redelivery
    pick_up(station, first.parcel_id)
    again = check_in(station, wb(1))
    assert again.redelivery and again.parcel_id != first.parcel_id
    with station.read() as s:
        parcel = s.get(Parcel, again.parcel_id)
    assert parcel is not None and parcel.redelivery
    assert events(station, again.parcel_id)[0].details["redelivery"] is True


def test_undone_check_in_is_not_a_redelivery(station: Station) -> None:
    check_in(station, wb(1))
    undo_last(station)
    assert check_in(station, wb(1)).redelivery is False


def test_undo_last_reverses_everything_but_the_audit(station: Station, clock) -> None:  # type: ignore[no-untyped-def]
    keep_layers(station, {"1-1": 40})
    kept = check_in(station, wb(1), size="S")
    last = check_in(station, wb(2), size="L", phone="13812345678")
    assert layer_used(station, "1-1") == (5, 2)
    undone = undo_last(station)
    assert undone.parcel_id == last.parcel_id and undone.status == "cancelled"
    assert layer_used(station, "1-1") == (1, 1)
    with station.read() as s:
        hold = s.get(CodeHold, last.pickup_code)
        job = s.get(PrintJob, last.label_job)
        note = s.exec(select(Notification).where(Notification.parcel_id == last.parcel_id)).one()
        parcel = s.get(Parcel, last.parcel_id)
    assert hold is not None and hold.until == clock.now + timedelta(days=7)
    assert job is not None and job.status == "cancelled"
    assert note.status == "cancelled"
    assert parcel is not None and parcel.status == "cancelled" and parcel.cancelled_at == clock.now
    kinds = [e.kind for e in events(station, last.parcel_id)]
    assert kinds == [EventKind.CHECKED_IN, EventKind.CHECKIN_UNDONE]
    assert undo_last(station).parcel_id == kept.parcel_id  # then the one before
    with pytest.raises(NotFound):
        undo_last(station)


def test_undo_refuses_when_the_last_check_in_left_the_shelf_and_leaves_the_one_before_alone(
    station: Station,
) -> None:
    """Picked up at another counter before the clerk pressed undo: the undo went on to the check-in
    before it, a parcel on the shelf whose customer's code then no longer answered."""
    before = check_in(station, wb(1))
    last = check_in(station, wb(2))
    pick_up(station, last.parcel_id)
    with pytest.raises(Refused) as exc:
        undo_last(station)
    assert exc.value.code == "last_checkin_left"
    text = exc.value.message("en")
    assert last.waybill in text and "picked up" in text, text
    with station.read() as s:
        kept = s.get(Parcel, before.parcel_id)
    assert kept is not None and kept.status == "on_shelf"
    assert [e.kind for e in events(station, before.parcel_id)] == [EventKind.CHECKED_IN]


def test_undo_only_touches_this_counters_check_ins(station: Station) -> None:
    mine = check_in(station, wb(1))
    other = replace(station, counter="counter-2", _cached=None)  # the same clerk at another counter
    check_in(other, wb(2))
    assert undo_last(station).parcel_id == mine.parcel_id


@pytest.mark.parametrize("batch", [None, "ZTO", "DHL"])
def test_a_mobile_number_a_carrier_would_take_is_refused_as_any_mobile_naming_that_carrier(
    station: Station, batch: str | None
) -> None:
    """13987654321 passes DHL's 11-digit check digit (one mobile number in seven does): scanned into the
    scan field it was a DHL parcel, with the customer's number stored whole as its waybill; then a
    "carrier conflict" question whose other answer (keep the batch) checked it in as ZTO. It is the
    refusal every mobile gets, whatever the batch; it names DHL, whose real waybills take that shape,
    and the key that takes one."""
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, "13987654321", batch=batch)
    assert exc.value.code == "phone_not_waybill"
    assert exc.value.params["detected"] == "DHL"
    assert exc.value.params["waybill"] == "139****4321"  # the number as screens show phones
    with pytest.raises(Refused) as plain:
        check_in(station, "13512345678", batch=batch)  # fails DHL's check digit
    assert plain.value.message("en") == "135****5678 looks like a mobile number, not a waybill. " + (
        "Type a phone in the phone field."
    )
    assert exc.value.message("en") == (  # what it looks like, and how a real DHL waybill is taken anyway
        "139****4321 looks like a mobile number; if it is a DHL waybill, "
        "Ctrl+Y takes it. Type a phone in the phone field."
    )
    assert counts(station) == before
    confirmed = check_in(station, "13987654321", batch=batch, carrier="DHL")  # the clerk says it is one
    assert confirmed.carrier == "DHL" and confirmed.waybill == "13987654321"


@pytest.mark.parametrize("scanned", ["17012345678-8462", "17012345678#8462", "138-1234-5678", "138****5678"])
def test_a_phone_with_characters_no_waybill_has_is_refused_as_a_phone(station: Station, scanned: str) -> None:
    """A virtual number with its extension, a mobile typed with dashes, a privacy form: the cleaning
    refused its characters ("check the number"), and the clerk was not told it is a phone, nor where
    one goes."""
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, scanned)
    assert exc.value.code == "phone_not_waybill" and "detected" not in exc.value.params
    assert exc.value.params["waybill"].startswith(("****", "138****"))  # said masked, as a phone
    assert counts(station) == before


def test_a_mobile_number_no_carrier_takes_is_refused_with_the_number_masked(station: Station) -> None:
    """13512345678 fails DHL's check digit: refused as any bad scan, but said as screens show a phone."""
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, "13512345678")
    assert exc.value.code == "phone_not_waybill" and exc.value.params["waybill"] == "135****5678"
    assert "detected" not in exc.value.params  # no carrier to offer
    assert "13512345678" not in exc.value.message("en") + exc.value.message("zh")
    assert counts(station) == before


def test_receiving_zto_a_number_failing_fedexs_check_digit_names_zto(station: Station) -> None:
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, "731234567890", batch="ZTO")
    assert exc.value.message("en") == "731234567890 is not a valid ZTO waybill number."
    assert counts(station) == before


def test_carrier_conflict_is_refused_until_the_clerk_chooses(station: Station) -> None:
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, "SF1234567890123", batch="ZTO")
    assert exc.value.code == "carrier_conflict"
    assert exc.value.params["detected"] == "SF" and exc.value.params["batch"] == "ZTO"
    assert counts(station) == before
    detected = check_in(station, "SF1234567890123", batch="ZTO", carrier="SF")
    assert detected.carrier == "SF"
    forced = check_in(station, "SF1234567890124", batch="ZTO", carrier="ZTO")
    assert forced.carrier == "ZTO"
    assert events(station, forced.parcel_id)[0].details["forced_carrier"] is True
    assert events(station, detected.parcel_id)[0].details["forced_carrier"] is False


def test_batch_settles_an_ambiguous_number(station: Station) -> None:
    # 15 digits starting 43 fit both STO and YUNDA: the batch decides, no question asked.
    assert check_in(station, "431234567890123", batch="YUNDA").carrier == "YUNDA"
    assert check_in(station, "431234567890124", batch="STO").carrier == "STO"


@pytest.mark.parametrize("raw", ["hello", "12", "ZZ"])
def test_unreadable_waybill_is_refused(station: Station, raw: str) -> None:
    with pytest.raises(Refused):
        check_in(station, raw)
    assert counts(station)["parcels"] == 0


@pytest.mark.parametrize(
    ("typed", "tail", "masked", "full"),
    [
        ("13812345678", "5678", "138****5678", "13812345678"),
        ("+86 138-1234-5678", "5678", "138****5678", "13812345678"),
        ("5678", "5678", "****5678", None),
        ("138****5678", "5678", "138****5678", None),
        ("17012345678-8462", "8462", "170****5678-8462", "17012345678-8462"),
        ("+49 151 23456789", "6789", "****6789", "+4915123456789"),
        ("0049 151 23456789", "6789", "****6789", "+4915123456789"),
    ],
)
def test_phone_forms(station: Station, typed: str, tail: str, masked: str, full: str | None) -> None:
    phone = parse_phone(typed)
    assert (phone.tail, phone.masked, phone.full) == (tail, masked, full)
    result = check_in(station, wb(1), phone=typed)
    assert result.masked_phone == masked
    with station.read() as s:
        parcel = s.get(Parcel, result.parcel_id)
    assert parcel is not None and (parcel.phone_tail, parcel.phone_full) == (tail, full)
    assert full is None or full not in str(events(station, result.parcel_id)[0].details)


@pytest.mark.parametrize(
    "typed",
    [
        "call me",
        "123",
        "23812345678",
        "1381234567890123456",
        "****",
        "7739100",  # the head of a split scan: 7 digits, no country code
        "12345678",
        "12812345678",  # no mainland mobile starts 12
        "+0123456789",
        "+86 5678",
    ],
)
def test_garbage_phone_is_refused_and_nothing_written(station: Station, typed: str) -> None:
    with pytest.raises(Refused) as exc:
        check_in(station, wb(1), phone=typed)
    assert exc.value.code == "phone_invalid"
    assert counts(station)["parcels"] == 0


def test_size_is_checked_and_defaults_to_the_setting(station: Station) -> None:
    assert check_in(station, wb(1)).size == "M"
    assert check_in(station, wb(2), size="l").size == "L"
    with pytest.raises(Refused) as exc:
        check_in(station, wb(3), size="XXL")
    assert exc.value.code == "bad_size"


def test_set_phone_after_a_quick_check_in(station: Station) -> None:
    result = check_in(station, wb(1))
    assert result.masked_phone is None
    assert set_phone(station, result.parcel_id, "13812345678") == "138****5678"
    with station.read() as s:
        parcel = s.get(Parcel, result.parcel_id)
    assert parcel is not None and parcel.phone_tail == "5678"
    assert [e.kind for e in events(station, result.parcel_id)] == [EventKind.CHECKED_IN, EventKind.PHONE_SET]
    pick_up(station, result.parcel_id)
    with pytest.raises(NotFound):
        set_phone(station, result.parcel_id, "5678")
