"""A field scrolled out of its form's view (PageDown at 80x24) is brought back into view by the key
typed into it: what the clerk types is seen where it goes (send-out, Settings, a carrier's form)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual import events
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Input

from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.sendout import inspection
from station_console.tui import app as app_module
from station_console.tui.app import StationApp
from station_console.tui.focus_in_view import LookAgain
from station_console.tui.screens.carrier_editor import CarrierForm
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.conftest import sign_in_manager
from tui.sendout_driver import counter_app


def shown_whole(widget: Widget) -> bool:
    geometry = widget.screen.find_widget(widget)
    return geometry.clip.contains_region(geometry.region)


@asynccontextmanager
async def sendout_focused_on(station: Station, selector: str) -> AsyncIterator[tuple[Any, StationApp, Any]]:
    """Send-out at 80x24, `selector`'s widget focused and shown whole."""
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        widget = app.screen.query_one(selector)
        widget.focus()
        await quiet.settle(pilot)
        assert shown_whole(widget)
        yield pilot, app, widget


async def paged_away_then_typed(pilot: Any, field: Input, *screen_keys: str) -> None:
    """PageDown scrolls the form and leaves `field` focused off-screen; `screen_keys`, which do not
    go to the field, leave it there; then a digit is typed."""
    assert pilot.app.focused is field and shown_whole(field)
    await quiet.press(pilot, "pagedown")
    assert pilot.app.focused is field and not shown_whole(field)  # what the fix is about
    await quiet.press(pilot, *screen_keys)
    assert not shown_whole(field)
    await quiet.press(pilot, "7")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("sendout")
async def test_a_key_typed_into_a_sendout_field_paged_out_of_view_shows_the_field(
    station: Station, lang: str
) -> None:
    set_language(lang)
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        phone = app.screen.query_one("#so-phone", Input)
        # Esc (the next sender: an empty form stays empty) is the screen's, not the field's.
        await paged_away_then_typed(pilot, phone, "escape")
        assert shown_whole(phone)
        assert phone.value == "7" and app.focused is phone


@pytest.mark.first_mode("settings")
async def test_a_key_typed_into_a_settings_field_paged_out_of_view_shows_the_field(app: StationApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        field = app.screen.query_one("#st-station_name", Input)
        field.focus()
        await quiet.settle(pilot)
        await paged_away_then_typed(pilot, field)
        assert field.value.endswith("7") and shown_whole(field)


@pytest.mark.first_mode("settings")
async def test_a_key_typed_into_a_carrier_form_field_paged_out_of_view_shows_the_field(
    app: StationApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f7", "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        field = form.query_one("#cf-code", Input)
        await paged_away_then_typed(pilot, field)
        assert field.value == "7" and shown_whole(field)


@pytest.mark.first_mode("sendout")
async def test_a_paste_into_a_sendout_field_paged_out_of_view_shows_the_field(station: Station) -> None:
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        phone = app.screen.query_one("#so-phone", Input)
        await quiet.press(pilot, "pagedown")
        assert app.focused is phone and not shown_whole(phone)
        app.post_message(events.Paste("138"))  # as the terminal sends a paste
        await quiet.settle(pilot)
        assert phone.value == "138" and app.focused is phone
        assert shown_whole(phone)


@pytest.mark.parametrize("field_id", ["#so-idtype", "#so-name"])
@pytest.mark.first_mode("sendout")
async def test_a_key_right_behind_pagedown_shows_the_drop_down_or_field_it_goes_to(
    station: Station, field_id: str
) -> None:
    """PageDown and a letter back to back (a hurried clerk; a drop-down's letter searches its list):
    the page key scrolls only once it has passed up to the app, after the letter found its widget still
    in view, and the scroll then took it away. The widget the letter went to is shown whole."""
    async with sendout_focused_on(station, field_id) as (pilot, app, widget):
        await quiet.burst(pilot, "pagedown", "c")
        assert shown_whole(widget) and app.focused is widget
        if isinstance(widget, Input):
            assert widget.value == "c"


@pytest.mark.first_mode("sendout")
async def test_pagedown_right_behind_a_key_keeps_its_page(station: Station) -> None:
    """The letter first, then PageDown: the clerk paged on after typing, and the form stays paged."""
    async with sendout_focused_on(station, "#so-name") as (pilot, app, name):
        await quiet.burst(pilot, "c", "pagedown")
        assert name.value == "c" and not shown_whole(name) and app.focused is name


@pytest.mark.first_mode("sendout")
async def test_keys_into_a_field_shown_whole_scroll_nothing(station: Station, monkeypatch: Any) -> None:
    """Keys into a field of a form that stayed put: each looks again behind the keys before it and
    finds the form where it was; none asks the screen to scroll (a look at the layout on the UI thread,
    some 0.3 ms, for every key of every scan)."""
    async with sendout_focused_on(station, "#so-name") as (pilot, app, name):
        scrolls: list[Widget] = []
        monkeypatch.setattr(type(app.screen), "scroll_to_widget", lambda _s, w, **_k: scrolls.append(w))
        await quiet.press(pilot, *"Wang")
        assert name.value == "Wang" and shown_whole(name)
        assert scrolls == []


@pytest.mark.parametrize("scanned", [False, True], ids=["typed", "scanned"])
@pytest.mark.first_mode("sendout")
async def test_keys_into_a_field_of_a_form_that_stayed_put_send_one_look(
    station: Station, monkeypatch: Any, scanned: bool
) -> None:
    """A clerk's number or a scan's burst into a field shown whole, the form not scrolled: the first key
    looks again behind the keys before it (a page key's scroll may be on its way); the keys behind it
    ask for no scroll and send no look of their own (a message up the form for every key)."""
    async with sendout_focused_on(station, "#so-phone") as (pilot, app, phone):
        looks: list[str] = []
        look_again = app_module.look_again

        def counted(app: StationApp, message: LookAgain) -> None:
            looks.append(getattr(message.event, "key", "paste"))
            look_again(app, message)

        monkeypatch.setattr(app_module, "look_again", counted)
        await (quiet.burst if scanned else quiet.press)(pilot, *"13812345678")
        assert looks == ["1"] and shown_whole(phone)
        if not scanned:  # a scan's burst is the wedge router's, not the phone's
            assert phone.value == "13812345678"
        await quiet.burst(pilot, "pagedown", "9")  # the next key right behind a page key looks again
        assert looks == ["1", "9"] and shown_whole(phone) and app.focused is phone


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("reports")
async def test_tab_right_behind_pagedown_shows_the_report_table_it_focuses(
    app: StationApp, station: Station, lang: str
) -> None:
    """The report's body has the focus and PageDown scrolls it; Tab right behind focuses the table, which
    Textual finds in view before the page's scroll is made, and the scroll then took it away."""
    check_in(station, "SF1000000000001", batch="SF", phone="13812345678")
    check_in(station, "73100000000001", batch="ZTO", phone="5678")
    set_language(lang)
    async with app.run_test(size=(80, 16)) as pilot:  # the body a page shorter than its figures
        await quiet.press(pilot, "f6")
        body = app.screen.query_one("#rp-body", VerticalScroll)
        table = app.screen.query_one("#rp-table", DataTable)
        body.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "pagedown")
        assert not shown_whole(table)  # a page of the body's own is the table out of view
        await quiet.press(pilot, "pageup")
        assert body.scroll_y == 0 and shown_whole(table)
        await quiet.burst(pilot, "pagedown", "tab")
        assert app.focused is table and shown_whole(table)


@pytest.mark.first_mode("reports")
async def test_pagedown_right_behind_tab_into_the_report_body_keeps_its_page(
    app: StationApp, station: Station
) -> None:
    """Tab to the body, then PageDown: the clerk paged on after the focus moved, and the body stays paged."""
    check_in(station, "SF1000000000001", batch="SF", phone="13812345678")
    async with app.run_test(size=(80, 16)) as pilot:  # the body a page shorter than its figures
        await quiet.press(pilot, "f6")
        body = app.screen.query_one("#rp-body", VerticalScroll)
        table = app.screen.query_one("#rp-table", DataTable)
        assert app.focused is table
        await quiet.burst(pilot, "shift+tab", "pagedown")
        assert app.focused is body and body.scroll_y > 0


@pytest.mark.first_mode("sendout")
async def test_a_key_behind_pagedown_then_a_dialog_shows_the_field_once_the_dialog_closes(
    station: Station,
) -> None:
    """PageDown, a digit into the phone and F11 (Refuse) back to back: the dialog took the focus before
    the page's scroll was made, the look behind the digit was dropped, and the clerk came back from the
    dialog to a phone holding the digit, focused out of sight."""
    async with sendout_focused_on(station, "#so-phone") as (pilot, app, phone):
        await quiet.burst(pilot, "pagedown", "7", "f11")
        assert isinstance(app.screen, FormDialog)
        await quiet.press(pilot, "escape")
        assert shown_whole(phone)
        assert phone.value == "7" and app.focused is phone


@pytest.mark.first_mode("sendout")
async def test_tab_behind_pagedown_then_a_dialog_shows_the_field_once_the_dialog_closes(
    station: Station,
) -> None:
    """PageDown, Tab and F11 back to back: the field Tab focused, found in view before the page's
    scroll, is shown when the clerk comes back from the dialog."""
    async with sendout_focused_on(station, "#so-phone") as (pilot, app, _phone):
        await quiet.burst(pilot, "pagedown", "tab", "f11")
        assert isinstance(app.screen, FormDialog)
        await quiet.press(pilot, "escape")
        focused = app.focused
        assert focused is not None and focused.id != "so-phone"
        assert shown_whole(focused)


@pytest.mark.parametrize(
    "keys",
    [
        ("pagedown", "pagedown"),
        ("pageup", "pagedown", "pageup", "pagedown"),
        ("pagedown", "pageup", "pagedown"),
    ],
)
@pytest.mark.first_mode("sendout")
async def test_a_key_right_behind_page_keys_in_a_dialog_shows_the_tick_it_goes_to(
    station: Station, keys: tuple[str, ...]
) -> None:
    """Page keys and a letter back to back in the refusal's checklist (a dialog holds each key behind the
    page key before it): a page key ended the glide before it, moving the form before the screen was
    redrawn, and the letter, judged by the old drawing, found its tick shown whole (its look took the
    moved form for where the letter found it) or brought it into view before the last page's scroll
    was made. Either way the tick stayed focused out of sight."""
    items = [{"id": f"item{n}", "zh": f"物品{n}", "en": f"Item {n}"} for n in range(10)]
    sign_in_manager(station)  # a manager sets the checklist
    inspection.set_checklist(station, {"items": items})
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f11")
        assert isinstance(app.screen, FormDialog)
        tick = app.screen.query_one("#form-found0")
        assert app.focused is tick and shown_whole(tick)
        await quiet.burst(pilot, *keys, "x")
        assert app.focused is tick
        assert shown_whole(tick)
