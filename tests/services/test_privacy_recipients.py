"""Directory data is personal data: masked wherever parcel data is, purged by the same keep period."""

from __future__ import annotations

import json

import pytest
from conftest import FakeClock
from recipient_helpers import act_as, phones_of, recipient
from sqlmodel import col, select
from station_helpers import wb

from db.models import DeliveryItem, ProxyPickup, RecipientConsent, Role
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs, scan_back
from station_console.services.people import person_export, privacy
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.proxy import Proxy
from station_console.services.recipients import consent, directory, matching
from station_console.services.recipients.consent import Choice
from station_console.services.shelves.search import timeline

PHONE, SECOND = "13812345678", "13987654321"


@pytest.fixture
def manager(station: Station) -> Station:
    act_as(station, Role.MANAGER, "boss")
    return station


def test_directory_views_show_masked_phones_and_emails_only(manager: Station) -> None:
    directory.add(
        manager,
        {"name": "张三", "external_id": "00123", "phones": f"{PHONE}/{SECOND}", "email": "zhang@example.com"},
    )
    shown = [
        json.dumps(directory.get(manager, "00123").to_json(), ensure_ascii=False, default=str),
        json.dumps(
            [v.to_json() for v in directory.list_recipients(manager)], ensure_ascii=False, default=str
        ),
        json.dumps([m.to_json() for m in matching.match(manager, "zs")], ensure_ascii=False, default=str),
    ]
    for text in shown:
        assert "138****5678" in text
        assert PHONE not in text and SECOND not in text and "zhang@example.com" not in text


def test_a_deactivated_person_is_purged_after_the_keep_period(manager: Station, clock: FakeClock) -> None:
    directory.add(manager, {"name": "张三", "external_id": "1", "phones": PHONE, "email": "z@example.com"})
    directory.add(manager, {"name": "李四", "external_id": "2", "phones": SECOND})
    directory.set_active(manager, "1", False)
    clock.advance(days=29)
    assert privacy.purge_phones(manager).recipients == 0
    clock.advance(days=1, minutes=1)
    result = privacy.purge_phones(manager)
    assert result.recipients == 1
    gone = recipient(manager, "1")
    assert (gone.name, gone.email, gone.search_name, gone.active) == ("", None, "", False)
    assert phones_of(manager, "1") == [None]
    assert directory.get(manager, "1").phones == ("138****5678",)  # the masked form stays
    assert phones_of(manager, "2") == [SECOND] and recipient(manager, "2").name == "李四"
    assert privacy.purge_phones(manager).recipients == 0  # once


def test_proxy_names_and_door_receivers_go_with_the_phones(manager: Station, clock: FakeClock) -> None:
    li = directory.add(manager, {"name": "李四", "phones": SECOND, "building": "B2", "room": "502"}).id
    consent.record(manager, li, Choice(delivery_preference="door"), channel="app")
    first = check_in(manager, wb(1), phone=PHONE)
    confirm_pickup(
        manager,
        [first.parcel_id],
        method="code",
        scanned=[wb(1)],
        proxy=Proxy("老王", "2222", "1234"),
        codes=[first.pickup_code],
    )
    check_in(manager, wb(2), recipient_id=li)
    run = runs.plan(manager, "小刘")
    runs.scan_out(manager, run.id, wb(2))
    scan_back.deliver(
        manager, run.id, wb(2), received_by="门卫张师傅", signature_name="张", photo_ref="p/1.jpg"
    )
    assert timeline(manager, wb(2)).events[-1].details["received_by"] == "门卫张师傅"
    clock.advance(days=30, minutes=1)
    result = privacy.purge_phones(manager)
    assert (result.proxies, result.receipts) == (1, 1)
    with manager.read() as session:
        proxy = session.exec(select(ProxyPickup)).one()
        item = session.get(DeliveryItem, 1)
    assert (proxy.name, proxy.id_last4, proxy.phone_tail) == ("", None, "2222")
    assert item is not None and (item.received_by, item.signature_name, item.photo_ref) == (None, None, None)
    assert timeline(manager, wb(1)).events[-1].details["proxy_name"] == ""


def test_a_persons_export_and_deletion_cover_their_directory_entry(manager: Station) -> None:
    directory.add(manager, {"name": "张三", "external_id": "1", "phones": PHONE, "room": "502"})
    export = person_export.export_person(manager, PHONE)
    assert export["parcels"] == [] and export["directory"][0]["phones"] == [PHONE]
    assert export["directory"][0]["name"] == "张三"
    result = privacy.delete_person(manager, PHONE)
    assert result.recipients == 1
    gone = recipient(manager, "1")
    assert (gone.name, gone.active) == ("", False) and phones_of(manager, "1") == [None]
    assert matching.match(manager, "zs") == []


def test_a_persons_export_shows_and_deletion_blanks_their_parcels_door_receipt_and_proxy(
    manager: Station,
) -> None:
    first = check_in(manager, wb(1), phone=PHONE)
    confirm_pickup(
        manager,
        [first.parcel_id],
        method="code",
        scanned=[wb(1)],
        proxy=Proxy("老王", "2222", "1234"),
        codes=[first.pickup_code],
    )
    zhang = directory.add(manager, {"name": "张三", "phones": PHONE, "building": "B2", "room": "502"}).id
    check_in(manager, wb(2), recipient_id=zhang)
    requests.request(manager, wb(2))
    run = runs.plan(manager, "小刘")
    runs.scan_out(manager, run.id, wb(2))
    scan_back.deliver(
        manager, run.id, wb(2), received_by="门卫张师傅", signature_name="张", photo_ref="p/1.jpg"
    )
    handovers = person_export.export_person(manager, PHONE)["handovers"]
    assert {h.get("proxy_name") or h.get("received_by") for h in handovers} == {"老王", "门卫张师傅"}
    check_in(manager, wb(3), phone=SECOND)
    fourth = check_in(manager, wb(4), phone=SECOND)
    confirm_pickup(
        manager,
        [fourth.parcel_id],
        method="code",
        scanned=[wb(4)],
        proxy=Proxy("小李", "3333"),
        codes=[fourth.pickup_code],
    )
    privacy.delete_person(manager, PHONE)
    with manager.read() as session:
        proxies = {p.name: p for p in session.exec(select(ProxyPickup)).all()}
        item = session.exec(select(DeliveryItem)).one()
    assert (item.received_by, item.signature_name, item.photo_ref) == (None, None, None)
    assert item.purged_at is not None
    assert set(proxies) == {"", "小李"} and proxies[""].id_last4 is None  # another person's stays
    assert timeline(manager, wb(2)).events[-1].details["received_by"] == ""
    assert timeline(manager, wb(1)).events[-1].details["proxy_name"] == ""


def _consent_notes(station: Station) -> list[str | None]:
    with station.read() as session:
        return [
            c.note for c in session.exec(select(RecipientConsent).order_by(col(RecipientConsent.id))).all()
        ]


def test_a_persons_export_shows_and_deletion_blanks_their_consent_notes(manager: Station) -> None:
    zhang = directory.add(manager, {"name": "张三", "external_id": "1", "phones": PHONE}).id
    li = directory.add(manager, {"name": "李四", "external_id": "2", "phones": SECOND}).id
    consent.record(manager, zhang, Choice(consent="granted"), channel="phone", note="张三女儿代接电话")
    consent.record(manager, li, Choice(consent="granted"), channel="counter", note="李四本人")
    history = person_export.export_person(manager, PHONE)["directory"][0]["consent_history"]
    assert [(h["consent"], h["channel"], h["note"]) for h in history] == [
        ("granted", "phone", "张三女儿代接电话")
    ]
    privacy.delete_person(manager, PHONE)
    assert _consent_notes(manager) == [None, "李四本人"]  # another person's stays
    assert [h.consent for h in consent.history(manager, zhang)] == ["granted"]  # what they chose stays


def test_the_purge_blanks_a_deactivated_persons_consent_notes(manager: Station, clock: FakeClock) -> None:
    zhang = directory.add(manager, {"name": "张三", "external_id": "1", "phones": PHONE}).id
    consent.record(manager, zhang, Choice(consent="granted"), channel="phone", note="住502, 常不在家")
    directory.set_active(manager, "1", False)
    clock.advance(days=29)
    privacy.purge_phones(manager)
    assert _consent_notes(manager) == ["住502, 常不在家"]
    clock.advance(days=1, minutes=1)
    assert privacy.purge_phones(manager).recipients == 1
    assert _consent_notes(manager) == [None]
