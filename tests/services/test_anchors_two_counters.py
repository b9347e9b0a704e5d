"""Audit anchors on a station of two counters: a day closed at one counter, reopened and closed again
at the other, still verifies at the first; a close changed behind its anchor is still caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeClock, isolate
from day_helpers import a_closed_day, act_as_manager
from sqlmodel import Session, select

from db.models import DayClose
from station_console.services.core.station import Station
from station_console.services.day.close import close_day, reopen_day
from station_console.services.people import audit_trail as auditlog


def as_counter(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """This counter's own counter.toml, secrets (its audit key) and anchor file."""
    isolate(monkeypatch, folder)


@pytest.fixture
def closed_at_c1(
    new_station: Station, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Station:
    as_counter(monkeypatch, tmp_path / "c1")
    a_closed_day(new_station, clock)
    assert auditlog.verify(new_station).ok
    return new_station


def test_a_day_closed_again_at_the_other_counter_still_verifies_at_the_first(
    closed_at_c1: Station, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = closed_at_c1.local_date(clock.now)
    c2 = Station(engine=closed_at_c1.engine, counter="c2", clock=clock)
    act_as_manager(c2, "boss2")
    as_counter(monkeypatch, tmp_path / "c2")
    clock.advance(minutes=5)
    reopen_day(c2, day, "a parcel was counted twice")
    close_day(c2, day)
    assert auditlog.verify(c2).ok

    as_counter(monkeypatch, tmp_path / "c1")
    result = auditlog.verify(closed_at_c1)
    assert result.ok, result.message()
    assert result.anchored == 1  # its own close of the day, which the trail still runs through


def test_a_close_changed_behind_its_anchor_without_a_reopen_is_still_caught(closed_at_c1: Station) -> None:
    """Said to be another counter's close, with no reopening of the day in the trail: not a close again."""
    with Session(closed_at_c1.engine) as session:
        row = session.exec(select(DayClose)).one()
        heads = dict(row.audit_heads or {})
        heads["counter"] = "c2"
        row.audit_heads, row.sha256 = heads, "0" * 64
        session.add(row)
        session.commit()
    result = auditlog.verify(closed_at_c1)
    assert not result.ok
    assert result.reason == "anchor_mismatch"
