"""Driving Settings > Recipients like a clerk, for the recipients tests: a few people in the directory,
the directory opened from Settings, a worker's answer waited for on screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Static

from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.tui.app import StationApp
from tui import quiet

# A directory file's headings as a school's export has them (GBK when written so).
HEADERS = "学号,姓名,手机,楼栋,单元,房间\r\n"


async def until(pilot: Any, check: Callable[[], bool]) -> None:
    """Wait for a thread worker's result to reach the screen."""
    await quiet.until(pilot, check, what="the screen never showed it")


def text_of(app: StationApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def people(station: Station) -> dict[str, int]:
    found = {}
    for name, building, room, phone in (
        ("张三", "A3", "502", "13812345678"),
        ("李四", "A3", "1203", "13987654321"),
        ("[b]Bold[/b]", "B1", "101", "13700001111"),
    ):
        found[name] = directory.add(
            station, {"name": name, "building": building, "room": room, "phones": phone}
        ).id
    return found


async def open_recipients(app: StationApp, pilot: Any) -> None:
    """From Settings (the test's `first_mode`), its recipients directory."""
    await quiet.settle(pilot)
    await quiet.press(pilot, "f12")
    await until(pilot, lambda: "people" in text_of(app, "#rc-status"))
