"""The station's name where it is shown: a name nobody typed is the default in the reader's language,
whatever language the station was set up in; a name a manager typed reads as typed in both."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from day_helpers import act_as_manager

from station_console.i18n import set_language
from station_console.services.admin.settings import save_station_settings
from station_console.services.admin.setup import open_station
from station_console.services.core.station import Station
from station_console.services.day.export import to_text
from station_console.services.day.report import build_report
from station_console.services.printing.render import receipt_document
from station_console.settings_in_house import shown_station_name

RECEIPT = {"at": datetime(2026, 11, 25, 10, tzinfo=UTC).isoformat(), "counter": "c1", "parcels": []}


@pytest.mark.parametrize("set_up_in", ["en", "zh"])
def test_a_new_station_reads_its_default_name_in_each_readers_language(
    tmp_path: Path, set_up_in: str
) -> None:
    set_language(set_up_in)
    station = open_station(f"sqlite:///{tmp_path / 'station.sqlite3'}")
    set_language("en")
    assert station.settings().name_shown() == "Parcel Station"
    assert receipt_document(station, RECEIPT, "zh").meta[0] == "快递驿站"
    assert receipt_document(station, RECEIPT, "en").meta[0] == "Parcel Station"


@pytest.mark.parametrize("stored", ["Parcel Station", "快递驿站"])
def test_a_default_an_older_set_up_stored_is_nobodys_name(stored: str) -> None:
    assert (shown_station_name(stored, "en"), shown_station_name(stored, "zh")) == (
        "Parcel Station",
        "快递驿站",
    )


def test_a_typed_name_reads_as_typed_in_both_languages(station: Station) -> None:
    act_as_manager(station, "mei")
    named = station.settings().model_copy(update={"station_name": "北门驿站"})
    station.run(lambda session: save_station_settings(session, station, named))
    for lang in ("en", "zh"):
        assert station.settings().name_shown(lang) == "北门驿站"
        assert receipt_document(station, RECEIPT, lang).meta[0] == "北门驿站"


def test_the_day_reports_title_reads_the_default_in_the_readers_language(station: Station) -> None:
    report = build_report(station, date(2026, 11, 24))
    assert report["station"] == "Parcel Station"  # the figures keep the name as stored
    set_language("zh")
    try:
        title = to_text(report).splitlines()[0]
    finally:
        set_language("en")
    assert title.startswith("快递驿站")
