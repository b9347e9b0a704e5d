"""Where Reports' F9 (F10, F11) saves the day: a counter with a PDF printer writing into a folder gets it
there, not in the data folder every counter of the PC shares; a second save of the day never replaces
the first (printed and signed, maybe), and the toast names the file written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from tui import quiet
from tui.conftest import PersonPace, sign_in_manager
from tui.reports_helpers import open_reports, seed


async def test_a_counter_with_a_pdf_printer_gets_its_report_in_its_folder_never_over_one(
    station: Station, tmp_path: Path
) -> None:
    seed(station)
    papers = tmp_path / "counter-2-papers"
    papers.mkdir()
    sign_in_manager(station)
    counter = CounterSettings(
        counter="counter-2",
        printers={"a4": {"language": "pdf", "transport": "file", "target": f"{papers}/"}},
    )
    app = StationApp(station, counter, database_label="SQLite test", first_mode="reports")
    app.key_bounce.clock = PersonPace()
    async with app.run_test(size=(140, 45)) as pilot:
        await open_reports(app, pilot)
        await quiet.press(pilot, "f9")
        await quiet.settle(pilot)
        day = station.business_day().isoformat()
        first = papers / f"report-{day}.pdf"
        signed = first.read_bytes()
        assert signed.startswith(b"%PDF")
        await quiet.press(pilot, "f9")
        await quiet.settle(pilot)
        said = [str(n.message) for n in app._notifications]
    again = papers / f"report-{day}-2.pdf"
    assert again.read_bytes().startswith(b"%PDF") and first.read_bytes() == signed
    assert f"Wrote {first}" in said and f"Wrote {again}" in said
    shared = Path(os.environ["XDG_DATA_HOME"]) / "station-console" / "reports"
    assert not shared.exists()


@pytest.mark.parametrize("name", ["counter-2", "前台 2/东"])
def test_two_counters_sharing_the_data_folder_save_the_day_under_two_names(name: str) -> None:
    from station_console.services.day.export import report_file

    report = {"date": "2026-11-25"}
    one = report_file(report, "pdf", CounterSettings(counter="counter-1"))
    other = report_file(report, "pdf", CounterSettings(counter=name))
    assert one.parent == other.parent and one != other
    assert one.name == "report-2026-11-25-counter-1.pdf"
    assert "/" not in other.name and other.name.startswith("report-2026-11-25-")


def test_a_pdf_printers_folder_not_there_is_not_made_the_report_goes_to_the_data_folder(
    tmp_path: Path,
) -> None:
    """A share not mounted: the report was written into a folder made in its place on the local disk."""
    from station_console.services.day.export import report_file

    gone = tmp_path / "share" / "papers"
    counter = CounterSettings(
        counter="counter-2", printer={"language": "pdf", "transport": "file", "target": f"{gone}/"}
    )
    path = report_file({"date": "2026-11-25"}, "pdf", counter)
    assert path == Path(os.environ["XDG_DATA_HOME"]) / "station-console" / "reports" / (
        "report-2026-11-25-counter-2.pdf"
    )
    assert not gone.parent.exists()


async def test_the_console_names_its_report_after_the_counter_it_was_opened_as(station: Station) -> None:
    """`station --counter test-counter` on a PC whose counter.toml says counter-1: the report was saved
    under counter-1's name, over what that counter saves in the folder both share."""
    seed(station)
    sign_in_manager(station)
    counter = CounterSettings(counter="counter-1")
    app = StationApp(station, counter, database_label="SQLite test", first_mode="reports")
    app.key_bounce.clock = PersonPace()
    async with app.run_test(size=(140, 45)) as pilot:
        await open_reports(app, pilot)
        await quiet.press(pilot, "f11")
        await quiet.settle(pilot)
    folder = Path(os.environ["XDG_DATA_HOME"]) / "station-console" / "reports"
    assert station.counter == "test-counter"
    assert [p.name for p in folder.iterdir()] == [
        f"report-{station.business_day().isoformat()}-test-counter.json"
    ]
