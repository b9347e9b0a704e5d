"""The directory at the counter: matching as the clerk types, check-in by recipient, consent, linking."""

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
from station_console.services.day.report import build_report
from station_console.services.day.summary import summary_lines
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


def test_check_in_for_a_deactivated_recipient_is_refused_and_writes_nothing(campus: Station) -> None:
    from checkin_helpers import counts

    directory.set_active(campus, "00125", False)
    before = counts(campus)
    with pytest.raises(Refused) as caught:
        check_in(campus, wb(1), recipient_id=recipient(campus, "00125").id)
    assert caught.value.code == "recipient_inactive" and counts(campus) == before
    with pytest.raises(NotFound):
        check_in(campus, wb(1), recipient_id=99999)


def test_consent_warning_follows_what_the_recipient_said(campus: Station) -> None:
    zhang = recipient(campus, "00123")
    assert check_in(campus, wb(1), recipient_id=zhang.id).consent_missing
    consent.record(campus, "00123", Choice(consent="granted"), channel="counter")
    assert not check_in(campus, wb(2), recipient_id=zhang.id).consent_missing
    consent.record(campus, "00123", Choice(consent="refused", delivery_preference="door"), channel="phone")
    third = check_in(campus, wb(3), recipient_id=zhang.id)
    assert third.consent_missing and third.wants_door
    assert not check_in(campus, wb(4)).consent_missing  # no directory entry: nothing to warn about


def test_check_in_tells_a_refusal_and_a_withdrawal_from_a_consent_never_asked(campus: Station) -> None:
    """A recipient who said no is not one nobody asked: the clerk is told which, and what to do."""
    from station_console.services.checkin.late_phone import set_phone_for
    from station_console.services.checkin.recipient import consent_note

    zhang, shan = recipient(campus, "00123"), recipient(campus, "00125")
    never = check_in(campus, wb(1), recipient_id=zhang.id)
    consent.record(campus, "00123", Choice(consent="refused"), channel="phone")
    said_no = check_in(campus, wb(2), recipient_id=zhang.id)
    consent.record(campus, "00123", Choice(consent="granted"), channel="counter")
    consent.record(campus, "00123", Choice(consent=None), channel="phone")
    took_back = check_in(campus, wb(3), recipient_id=zhang.id)
    assert [(r.consent, r.consent_missing) for r in (never, said_no, took_back)] == [
        ("not_asked", True),
        ("refused", True),
        ("withdrawn", True),
    ]
    assert check_in(campus, wb(4)).consent is None  # nobody in the directory
    assert "ask the recipient" in consent_note(never.consent)
    assert "refused" in consent_note(said_no.consent) and "ask" not in consent_note(said_no.consent)
    assert "withdrew" in consent_note(took_back.consent)
    # The same person found by their full phone after the scan, and linked from "who is this?"
    consent.record(campus, "00125", Choice(consent="refused"), channel="counter")
    late = check_in(campus, wb(5))
    assert set_phone_for(campus, late.parcel_id, "13700001111").consent == "refused"
    typed = check_in(campus, wb(6), recipient_name="单老师")
    assert matching.link(campus, typed.parcel_id, shan.id or 0).consent == "refused"
    found = [*matching.match(campus, "zs"), *matching.match(campus, "dtf"), *matching.match(campus, "lis")]
    assert [m.consent_state for m in found] == ["withdrawn", "refused", "not_asked"]


def test_parcels_of_one_recipient_share_a_layer_whatever_phone_they_came_with(campus: Station) -> None:
    zhang = recipient(campus, "00123")
    first = check_in(campus, wb(1), recipient_id=zhang.id)
    second = check_in(campus, wb(2), recipient_id=zhang.id, phone="17012345678-8462")
    third = check_in(campus, wb(3), phone="13812345678")  # the directory phone: linked, same layer
    assert first.location == second.location == third.location
    assert layer_figures(campus, first.location)[1] == 3


def test_consent_is_recorded_with_time_channel_and_clerk(campus: Station, clock: object) -> None:
    clerk_id = act_as(campus, Role.CLERK, "li")
    view = consent.record(
        campus,
        "00123",
        Choice(consent="granted", delivery_preference="station", reminders_opt_out=True),
        channel="counter",
        note="asked at pickup",
    )
    assert (view.consent, view.consent_channel, view.reminders_opt_out) == ("granted", "counter", True)
    row = recipient(campus, "00123")
    assert (row.consent_by, row.consent_at) == (clerk_id, campus.now())
    history = consent.history(campus, "00123")
    assert [(h.consent, h.channel, h.clerk, h.note) for h in history] == [
        ("granted", "counter", "li", "asked at pickup")
    ]
    event = events(campus, EventKind.CONSENT_RECORDED)[-1]
    assert event.clerk_id == clerk_id and event.details["consent"] == "granted"
    assert "张三" not in str(event.details)


def test_consent_refusals(campus: Station) -> None:
    with pytest.raises(Refused, match="channel"):
        consent.record(campus, "00123", Choice(consent="granted"), channel="telepathy")
    with pytest.raises(Refused):
        consent.record(campus, "00123", Choice(), channel="counter")
    with pytest.raises(Refused):
        consent.record(campus, "00123", Choice(delivery_preference="drone"), channel="counter")
    with pytest.raises(NotFound):
        consent.record(campus, "99999", Choice(consent="granted"), channel="counter")
    campus.clerk_id = campus.clerk_role = None
    with pytest.raises(PermissionDenied):
        consent.record(campus, "00123", Choice(consent="granted"), channel="counter")
    assert consent.history.__name__ and recipient(campus, "00123").consent is None


def test_coverage_and_parcels_by_preference(campus: Station) -> None:
    consent.record(campus, "00123", Choice(consent="granted", delivery_preference="station"), channel="app")
    consent.record(campus, "00124", Choice(consent="refused", delivery_preference="door"), channel="app")
    check_in(campus, wb(1), recipient_id=recipient(campus, "00123").id)
    check_in(campus, wb(2), recipient_id=recipient(campus, "00124").id)
    check_in(campus, wb(3), recipient_id=recipient(campus, "00125").id)
    check_in(campus, wb(4))
    cover = consent.coverage(campus)
    assert cover["active"] == 4 and cover["consent"] == {
        "granted": 1,
        "refused": 1,
        "withdrawn": 0,
        "unknown": 2,
    }
    assert cover["coverage_percent"] == 25.0 and cover["by_preference"]["door"] == 1
    assert consent.parcels_by_preference(campus) == {
        "station": 1,
        "door": 1,
        "locker": 0,
        "proxy": 0,
        "unknown": 1,
        "none": 1,
        "without_consent": 2,
    }


def test_the_day_report_counts_a_withdrawal_apart_from_never_asked(campus: Station) -> None:
    """The day report's line called a person who took a yes back one never asked."""
    consent.record(campus, "00123", Choice(consent="granted"), channel="counter")
    consent.record(campus, "00123", Choice(consent=None), channel="phone")
    line = next(x for x in summary_lines(build_report(campus)) if x.startswith("Recipients:"))
    assert "(3 not asked, 0 refused, 1 withdrawn)" in line, line


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
