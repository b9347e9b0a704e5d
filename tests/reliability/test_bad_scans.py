"""Whatever a scanner types: only StationError refusals, no write on refusal, the console keeps running."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from station_helpers import act_as_new_clerk, new_database_file
from tui import quiet

from db.models import Role
from station_console.errors import StationError
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.lookup import lookup
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp

NASTY = st.one_of(
    st.text(),  # any Unicode, control characters included
    st.text(alphabet=st.characters(codec="ascii"), max_size=40),
    st.text(alphabet="\x00\x1d\r\n\t\x1b ]C1", max_size=30),
    st.sampled_from(
        [
            "",
            "\n" * 50,
            "\r\n" * 20,
            "'; DROP TABLE parcel; --",
            "1' OR '1'='1",
            "６－５－３００２",
            "]C1SF1234567890123\x1d",
            "%",
            "_",
            "0-0-0",
            "1-1-99999999999999999999",
        ]
    ),
    st.text(min_size=1, max_size=20).map(lambda s: (s * (10_240 // len(s) + 1))[:10_240]),  # 10 KB
    st.builds(lambda s: s * 2500, st.sampled_from(["JT12", "\x1d", "漢字"])),
)
TABLES = ("parcel", "parcel_event", "print_job", "notification", "layer", "code_hold")


def _rows(station: Station) -> dict[str, object]:
    path = station.engine.url.database
    con = sqlite3.connect(str(path))
    try:
        counts: dict[str, object] = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES
        }
        counts["units"] = con.execute("SELECT sum(used_units), sum(code_cursor) FROM layer").fetchone()
        return counts
    finally:
        con.close()


@pytest.fixture(scope="module")
def scan_station(tmp_path_factory: pytest.TempPathFactory) -> Station:
    path = tmp_path_factory.mktemp("scans") / "scans.sqlite3"
    station = open_station(new_database_file(path), counter="scans")
    act_as_new_clerk(station, "Li", Role.CLERK)
    check_in(station, "JT0000000000001", phone="13800135678", size="S")
    return station


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=NASTY)
def test_checkin_refuses_bad_scans_without_writing(scan_station: Station, raw: str) -> None:
    before = _rows(scan_station)
    try:
        result = check_in(scan_station, raw, size="S")
    except StationError as exc:
        assert exc.code and exc.message("zh")
        assert _rows(scan_station) == before
    else:  # it was a real waybill after all: then it is stored whole
        assert _rows(scan_station)["parcel"] == before["parcel"] + 1  # type: ignore[operator]
        assert result.pickup_code


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=NASTY)
def test_lookup_refuses_bad_queries_without_writing(scan_station: Station, query: str) -> None:
    before = _rows(scan_station)
    try:
        lookup(scan_station, query)
    except StationError as exc:
        assert exc.code and exc.message("zh")
    # Failed lookups are counted (lookup_failure) against guessing; nothing else changes.
    assert _rows(scan_station) == before


@pytest.mark.parametrize("mode, field", [("checkin", "#scan"), ("pickup", None)])
async def test_the_console_survives_bad_scans(tmp_path: Path, mode: str, field: str | None) -> None:
    from textual.widgets import Input

    station = open_station(new_database_file(tmp_path / "ui.sqlite3"), counter="ui")
    act_as_new_clerk(station, "Li", Role.CLERK)
    app = StationApp(station, CounterSettings(counter="ui"), database_label="scans", first_mode=mode)
    texts = ["'; DROP TABLE parcel; --", "\x1d\x1b[31m", "漢字" * 200, "x" * 10_000, "", "1-1-1001", "0000"]
    async with app.run_test(size=(140, 40)) as pilot:
        await quiet.settle(pilot)
        assert app.current_mode == mode
        box = app.screen.query_one(field, Input) if field else app.screen.query(Input).first()
        for text in texts:
            box.focus()
            box.value = text
            await quiet.press(pilot, "enter")
        await quiet.burst(pilot, *["enter"] * 30)  # an Enter storm
        await quiet.press(pilot, *"JT12\t\n34")
        assert app.is_running and app.return_code is None
    station.engine.dispose()
