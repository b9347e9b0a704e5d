"""Pickup's line for what to fetch: one parcel is fetched in no order, in either language (Chinese has
one plural form for every count, and said "fetch them in this order" for one parcel)."""

from __future__ import annotations

import pytest

from db.models import Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui.pickup_driver import ANN, Clerk_, receive, sign_in

SAID = {
    ("en", 1): "1 parcel: fetch it and scan it.",
    ("en", 2): "2 parcels: fetch them in this order and scan each.",
    ("zh", 1): "共 1 件：请取件并扫描。",
    ("zh", 2): "共 2 件：请按此顺序取件并逐件扫描。",
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("count", [1, 2])
@pytest.mark.first_mode("pickup")
async def test_one_parcel_has_its_own_sentence(
    station: Station, console: StationApp, language: str, count: int
) -> None:
    set_language(language)
    sign_in(station, Role.CLERK)
    parcels = [receive(station, n + 1, ANN) for n in range(count)]
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(parcels[0].pickup_code)
        assert clerk.progress() == ("0", str(count))
        said = clerk.text("#pk-message")
        assert said.startswith(SAID[language, count]), said
