"""A change of this counter's settings reads in `station audit activity` as what it was: the event,
who at which counter, and each setting by its title with its old and new value, in English and in
Chinese; a secret by its name alone."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import FakeClock
from sqlmodel import select

from db.engine import create_station_engine
from db.models import Clerk
from station_console.services.admin.counter import change_counter_settings
from station_console.services.core.station import Station
from station_console.settings import load_counter_settings

BEFORE = (
    'counter = "front"\nwedge_max_key_gap_ms = 30\nwedge_terminator = "enter"\n\n'
    '[printer]\nlanguage = "tspl"\ntransport = "tcp"\ntarget = "10.0.0.5:9100"\n\n'
    '[ewaybill]\nkind = "fake"\ntoken = "old-token-1234"\n'
)


def change_as_the_manager(db_url: str, clock: FakeClock) -> None:
    Path(os.environ["STATION_CONFIG"]).write_text(BEFORE, encoding="utf-8")
    # The commands' clock, as the commands that read the event back: not the machine's.
    station = Station(engine=create_station_engine(db_url), counter="front", clock=clock)
    try:
        with station.read() as session:
            boss = session.exec(select(Clerk).where(Clerk.name == "Boss")).one()
        station.clerk_id, station.clerk_role = boss.id, boss.role
        old = load_counter_settings()
        new = old.model_copy(
            update={
                "wedge_max_key_gap_ms": 60,
                "wedge_terminator": "tab",
                "printer": {**old.printer, "target": "10.0.0.9:9100"},
                "ewaybill": {"kind": "fake", "token": "new-token-5678"},
            }
        )
        change_counter_settings(station, new)
    finally:
        station.engine.dispose()


def the_event_line(output: str, kind: str) -> str:
    [line] = [line for line in output.splitlines() if kind in line and "@front" in line]
    return line


def test_the_change_reads_old_and_new_in_english(run, db_url: str, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    change_as_the_manager(db_url, clock)
    result = run("--clerk", "Boss", "--pin", "2580", "audit", "activity", "Boss")
    assert result.exit_code == 0, result.output
    line = the_event_line(result.stdout, "counter settings changed")
    assert "Boss@front" in line
    assert "Label printer · Target: 10.0.0.5:9100 → 10.0.0.9:9100" in line
    assert "Largest key gap (ms): 30 → 60" in line
    assert "Terminator: Enter → Tab" in line
    assert "secrets changed (not recorded): E-waybill provider · token" in line
    assert "token-" not in result.stdout


def test_the_change_reads_old_and_new_in_chinese(run, db_url: str, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    change_as_the_manager(db_url, clock)
    result = run("--clerk", "Boss", "--pin", "2580", "audit", "activity", "Boss", lang="zh")
    assert result.exit_code == 0, result.output
    line = the_event_line(result.stdout, "柜台设置已更改")
    assert "标签打印机 · 目标：10.0.0.5:9100 → 10.0.0.9:9100" in line
    assert "结束键：回车 → Tab 键" in line
    assert "密钥类选项已更改（不记录其值）：电子面单服务 · token" in line
    assert "token-" not in result.stdout
