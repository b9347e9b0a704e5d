"""Shared fixtures: a fresh, seeded database per test; no developer config leaks in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)
from db.engine import create_station_engine
from station_console.i18n import set_language
from station_console.services.setup import init_station
from station_console.services.station import Station


class FakeClock:
    """A clock the test moves by hand; starts on a Wednesday morning, station time UTC+8."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep the developer's own config, database and language out of every test."""
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "counter.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for var in ("STATION_DB", "STATION_LANG", "STATION_COUNTER", "STATION_CLERK", "STATION_PIN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


@pytest.fixture
def station(db_url: str, clock: FakeClock) -> Iterator[Station]:
    """A new SQLite file with the tables, carriers, the default shelf layout, zone Asia/Shanghai."""
    engine = create_station_engine(db_url)
    SQLModel.metadata.create_all(engine)
    st = Station(engine=engine, counter="test-counter", clock=clock)
    init_station(st, timezone="Asia/Shanghai")
    yield st
    engine.dispose()
