"""Check-in: the parcel just checked in scanned again (a scanner's double read, a hurried clerk) stays the
parcel in hand. It was refused loudly and cleared as the current parcel, its phone then only through F9."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from db.models import ParcelEvent
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui.checkin_driver import (
    attention,
    db_counts,
    jobs_of,
    parcels,
    phone_field,
    scan,
    settle,
    start,
    status,
    type_slowly,
)

WAYBILL = "JT0000000000001"


def events(station: Station) -> list[str]:
    with station.read() as s:
        return [str(k) for k in s.exec(select(ParcelEvent.kind).order_by(col(ParcelEvent.id))).all()]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Scanned twice: JT0000000000001 is already checked in ({code}). Type its phone."),
        ("zh", "重复扫码：JT0000000000001 已入库（取件码 {code}）。请输入它的手机号。"),
    ],
)
async def test_a_double_read_keeps_the_parcel_current_and_its_phone_goes_to_it(
    app: StationApp, station: Station, bells: list[int], lang: str, said: str
) -> None:
    set_language(lang)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, WAYBILL)
        await settle(app, pilot)
        before = events(station)
        code = screen.results[-1].pickup_code
        await scan(pilot, clock, WAYBILL, gap=0.05)  # the scanner read it twice
        await settle(app, pilot)
        assert attention(screen) == [] and bells == []  # no loud refusal, nothing to dismiss
        assert status(screen, "#ci-message") == said.format(code=code)
        assert screen.current is not None and screen.current.result is not None
        assert screen.current.result.pickup_code == code  # still the parcel in hand
        assert code in status(screen, "#ci-phone-for")
        assert app.focused is phone_field(screen)
        assert db_counts(station) == (1, 1, 0) and events(station) == before  # nothing written
        await type_slowly(pilot, clock, *"13812345678", "enter")
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: "13812345678"}
        assert jobs_of(station, screen.results[-1].parcel_id) == ["queued"]  # its one label, with the phone
        assert db_counts(station) == (1, 1, 1)  # the customer told once


async def test_a_double_read_while_the_phone_is_half_typed_leaves_the_half_in_place(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    """It cleared the half phone ("not a phone, cleared") and took the parcel away from the phone."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, WAYBILL)
        await type_slowly(pilot, clock, *"1381")
        await scan(pilot, clock, WAYBILL)  # a second read lands mid-phone
        await settle(app, pilot)
        assert phone_field(screen).value == "1381" and app.focused is phone_field(screen)
        assert attention(screen) == [] and bells == []
        assert "Scanned twice" in status(screen, "#ci-message")
        await type_slowly(pilot, clock, *"2345678", "enter")
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: "13812345678"}
        assert db_counts(station) == (1, 1, 1)
        assert "Refused this session: 0" in status(screen, "#ci-refused")


async def test_scanned_again_once_its_phone_is_saved_says_so_calmly_and_asks_for_nothing(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, WAYBILL)
        await type_slowly(pilot, clock, *"5678", "enter")
        await settle(app, pilot)
        code = screen.results[-1].pickup_code
        await scan(pilot, clock, WAYBILL)  # a second clerk at the counter scans it too
        await settle(app, pilot)
        assert status(screen, "#ci-message") == (
            f"Scanned twice: {WAYBILL} is already checked in ({code}). Ctrl+Y reprints its label."
        )
        assert attention(screen) == [] and bells == []
        assert code in status(screen, "#ci-phone-for") and app.focused is screen.query_one("#scan")
        assert db_counts(station) == (1, 1, 0)  # a phone's last 4 digits text nobody


@pytest.mark.parametrize(
    ("lang", "offered", "queued"),
    [
        ("en", "Ctrl+Y reprints its label.", "Label queued again"),
        ("zh", "按 Ctrl+Y 补打它的标签。", "标签已重新加入打印队列"),
    ],
)
async def test_ctrl_y_after_a_parcel_scanned_twice_reprints_its_label_once(
    app: StationApp, station: Station, bells: list[int], lang: str, offered: str, queued: str
) -> None:
    """Scanned again because its label was lost: the refusal the calm line replaced offered Ctrl+Y's
    reprint, and the calm line offers it too. Ctrl+Y pressed twice queues one label."""
    set_language(lang)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, WAYBILL)
        await type_slowly(pilot, clock, *"5678", "enter")
        await settle(app, pilot)
        parcel_id = screen.results[-1].parcel_id
        assert jobs_of(station, parcel_id) == ["queued"]
        await scan(pilot, clock, WAYBILL)  # the label lost: the clerk scans the parcel again
        await settle(app, pilot)
        assert status(screen, "#ci-message").endswith(offered)
        await type_slowly(pilot, clock, "ctrl+y", "ctrl+y")
        await settle(app, pilot)
        assert queued in status(screen, "#ci-message")
        assert sorted(jobs_of(station, parcel_id)) == ["cancelled", "queued"]  # one sticker
        assert attention(screen) == [] and bells == []
