"""Live view in the console: another counter's check-in reaches the active screen within a second, and
a settings or carrier change made at another counter (or with `station`) the next check-in and the
screens that show the settings."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from click.testing import CliRunner
from textual.message import Message
from textual.widgets import Input, Static

from station_console.cli import cli
from station_console.services.admin.settings import save_station_settings
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.scan.carriers import update_carrier
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens.checkin import CheckinScreen
from tui import checkin_driver, quiet
from tui.checkin_driver import KeyClock
from tui.other_counter import another_counter


@pytest.mark.first_mode("shelves")
def changes_seen() -> tuple[list[LiveBridge.Changed], Callable[[Message], None]]:
    """The live view's messages to the screens, listed by the message hook this returns."""
    seen: list[LiveBridge.Changed] = []

    def hook(message: Message) -> None:
        if isinstance(message, LiveBridge.Changed):
            seen.append(message)

    return seen, hook


async def test_another_counters_check_in_refreshes_the_shelf_map(
    app: StationApp, station: Station, db_url: str
) -> None:
    seen: list[tuple[float, LiveBridge.Changed]] = []

    def hook(message: Message) -> None:
        if isinstance(message, LiveBridge.Changed):
            seen.append((time.monotonic(), message))

    async with app.run_test(message_hook=hook) as pilot, another_counter(station, db_url) as other:
        await quiet.press(pilot, "f4")
        screen = app.screen
        before = sum(cell.parcel_count for row in screen.rows for cell in row.layers)  # type: ignore[attr-defined]
        # Listening, so this counter's own check-in is in its feed.
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        own = check_in(station, "JT0000000000007")
        result = check_in(other, "JT0000000000008")
        committed = time.monotonic()  # counter-2's commit: its own first connection is not the bridge's time
        await quiet.until(pilot, lambda: seen, what="a LiveBridge.Changed from counter-2")
        await quiet.settle(pilot)  # the shelf map reads the change
        arrived, message = seen[0]
        assert arrived - committed < 1.0
        # This counter's own work is not echoed back: had it been, it would come first (it committed
        # first), alone or in the same message as counter-2's.
        assert message.counters == {"counter-2"} and message.parcel_ids == {result.parcel_id}
        assert own.parcel_id not in {pid for _, m in seen for pid in m.parcel_ids}
        after = sum(cell.parcel_count for row in screen.rows for cell in row.layers)  # type: ignore[attr-defined]
        assert after == before + 2


@pytest.mark.first_mode("shelves")
async def test_a_failed_read_does_not_end_the_live_view(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read that failed (the database file gone for a moment during a restore) ended the thread, and
    # other counters' work stopped reaching the screens for the rest of the day.
    from station_console.services.admin.live import ChangeFeed
    from station_console.tui import live_bridge

    monkeypatch.setattr(live_bridge, "RETRY_S", 0.01)
    wait = ChangeFeed.wait
    failures = [OSError("unable to open database file")]

    def failing_once(feed: ChangeFeed, timeout: float) -> list:  # type: ignore[type-arg]
        if failures:
            raise failures.pop()
        return wait(feed, timeout)

    monkeypatch.setattr(ChangeFeed, "wait", failing_once)
    seen, hook = changes_seen()

    async with app.run_test(message_hook=hook) as pilot, another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: not failures, what="the failed read")
        result = check_in(other, "JT0000000000009")
        await quiet.until(pilot, lambda: seen, what="a LiveBridge.Changed after the failure")
        assert result.parcel_id in seen[0].parcel_ids and app.live_bridge.thread is not None
        assert app.live_bridge.thread.is_alive()


@asynccontextmanager
async def beside_another_counter(
    app: StationApp, station: Station, db_url: str
) -> AsyncIterator[tuple[Any, Station, list[LiveBridge.Changed], CheckinScreen, KeyClock]]:
    """The console at check-in, its live view listening, and a second counter on the same database;
    the live view's messages listed."""
    seen, hook = changes_seen()
    async with (
        app.run_test(size=(140, 44), message_hook=hook) as pilot,
        another_counter(station, db_url) as other,
    ):
        screen, clock = await checkin_driver.start(app, pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        yield pilot, other, seen, screen, clock


async def test_settings_changed_at_another_counter_reach_the_next_check_in(
    app: StationApp, station: Station, db_url: str
) -> None:
    async with beside_another_counter(app, station, db_url) as (pilot, other, seen, screen, clock):
        assert screen.query_one("#size", Input).placeholder == "M"
        changed = other.settings().model_copy(
            update={
                "code_template": "{shelf}{layer}-{seq}",
                "default_size": "L",
                "station_name": "North Gate",
            }
        )
        other.run(lambda session: save_station_settings(session, other, changed))
        await quiet.until(
            pilot,
            lambda: any("settings_changed" in m.kinds for m in seen),
            what="counter-2's save",
        )
        await quiet.settle(pilot)
        # What the screen shows from the settings, read again as the change arrived.
        assert screen.query_one("#size", Input).placeholder == "L"
        assert "North Gate" in str(screen.query_one("#hdr-title", Static).render())
        # And the next check-in allocates by them: the new code layout, the new default size.
        await checkin_driver.scan(pilot, clock, "JT0000000000011")
        await checkin_driver.settle(app, pilot)
        result = screen.results[-1]
        assert result.size == "L"
        assert (
            result.pickup_code.startswith(f"{result.shelf}{result.layer}-")
            and result.pickup_code.count("-") == 1
        )


async def test_a_carrier_changed_at_another_counter_reaches_the_next_check_in(
    app: StationApp, station: Station, db_url: str
) -> None:
    async with beside_another_counter(app, station, db_url) as (pilot, other, seen, screen, clock):
        await checkin_driver.scan(pilot, clock, "JT0000000000012")  # the carrier table is in memory now
        await checkin_driver.settle(app, pilot)
        assert screen.results[-1].carrier_name == "J&T"
        update_carrier(other, "JT", {"short_name": "JiTu"})
        await quiet.until(
            pilot, lambda: any("carrier_changed" in m.kinds for m in seen), what="counter-2's edit"
        )
        await checkin_driver.scan(pilot, clock, "JT0000000000013")
        await checkin_driver.settle(app, pilot)
        assert screen.results[-1].carrier_name == "JiTu"  # its label and lists name it as edited


async def test_settings_changed_with_the_station_command_reach_the_console(
    app: StationApp, station: Station, db_url: str
) -> None:
    # On the same PC the command names the console's own counter: its change is no other counter's.
    assert station.settings().storage_fee_rules == []
    async with app.run_test(size=(140, 44)) as pilot:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        args = [
            "--db",
            db_url,
            "--lang",
            "en",
            "--counter",
            station.counter,
            "--clerk",
            "Manager",
            "--pin",
            "0000",
        ]
        args += ["fees", "set", "standard", "--free-days", "2", "--per-day", "1.5"]
        done = await asyncio.to_thread(CliRunner().invoke, cli, args, catch_exceptions=False)
        assert done.exit_code == 0, done.output
        await quiet.until(
            pilot,
            lambda: [r.name for r in app.station.settings().storage_fee_rules] == ["standard"],
            what="the command's fee rule in the console's settings",
        )
        # The screens are told on the app's queue, a moment after the live view's thread took them.
        await quiet.until(
            pilot,
            lambda: app.station_settings is app.station.settings(),
            what="the screens told of the new settings",
        )


def save_at(other: Station, **changes: object) -> None:
    """A manager's save of the station settings at that counter, as its Settings screen saves."""
    changed = other.settings().model_copy(update=changes)
    other.run(lambda session: save_station_settings(session, other, changed))


def status_of(app: StationApp) -> str:
    return str(app.screen.query_one("#settings-status", Static).render())


@asynccontextmanager
async def settings_beside_another_counter(
    app: StationApp, station: Station, db_url: str
) -> AsyncIterator[tuple[Any, Station, Input, Input]]:
    """Settings open here, the live view listening, a second counter on the same database; the name and
    opening-hours fields."""
    async with app.run_test(size=(160, 50)) as pilot, another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        name = app.screen.query_one("#st-station_name", Input)
        yield pilot, other, name, app.screen.query_one("#st-opening_hours", Input)


@pytest.mark.first_mode("settings")
async def test_settings_open_here_show_a_change_saved_at_another_counter(
    app: StationApp, station: Station, db_url: str
) -> None:
    async with settings_beside_another_counter(app, station, db_url) as (pilot, other, name, hours):
        save_at(other, station_name="North Gate", opening_hours="08:00-20:00")
        await quiet.until(pilot, lambda: name.value == "North Gate", what="the new name in the form")
        assert hours.value == "08:00-20:00"
        assert "Changed elsewhere" in status_of(app) and "Station name, Opening hours" in status_of(app)
        assert "North Gate" in str(app.screen.query_one("#hdr-title", Static).render())
        await quiet.press(pilot, "ctrl+q")  # the form shows what is saved: nothing to ask
        assert app.return_code == 0


@pytest.mark.first_mode("settings")
async def test_settings_being_edited_here_keep_what_was_typed_and_save_only_that_over_the_change(
    app: StationApp, station: Station, db_url: str
) -> None:
    async with settings_beside_another_counter(app, station, db_url) as (pilot, other, name, hours):
        await quiet.press(pilot, "tab", "end", *" South")  # the manager is typing a new name
        save_at(other, station_name="North Gate", opening_hours="08:00-20:00")
        await quiet.until(pilot, lambda: "Changed elsewhere" in status_of(app), what="the status line")
        assert name.value == "Parcel Station South"  # what was typed stays
        assert hours.value == "08:00-20:00"  # a field not touched here shows the new value
        assert "kept what you typed in Station name" in status_of(app)
        await quiet.press(pilot, "ctrl+s")
    station.forget_settings()
    # The typed name over the other counter's; its hours kept, not put back to the ones the form opened with.
    assert (station.settings().station_name, station.settings().opening_hours) == (
        "Parcel Station South",
        "08:00-20:00",
    )
