"""Check-in's recipient finder (Ctrl+N) and the courier's name (F10): a scan typed into their field is
refused and saves nothing while a person's typing is taken; Enter picks the one person matched; the
finder names the parcel it picks for, and a pick refused names that parcel and is kept for Ctrl+N."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from textual.widgets import Input, OptionList

from db.models import Parcel, ParcelStatus
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.checkin_recipient import RecipientPicker
from tui import quiet
from tui.checkin_driver import attention
from tui.conftest import PersonPace
from tui.recipients_driver import people, text_of, until

NOT_A_NAME = "A scan is not a name: JT0000000000009 was not taken."


async def check_in_one(app: StationApp, pilot: Any, waybill: str) -> None:
    scan = app.screen.query_one("#scan", Input)
    scan.value = waybill
    scan.focus()
    await quiet.press(pilot, "enter")
    await until(
        pilot, lambda: waybill in text_of(app, "#ci-message") and "checked in" in text_of(app, "#ci-message")
    )


async def open_picker(app: StationApp, pilot: Any) -> RecipientPicker:
    await quiet.press(pilot, "ctrl+n")
    await until(pilot, lambda: isinstance(app.screen, RecipientPicker))
    assert isinstance(app.screen, RecipientPicker)
    return app.screen


async def test_a_scan_typed_into_the_recipient_search_is_refused_and_a_typed_name_is_kept(
    app: StationApp, station: Station
) -> None:
    """A wedge scan arriving in Ctrl+N's search, no one matching it: its Enter saved the waybill as the
    parcel's name. Now it is taken back out and said; a name typed at a person's pace still goes."""
    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await check_in_one(app, pilot, "JT0000000000001")
        dialog = await open_picker(app, pilot)
        await quiet.burst(pilot, *"JT0000000000009", "enter")
        await until(pilot, lambda: NOT_A_NAME in text_of(app, "#pick-hint"))
        assert app.screen is dialog and dialog.query_one("#pick-search", Input).value == ""
        await PersonPace.of(app).type(pilot, "Wang Laowu")
        # The clerk's typing: the scan's line goes, the finder's keys come back.
        assert text_of(app, "#pick-hint").startswith("Enter: pick")
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "is for Wang Laowu" in text_of(app, "#ci-message"))
    with station.read() as session:
        names = [p.recipient_name for p in session.exec(select(Parcel)).all()]
    assert names == ["Wang Laowu"]


async def test_a_scan_typed_into_the_couriers_name_is_refused_and_a_typed_name_is_kept(
    app: StationApp,
) -> None:
    answers: list[object] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        dialog = CourierDialog([("SF", "SF Express"), ("ZTO", "ZTO Express")], "ZTO")
        app.push_screen(dialog, answers.append)
        await until(pilot, lambda: app.screen is dialog)
        await quiet.settle(pilot)
        name = dialog.query_one("#courier-name", Input)
        await quiet.press(pilot, "enter")  # the carrier highlighted, ZTO; then its courier's name
        await until(pilot, lambda: app.focused is name)
        await quiet.burst(pilot, *"JT0000000000009", "enter")
        await until(pilot, lambda: NOT_A_NAME in text_of(app, "#question-said"))
        assert (app.screen, name.value, answers) == (dialog, "", [])
        await PersonPace.of(app).type(pilot, "Zhao Liuu")
        assert text_of(app, "#question-said") == ""  # the clerk's typing: the scan's line goes
        await quiet.press(pilot, "backspace", "enter")
        await until(pilot, lambda: answers != [])
    assert answers == [("ZTO", "Zhao Liu")]


async def test_enter_picks_the_one_person_matched_and_sends_several_to_the_list(
    app: StationApp, station: Station
) -> None:
    """Enter in the search only moved to the matches, nothing seen to change; a second Enter picked."""
    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await check_in_one(app, pilot, "JT0000000000001")
        dialog = await open_picker(app, pilot)
        await PersonPace.of(app).type(pilot, "a3")  # 张三 and 李四 live in A3
        await quiet.press(pilot, "enter")
        options = dialog.query_one("#pick-matches", OptionList)
        await until(pilot, lambda: "2 people match: choose with ↑↓ then Enter." in text_of(app, "#pick-hint"))
        assert app.screen is dialog and app.focused is options
        await quiet.press(pilot, "escape")
        await until(pilot, lambda: app.screen is not dialog)
        await check_in_one(app, pilot, "JT0000000000002")
        await open_picker(app, pilot)
        await PersonPace.of(app).type(pilot, "zs")
        await quiet.press(pilot, "enter")  # one Enter: 张三, the one match
        await until(pilot, lambda: "is for 张三" in text_of(app, "#ci-message"))


async def test_a_pick_for_a_parcel_gone_from_the_shelf_names_it_and_is_kept_for_ctrl_n(
    app: StationApp, station: Station
) -> None:
    """The Phone field still named a parcel picked up meanwhile: Ctrl+N's pick went to it, refused as
    'That parcel is not on the shelf', naming none, and the pick was lost."""
    ids = people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await check_in_one(app, pilot, "JT0000000000001")
        with station.write() as session:
            parcel = session.exec(select(Parcel)).one()
            code = parcel.pickup_code
            parcel.status = ParcelStatus.PICKED_UP
            session.add(parcel)
        dialog = await open_picker(app, pilot)
        assert f"Who is {code} · " in text_of(app, ".dialog-title") and "…0001 for?" in text_of(
            app, ".dialog-title"
        )
        await PersonPace.of(app).type(pilot, "zs")
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: app.screen is not dialog)
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        await until(pilot, lambda: attention(screen) != [])
        [item] = attention(screen)
        assert (
            item.text
            == f"{code} (waybill …000001) is no longer on the shelf. 张三 was not saved as its recipient."
        )
        assert item.hint == "Ctrl+N offers 张三 again · Ctrl+X dismiss"
        await check_in_one(app, pilot, "JT0000000000002")
        again = await open_picker(app, pilot)
        assert again.query_one("#pick-search", Input).value == "张三"
        await quiet.press(pilot, "enter")  # the kept pick, one Enter from the parcel in hand
        await until(pilot, lambda: "is for 张三" in text_of(app, "#ci-message"))
    with station.read() as session:
        rows = {p.waybill: p.recipient_id for p in session.exec(select(Parcel)).all()}
    assert rows == {"JT0000000000001": None, "JT0000000000002": ids["张三"]}


async def test_typing_on_the_recipient_matches_starts_a_new_search(app: StationApp, station: Station) -> None:
    """Letters typed while the matches have the focus (after an Enter that found several) went nowhere,
    unsaid: they start a new search in the field, and its one match is picked with Enter."""
    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await check_in_one(app, pilot, "JT0000000000001")
        dialog = await open_picker(app, pilot)
        await PersonPace.of(app).type(pilot, "a3")
        await quiet.press(pilot, "enter")
        options = dialog.query_one("#pick-matches", OptionList)
        await until(pilot, lambda: app.focused is options)
        await PersonPace.of(app).type(pilot, "ls")
        search = dialog.query_one("#pick-search", Input)
        assert app.focused is search and search.value == "ls"
        await until(pilot, lambda: options.option_count == 1)
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "is for 李四" in text_of(app, "#ci-message"))
