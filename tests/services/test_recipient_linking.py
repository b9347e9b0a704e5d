"""A parcel linked to a directory person: by the clerk ("who is this?", Ctrl+N after the scan,
`station recipients link`) and by a directory change that makes its phone someone's."""

from __future__ import annotations

from pathlib import Path

import pytest
from recipient_helpers import HEADERS_ZH, PEOPLE, act_as, recipient, write_csv
from station_helpers import events, parcel, wb

from db.models import EventKind, Role
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import directory, matching
from station_console.services.recipients.importing import import_file


@pytest.fixture
def campus(station: Station, tmp_path: Path) -> Station:
    """A manager signed in, the four people of PEOPLE in the directory."""
    act_as(station, Role.MANAGER, "boss")
    import_file(station, write_csv(tmp_path / "people.csv", [HEADERS_ZH, *PEOPLE]))
    return station


def test_a_person_added_after_their_parcel_came_is_linked_to_it_by_its_phone(
    campus: Station, tmp_path: Path
) -> None:
    """A parcel checked in with a full phone nobody in the directory had yet waits unmatched; the
    person added, imported, given that phone or brought back is linked to it in the same write, as
    check-in would have, and it can then go to their door. A shared phone is still no guess."""
    from checkin_helpers import pick_up

    from station_console.services.delivery import requests

    def owner(parcel_id: int) -> int | None:
        return parcel(campus, parcel_id).recipient_id

    typed = check_in(campus, wb(1), phone="13600001031")
    gone = check_in(campus, wb(2), phone="13600001031")
    pick_up(campus, gone.parcel_id)
    with pytest.raises(Refused) as nowhere:
        requests.request(campus, wb(1))
    assert nowhere.value.code == "no_address"
    added = directory.add(campus, {"name": "王五", "phones": "13600001031", "building": "C2", "room": "301"})
    assert owner(typed.parcel_id) == added.id
    assert added.parcels_linked == 1
    assert owner(gone.parcel_id) is None  # a parcel that left stays as it left
    assert parcel(campus, typed.parcel_id).recipient_name == "王五"
    assert events(campus, EventKind.RECIPIENT_LINKED)[-1].parcel_id == typed.parcel_id
    assert requests.request(campus, wb(1)).address == "C2-301"

    imported = check_in(campus, wb(3), phone="13600007777")
    rows = [HEADERS_ZH, ["00200", "赵六", "13600007777", "C2", "", "302"]]
    result = import_file(campus, write_csv(tmp_path / "more.csv", rows))
    assert owner(imported.parcel_id) == recipient(campus, "00200").id
    assert result.linked == 1

    edited = check_in(campus, wb(4), phone="13600003333")
    zhang = directory.edit(campus, "00123", {"phones": "13812345678,13600003333"})
    assert owner(edited.parcel_id) == zhang.id
    assert zhang.parcels_linked == 1

    directory.set_active(campus, "00124", False)
    back = check_in(campus, wb(5), phone="13987654321")
    assert owner(back.parcel_id) is None
    assert directory.set_active(campus, "00124", True).parcels_linked == 1
    assert owner(back.parcel_id) == recipient(campus, "00124").id

    twice = check_in(campus, wb(7), phone="13600005555")
    directory.add(campus, {"name": "乙", "phones": "13600005555"})  # linked: one person so far
    directory.add(campus, {"name": "丙", "phones": "13600005555"})
    late = check_in(campus, wb(8), phone="13600005555")
    assert owner(late.parcel_id) is None  # two people share it at check-in
    assert directory.add(campus, {"name": "丁", "phones": "13600006666,13600005555"}).parcels_linked == 0
    assert owner(late.parcel_id) is None and owner(twice.parcel_id) is not None


def test_a_phone_made_shared_names_the_parcels_matched_to_the_other_and_who_is_this_lists_the_rest(
    campus: Station, tmp_path: Path
) -> None:
    """Added one at a time, two people with one phone: the first add links the waiting parcel, the
    second is told it is matched to the other person by that phone and how to move it (imported
    together they leave it unmatched). A parcel left unmatched by a shared phone waits in "who is
    this?" with the phone's tail to search, which finds both people."""
    from station_console.i18n import set_language
    from station_console.services.recipients.phone_links import with_linked

    twice = check_in(campus, wb(1), phone="13600005555")
    first = directory.add(campus, {"name": "乙", "phones": "13600005555"})
    assert first.parcels_linked == 1 and first.parcels_shared == ()
    second = directory.add(campus, {"name": "丙", "phones": "13600005555"})
    code = parcel(campus, twice.parcel_id).pickup_code
    assert second.parcels_linked == 0 and second.parcels_shared == (code,)
    assert parcel(campus, twice.parcel_id).recipient_id == first.id  # left to the clerk, as said
    said = with_linked("Saved: 丙", second.parcels_linked, second.parcels_shared)
    assert said == (
        f"Saved: 丙. {code} on the shelves has a phone they now share with someone else and is matched to "
        "that person; if it is theirs, link it to them: station recipients link CODE THEIR-ID."
    )
    set_language("zh")
    assert with_linked("已保存：丙", 0, second.parcels_shared) == (
        f"已保存：丙。货架上的 {code} 的手机号现与另一人共用，已匹配给那个人；"
        "如其中有此人的包裹，请改为匹配此人：“station recipients link 取件码 此人编号”。"
    )
    set_language("en")
    # A third with the phone, given it by an edit, hears of it too; an edit of something else does not.
    third = directory.add(campus, {"name": "丁", "phones": "13600006666"})
    assert directory.edit(campus, third.id, {"phones": "13600006666,13600005555"}).parcels_shared == (code,)
    assert directory.edit(campus, third.id, {"room": "101"}).parcels_shared == ()
    # The clerk moves it; it is still said, now of the other people, when one of them is brought back.
    assert parcel(campus, twice.parcel_id).recipient_name == "乙"  # given by the first link
    matching.link(campus, twice.parcel_id, third.id or 0)
    assert parcel(campus, twice.parcel_id).recipient_name == "丁"  # not 乙's, whom pickup would ask for
    directory.set_active(campus, first.id, False)
    assert directory.set_active(campus, first.id, True).parcels_shared == (code,)

    late = check_in(campus, wb(2), phone="13600005555")
    assert parcel(campus, late.parcel_id).recipient_id is None  # three people share it at check-in
    (waiting,) = [u for u in matching.unmatched(campus) if u.parcel_id == late.parcel_id]
    assert waiting.shared_phone and waiting.name == "" and waiting.search == "5555"
    assert {m.name for m in matching.match(campus, waiting.search)} == {"乙", "丙", "丁"}
    matching.link(campus, late.parcel_id, second.id or 0)
    assert late.parcel_id not in [u.parcel_id for u in matching.unmatched(campus)]

    # Imported with the phone of a person already in the directory: the import's line says so too.
    own = check_in(campus, wb(3), phone="13600007777")
    ying = directory.add(campus, {"name": "戊", "phones": "13600007777"})
    assert parcel(campus, own.parcel_id).recipient_id == ying.id
    rows = [HEADERS_ZH, ["00300", "己", "13600007777", "C2", "", "303"]]
    result = import_file(campus, write_csv(tmp_path / "shared.csv", rows))
    assert result.shared == (parcel(campus, own.parcel_id).pickup_code,)


def test_who_is_this_list_and_linking(campus: Station) -> None:
    typed = check_in(campus, wb(1), recipient_name="张 三")  # typed, matched to no one
    check_in(campus, wb(2))  # no name at all: not a "who is this?"
    waiting = matching.unmatched(campus)
    assert [(u.parcel_id, u.name, u.masked_phone) for u in waiting] == [(typed.parcel_id, "张 三", None)]
    linked = matching.link(campus, typed.parcel_id, "00123")
    assert (linked.phone_added, linked.masked_phone, linked.consent_missing) == (True, "138****5678", True)
    row = parcel(campus, typed.parcel_id)
    assert (row.recipient_id, row.phone_full) == (recipient(campus, "00123").id, "13812345678")
    assert matching.unmatched(campus) == []
    assert events(campus, EventKind.RECIPIENT_LINKED)[-1].details["masked_phone"] == "138****5678"


def test_a_person_given_after_the_scan_brings_their_phone_and_the_customer_is_told(campus: Station) -> None:
    """The console checks a parcel in at its scan; who it is for comes after, the same way as a phone."""
    from sqlmodel import select

    from db.models import Notification
    from station_console.services.checkin.late_phone import set_phone

    def told(parcel_id: int) -> list[str]:
        with campus.read() as session:
            rows = session.exec(select(Notification).where(Notification.parcel_id == parcel_id)).all()
            return [n.kind for n in rows]

    picked = check_in(campus, wb(1), hold_label=True)  # Ctrl+N after the scan: linked, phone added
    assert matching.link(campus, picked.parcel_id, "00123").phone_added
    assert told(picked.parcel_id) == ["checkin"]
    typed = check_in(campus, wb(2), hold_label=True)  # a full phone that is one person's links them
    assert set_phone(campus, typed.parcel_id, "13987654321") == "139****4321"
    row = parcel(campus, typed.parcel_id)
    assert (row.recipient_id, row.recipient_name) == (recipient(campus, "00124").id, "李四")
    assert told(typed.parcel_id) == ["checkin"]
    tail = check_in(campus, wb(3), hold_label=True)  # linked first, then the waybill's tail typed
    matching.name(campus, tail.parcel_id, "  张  三 ")
    assert parcel(campus, tail.parcel_id).recipient_name == "张 三"  # waits in "who is this?"
    assert [u.parcel_id for u in matching.unmatched(campus)] == [tail.parcel_id]
    matching.link(campus, tail.parcel_id, "00123")
    assert set_phone(campus, tail.parcel_id, "5678") == "138****5678"
    assert parcel(campus, tail.parcel_id).phone_full == "13812345678"
    assert told(tail.parcel_id) == ["checkin"]  # once, though the phone came twice
    with pytest.raises(Refused):
        matching.name(campus, tail.parcel_id, "   ")


def test_linking_keeps_a_phone_the_parcel_came_with_and_refuses_parcels_that_left(campus: Station) -> None:
    from checkin_helpers import pick_up

    own = check_in(campus, wb(1), phone="5555", recipient_name="李")
    assert not matching.link(campus, own.parcel_id, "00124").phone_added
    assert parcel(campus, own.parcel_id).phone_tail == "5555"
    gone = check_in(campus, wb(2), recipient_name="王")
    pick_up(campus, gone.parcel_id)
    with pytest.raises(Refused):
        matching.link(campus, gone.parcel_id, "00124")


def test_linking_a_parcel_to_the_person_it_is_already_for_changes_nothing(campus: Station) -> None:
    """`station recipients link CODE ID` run twice wrote a second link event and said "matched" again."""
    typed = check_in(campus, wb(1), recipient_name="张 三")
    first = matching.link(campus, typed.parcel_id, "00123")
    assert not first.already and first.phone_added
    before = len(events(campus, EventKind.RECIPIENT_LINKED))
    again = matching.link(campus, typed.parcel_id, "00123")
    assert again.already and not again.phone_added and again.name == "张三"
    assert len(events(campus, EventKind.RECIPIENT_LINKED)) == before
    row = parcel(campus, typed.parcel_id)
    assert (row.recipient_id, row.phone_full) == (recipient(campus, "00123").id, "13812345678")
    # Linked at check-in with a tail none of their numbers had; given that number since, a link to them
    # brings it, so it is no repeat.
    tail = check_in(campus, wb(2), recipient_id=recipient(campus, "00124").id, phone="0000")
    assert matching.link(campus, tail.parcel_id, "00124").already
    directory.edit(campus, "00124", {"phones": "13987654321,13600000000"})
    brought = matching.link(campus, tail.parcel_id, "00124")
    assert brought.phone_added and not brought.already
    moved = matching.link(campus, typed.parcel_id, "00124")
    assert not moved.already and len(events(campus, EventKind.RECIPIENT_LINKED)) == before + 2
