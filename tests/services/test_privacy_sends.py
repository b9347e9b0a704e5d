"""Send-out records by their own keep period (实名收寄): blanked after `send_record_keep_days`, senders
unseen that long taken off the sender list; a person's export and deletion cover sends and senders."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError
from sendout_helpers import (
    RECIPIENT_PHONE,
    SENDER_PHONE,
    as_manager,
    events,
    party,
    row,
    send,
    senders,
    sf,
    staff,
)

from db.models import EventKind, Sender
from station_console.errors import NotFound, PermissionDenied
from station_console.services.core.station import Station
from station_console.services.people import audit_trail, person_export, privacy
from station_console.services.sendout import handover, payments
from station_console.services.sendout.senders import find_sender

if TYPE_CHECKING:
    from conftest import FakeClock

OTHER_SENDER = "13700001111"


@pytest.fixture
def counter(station: Station) -> Station:
    return staff(station)


def hand_over(station: Station, *waybills: str) -> None:
    batch = handover.open_batch(station, "SF")
    for waybill in waybills:
        batch = handover.scan(station, batch, waybill).batch
    handover.close_batch(station, batch.batch_id, courier_name="Courier Chen")


def sender_row(station: Station, phone: str) -> Sender:
    found = [s for s in senders(station) if s.masked_phone == f"{phone[:3]}****{phone[-4:]}"]
    assert len(found) == 1, found
    return found[0]


def test_a_send_just_inside_the_period_keeps_its_record_one_just_outside_loses_it(
    counter: Station, clock: FakeClock
) -> None:
    old = send(counter, waybill=sf(1)).send_id
    hand_over(counter, sf(1))
    clock.advance(minutes=2)
    newer = send(counter, waybill=sf(2), party=party(name="Li Si", phone=OTHER_SENDER)).send_id
    hand_over(counter, sf(2))
    clock.advance(days=365, minutes=-3)  # the first left 365 days less a minute ago
    assert (privacy.purge_phones(counter).sends, privacy.purge_phones(counter).senders) == (0, 0)
    assert row(counter, old).recipient_name == "Wang Wu" and row(counter, old).id_last4 == "002X"
    clock.advance(minutes=2)  # now 365 days and a minute: the second is still a minute inside
    result = privacy.purge_phones(counter)
    assert (result.sends, result.senders, result.send_days) == (1, 1, 365)
    assert result.purged == 0 and result.days == 30  # the parcels' own period is untouched
    gone = row(counter, old)
    assert (gone.recipient_name, gone.address, gone.id_last4, gone.recipient_phone_full) == (
        "",
        "",
        None,
        None,
    )
    assert gone.purged_at == clock.now
    # What names no one stays: the masked number, the province, that an ID was seen, the money.
    assert (gone.recipient_masked_phone, gone.destination) == ("139****4321", "新疆")
    assert (gone.id_type, gone.id_seen, gone.price_cents > 0, gone.status) == (
        "resident",
        True,
        True,
        "handed_over",
    )
    kept = row(counter, newer)
    assert (kept.recipient_name, kept.id_last4, kept.purged_at) == ("Wang Wu", "002X", None)
    zhang, li = sender_row(counter, SENDER_PHONE), sender_row(counter, OTHER_SENDER)
    assert (zhang.name, zhang.id_type, zhang.id_last4) == ("", None, None)
    assert zhang.phone_full == f"purged:{zhang.id}" and zhang.masked_phone == "138****5678"
    assert (li.name, li.phone_full, li.id_last4, li.purged_at) == ("Li Si", OTHER_SENDER, "002X", None)
    assert SENDER_PHONE not in json.dumps([e.details for e in events(counter)], ensure_ascii=False)
    again = privacy.purge_phones(counter)
    assert (again.sends, again.senders) == (0, 0)  # once
    # The same person coming back is a new sender: found by nobody, registered again.
    assert find_sender(counter, SENDER_PHONE) is None
    send(counter, waybill=sf(3))
    by_phone = sorted((s.id or 0, s.phone_full, s.name) for s in senders(counter) if s.phone_tail == "5678")
    assert [row[1:] for row in by_phone] == [(f"purged:{zhang.id}", ""), (SENDER_PHONE, "Zhang San")]
    assert audit_trail.verify(counter).ok


def test_a_sender_seen_recently_stays_and_a_send_at_the_counter_keeps_everything(
    counter: Station, clock: FakeClock
) -> None:
    first = send(counter, waybill=sf(1)).send_id
    hand_over(counter, sf(1))
    waiting = send(counter, waybill=sf(2), party=party(name="Li Si", phone=OTHER_SENDER)).send_id
    clock.advance(days=300)
    send(counter, waybill=sf(3))  # Zhang San comes back
    hand_over(counter, sf(3))
    clock.advance(days=100)
    result = privacy.purge_phones(counter)
    assert (result.sends, result.senders) == (1, 0)  # Zhang's first send only
    assert row(counter, first).recipient_name == "" and row(counter, first).purged_at is not None
    assert sender_row(counter, SENDER_PHONE).phone_full == SENDER_PHONE
    assert sender_row(counter, SENDER_PHONE).name == "Zhang San"
    # Li's send never left the counter: 400 days on, the carrier may still need it all.
    still = row(counter, waiting)
    assert (still.status, still.recipient_phone_full, still.recipient_name) == (
        "accepted",
        RECIPIENT_PHONE,
        "Wang Wu",
    )
    assert sender_row(counter, OTHER_SENDER).phone_full == OTHER_SENDER
    assert find_sender(counter, SENDER_PHONE) is not None


def test_a_refund_counts_from_when_it_was_refunded(counter: Station, clock: FakeClock) -> None:
    refunded = send(counter, waybill=sf(1)).send_id
    clock.advance(days=10)
    as_manager(counter)
    payments.refund(counter, refunded, "changed their mind")
    clock.advance(days=365, minutes=-1)
    assert privacy.purge_phones(counter).sends == 0  # accepted 375 days ago, refunded 365 less a minute
    clock.advance(minutes=2)
    result = privacy.purge_phones(counter)
    assert (result.sends, result.senders) == (1, 1)
    assert row(counter, refunded).status == "cancelled" and row(counter, refunded).address == ""


def test_the_keep_period_is_its_own_setting_with_a_floor(counter: Station, clock: FakeClock) -> None:
    from station_console.services.admin.settings import save_station_settings

    as_manager(counter)
    with pytest.raises(ValidationError):
        counter.settings().model_validate({**counter.settings().model_dump(), "send_record_keep_days": 29})
    shorter = counter.settings().model_copy(update={"send_record_keep_days": 30})
    counter.run(lambda session: save_station_settings(session, counter, shorter))
    send(counter, waybill=sf(1))
    hand_over(counter, sf(1))
    clock.advance(days=30, minutes=1)
    result = privacy.purge_phones(counter)
    assert (result.sends, result.senders, result.send_days) == (1, 1, 30)
    assert result.send_cutoff == result.cutoff  # both periods are 30 days here
    as_json = result.to_json()
    assert (as_json["sends"], as_json["senders"], as_json["send_days"]) == (1, 1, 30)
    assert as_json["send_cutoff"] == result.cutoff.isoformat()
    [event] = [e for e in events(counter) if e.kind == EventKind.PHONE_PURGED]
    assert (event.details["sends"], event.details["senders"]) == (1, 1)
    assert event.details["send_cutoff"] == result.cutoff.isoformat()


def test_the_day_close_purges_send_records_too(counter: Station, clock: FakeClock) -> None:
    from station_console.services.day.close import close_day

    old = send(counter, waybill=sf(1)).send_id
    hand_over(counter, sf(1))
    clock.advance(days=365, hours=1)
    as_manager(counter)
    close_day(counter, early=True)
    assert row(counter, old).purged_at is not None and row(counter, old).recipient_name == ""
    assert sender_row(counter, SENDER_PHONE).purged_at is not None


def test_export_by_phone_covers_the_sender_and_their_sends(counter: Station) -> None:
    sent = send(counter, waybill=sf(1)).send_id
    with pytest.raises(PermissionDenied):
        person_export.export_person(counter, SENDER_PHONE)  # a clerk: the manager's alone
    as_manager(counter)
    data = person_export.export_person(counter, SENDER_PHONE)
    assert data["parcels"] == [] and len(data["senders"]) == 1
    assert data["senders"][0]["phone"] == SENDER_PHONE and data["senders"][0]["id_last4"] == "002X"
    [mine] = data["sends"]
    assert (mine["send_id"], mine["as"], mine["waybill"], mine["address"]) == (
        sent,
        "sender",
        sf(1),
        "乌鲁木齐市天山区人民路 88 号",
    )
    # The addressee, while the carrier still needs their number.
    addressed = person_export.export_person(counter, RECIPIENT_PHONE)
    assert addressed["senders"] == [] and [s["as"] for s in addressed["sends"]] == ["recipient"]
    assert addressed["sends"][0]["recipient_phone"] == RECIPIENT_PHONE
    exported = [e for e in events(counter) if e.kind == EventKind.DATA_EXPORTED]
    assert [(e.details.get("senders"), e.details.get("sends")) for e in exported] == [(1, 1), (None, 1)]
    assert SENDER_PHONE not in json.dumps([e.details for e in exported])
    with pytest.raises(NotFound):
        person_export.export_person(counter, "13600000000")


def test_deletion_keeps_what_the_real_name_period_needs_and_blanks_the_rest(
    counter: Station, clock: FakeClock
) -> None:
    old = send(counter, waybill=sf(1)).send_id
    hand_over(counter, sf(1))
    clock.advance(days=200)
    recent = send(counter, waybill=sf(2)).send_id  # at the counter, addressed to Wang Wu
    with pytest.raises(PermissionDenied):
        privacy.delete_person(counter, SENDER_PHONE)
    as_manager(counter)
    # The addressee: their full number goes at once; name and address are the send's record.
    addressee = privacy.delete_person(counter, RECIPIENT_PHONE)
    assert (addressee.sends, addressee.senders, addressee.sends_kept) == (1, 0, 0)
    assert (
        row(counter, recent).recipient_phone_full is None and row(counter, recent).recipient_name == "Wang Wu"
    )
    # The sender, with both sends inside the period: nothing may go yet, and the result says so.
    early = privacy.delete_person(counter, SENDER_PHONE)
    assert (early.sends, early.senders, early.sends_kept) == (0, 0, 2)
    assert sender_row(counter, SENDER_PHONE).phone_full == SENDER_PHONE
    hand_over(counter, sf(2))
    clock.advance(days=170)  # the first send is past the period, the second is not
    later = privacy.delete_person(counter, SENDER_PHONE)
    assert (later.sends, later.senders, later.sends_kept) == (1, 0, 1)
    assert row(counter, old).recipient_name == "" and row(counter, recent).recipient_name == "Wang Wu"
    clock.advance(days=200)
    last = privacy.delete_person(counter, SENDER_PHONE)
    assert (last.sends, last.senders, last.sends_kept) == (1, 1, 0)
    assert last.to_json()["senders"] == 1
    assert sender_row(counter, SENDER_PHONE).name == ""
    with pytest.raises(NotFound):
        privacy.delete_person(counter, SENDER_PHONE)  # nobody holds the number now
    deleted = [e for e in events(counter) if e.kind == EventKind.PERSON_DELETED]
    assert [e.details.get("sends_kept") for e in deleted] == [None, 2, 1, None]
    assert audit_trail.verify(counter).ok


def test_an_export_holds_none_of_the_other_party_of_a_send(counter: Station) -> None:
    """A send names two people: the addressee's export carries nothing of the sender's document, and
    the sender's carries the addressee's number only masked, as every screen shows it."""
    send(counter, waybill=sf(1))
    as_manager(counter)
    [addressed] = person_export.export_person(counter, RECIPIENT_PHONE)["sends"]
    assert addressed["as"] == "recipient" and addressed["recipient_phone"] == RECIPIENT_PHONE
    assert "002X" not in json.dumps(addressed) and "resident" not in json.dumps(addressed)
    [sent] = person_export.export_person(counter, SENDER_PHONE)["sends"]
    assert sent["as"] == "sender" and sent["id_last4"] == "002X"
    assert RECIPIENT_PHONE not in json.dumps(sent) and sent["recipient_masked_phone"] == "139****4321"


def test_a_refusal_or_refund_reason_is_kept_exported_and_blanked_with_its_record(
    counter: Station, clock: FakeClock
) -> None:
    """Typed reasons may name someone: they follow the send's other personal fields (kept for the period,
    exported to the person, blanked by the purge and by a deletion past the period, never in the trail)."""
    from sendout_helpers import parcel, recipient

    from station_console.services.sendout import accept

    refused_why, refund_why = "Wang Wu's lighter fluid", "Zhang San's brother came for it"
    refused = accept.refuse(
        counter,
        party=party(),
        recipient=recipient(),
        parcel=parcel(),
        reason=refused_why,
        found=["batteries"],
    ).send_id
    refunded = send(counter, waybill=sf(1)).send_id
    as_manager(counter)
    payments.refund(counter, refunded, refund_why)
    gone = send(counter, waybill=sf(2), party=party(name="Li Si", phone=OTHER_SENDER)).send_id
    payments.refund(counter, gone, "Li Si's mistake")
    trail = json.dumps([e.details for e in events(counter)], ensure_ascii=False)
    assert "Wang Wu's" not in trail and "Zhang San's" not in trail and "Li Si's" not in trail
    exported = {s["send_id"]: s for s in person_export.export_person(counter, SENDER_PHONE)["sends"]}
    assert exported[refused]["refused_reason"] == refused_why
    assert exported[refunded]["refund_reason"] == refund_why
    clock.advance(days=365, minutes=1)
    forgotten = privacy.delete_person(counter, OTHER_SENDER)  # past the period: blanked on request
    assert forgotten.sends == 1 and row(counter, gone).refund_reason is None
    assert row(counter, refunded).refund_reason == refund_why  # nobody asked: the purge's to take
    assert privacy.purge_phones(counter).sends == 2
    assert (row(counter, refused).refused_reason, row(counter, refunded).refund_reason) == (None, None)
    assert row(counter, refused).status == "refused" and row(counter, refunded).refund_cents > 0
    assert audit_trail.verify(counter).ok
