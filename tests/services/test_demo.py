"""`station init --demo`: a week that balances every day, through the real services and the CLI."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from station_console.cli import cli
from station_console.services.admin.demo import DEMO_PIN, _plan, waybill_for
from station_console.services.core.station import Station


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("STATION_DEMO_SCALE", "0.12")  # the shape of a week at an eighth of the volume
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = CliRunner().invoke(cli, ["--db", url, "init", "--demo", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    added = json.loads(result.output)["added"]
    assert added["demo_parcels"] > 100 and added["demo_pickups"] > 0.6 * added["demo_parcels"]
    assert added["demo_write_offs"] == 1 and added["demo_returns"] >= 1 and added["demo_closed_days"] == 2
    return url


def report(url: str, day: date) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(
        cli,
        ["--db", url, "--clerk", "demo-clerk", "--pin", DEMO_PIN, "report", "--date", day.isoformat()]
        + ["--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_every_day_of_the_demo_week_balances(demo_db: str) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from station_console.services.admin.setup import open_station

    station = open_station(demo_db)
    today = datetime.now(UTC).astimezone(ZoneInfo(station.settings().timezone)).date()
    station.engine.dispose()
    reports = [report(demo_db, today - timedelta(days=n)) for n in range(6, -1, -1)]
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
