"""A recalled parcel on the Pickup screen: the list marks it and says it goes back, a scan of it is
refused loudly and ticks nothing, the customer's others go; a manager's Ctrl+O hands it over with a
reason."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from station_helpers import configure, recall
from textual.widgets import Input, Static

from db.models import ProxyPickup, Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from tui.pickup_driver import ANN, Clerk_, receive, sign_in, statuses
from tui.quiet import press, until


@pytest.mark.first_mode("pickup")
async def test_a_recalled_parcel_is_marked_refused_at_its_scan_and_left_behind(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    kept, recalled = receive(station, 1, ANN), receive(station, 2, ANN)
    recall(station, recalled.waybill)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(kept.pickup_code)
        said = clerk.text("#pk-message")
        assert f"{recalled.waybill} was recalled by its carrier or sender" in said
        assert "Do not hand it over" in said
        assert "✗" in clerk.ticks() and clerk.progress() == ("0", "1")
        await clerk.scan(recalled.waybill)
        assert screen.has_class("-wrong") and clerk.bells >= 1
        assert "it goes back, not to the customer" in clerk.text("#pk-message")
        assert clerk.progress() == ("0", "1")
        await clerk.scan(kept.waybill)
        await clerk.key("enter")  # the customer's set, less the recalled one, is complete
    assert statuses(station) == {kept.waybill: "picked_up", recalled.waybill: "on_shelf"}


COUNTED = {
    ("en", 0): "Nothing to hand over: 1 parcel listed, and it was recalled.",
    ("en", 1): "1 parcel to hand over: fetch it and scan it.",
    ("zh", 0): "没有可出库的包裹：所列 1 件为拦截件。",
    ("zh", 1): "可出库 1 件：请取件并扫描。",  # one parcel is fetched in no order
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("kept", [0, 1])
@pytest.mark.first_mode("pickup")
async def test_the_message_counts_the_parcels_as_the_counter_does(
    station: Station, console: StationApp, language: str, kept: int
) -> None:
    """A recalled parcel is listed but not handed over: the counter leaves it out, and the message
    said it was one more parcel to fetch and scan (0 of 0 beside '1 parcel: fetch it and scan it')."""
    set_language(language)
    sign_in(station, Role.CLERK)
    parcels = [receive(station, 1, ANN) for _ in range(kept)]
    recalled = receive(station, 2, ANN)
    recall(station, recalled.waybill)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(recalled.pickup_code)
        assert clerk.progress() == ("0", str(kept))
        said = clerk.text("#pk-message")
        assert said.startswith(COUNTED[language, kept]), said
        if not kept:  # Enter has no rest to ask for
            await clerk.key("enter")
            assert clerk.text("#pk-message").startswith(COUNTED[language, 0])
    assert all(s == "on_shelf" for s in statuses(station).values()) and len(parcels) == kept


REFUSED = {
    ("en", True): "Only a manager can hand over a recalled parcel. Ask a manager to sign in.",
    ("en", False): "Only a manager can override a missing scan. Ask a manager to sign in.",
    ("zh", True): "只有店长可以将拦截件出库。请店长登录。",
    ("zh", False): "只有店长可以跳过扫码确认。请店长登录。",
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("with_recalled", [True, False])
@pytest.mark.first_mode("pickup")
async def test_a_clerks_ctrl_o_is_refused_for_what_it_would_do(
    station: Station, console: StationApp, language: str, with_recalled: bool
) -> None:
    """Ctrl+O on a list with a recalled parcel would hand that parcel over: a clerk is refused for that,
    not for the missing-scan override the key does on a list without one; nothing opens either way."""
    set_language(language)
    sign_in(station, Role.CLERK)
    kept = receive(station, 1, ANN)
    if with_recalled:
        recall(station, receive(station, 2, ANN).waybill)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(kept.pickup_code)
        await clerk.key("ctrl+o")
        assert console.screen is screen
        assert REFUSED[language, with_recalled] in clerk.text("#pk-message")
    assert statuses(station)[kept.waybill] == "on_shelf"


@pytest.mark.first_mode("pickup")
async def test_a_manager_hands_a_recalled_parcel_over_with_a_reason(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.MANAGER)
    recalled = receive(station, 1, ANN)
    recall(station, recalled.waybill)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(recalled.pickup_code)
        await clerk.scan(recalled.waybill)
        await clerk.key("ctrl+o")
        assert isinstance(console.screen, ReasonDialog)
        await press(pilot, *"sender called it off", "enter")
    assert statuses(station) == {recalled.waybill: "picked_up"}


@pytest.mark.first_mode("pickup")
async def test_a_proxy_with_a_recalled_parcels_code_still_sees_it_for_a_managers_override(
    station: Station, console: StationApp
) -> None:
    """The code presented releases its own parcel to the proxy, recalled or not: the list keeps it
    (marked), so a manager's Ctrl+O can still hand it over, the proxy recorded."""
    sign_in(station, Role.MANAGER)
    recalled = receive(station, 1, ANN)
    recall(station, recalled.waybill)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(recalled.pickup_code)
        await clerk.key("f9")
        form = console.screen
        assert isinstance(form, FormDialog)
        for key, value in {"name": "Li", "phone": "1567", "id_last4": "123X"}.items():
            form.query_one(f"#form-{key}", Input).value = value
        await press(pilot, "enter")
        await until(pilot, lambda: console.screen is screen and screen.proxy is not None)
        assert screen.lookup is not None
        assert [r.waybill for r in screen.lookup.rows] == [recalled.waybill]
        assert "not listed" not in clerk.text("#pk-message")
        await clerk.scan(recalled.waybill)
        await clerk.key("ctrl+o")
        assert isinstance(console.screen, ReasonDialog)
        await press(pilot, *"sender called it off", "enter")
    assert statuses(station) == {recalled.waybill: "picked_up"}
    with station.read() as session:
        assert [p.name for p in session.exec(select(ProxyPickup)).all()] == ["Li"]


@pytest.mark.first_mode("pickup")
async def test_the_fee_line_counts_only_what_the_handover_charges(
    station: Station, clock: Any, console: StationApp
) -> None:
    """A recalled parcel goes back, so its storage fee is not due at pickup: the line said the sum of
    both parcels' fees (6.00 CNY) while F10 asked for the kept one's 3.00 CNY."""
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    kept, recalled = receive(station, 1, ANN), receive(station, 2, ANN)
    recall(station, recalled.waybill)
    clock.advance(days=2)  # the 3rd day: two days charged on each
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(kept.pickup_code)
        await until(pilot, lambda: "Storage fee" in clerk.text("#pk-fee"))
        assert "Storage fee due: 3.00 CNY" in clerk.text("#pk-fee"), clerk.text("#pk-fee")
        await clerk.scan(kept.waybill)
        await clerk.key("f10")
        assert isinstance(console.screen, FeeDialog)
        assert "3.00 CNY" in str(console.screen.query_one(".dialog-title", Static).render())


TWO_TITLES = {
    "en": "Hand over without a scan: {w}; Hand over though recalled: {w}",
    "zh": "未扫描直接出库：{w}；拦截件仍出库：{w}",
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.first_mode("pickup")
async def test_ctrl_o_on_a_recalled_parcel_not_scanned_titles_both_questions_apart(
    station: Station, console: StationApp, language: str
) -> None:
    """A recalled parcel not scanned is both a missing scan and a recall: the reason's title names the
    two apart, not run together as one ("未扫描直接出库：123拦截件仍出库：123")."""
    set_language(language)
    sign_in(station, Role.MANAGER)
    recalled = receive(station, 1, ANN)
    recall(station, recalled.waybill)
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(recalled.pickup_code)
        await clerk.key("ctrl+o")
        dialog = console.screen
        assert isinstance(dialog, ReasonDialog)
        assert dialog.title_text == TWO_TITLES[language].format(w=recalled.waybill)
        await press(pilot, "escape")
    assert statuses(station) == {recalled.waybill: "on_shelf"}


@pytest.mark.first_mode("pickup")
async def test_ctrl_o_titles_a_customers_waybills_with_the_languages_list_separator(
    station: Station, console: StationApp
) -> None:
    """Two parcels not scanned: the Chinese title listed their waybills with ", " rather than "、"."""
    set_language("zh")
    sign_in(station, Role.MANAGER)
    first, second = receive(station, 1, ANN), receive(station, 2, ANN)
    recall(station, second.waybill)
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(first.pickup_code)
        await clerk.key("ctrl+o")
        dialog = console.screen
        assert isinstance(dialog, ReasonDialog)
        both = "、".join(sorted((first.waybill, second.waybill)))
        assert dialog.title_text == f"未扫描直接出库：{both}；拦截件仍出库：{second.waybill}"
        await press(pilot, "escape")
