"""A parcel checked in with no phone and no name: the Pickup screen's second check asked the clerk to
check the customer's name or phone against "-". It asks for what the parcel does carry: its carrier, and
its waybill's last four when the customer did not give the waybill itself."""

from __future__ import annotations

import pytest
from station_helpers import configure

from db.models import Role
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui.pickup_driver import Clerk_, sign_in, statuses


@pytest.mark.first_mode("pickup")
async def test_a_waybill_with_no_phone_or_name_asks_for_its_carrier(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    parcel = check_in(station, "SF1400000000017")
    async with console.run_test(size=(120, 40)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(parcel.waybill)
        check = clerk.text("#pk-check")
        assert check == "No phone or name on record: ask which carrier it came with: SF, waybill 0017"
        await clerk.scan(parcel.waybill)
        await clerk.key("f10")
        said = clerk.text("#pk-message")
        assert "(SF, waybill 0017). Checked?" in said and "(-)" not in said, said
        assert statuses(station)[parcel.waybill] == "on_shelf"
        await clerk.key("f10")
        assert statuses(station)[parcel.waybill] == "picked_up"


@pytest.mark.first_mode("pickup")
async def test_a_code_with_no_phone_to_ask_the_tail_of_asks_for_the_waybills_tail_zh(
    station: Station, console: StationApp
) -> None:
    configure(station, verification_policy="code_and_tail")
    sign_in(station, Role.CLERK)
    parcel = check_in(station, "SF1400000000025")
    set_language("zh")
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(parcel.pickup_code)
        check = clerk.text("#pk-check")
        assert check == "没有登记手机号或姓名：请询问快递公司和运单号后 4 位：SF，运单尾号 0025", check
        await clerk.scan(parcel.waybill)
        await clerk.key("f10")
        said = clerk.text("#pk-message")
        assert "（SF，运单尾号 0025）" in said and "手机尾号" not in said, said
