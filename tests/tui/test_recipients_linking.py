"""Pilot tests of the directory's people at the counter: who-is-this links a parcel to a person, check-in
finds the recipient and says what they chose, a proxy collects with the code (the directory's own screens:
test_recipients_screens.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList, Static

from db.models import Notification, Parcel, ProxyPickup
from station_console.i18n import set_language
from station_console.name_limit import NAME_MAX
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import consent, directory, matching
from station_console.services.recipients.consent import Choice
from station_console.services.recipients.matching import Match
from station_console.tui.app import StationApp
from station_console.tui.screens.recipient_dialogs import match_lines
from tui import quiet
from tui.conftest import PersonPace
from tui.recipients_driver import open_recipients, people, text_of, until


async def link_the_first_match(app: StationApp, pilot: Any) -> None:
    """Who-is-this (F11): the first person found for the first parcel, linked."""
    await quiet.press(pilot, "f11")
    await until(pilot, lambda: app.screen.query_one("#who-matches", OptionList).option_count > 0)
    options = app.screen.query_one("#who-matches", OptionList)
    options.focus()
    options.highlighted = 0
    await quiet.press(pilot, "enter")


@pytest.mark.first_mode("settings")
async def test_who_is_this_links_a_named_parcel(app: StationApp, station: Station) -> None:
    ids = people(station)
    parcel_id = check_in(station, "JT0000000000001", recipient_name="张 三", phone="5678").parcel_id
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await link_the_first_match(app, pilot)
        await until(pilot, lambda: "is now matched" in text_of(app, "#who-status"))
    with station.read() as session:
        parcel = session.get(Parcel, parcel_id)
    assert parcel is not None and parcel.recipient_id == ids["张三"] and parcel.phone_full == "13812345678"


@pytest.mark.first_mode("settings")
async def test_who_is_this_on_a_parcel_linked_meanwhile_to_that_person_says_so(
    app: StationApp, station: Station
) -> None:
    """Linked to 张三 by a command while the list showed it, then picked again: it said "matched" and
    counted a match that changed nothing."""
    ids = people(station)
    parcel_id = check_in(station, "JT0000000000001", recipient_name="张 三", phone="5678").parcel_id
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f11")
        await until(pilot, lambda: app.screen.query_one("#who-matches", OptionList).option_count > 0)
        dialog = app.screen
        matching.link(station, parcel_id, ids["张三"])
        options = dialog.query_one("#who-matches", OptionList)
        options.focus()
        options.highlighted = 0
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "nothing changed" in text_of(app, "#who-status"))
        said = text_of(app, "#who-status")
        assert dialog.linked == 0  # type: ignore[attr-defined]
    assert "is already matched to 张三: nothing changed." in said and "now matched" not in said


@pytest.mark.first_mode("settings")
async def test_a_match_says_its_sentences_in_chinese_without_a_space_between_them(
    app: StationApp, station: Station
) -> None:
    people(station)
    check_in(station, "JT0000000000001", recipient_name="张 三")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        set_language("zh")  # after the directory opened: its wait reads the English status
        await link_the_first_match(app, pilot)
        await until(pilot, lambda: "已匹配收件人" in text_of(app, "#who-status"))
        said = text_of(app, "#who-status")
    assert "已匹配收件人。手机号 138****5678 取自名录。" in said and "。 " not in said


@pytest.mark.first_mode("pickup")
async def test_a_proxy_collects_with_the_code(app: StationApp, station: Station) -> None:
    result = check_in(station, "JT0000000000001", phone="13812345678")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f2")
        await quiet.settle(pilot)
        query = app.screen.query_one("#pk-query", Input)
        query.value = result.pickup_code
        query.focus()
        await quiet.press(pilot, "enter")
        await quiet.settle(pilot)
        await quiet.press(pilot, "f9")
        await quiet.settle(pilot)
        app.screen.query_one("#form-name", Input).value = "邻居老王"
        app.screen.query_one("#form-phone", Input).value = "13911112222"
        await quiet.press(pilot, "enter", "enter")  # on to the empty ID, then sent
        await quiet.settle(pilot)
        assert "邻居老王 ****2222" in str(app.screen.query_one("#pk-message", Static).render())
        query.value = "JT0000000000001"
        query.focus()
        await quiet.press(pilot, "enter")
        await quiet.settle(pilot)
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "Handed over" in str(app.screen.query_one("#pk-message", Static).render()))
    with station.read() as session:
        record = session.exec(select(ProxyPickup)).one()
    assert (record.name, record.phone_tail, record.by_code) == ("邻居老王", "2222", True)


async def test_a_phone_typed_after_the_scan_that_is_a_directory_persons_says_what_they_chose(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    """The phone links the person (as Ctrl+N does): no consent on record, or their choice of door
    delivery, is said with the phone saved, and with the check-in when a pre-alert gave the phone; it
    was said only when the person was chosen by name."""
    from station_console.services.prealerts.importer import import_file

    ids = people(station)
    prealert = tmp_path / "jt.csv"
    prealert.write_text("运单号,快递公司,手机\nJT0000000000003,JT,13812345678\n")
    import_file(station, prealert)
    consent.record(station, ids["李四"], Choice(consent="granted", delivery_preference="door"), channel="app")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        scan = app.screen.query_one("#scan", Input)
        for waybill, phone, said in (
            ("JT0000000000001", "13812345678", "No consent on record to hold parcels at the station"),
            ("JT0000000000002", "13987654321", "The recipient chose door delivery"),
        ):
            scan.value = waybill
            scan.focus()
            await quiet.press(pilot, "enter")
            shown = f"{waybill} checked in"
            await until(pilot, lambda: shown in text_of(app, "#ci-message"))  # noqa: B023  awaited here
            app.screen.query_one("#phone", Input).value = phone
            app.screen.query_one("#phone", Input).focus()
            await quiet.press(pilot, "enter")
            await until(pilot, lambda: "saved for" in text_of(app, "#ci-message"))
            message = text_of(app, "#ci-message")
            assert said in message, message
        assert "No consent" not in message  # 李四 consented
        scan.value = "JT0000000000003"
        scan.focus()
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "JT0000000000003 checked in" in text_of(app, "#ci-message"))
        assert "No consent on record" in text_of(app, "#ci-message")
    with station.read() as session:
        linked = {p.waybill: p.recipient_id for p in session.exec(select(Parcel)).all()}
    assert linked["JT0000000000001"] == ids["张三"] and linked["JT0000000000002"] == ids["李四"]


async def test_check_in_finds_the_recipient_by_initials_and_warns_without_consent(
    app: StationApp, station: Station
) -> None:
    """Like a phone, the person goes to the parcel just scanned (the one shown): their full phone comes
    from the directory, their arrival message is queued; a name nobody matches waits in who-is-this."""
    from station_console.tui.screens.checkin_recipient import RecipientPicker

    ids = people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+n")  # nothing scanned yet: nobody to give a recipient to
        await quiet.settle(pilot)
        assert not isinstance(app.screen, RecipientPicker)
        assert "Scan the parcel first" in text_of(app, "#ci-message")
        scan = app.screen.query_one("#scan", Input)
        scan.value = "JT0000000000001"
        scan.focus()
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "checked in" in text_of(app, "#ci-message"))
        await quiet.press(pilot, "ctrl+n")
        await quiet.settle(pilot)
        assert isinstance(app.screen, RecipientPicker)
        await quiet.press(pilot, "z", "s")
        await until(pilot, lambda: app.screen.query_one("#pick-matches", OptionList).option_count == 1)
        await quiet.press(pilot, "enter", "enter")  # to the matches, then pick 张三
        await until(pilot, lambda: not isinstance(app.screen, RecipientPicker))
        await until(pilot, lambda: "is for 张三" in text_of(app, "#ci-message"))
        message = text_of(app, "#ci-message")
        row = app.screen.query_one("#ci-table", DataTable).get_row_at(0)
        assert "138****5678" in [str(c) for c in row]  # masked: the full one stays put
        # A name nobody matches goes to the who-is-this list.
        scan.value = "JT0000000000002"
        scan.focus()
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "JT0000000000002" in text_of(app, "#ci-message"))
        await quiet.press(pilot, "ctrl+n")
        await quiet.settle(pilot)
        await PersonPace.of(app).type(
            pilot, "Nobody"
        )  # each key's matching done before the next: nobody matches
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: not isinstance(app.screen, RecipientPicker))
        await until(pilot, lambda: "Nobody" in text_of(app, "#ci-message"))
    assert "No consent on record" in message
    with station.read() as session:
        rows = {p.waybill: p for p in session.exec(select(Parcel)).all()}
        told = session.exec(select(Notification.parcel_id).where(Notification.kind == "checkin")).all()
    first, second = rows["JT0000000000001"], rows["JT0000000000002"]
    assert (first.recipient_id, first.phone_full, first.recipient_name) == (
        ids["张三"],
        "13812345678",
        "张三",
    )
    assert (second.recipient_id, second.recipient_name) == (None, "Nobody")
    assert told == [first.id]  # the customer is told once, when the directory gave the parcel a number


def test_the_match_list_keeps_its_columns_aligned() -> None:
    """Names of two-cell Chinese characters and Latin letters, addresses of any length: each column
    starts at the same cell in every line, so a clerk reads down the phones and ids."""

    def person(name: str, location: str, phone: str | None, ext: str, consent: str | None) -> Match:
        return Match(1, name, ext, location, phone, consent, None, 0)

    found = [
        person("朱伟", "C7-3-307", "159****1026", "00013756", None),
        person("Tom Smith", "A10-3-825", "186****2630", "7", "granted"),
        person("欧阳娜娜", "B6", None, "00004304", None),
    ]
    lines = [line.plain for line in match_lines(found)]
    phone_at = [cell_len(line[: line.index(p)]) for line, p in zip(lines, ("159", "186", "-  "), strict=True)]
    assert len(set(phone_at)) == 1, lines
    id_at = [
        cell_len(line[: line.index(i)]) for line, i in zip(lines, ("00013756", "7", "00004304"), strict=True)
    ]
    assert len(set(id_at)) == 1, lines
    assert "no consent" in lines[0] and "no consent" not in lines[1]


def test_the_match_list_tells_a_refusal_from_consent_never_asked() -> None:
    """Who said no, who took a yes back and who was never asked each read as such on the list."""
    found = [
        Match(1, "张三", "1", "A3", None, None, None, 0),
        Match(2, "李四", "2", "A3", None, "refused", None, 0, consent_recorded=True),
        Match(3, "王五", "3", "A3", None, None, None, 0, consent_recorded=True),
    ]
    lines = [line.plain for line in match_lines(found)]
    assert lines[0].endswith("no consent")
    assert lines[1].endswith("refused consent") and lines[2].endswith("consent withdrawn")


def test_the_check_in_line_says_a_refusal_and_what_to_do() -> None:
    from station_console.i18n import set_language
    from station_console.services.checkin.recipient import recipient_notes
    from station_console.tui.screens.checkin_writer import CheckinWriter

    set_language("zh")  # the autouse fixture sets English back
    refused = recipient_notes(CheckinWriter.PhoneSaved(1, 1, "138****5678", True, False, "refused"))
    assert refused == ["收件人拒绝驿站代收：请申请送货上门或退回。"]
    with_door = recipient_notes(CheckinWriter.PhoneSaved(1, 1, "138****5678", True, True, "refused"))
    assert with_door == ["收件人拒绝驿站代收。", "收件人选择送货上门：将随下一批派送。"]


SEARCH_SCAN = "A scan came while this search is open: it was not taken."


async def scan_into(pilot: Any, dialog: Any) -> None:
    """A whole wedge scan, its keys a millisecond apart, into the focused list; a person's keys after it.
    (A dialog with no router took the scan's keys as they came.)"""
    router = getattr(dialog, "router", None)
    start = time.monotonic() + 10
    clock = iter(start + 0.001 * n for n in range(100))
    if router is not None:
        router.clock = lambda _event: next(clock)
    await quiet.burst(pilot, *"JT0000000000009", "enter")
    await quiet.settle(pilot)
    if router is not None:
        await until(pilot, lambda: router.scans == 1)
        router.clock = lambda _event: time.monotonic() + 20


@pytest.mark.first_mode("settings")
async def test_a_scan_on_who_is_this_matches_links_no_one_and_is_said(
    app: StationApp, station: Station
) -> None:
    """A scan's Enter on the people matched linked the highlighted one to the parcel."""
    ids = people(station)
    parcel_id = check_in(station, "JT0000000000001", recipient_name="张 三", phone="5678").parcel_id
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f11")
        await until(pilot, lambda: app.screen.query_one("#who-matches", OptionList).option_count > 0)
        dialog = app.screen
        options = dialog.query_one("#who-matches", OptionList)
        options.focus()
        options.highlighted = 0
        await scan_into(pilot, dialog)
        await until(pilot, lambda: SEARCH_SCAN in text_of(app, "#who-status"))
        assert app.focused is options and dialog.linked == 0  # type: ignore[attr-defined]
        await quiet.press(pilot, "enter")  # a person's Enter links
        await until(pilot, lambda: "is now matched" in text_of(app, "#who-status"))
    with station.read() as session:
        parcel = session.get(Parcel, parcel_id)
    assert parcel is not None and parcel.recipient_id == ids["张三"]


async def test_a_scan_on_check_ins_recipient_matches_picks_no_one_and_is_said(
    app: StationApp, station: Station
) -> None:
    """A scan's Enter on Ctrl+N's matches gave the parcel to the highlighted person."""
    from station_console.tui.screens.checkin_recipient import RecipientPicker

    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        scan = app.screen.query_one("#scan", Input)
        scan.value = "JT0000000000001"
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "checked in" in text_of(app, "#ci-message"))
        await quiet.press(pilot, "ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, RecipientPicker))
        dialog = app.screen
        await quiet.press(pilot, "z", "s")
        options = dialog.query_one("#pick-matches", OptionList)
        await until(pilot, lambda: options.option_count == 1)
        options.focus()  # (Enter in the search picks the one match)
        await until(pilot, lambda: app.focused is options)
        await scan_into(pilot, dialog)
        await until(pilot, lambda: SEARCH_SCAN in text_of(app, "#pick-hint"))
        assert app.screen is dialog and isinstance(app.focused, OptionList)
        await quiet.press(pilot, "enter")  # a person's Enter picks 张三
        await until(pilot, lambda: "is for 张三" in text_of(app, "#ci-message"))


async def test_who_is_this_takes_typing_on_its_table_into_the_search_and_a_reload_keeps_the_focus(
    app: StationApp, station: Station
) -> None:
    """Check-in's Ctrl+W: a name typed while the parcels have the focus went nowhere, unsaid; and a
    reload (after a link) put the focus back on the table and the first parcel's name over what the
    clerk had typed for the one they had highlighted."""
    ids = people(station)
    first = check_in(station, "JT0000000000001", recipient_name="Nobody").parcel_id
    second = check_in(station, "JT0000000000002", recipient_name="Somebody").parcel_id
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+w")
        await until(pilot, lambda: app.screen.query_one("#who-parcels", DataTable).row_count == 2)
        dialog: Any = app.screen
        table: DataTable[Any] = dialog.query_one("#who-parcels", DataTable)
        search: Input = dialog.query_one("#who-search", Input)
        matches = dialog.query_one("#who-matches", OptionList)
        assert table.has_focus and search.value == "Nobody"
        await quiet.press(pilot, "down")
        await until(pilot, lambda: search.value == "Somebody")
        await PersonPace.of(app).type(pilot, "zs")
        assert app.focused is search and search.value == "zs"  # a new search, not added to the name
        await until(pilot, lambda: matches.option_count == 1)
        assert "张三" in str(matches.get_option_at_index(0).prompt)
        check_in(station, "JT0000000000003", recipient_name="Anybody")
        dialog.reload()  # as a link reloads it
        await until(pilot, lambda: table.row_count == 3)
        await quiet.settle(pilot)
        assert app.focused is search and search.value == "zs" and dialog.parcel_id == second
        assert matches.option_count == 1
        matching.link(station, first, ids["李四"])  # linked at another counter: it leaves the list
        dialog.reload()
        await until(pilot, lambda: table.row_count == 2)
        await quiet.settle(pilot)
        assert app.focused is search and search.value == "zs" and dialog.parcel_id == second
        assert table.cursor_row == 0


@pytest.mark.first_mode("settings")
async def test_who_is_this_says_a_long_note_whole_at_80_by_24_in_chinese(
    app: StationApp, station: Station
) -> None:
    """Picked for a parcel linked meanwhile to a person with a name as long as a name may be: the note
    took three rows at 80 columns in Chinese on a line fixed at two, and its end was cut off."""
    people(station)
    # As long as the directory takes a name (name_limit.NAME_MAX), as a company's front desk may be.
    desk = ("北京市海淀区中关村南大街某某科技有限公司行政部前台统一代收点" * 3)[:NAME_MAX]
    person = directory.add(station, {"name": desk, "building": "A3", "room": "101", "phones": "13600001234"})
    parcel_id = check_in(station, "JT0000000000001", recipient_name="前台").parcel_id
    async with app.run_test(size=(80, 24)) as pilot:
        await open_recipients(app, pilot)
        set_language("zh")  # after the directory opened: its wait reads the English status
        await quiet.press(pilot, "f11")
        await until(pilot, lambda: app.screen.query_one("#who-matches", OptionList).option_count > 0)
        matching.link(station, parcel_id, person.id)
        options = app.screen.query_one("#who-matches", OptionList)
        options.focus()
        options.highlighted = 0
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "未做更改" in text_of(app, "#who-status"))
        await quiet.settle(pilot)
        status = app.screen.query_one("#who-status")
        rows = status.get_content_height(app.screen.size, app.size, status.content_size.width)
        assert rows >= 3, (status.content_size.width, text_of(app, "#who-status"))
        assert status.content_size.height >= rows
        assert status.region.bottom <= app.screen.region.bottom
