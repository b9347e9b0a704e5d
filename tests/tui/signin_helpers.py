"""What the sign-in tests (test_signin.py, test_signin_first_run.py, test_activity_screen.py) share: the
console as `station` opens it, asking for a sign-in, and what it shows."""

from __future__ import annotations

import html
import re

from sqlmodel import col, select

from db.models import ParcelEvent
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from tui import quiet


def console(station: Station) -> StationApp:
    return StationApp(
        station, CounterSettings(counter="test-counter"), database_label="SQLite test", require_sign_in=True
    )


def header_text(app: StationApp) -> str:
    return " ".join(str(w.render()) for w in app.screen.query("StationHeader Static"))


def drawn(app: StationApp) -> str:
    """The text of every cell drawn now, whichever screen it belongs to (the screenshot's text)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]*>|\s", "", svg.split("<g class=", 1)[-1]))


def kinds(station: Station) -> list[str]:
    with station.read() as session:
        return [e.kind for e in session.exec(select(ParcelEvent).order_by(col(ParcelEvent.id))).all()]


async def type_into(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Keys and Enter, then until the sign-in's worker has answered (one pause is not enough under load)."""
    await quiet.press(pilot, *text, "enter")
