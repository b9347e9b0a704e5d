"""Check-in: the phone typed right before a scan that a refusal took its last key (or two) back out of.
What is left stays in its field for the parcel it was typed for, and goes to it only as the clerk
completes it, or as it was when it cannot be that phone cut short; retyped, it goes to no parcel."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.checkin_driver import (
    attention,
    parcels,
    phone_field,
    scan,
    scan_split,
    send_keys,
    settle,
    start,
    status,
    type_phone_at_a_persons_pace,
    type_slowly,
)


@pytest.mark.parametrize("typed", ["17012345678-8462", "+49 151 23456789"])
@pytest.mark.parametrize("then", ["scan again", "enter"])
async def test_a_kept_phone_that_is_still_a_phone_less_its_last_key_goes_to_no_parcel_unchanged(
    app: StationApp, station: Station, bells: list[int], typed: str, then: str
) -> None:
    """A virtual number less the last digit of its extension (or a foreign number less its last digit)
    still reads as a phone: sent as kept, the parcel got a number nobody has, and its customer's
    extension found nothing. Which one the clerk meant cannot be told, so it goes to none."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        await type_phone_at_a_persons_pace(pilot, clock, typed)
        await scan(pilot, clock, "773100000000100", gap=0.146)  # its first key 150 ms after the last
        await settle(app, pilot)
        assert phone_field(screen).value == typed[:-1]  # the last key taken back, the rest kept
        if then == "enter":
            await type_slowly(pilot, clock, "enter")
            await settle(app, pilot)
            assert "scan the parcel again, then type its phone" in status(screen, "#ci-message")
        await scan(pilot, clock, "773100000000100")
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": None, "773100000000100": None}
        if then == "scan again":  # said as what it is: the refused scan's leftover, not "no parcel"
            assert any("was left by the refused scan" in item.text for item in attention(screen))


@pytest.mark.parametrize(
    ("erased", "typed"),
    [(0, ""), (10, "13911112222")],  # the cut-short phone left as it was; the refused parcel's retyped
)
async def test_a_second_refused_scan_does_not_send_the_kept_phone_unchecked(
    app: StationApp, station: Station, bells: list[int], erased: int, typed: str
) -> None:
    """A refused scan that takes no key back (its rest never came) while the kept phone is being
    checked: the phone typed for the parcel shown goes to it, but the kept one only as the clerk
    completed it, as with the next scan. The second refusal forgot the first, and the cut-short
    virtual number (or the refused parcel's phone typed over it) went to the parcel before."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        phone = "17012345678-8462" if not typed else "13800138000"
        await type_phone_at_a_persons_pace(pilot, clock, phone)
        await scan(pilot, clock, "773100000000100", gap=0.146)
        await settle(app, pilot)
        assert phone_field(screen).value == phone[:-1]  # kept, to be checked
        for _key in range(erased):
            await send_keys(pilot, "backspace", settle=False)
        if typed:
            await type_slowly(pilot, clock, *typed)
        await scan_split(pilot, clock, "773100000000100", at=6, hiccup=None)  # in pieces again
        clock.person()  # the rest never comes: the router's timer refuses the piece
        await quiet.settle(pilot)
        await settle(app, pilot)
        assert [i.kind for i in attention(screen)] == ["partial", "phone", "partial"]
        assert parcels(station) == {"JT0000000000001": None}
        assert any("was left by the refused scan" in item.text for item in attention(screen))


async def test_a_phone_retyped_after_a_refusal_and_cut_by_a_second_one_goes_to_no_parcel(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    """The clerk erases the kept phone and types the refused parcel's, and its scan right behind is
    refused again, taking the last key back: that retyped phone is no completion of the kept one. Kept
    anew as the phone to check, it went to the parcel before once the clerk put its last key back."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        await type_phone_at_a_persons_pace(pilot, clock, "13800138000")
        await scan(pilot, clock, "773100000000100", gap=0.146)
        await settle(app, pilot)
        assert phone_field(screen).value == "1380013800"  # kept, to be checked
        for _key in range(10):
            await send_keys(pilot, "backspace", settle=False)
        await type_phone_at_a_persons_pace(pilot, clock, "13911112222")  # the refused parcel's phone
        await scan(pilot, clock, "773100000000100", gap=0.146)  # refused again, its "2" taken back
        await settle(app, pilot)
        if phone_field(screen).value == "1391111222":  # kept again: the clerk puts the "2" back
            await type_slowly(pilot, clock, "2")
        await scan(pilot, clock, "773100000000100")
        await settle(app, pilot)
        assert parcels(station)["JT0000000000001"] is None


@pytest.mark.parametrize("refused", [False, True])
async def test_quick_mode_turned_on_with_a_phone_in_its_field_gives_it_to_its_parcel(
    app: StationApp, station: Station, bells: list[int], refused: bool
) -> None:
    """F8 disables the Phone field with the phone typed for the parcel shown still in it (or kept there
    after a refused scan took the next scan's head back): the next scan cleared it without a word, and
    the parcel stayed without its phone."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        await type_phone_at_a_persons_pace(pilot, clock, "13800138000")
        if refused:
            await scan_split(pilot, clock, "773100000000100", at=1, hiccup=0.15, gap=0.146)
            await settle(app, pilot)
            assert phone_field(screen).value == "13800138000"  # the head taken back, the phone kept
        await quiet.press(pilot, "f8")
        await settle(app, pilot)
        assert screen.quick
        await scan(pilot, clock, "773100000000100", gap=2.0)
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": "13800138000", "773100000000100": None}


async def test_quick_mode_turned_on_with_a_kept_phone_emptied_keeps_its_parcel_shown(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    """The phone kept after a refused scan, deleted by the clerk, then F8: an empty field is no retyped
    phone, so the parcel it was typed for stays shown beside Phone ("Phone for …" went away unsaid)."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        await type_phone_at_a_persons_pace(pilot, clock, "13800138000")
        await scan_split(pilot, clock, "773100000000100", at=1, hiccup=0.15, gap=0.146)
        await settle(app, pilot)
        assert phone_field(screen).value == "13800138000"
        await type_slowly(pilot, clock, *["backspace"] * 11)
        assert phone_field(screen).value == ""
        await quiet.press(pilot, "f8")
        await settle(app, pilot)
        assert screen.quick
        assert screen.current is not None and screen.current.raw == "JT0000000000001"
        assert str(screen.query_one("#ci-phone-for", Label).render()).endswith("…0001")
        assert not [a for a in attention(screen) if a.kind == "phone"]
        assert parcels(station) == {"JT0000000000001": None}
        # Quick mode off again, and the refused parcel's phone typed: still checked against what was kept.
        await quiet.press(pilot, "f8")
        await settle(app, pilot)
        phone_field(screen).focus()
        await type_slowly(pilot, clock, *"13911112222", "enter")
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": None}


@pytest.mark.parametrize("refused", [False, True])
async def test_esc_clears_the_message_and_leaves_the_phone_for_its_parcel(
    app: StationApp, station: Station, bells: list[int], refused: bool
) -> None:
    """Esc says it clears the message, and a clerk presses it to silence a refusal: it also emptied the
    Phone field (a phone typed, or one kept after a refused scan) and said it was ready, so the parcel
    beside Phone went without its phone unnoticed. The phone stays, and goes to its parcel as before."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        await type_phone_at_a_persons_pace(pilot, clock, "13800138000")
        kept = "13800138000"
        if refused:
            await scan(pilot, clock, "773100000000100", gap=0.146)  # its "0" taken back as the head
            await settle(app, pilot)
            kept = "1380013800"
            assert "Partial scan" in status(screen, "#ci-message")
        await type_slowly(pilot, clock, "escape")
        await settle(app, pilot)
        assert phone_field(screen).value == kept
        assert "Partial scan" not in status(screen, "#ci-message")
        assert "Phone for 1-1-1001" in status(screen, "#ci-phone-for")  # the parcel it goes to
        if refused:
            await type_slowly(pilot, clock, "0")  # the clerk puts the last key back, in Phone still
        await scan(pilot, clock, "773100000000100")
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": "13800138000", "773100000000100": None}


async def test_a_phone_typed_at_a_persons_pace_right_before_a_scan_keeps_all_but_its_last_key(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    """Keys 150 ms apart, the next scan 150 ms after the last: its two last keys were taken back as the
    scan's head, and the rest, not a phone, was cleared with them. Only the last key may be a head now:
    the rest stays in the field for the parcel it was typed for, and the clerk is told what to do."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        assert app.focused is phone_field(screen)
        await type_phone_at_a_persons_pace(pilot, clock, "13800138000")
        assert phone_field(screen).value == "13800138000"
        await scan(pilot, clock, "773100000000100", gap=0.146)  # its first key 150 ms after the last
        await settle(app, pilot)
        assert list(parcels(station)) == ["JT0000000000001"]  # refused: the "0" may be its head
        assert parcels(station)["JT0000000000001"] is None  # nothing sent with a key missing
        assert phone_field(screen).value == "1380013800"  # only the last key taken back
        assert app.focused is phone_field(screen)  # the clerk checks the field...
        assert [i.kind for i in attention(screen)] == ["partial"] and bells == [1]
        said = status(screen, "#ci-message")
        assert "Partial scan" in said and "Check the field, then scan again" in said
        await type_slowly(pilot, clock, "0")  # ...puts the last digit back...
        await scan(pilot, clock, "773100000000100")  # ...and scans again
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": "13800138000", "773100000000100": None}
        assert attention(screen) == []  # the piece's waybill checked in


@pytest.mark.parametrize(("erased", "typed"), [(10, "13911112222"), (4, "22223")])
async def test_a_kept_phone_retyped_after_the_refusal_goes_to_no_parcel(
    app: StationApp, station: Station, bells: list[int], erased: int, typed: str
) -> None:
    """The kept phone is the parcel's before the refused scan. A clerk who erases it (all, or its end)
    instead of completing it may type the refused parcel's phone: that must not go to the parcel before."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        await type_phone_at_a_persons_pace(pilot, clock, "13800138000")
        await scan(pilot, clock, "773100000000100", gap=0.146)
        await settle(app, pilot)
        assert phone_field(screen).value == "1380013800"  # kept, to be checked
        for _key in range(erased):
            await send_keys(pilot, "backspace", settle=False)
        await settle(app, pilot)
        await type_slowly(pilot, clock, *typed, "enter")  # the refused parcel's phone
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": None}  # not given to the parcel before
        assert "scan the parcel again, then type its phone" in status(screen, "#ci-message")


@pytest.mark.parametrize("at", [1, 2])
async def test_a_real_head_split_off_right_after_a_phone_is_taken_back_and_the_phone_kept(
    app: StationApp, station: Station, bells: list[int], at: int
) -> None:
    """The scanner's first key (or two, scanner-fast) then a 150 ms hiccup, 150 ms after the clerk's
    phone: refused, its head taken back out of the field, and all of the phone kept for its parcel."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        await type_phone_at_a_persons_pace(pilot, clock, "13800138000")
        await scan_split(pilot, clock, "773100000000100", at=at, hiccup=0.15, gap=0.146)
        await settle(app, pilot)
        assert list(parcels(station)) == ["JT0000000000001"] and bells == [1]
        assert parcels(station)["JT0000000000001"] is None
        assert phone_field(screen).value == "13800138000"  # the head taken back, the phone kept
        assert app.focused is phone_field(screen)
        keys = "last key typed before it was" if at == 1 else "last 2 keys typed before it were"
        assert f"{keys} taken back. Check the field, then scan again." in status(screen, "#ci-message")
        await scan(pilot, clock, "773100000000100")
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": "13800138000", "773100000000100": None}


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Partial scan (773100000000100): it arrived in pieces, and the last key typed before it"),
        ("zh", "扫码不完整（773100000000100）：条码被拆成了几段，扫码前输入的最后 1 个键已撤回。"),
    ],
)
def test_a_refusal_that_took_a_key_back_says_to_check_the_field_and_scan_again(lang: str, said: str) -> None:
    set_language(lang)
    shown = KeyRouter.Refused("split", "773100000000100", taken_text="8").shown()
    assert shown.startswith(said)
    assert shown.endswith(
        "Check the field, then scan again." if lang == "en" else "请核对输入栏，再重新扫码。"
    )
