"""`station init --demo`: a week that balances every day, through the real services and the CLI."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FakeClock, isolate
from station_helpers import commands_at, copy_database_file, fold_wal, new_database_file

from station_console.cli import cli
from station_console.commands.setup import ADDED_LINES
from station_console.services.admin.demo import DEMO_PIN, _plan, waybill_for
from station_console.services.core.station import Station

# The tests on the demo week, for one worker to make it once (see `demo_week`).
ON_THE_DEMO_WEEK = pytest.mark.xdist_group("demo week")
# The demo week's "now", for its making and every command on it: a Wednesday afternoon in Shanghai, as
# the real clock's midnight would otherwise pass between the week made and the days the test reports on.
DEMO_NOW = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _demo_now(monkeypatch: pytest.MonkeyPatch) -> None:
    commands_at(monkeypatch, FakeClock(DEMO_NOW))


@pytest.fixture(scope="module")
def demo_week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`station init --demo` on a new database, once for the module: the week is made from the
    clock (today and the six days before, the clock at `DEMO_NOW`), and every test on it gets a copy
    (`demo_db`)."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, folder)
        patch.setenv("STATION_DEMO_SCALE", "0.12")  # the shape of a week at an eighth of the volume
        commands_at(patch, FakeClock(DEMO_NOW))
        url = new_database_file(path)  # as the first command leaves it: migrated, empty
        args = ["--db", url, "init", "--demo", "--timezone", "Asia/Shanghai", "--json"]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    added = json.loads(result.output)["added"]
    assert added["demo_parcels"] > 100 and added["demo_pickups"] > 0.6 * added["demo_parcels"]
    assert added["demo_write_offs"] == 1 and added["demo_returns"] >= 1 and added["demo_closed_days"] == 2
    assert set(added) <= set(ADDED_LINES), "each count `init` reports has its line"
    fold_wal(path)
    return path


@pytest.fixture
def demo_db(demo_week: Path, tmp_path: Path) -> str:
    return copy_database_file(demo_week, tmp_path / "demo.sqlite3")


def report(url: str, day: date) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(
        cli,
        ["--db", url, "--clerk", "demo-clerk", "--pin", DEMO_PIN, "report", "--date", day.isoformat()]
        + ["--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@ON_THE_DEMO_WEEK
def test_every_day_of_the_demo_week_balances(demo_db: str) -> None:
    reports = [report(demo_db, DEMO_TODAY - timedelta(days=n)) for n in range(6, -1, -1)]
    for rep in reports:
        assert rep["balanced"] is True and rep["differences"] == [], rep["date"]
        assert set(rep["totals"]) == {
            "opening",
            "checked_in",
            "picked_up",
            "returned",
            "written_off",
            "closing",
            "fees_cents",
        }
    for before, after in zip(reports, reports[1:], strict=False):
        assert before["totals"]["closing"] == after["totals"]["opening"]
    assert [r["closed"] is not None for r in reports] == [True, True, False, False, False, False, False]
    assert all(r["closed"]["matches"] for r in reports[:2])
    assert sum(r["totals"]["checked_in"] for r in reports[:-1]) > 80  # the six full days are busy
    assert sum(r["totals"]["written_off"] for r in reports) == 1
    assert sum(r["totals"]["returned"] for r in reports) >= 1
    assert sum(r["overdue"]["totals"]["red"] + r["overdue"]["totals"]["return"] for r in reports) > 0
    week = reports[-2]
    assert week["time_to_pickup"]["median_minutes"] < 48 * 60  # most parcels leave within two days
    assert {c["clerk"] for c in week["per_clerk"]} == {"demo-clerk", "demo-manager"}


@ON_THE_DEMO_WEEK
def test_the_demo_has_parcels_past_their_return_deadline_of_two_carriers(demo_db: str) -> None:
    """A lot left from before the week: Overdue's return candidates, so its "send back those due" has
    parcels to take, and one carrier's at a time (a batch takes one carrier's)."""
    args = [
        "--db",
        demo_db,
        "--clerk",
        "demo-clerk",
        "--pin",
        DEMO_PIN,
        "overdue",
        "--band",
        "return",
        "--json",
    ]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    due = json.loads(result.stdout)["parcels"]
    assert {row["band"] for row in due} == {"return"}
    assert Counter(row["carrier"] for row in due) == {"ZTO": 2, "YTO": 1}
    assert all(row["age_hours"] >= 9 * 24 and row["status"] == "on_shelf" for row in due)


def test_a_full_scale_week_plans_a_small_stations_volume(station: Station) -> None:
    days = [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]
    plan = _plan(station, days, 1.0, random.Random(8))
    per_day = Counter(station.business_day(t.at) for t in plan)
    assert set(per_day) == set(days)
    assert all(150 <= n <= 400 for n in per_day.values()), per_day
    assert per_day[days[0]] > per_day[days[6]]  # Monday busier than Sunday
    carriers = Counter(t.data["carrier"] for t in plan)
    assert carriers.most_common(1)[0][0] == "ZTO" and len(carriers) == 9


def test_demo_waybills_are_detected_as_their_carrier(station: Station) -> None:
    from station_console.services.scan.carriers import get_detector

    rng = random.Random(1)
    detector = get_detector(station)
    for carrier in ("SF", "ZTO", "YTO", "JT", "STO", "YUNDA", "JD", "EMS", "CAINIAO"):
        for _ in range(5):
            found = detector.detect(waybill_for(carrier, rng), batch=carrier)
            assert found.best is not None and found.best.carrier == carrier and not found.conflict


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        out = {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("parcel", "clerk", "day_close", "print_job", "notification", "parcel_event")
        }
    engine.dispose()
    return out


@pytest.mark.parametrize("live", ["parcel", "clerk"])
def test_demo_refuses_a_database_with_real_data(tmp_path: Path, live: str) -> None:
    from station_console.services.admin.setup import open_station
    from station_console.services.checkin.transaction import check_in
    from station_console.services.people.clerks import create_first_manager, sign_in

    url = new_database_file(tmp_path / "live.sqlite3")
    station = open_station(url)
    create_first_manager(station, "Wang", "9071")
    if live == "parcel":
        sign_in(station, "Wang", "9071")
        check_in(station, "JT0000000000001", phone="13812345678")
    station.engine.dispose()
    before = _counts(url)
    # Even the station's manager gets no demo parcels in a live database.
    result = CliRunner().invoke(cli, ["--db", url, "--clerk", "Wang", "--pin", "9071", "init", "--demo"])
    assert result.exit_code == 1
    assert "demo data would mix" in result.output and "demo.sqlite3" in result.output
    assert _counts(url) == before  # not one demo parcel, clerk or close


@ON_THE_DEMO_WEEK
def test_a_demo_database_prints_and_sends_nothing(demo_db: str) -> None:
    from sqlmodel import select

    from db.models import Notification, PrintJob
    from station_console.services import notify
    from station_console.services.admin.setup import open_station
    from station_console.services.notify.channels import DummyChannel
    from station_console.services.printing import sending
    from station_console.stored_messages import stored_text

    station = open_station(demo_db)
    with station.read() as session:
        job_states = set(session.exec(select(PrintJob.status)).all())
        note_states = set(session.exec(select(Notification.status)).all())
    assert job_states == {"printed"} and note_states <= {"sent", "cancelled"}
    # Why nothing reached a device, in the reader's language.
    with station.read() as session:
        notes = set(session.exec(select(PrintJob.last_error)).all())
    assert {stored_text(n, "zh") for n in notes} == {"演示数据：从未发往设备"}
    assert {stored_text(n, "en") for n in notes} == {"Demo data: never sent to a device"}
    assert station.settings().notify_channel == "none" and station.settings().reminder_policy == "off"
    assert notify.run_once(station).messages == 0  # the channel chosen for a demo: none
    channel = DummyChannel()
    assert notify.run_once(station, channel).messages == 0 and channel.sent == []  # nothing left to send

    class Printer:
        name = "real"

        def can_print(self, kind: str) -> bool:
            return True

        def send(self, data: bytes, about: tuple[str, ...] = ()) -> None:
            raise AssertionError("a demo label reached a printer")

    assert sending.process_queue(station, Printer()).printed == []
    station.engine.dispose()
    again = CliRunner().invoke(cli, ["--db", demo_db, "init", "--demo"])
    assert again.exit_code == 1  # a second week on top is refused too


def test_init_takes_the_stations_time_zone_and_opening_hours(tmp_path: Path) -> None:
    from station_console.services.admin.setup import open_station

    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    ok = CliRunner().invoke(
        cli, ["--db", url, "init", "--timezone", "Asia/Shanghai", "--opening-hours", "08:30-20:00"]
    )
    assert ok.exit_code == 0, ok.output
    station = open_station(url)
    assert (station.settings().timezone, station.settings().opening_hours) == ("Asia/Shanghai", "08:30-20:00")
    station.engine.dispose()
    bad = CliRunner().invoke(cli, ["--db", url, "init", "--timezone", "Mars/Olympus"])
    assert bad.exit_code == 1 and "Unknown time zone Mars/Olympus" in bad.output
    hours = CliRunner().invoke(cli, ["--db", url, "init", "--opening-hours", "all day"])
    assert hours.exit_code == 1 and "09:00-21:00" in hours.output
