"""Pilot tests of Settings > Recipients (finding, details, consent, edits) and the report (the directory
import form: test_recipients_import_form.py; deactivating: test_recipients_deactivate.py; door delivery:
test_delivery_screen.py; who-is-this, check-in and proxy pickup: test_recipients_linking.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select
from textual import events
from textual.widgets import DataTable, Input, Select, Static

from db.models import Recipient, Role
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import runs, scan_back
from station_console.services.recipients import consent, directory, importing, matching
from station_console.services.recipients.consent import Choice
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.recipients_driver import HEADERS, open_recipients, people, text_of, until


async def zhangs_form(app: StationApp, pilot: Any, key: str) -> FormDialog:
    """The directory opened, 张三 found by his initials, and his form behind `key` (F7 consent, F8 edit)."""
    await open_recipients(app, pilot)
    app.screen.query_one("#rc-search", Input).value = "zs"
    await until(pilot, lambda: "张三" in text_of(app, "#rc-detail"))
    await quiet.press(pilot, key)
    await quiet.settle(pilot)
    form = app.screen
    assert isinstance(form, FormDialog)
    return form


@pytest.mark.first_mode("settings")
async def test_finding_people_by_initials_shows_masked_phones_and_names_as_text(
    app: StationApp, station: Station
) -> None:
    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        table = app.screen.query_one("#rc-table", DataTable)
        assert table.row_count == 3
        app.screen.query_one("#rc-search", Input).value = "zs"
        await until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[1]) == "张三" and str(table.get_row_at(0)[3]) == "138****5678"
        await until(pilot, lambda: "A3-502" in text_of(app, "#rc-detail"))
        assert "13812345678" not in text_of(app, "#rc-detail")
        app.screen.query_one("#rc-search", Input).value = "b1-101"
        await until(pilot, lambda: table.row_count == 1 and str(table.get_row_at(0)[2]) == "B1-101")
        assert str(table.get_row_at(0)[1]) == "[b]Bold[/b]"  # shown as typed, never as markup


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.first_mode("settings")
async def test_the_list_shows_every_column_beside_or_above_the_detail_pane(
    app: StationApp, station: Station, width: int
) -> None:
    """At 80 columns the pane beside the list covered its phone column: it goes below the list there."""
    people(station)
    async with app.run_test(size=(width, 30)) as pilot:
        await open_recipients(app, pilot)
        await until(pilot, lambda: "A3" in text_of(app, "#rc-detail"))
        table = app.screen.query_one("#rc-table", DataTable)
        pane = app.screen.query_one("#rc-detail-pane").region
        assert table.virtual_size.width <= table.content_region.width  # every column whole, phone too
        if width == 80:
            assert pane.y >= table.region.bottom and pane.width >= table.region.width
        else:
            assert pane.x >= table.region.right and pane.y == table.region.y
        assert pane.height >= 5


@pytest.mark.first_mode("settings")
async def test_a_persons_details_read_with_chinese_colons_on_a_chinese_console(
    app: StationApp, station: Station
) -> None:
    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        set_language("zh")  # after the directory opened: its wait reads the English status
        app.screen.query_one("#rc-search", Input).value = "zs"
        await until(pilot, lambda: "张三" in text_of(app, "#rc-detail"))
        detail = text_of(app, "#rc-detail")
    assert "地址：A3-502" in detail and "手机号：138****5678" in detail and "同意代收：" in detail
    assert ": " not in detail


@pytest.mark.first_mode("settings")
async def test_a_persons_phones_are_listed_as_chinese_lists_them(app: StationApp, station: Station) -> None:
    """A person's phones in the details were joined with ', ' in Chinese text."""
    people(station)
    directory.add(
        station, {"name": "王五", "building": "C2", "room": "301", "phones": "13811112222 / 13933334444"}
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        set_language("zh")  # after the directory opened: its wait reads the English status
        app.screen.query_one("#rc-search", Input).value = "ww"
        await until(
            pilot, lambda: "王五" in text_of(app, "#rc-detail") and "手机号" in text_of(app, "#rc-detail")
        )
        detail = text_of(app, "#rc-detail")
    assert "手机号：138****2222、139****4444" in detail, detail


@pytest.mark.first_mode("settings")
async def test_what_a_person_said_reads_with_chinese_colon_and_brackets_on_a_chinese_console(
    app: StationApp, station: Station
) -> None:
    ids = people(station)
    consent.record(station, ids["张三"], Choice(consent="granted"), channel="phone", note="周末不在家")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        set_language("zh")  # after the directory opened: its wait reads the English status
        app.screen.query_one("#rc-search", Input).value = "zs"
        await until(pilot, lambda: "收件人意见记录" in text_of(app, "#rc-detail"))
        detail = text_of(app, "#rc-detail")
    said = detail[detail.index("收件人意见记录") :]
    assert "Manager：同意代收=已同意（周末不在家）" in said, said
    assert "，电话）" in detail  # when and how the consent was given, in Chinese brackets
    assert not any(ascii in detail for ascii in (": ", " (", ", "))


@pytest.mark.first_mode("settings")
async def test_paging_an_empty_list_leaves_the_console_running(app: StationApp) -> None:
    """Page Down on a list of nobody moved the cursor to row -1 and Textual said that row was highlighted,
    with no key: the screen read the key's value and the console stopped (AttributeError)."""
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        table = app.screen.query_one("#rc-table", DataTable)
        assert table.row_count == 0
        table.focus()
        await quiet.press(pilot, "pagedown", "end", "down")
        assert app.is_running and type(app.screen).__name__ == "RecipientsScreen"


@pytest.mark.first_mode("settings")
async def test_a_key_for_a_person_with_nobody_chosen_says_so(app: StationApp) -> None:
    """Consent, edit and deactivate on an empty list did nothing at all: the clerk could not tell why."""
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        for key in ("f7", "f8", "f12"):
            app.screen.query_one("#rc-status", Static).update("")
            await quiet.press(pilot, key)
            assert type(app.screen).__name__ == "RecipientsScreen"
            assert "Nobody is chosen" in text_of(app, "#rc-status"), key
            assert app.screen.query_one("#rc-status", Static).has_class("-error")


@pytest.mark.first_mode("settings")
async def test_a_clerk_records_consent_and_cannot_edit(app: StationApp, station: Station) -> None:
    ids = people(station)
    station.clerk_role = Role.CLERK
    async with app.run_test(size=(160, 50)) as pilot:
        dialog = await zhangs_form(app, pilot, "f7")
        dialog.query_one("#form-consent").value = "granted"  # type: ignore[attr-defined]
        dialog.query_one("#form-choice").value = "door"  # type: ignore[attr-defined]
        dialog.query_one("#form-channel").value = "phone"  # type: ignore[attr-defined]
        dialog.query_one("#form-note", Input).focus()
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "Saved" in text_of(app, "#rc-status"))
        await quiet.press(pilot, "f8")  # edit: a manager's, refused before any form opens
        assert type(app.screen).__name__ == "RecipientsScreen"
        assert "Only a manager can edit the recipient directory" in text_of(app, "#rc-status")
    with station.read() as session:
        row = session.get(Recipient, ids["张三"])
    assert row is not None
    assert (row.consent, row.delivery_preference, row.consent_channel) == ("granted", "door", "phone")
    assert row.consent_by == station.clerk_id and row.room == "502"


@pytest.mark.first_mode("reports")
async def test_the_report_shows_door_deliveries_and_consent_coverage(
    app: StationApp, station: Station
) -> None:

    ids = people(station)
    consent.record(station, ids["张三"], Choice(consent="granted", delivery_preference="door"), channel="app")
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    run = runs.plan(station, "小刘")
    runs.scan_out(station, run.id, "JT0000000000001")
    scan_back.deliver(station, run.id, "JT0000000000001", received_by="本人")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f6")
        # A short clause is held whole by no-break spaces: read as spaces.
        await until(pilot, lambda: "Door deliveries" in text_of(app, "#rp-summary").replace("\u00a0", " "))
        summary = text_of(app, "#rp-summary").replace("\u00a0", " ")
    assert "Door deliveries: 1 delivered" in summary
    assert "Recipients: 3 in the directory, 33.3% consented" in summary


@pytest.mark.first_mode("settings")
async def test_the_detail_pane_names_the_language_and_the_source_never_their_codes(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    person = {"name": "王五", "building": "C2", "room": "301", "phones": "13600002222", "language": "zh"}
    directory.add(station, person)
    path = tmp_path / "people.csv"
    path.write_text(HEADERS + "S1,赵六,13500003333,D1,1,101\r\n", encoding="utf-8")
    importing.import_file(station, path)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        app.screen.query_one("#rc-search", Input).value = "王五"
        await until(pilot, lambda: "王五" in text_of(app, "#rc-detail"))
        detail = text_of(app, "#rc-detail")
        assert "Language: Chinese" in detail and "Source: typed in" in detail
        app.screen.query_one("#rc-search", Input).value = "赵六"
        await until(pilot, lambda: "赵六" in text_of(app, "#rc-detail"))
        assert "Source: directory import" in text_of(app, "#rc-detail")


@pytest.mark.first_mode("settings")
async def test_a_person_changed_at_another_counter_while_their_form_is_open_is_not_saved_over(
    app: StationApp, station: Station, db_url: str
) -> None:
    """Counter-2 adds a phone to 张三 after this form opened on him; this form's save is refused in the
    form (what was typed kept), the pane behind it shows him as saved now, and counter-2's phone stays."""
    from tui.test_live_bridge import another_counter

    ids = people(station)
    async with app.run_test(size=(160, 50)) as pilot, another_counter(station, db_url) as other:
        await open_recipients(app, pilot)
        screen = app.screen
        screen.query_one("#rc-search", Input).value = "zs"
        await until(pilot, lambda: "张三" in text_of(app, "#rc-detail"))
        await quiet.press(pilot, "f8")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        directory.edit(other, ids["张三"], {"phones": "13812345678 / 13899990000"})
        form.query_one("#form-room", Input).value = "301"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: "another counter" in str(form.query_one("#form-refused", Static).render()))
        said = str(form.query_one("#form-refused", Static).render())
        assert said.startswith("张三: ") and "open the person again" in said
        assert app.screen is form and form.query_one("#form-room", Input).value == "301"
        await until(pilot, lambda: "138****0000" in str(screen.query_one("#rc-detail", Static).render()))
    with station.read() as session:
        row = session.get(Recipient, ids["张三"])
    assert row is not None and row.room == "502"
    assert directory.get(station, ids["张三"]).phones == ("138****5678", "138****0000")


@pytest.mark.first_mode("settings")
async def test_a_refusal_stays_over_a_search_answered_after_it(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search typed just before a refused key: its answer, landing after the refusal, said the count
    over it before the clerk had read it. Their next key lets the next answer say the count again."""
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        asked, release = threading.Event(), threading.Event()
        real = matching.match

        def held(*args: Any, **kwargs: Any) -> Any:
            asked.set()
            assert release.wait(quiet.TIMEOUT)
            return real(*args, **kwargs)

        monkeypatch.setattr(matching, "match", held)
        app.screen.query_one("#rc-search", Input).value = "zs"
        await until(pilot, asked.is_set)
        quiet.send_key(app, "f7")  # nobody is chosen: refused at once, the search still on its way
        await until(pilot, lambda: "Nobody is chosen" in text_of(app, "#rc-status"))
        release.set()
        await quiet.settle(pilot)
        assert "Nobody is chosen" in text_of(app, "#rc-status")
        assert app.screen.query_one("#rc-status", Static).has_class("-error")
        await quiet.press(pilot, "s")  # the clerk types on: the next answer is said
        assert text_of(app, "#rc-status") == "0 people"


@pytest.mark.first_mode("settings")
async def test_an_edit_that_cleans_to_what_is_stored_says_nothing_changed_and_writes_nothing(
    app: StationApp, station: Station
) -> None:
    """A full-width room and the phones typed again as they are: the service stores nothing and
    records no event, so the pane does not say "Saved: 张三"."""
    from station_helpers import events

    from db.models import EventKind

    ids = people(station)
    before = len(events(station, EventKind.RECIPIENT_CHANGED))
    async with app.run_test(size=(160, 50)) as pilot:
        form = await zhangs_form(app, pilot, "f8")
        form.query_one("#form-room", Input).value = "５０２"
        form.query_one("#form-phones", Input).value = "13812345678"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: app.screen is not form)
        await until(pilot, lambda: "Nothing changed" in text_of(app, "#rc-status"))
        assert text_of(app, "#rc-status") == "Nothing changed: nothing to save."
    assert len(events(station, EventKind.RECIPIENT_CHANGED)) == before
    assert directory.get(station, ids["张三"]).version == 1


@pytest.mark.first_mode("settings")
async def test_a_long_paste_into_a_persons_form_is_taken_whole_and_refused_on_save_by_its_field(
    app: StationApp, station: Station
) -> None:
    """The name field took 200 characters of a 5,000-character paste and lost the rest unsaid; now it
    takes it whole, says at once (over "A recipient needs a name.") what is wrong with it, and a save
    is refused naming the field, with nothing written."""
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await quiet.press(pilot, "ctrl+s")
        assert text_of(app, "#form-refused") == "A recipient needs a name."
        name = form.query_one("#form-name", Input)
        assert name.has_focus
        pasted = "王" + "x" * 4999
        name.post_message(events.Paste(pasted))
        await quiet.settle(pilot)
        assert name.value == pasted
        assert text_of(app, "#form-refused") == "Name is longer than 64 characters."
        name.value = "王五"  # typed over: the old refusal stays until the next save
        form.query_one("#form-room", Input).post_message(events.Paste("r" * 300))
        await quiet.settle(pilot)
        assert text_of(app, "#form-refused") == "Room is longer than 16 characters."
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is form and text_of(app, "#form-refused") == "Room is longer than 16 characters."
        assert form.query_one("#form-room", Input).has_focus
    with station.read() as session:
        assert session.exec(select(func.count()).select_from(Recipient)).one() == 0


@pytest.mark.first_mode("settings")
async def test_a_phone_that_is_not_a_phone_puts_the_cursor_in_the_phones_field(
    app: StationApp, station: Station
) -> None:
    """'Not a phone number' left the cursor in the last field typed in (the room), so the clerk's
    correction went into the room; now it goes to the phones, nothing written until they are right."""
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-name", Input).value = "王五"
        form.query_one("#form-phones", Input).value = "notaphone"
        form.query_one("#form-room", Input).value = "502"
        form.query_one("#form-room", Input).focus()
        await quiet.press(pilot, "ctrl+s")
        assert text_of(app, "#form-refused") == "Not a phone number: notaphone."
        assert form.query_one("#form-phones", Input).has_focus
    with station.read() as session:
        assert session.exec(select(func.count()).select_from(Recipient)).one() == 0


@pytest.mark.first_mode("settings")
async def test_a_parcel_scanned_into_an_open_consent_list_chooses_nothing_and_is_said(
    app: StationApp, station: Station
) -> None:
    """The list's type-to-search moved to the first choice holding the scan's first letter ('s':
    consented) and the scan's Enter chose it. Now the highlight goes back, the Enter chooses nothing,
    and the form says why; the clerk's own Enter still chooses."""
    ids = people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        dialog = await zhangs_form(app, pilot, "f7")
        consent_list = dialog.query_one("#form-consent", Select)
        await quiet.press(pilot, "space")  # the list opens
        await until(pilot, lambda: consent_list.expanded)
        await quiet.burst(pilot, *"SF1234567890123", "enter")
        await until(pilot, lambda: "A scan chooses nothing in" in text_of(app, "#form-refused"))
        assert consent_list.expanded and consent_list.value == "keep"
        await quiet.press(pilot, "down", "enter")  # the clerk's choice
        await until(pilot, lambda: not consent_list.expanded)
        assert consent_list.value == "granted"
        await quiet.press(pilot, "escape")
        await until(pilot, lambda: not isinstance(app.screen, FormDialog))
    with station.read() as session:
        row = session.get(Recipient, ids["张三"])
    assert row is not None and row.consent is None


@pytest.mark.first_mode("settings")
async def test_a_withdrawal_repeated_in_the_consent_form_says_it_was_withdrawn_already(
    app: StationApp, station: Station
) -> None:
    """F7 with the consent withdrawn once more writes nothing: the line says so by name, never
    "Saved" nor only that there was nothing to save."""
    ids = people(station)
    consent.record(station, ids["张三"], Choice(consent=None), channel="phone")
    answers = len(consent.history(station, ids["张三"]))
    async with app.run_test(size=(160, 50)) as pilot:
        dialog = await zhangs_form(app, pilot, "f7")
        dialog.query_one("#form-consent").value = "withdrawn"  # type: ignore[attr-defined]
        dialog.query_one("#form-note", Input).focus()
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: app.screen is not dialog)
        await until(pilot, lambda: "Nothing changed" in text_of(app, "#rc-status"))
        assert text_of(app, "#rc-status") == "Nothing changed: the consent was already withdrawn."
    assert len(consent.history(station, ids["张三"])) == answers
