"""The directory at the counter: matching as the clerk types, check-in by recipient, directory edits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from recipient_helpers import HEADERS_ZH, PEOPLE, act_as, phones_of, recipient, write_csv
from station_helpers import events, layer_figures, parcel, wb

from db.models import EventKind, Role
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import consent, directory, matching
from station_console.services.recipients.consent import Choice
from station_console.services.recipients.importing import import_file


@pytest.fixture
def campus(station: Station, tmp_path: Path) -> Station:
    """A manager signed in, the four people of PEOPLE in the directory."""
    act_as(station, Role.MANAGER, "boss")
    import_file(station, write_csv(tmp_path / "people.csv", [HEADERS_ZH, *PEOPLE]))
    return station


def names(found: list[matching.Match]) -> list[str]:
    return [m.name for m in found]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("zs", "张三"),
        ("ZS", "张三"),
        ("zhangs", "张三"),
        ("张", "张三"),
        ("三", "张三"),
        ("shantianfang", "单田芳"),  # 单 read as the surname shan
        ("dtf", "单田芳"),
        ("stf", "单田芳"),
        ("3-502", "张三"),
        ("A3-2-502", "张三"),
        ("ａ３－５０２", "张三"),  # full width, as a Chinese input method types it
        ("1203", "李四"),
        ("00124", "李四"),
        ("5678", "张三"),  # a phone tail
        ("tom", "Tom Smith"),
        ("smi", "Tom Smith"),
    ],
)
def test_matching_as_the_clerk_types(campus: Station, typed: str, first: str) -> None:
    found = matching.match(campus, typed)
    assert found and found[0].name == first
    assert found[0].phone is not None and "*" in found[0].phone  # masked, never the number


def test_matching_ranks_whole_tokens_first_and_treats_wildcards_as_text(campus: Station) -> None:
    directory.add(campus, {"name": "Zsolt Nagy"})  # `zs` starts a token of his: second to 张三's `zs`
    assert names(matching.match(campus, "zs"))[:2] == ["张三", "Zsolt Nagy"]
    directory.add(campus, {"name": "赵四", "room": "502", "building": "Z"})
    assert set(names(matching.match(campus, "502"))) == {"张三", "赵四"}
    assert matching.match(campus, "%") == [] and matching.match(campus, "\\") == []
    assert matching.match(campus, "   ") == []
    assert matching.match(campus, "x" * 5000) == []


def test_initials_come_from_the_letters_of_a_name_not_its_brackets(campus: Station) -> None:
    """A name typed with tags or brackets still answers its initials: `zs` for Zhang [b]San[/b]."""
    directory.add(campus, {"name": "Zhang [b]San[/b]", "external_id": "m1"})
    directory.add(campus, {"name": "[Tom] Jones", "external_id": "m2"})
    assert "Zhang [b]San[/b]" in names(matching.match(campus, "zs"))
    assert "Zhang [b]San[/b]" in names(matching.match(campus, "zhangsan"))
    assert names(matching.match(campus, "tj")) == ["[Tom] Jones"]
    assert matching.match(campus, "z[b") == []  # no token of brackets


def test_the_likeliest_reading_comes_first_even_among_many(campus: Station) -> None:
    """丁 also reads zheng: 70 people named 丁文 also answer `zw`, but 周伟 and 张文 read that way first."""
    for n in range(70):
        directory.add(campus, {"name": "丁文", "external_id": f"d{n:03d}"})
    directory.add(campus, {"name": "周伟", "external_id": "z1"})
    directory.add(campus, {"name": "张文", "external_id": "z2"})
    assert set(names(matching.match(campus, "zw"))[:2]) == {"周伟", "张文"}
    assert names(matching.match(campus, "dw"))[0] == "丁文"
    assert names(matching.match(campus, "zhengwen"))[0] == "丁文"  # the other reading still finds him


def test_deactivated_people_are_not_offered(campus: Station) -> None:
    directory.set_active(campus, "00123", False)
    assert "张三" not in names(matching.match(campus, "zs"))


def test_the_directorys_own_search_finds_deactivated_people_marked_so(campus: Station) -> None:
    directory.set_active(campus, "00123", False)
    found = {m.name: m.active for m in matching.match(campus, "zs", include_inactive=True)}
    assert found["张三"] is False
    assert "active" not in matching.match(campus, "ls", include_inactive=True)[0].to_json()


def test_matching_needs_someone_signed_in(campus: Station) -> None:
    campus.clerk_id = campus.clerk_role = None
    with pytest.raises(PermissionDenied):
        matching.match(campus, "zs")


def test_check_in_for_a_chosen_recipient_takes_phone_and_name_from_the_directory(campus: Station) -> None:
    zhang = recipient(campus, "00123")
    result = check_in(campus, wb(1), recipient_id=zhang.id)
    assert (result.recipient_id, result.masked_phone, result.consent_missing) == (
        zhang.id,
        "138****5678",
        True,
    )
    row = parcel(campus, result.parcel_id)
    assert (row.phone_full, row.phone_tail, row.recipient_name) == ("13812345678", "5678", "张三")
    assert events(campus, EventKind.CHECKED_IN)[-1].details["recipient"] == zhang.id


def test_a_typed_phone_wins_and_the_recipient_is_still_linked(campus: Station) -> None:
    zhang = recipient(campus, "00123")
    result = check_in(campus, wb(1), recipient_id=zhang.id, phone="17012345678-8462")
    row = parcel(campus, result.parcel_id)
    assert (row.phone_tail, row.recipient_id) == ("8462", zhang.id)


def test_a_full_phone_of_one_person_links_them_without_a_choice(campus: Station) -> None:
    result = check_in(campus, wb(1), phone="139-8765-4321")
    assert result.recipient_id == recipient(campus, "00124").id
    assert check_in(campus, wb(2), phone="13000000000").recipient_id is None
    # Two people share a number: no guess.
    directory.add(campus, {"name": "李四的室友", "phones": "13987654321"})
    assert check_in(campus, wb(3), phone="13987654321").recipient_id is None


def test_check_in_for_a_deactivated_recipient_is_refused_and_writes_nothing(campus: Station) -> None:
    from checkin_helpers import counts

    directory.set_active(campus, "00125", False)
    before = counts(campus)
    with pytest.raises(Refused) as caught:
        check_in(campus, wb(1), recipient_id=recipient(campus, "00125").id)
    assert caught.value.code == "recipient_inactive" and counts(campus) == before
    with pytest.raises(NotFound):
        check_in(campus, wb(1), recipient_id=99999)


def test_parcels_of_one_recipient_share_a_layer_whatever_phone_they_came_with(campus: Station) -> None:
    zhang = recipient(campus, "00123")
    first = check_in(campus, wb(1), recipient_id=zhang.id)
    second = check_in(campus, wb(2), recipient_id=zhang.id, phone="17012345678-8462")
    third = check_in(campus, wb(3), phone="13812345678")  # the directory phone: linked, same layer
    assert first.location == second.location == third.location
    assert layer_figures(campus, first.location)[1] == 3


def test_directory_edits_are_a_managers_and_keep_keys_and_phones_right(campus: Station) -> None:
    view = directory.edit(
        campus, "00123", {"name": "张叁", "phones": "13811112222 / 13833334444", "room": "301"}
    )
    assert view.phones == ("138****2222", "138****4444") and view.floor == 3
    assert matching.match(campus, "zs")[0].name == "张叁"
    with pytest.raises(Refused) as caught:
        directory.edit(campus, "00123", {"external_id": "00124"})
    assert caught.value.code == "external_id_taken"
    with pytest.raises(Refused):
        directory.edit(campus, "00123", {"consent": "granted"})  # recorded with a channel, not edited
    with pytest.raises(Refused):
        directory.edit(campus, "00123", {"phones": "5678"})
    act_as(campus, Role.CLERK, "li")
    with pytest.raises(PermissionDenied):
        directory.edit(campus, "00123", {"room": "999"})
    assert directory.get(campus, "00123").room == "301"
    event = events(campus, EventKind.RECIPIENT_CHANGED)[-1]
    assert event.details["fields"] == ["name", "phones", "room"] and "张" not in str(event.details)


def test_an_edit_over_a_person_changed_meanwhile_is_refused_and_changes_nothing(campus: Station) -> None:
    """Two managers' forms show 张三 with one phone; counter-2 adds a second phone and saves first. This
    form's phones (replaced whole) and room would put that back unseen: refused, counter-2's entry kept.
    A form opened on the entry as saved now goes through."""
    there = replace(campus, counter="counter-2", _cached=None)
    shown = directory.get(campus, "00123")
    theirs = directory.get(there, "00123")
    directory.edit(there, "00123", {"phones": "13812345678 / 13899990000"}, based_on=theirs)
    with pytest.raises(Refused) as caught:
        directory.edit(campus, "00123", {"phones": "13811112222", "room": "301"}, based_on=shown)
    assert caught.value.code == "recipient_saved_meanwhile"
    assert caught.value.message().startswith("张三: another counter or command saved a change to this person")
    stored = directory.get(campus, "00123")
    assert (stored.phones, stored.room) == (("138****5678", "138****0000"), "502")
    assert phones_of(campus, "00123") == ["13812345678", "13899990000"]
    assert [e.details["fields"] for e in events(campus, EventKind.RECIPIENT_CHANGED)][-1] == ["phones"]
    view = directory.edit(campus, "00123", {"room": "301"}, based_on=stored)
    assert (view.room, view.phones) == ("301", ("138****5678", "138****0000"))


def test_prose_keeps_its_characters_and_keys_are_folded(campus: Station) -> None:
    """A note or a department is kept as written (a full-width ： stays), only escape sequences and
    control characters go; a room, an id or a name is folded NFKC, as searches and imports match it."""
    act_as(campus, Role.CLERK, "li")
    consent.record(
        campus,
        "00123",
        Choice(consent="granted"),
        channel="phone",
        note="时间：下午（5点后）\x1b[31m 再打\x07",
    )
    assert consent.history(campus, "00123")[-1].note == "时间：下午（5点后） 再打"
    act_as(campus, Role.MANAGER, "wang")
    view = directory.edit(campus, "00123", {"department": "研发部：一组（Ａ）", "room": "３０２"})
    assert (view.department, view.room) == ("研发部：一组（Ａ）", "302")


def test_a_typed_tail_of_a_directory_phone_brings_its_full_number(campus: Station) -> None:
    zhang = recipient(campus, "00123")
    result = check_in(campus, wb(1), recipient_id=zhang.id, phone="5678")  # the waybill shows only the tail
    assert parcel(campus, result.parcel_id).phone_full == "13812345678"
    other = check_in(campus, wb(2), recipient_id=zhang.id, phone="0000")  # not theirs: kept as typed
    assert parcel(campus, other.parcel_id).phone_full is None and other.masked_phone == "****0000"
    typed = check_in(campus, wb(3), recipient_name="张三", phone="138****5678")
    assert matching.link(campus, typed.parcel_id, "00123").phone_added
    assert parcel(campus, typed.parcel_id).phone_full == "13812345678"
