"""A phone two people shared, taken from one of them: the parcels it left unmatched go to the other."""

from __future__ import annotations

from pathlib import Path

import pytest
from recipient_helpers import HEADERS_ZH, PEOPLE, act_as, recipient, write_csv
from station_helpers import events, parcel, wb

from db.models import EventKind, Role
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.services.recipients.import_summary import summary_lines
from station_console.services.recipients.importing import import_file
from station_console.services.recipients.phone_links import with_linked

SHARED = "13600005555"


@pytest.fixture
def campus(station: Station, tmp_path: Path) -> Station:
    """A manager signed in, the four people of PEOPLE in the directory."""
    act_as(station, Role.MANAGER, "boss")
    import_file(station, write_csv(tmp_path / "people.csv", [HEADERS_ZH, *PEOPLE]))
    return station


def owner(station: Station, parcel_id: int) -> int | None:
    return parcel(station, parcel_id).recipient_id


def test_deactivating_one_of_two_sharing_a_phone_links_its_waiting_parcels_to_the_other(
    campus: Station,
) -> None:
    first = directory.add(campus, {"name": "乙", "phones": SHARED})
    second = directory.add(campus, {"name": "丙", "phones": SHARED})
    waiting = check_in(campus, wb(1), phone=SHARED)
    assert owner(campus, waiting.parcel_id) is None  # two people share it at check-in
    view = directory.set_active(campus, first.id, False)
    assert owner(campus, waiting.parcel_id) == second.id
    assert view.parcels_left_to_other == 1 and view.parcels_linked == 0
    assert events(campus, EventKind.RECIPIENT_LINKED)[-1].parcel_id == waiting.parcel_id
    assert with_linked("Saved: 乙", 0, (), view.parcels_left_to_other) == (
        "Saved: 乙. 1 parcel on the shelves with a phone they shared is now matched to the one other "
        "person who has that phone."
    )
    set_language("zh")
    try:
        assert with_linked("已保存：乙", 0, (), 2) == (
            "已保存：乙。货架上有 2 个包裹的手机号原与此人共用，现已匹配给仍用该号的另一人。"
        )
    finally:
        set_language("en")
    # Deactivating someone whose phone nobody else has links nothing.
    assert directory.set_active(campus, "00125", False).parcels_left_to_other == 0


def test_an_edit_taking_a_shared_phone_off_one_links_its_waiting_parcels_to_the_other(
    campus: Station,
) -> None:
    first = directory.add(campus, {"name": "乙", "phones": f"13600006666,{SHARED}"})
    second = directory.add(campus, {"name": "丙", "phones": SHARED})
    third = directory.add(campus, {"name": "丁", "phones": "13600007777"})
    waiting = check_in(campus, wb(1), phone=SHARED)
    assert owner(campus, waiting.parcel_id) is None
    assert directory.edit(campus, first.id, {"room": "101"}).parcels_left_to_other == 0
    view = directory.edit(campus, first.id, {"phones": "13600006666"})
    assert view.parcels_left_to_other == 1 and owner(campus, waiting.parcel_id) == second.id
    # Three holders, one dropped: still shared by two, no guess.
    directory.edit(campus, third.id, {"phones": f"13600007777,{SHARED}"})
    directory.edit(campus, first.id, {"phones": f"13600006666,{SHARED}"})
    again = check_in(campus, wb(2), phone=SHARED)
    assert directory.edit(campus, first.id, {"phones": "13600006666"}).parcels_left_to_other == 0
    assert owner(campus, again.parcel_id) is None


def test_a_full_import_deactivating_one_of_two_sharing_a_phone_links_to_the_other(
    campus: Station, tmp_path: Path
) -> None:
    other = directory.add(campus, {"name": "乙", "phones": "13812345678"})  # 张三 (00123)'s phone too
    waiting = check_in(campus, wb(1), phone="13812345678")
    assert owner(campus, waiting.parcel_id) is None
    rest = [row for row in PEOPLE if row[0] != "00123"]
    result = import_file(campus, write_csv(tmp_path / "without.csv", [HEADERS_ZH, *rest]), full=True)
    assert result.deactivated == 1 and result.left_to_other == 1
    assert owner(campus, waiting.parcel_id) == other.id
    assert not recipient(campus, "00123").active
    assert any("now matched to the one other person" in line for line in summary_lines(result))


def test_an_import_changing_a_shared_phone_off_one_links_to_the_other(
    campus: Station, tmp_path: Path
) -> None:
    other = directory.add(campus, {"name": "乙", "phones": "13987654321"})  # 李四 (00124)'s phone too
    waiting = check_in(campus, wb(1), phone="13987654321")
    assert owner(campus, waiting.parcel_id) is None
    rows = [row if row[0] != "00124" else [*row[:2], "13900001111", *row[3:]] for row in PEOPLE]
    result = import_file(campus, write_csv(tmp_path / "moved.csv", [HEADERS_ZH, *rows]))
    assert result.left_to_other == 1 and owner(campus, waiting.parcel_id) == other.id
