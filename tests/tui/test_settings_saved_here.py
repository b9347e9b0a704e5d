"""Settings saved here while the live view reads them again: the form keeps showing what was saved,
not the older values a re-read begun before the commit brings after the save's answer, and the
save's answer shows the settings once; a save refused stays said over a change read meanwhile."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from station_console.services.admin import catch_up as catch_up_module
from station_console.services.core.station import SettingsRead, Station
from station_console.tui.app import StationApp
from station_console.tui.screens import settings
from station_console.tui.screens.settings import SettingsScreen
from tui import quiet
from tui.test_live_bridge import save_at, settings_beside_another_counter, status_of
from tui.test_saving_screens import held_back

pytestmark = pytest.mark.first_mode("settings")


class HeldReads:
    """The live view's catch-ups: the first, once it has read, waits for `release` before it is handed
    on; the later ones wait for `release_rest` before they read (so nothing puts right what the first
    did until the test has looked)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read, self.release, self.release_rest = threading.Event(), threading.Event(), threading.Event()
        self.calls = 0
        real = catch_up_module.catch_up

        def held(station: Station, kinds: Any) -> SettingsRead | None:
            self.calls += 1
            if self.calls > 1:
                assert self.release_rest.wait(quiet.TIMEOUT)
                return real(station, kinds)
            got = real(station, kinds)
            self.read.set()
            assert self.release.wait(quiet.TIMEOUT)
            return got

        monkeypatch.setattr(catch_up_module, "catch_up", held)


async def test_a_re_read_answered_after_the_save_does_not_put_the_old_values_back(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = HeldReads(monkeypatch)
    async with settings_beside_another_counter(app, station, db_url) as (pilot, other, _name, hours):
        try:
            save_at(other, default_size="L")  # heard by the live view: read again, then held back
            await quiet.until(pilot, reads.read.is_set, what="the live view's re-read")
            hours.value = "07:00-19:00"
            await quiet.press(pilot, "ctrl+s")  # and until its worker is done: the save's answer is in
            assert status_of(app) == "Settings were saved."
            reads.release.set()  # the re-read, older than the save, is handed on now
            await quiet.until(pilot, lambda: reads.calls > 1, what="the re-read handed on")
            await quiet.settle(pilot)
            assert app.station_settings is not None
            assert app.station_settings.opening_hours == "07:00-19:00"
            assert hours.value == "07:00-19:00"
            assert status_of(app) == "Settings were saved."  # no "changed elsewhere" naming the hours
        finally:
            reads.release.set()
            reads.release_rest.set()


async def test_settings_read_while_the_save_was_on_its_way_are_shown_once_after_its_answer(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, calls = held_back(monkeypatch, settings, "save_station_settings")
    async with settings_beside_another_counter(app, station, db_url) as (pilot, other, _name, hours):
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        hours.value = "07:00-19:00"
        await pilot.press("ctrl+s")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the save sent")
        save_at(other, default_size="L")  # read again and handed to the console while the save waits
        await quiet.until(
            pilot,
            lambda: app.station_settings is not None and app.station_settings.default_size == "L",
            what="counter-2's change in the console",
        )
        shows: list[str] = []
        real = screen._show_scanner_needs

        def show_scanner_needs() -> None:
            shows.append("read")
            real()

        screen._show_scanner_needs = show_scanner_needs  # type: ignore[method-assign]
        release.set()
        await quiet.until(pilot, lambda: status_of(app) == "Settings were saved.", what="the save's answer")
        await quiet.settle(pilot)
        assert app.station_settings is not None and app.station_settings.opening_hours == "07:00-19:00"
        assert shows == ["read"]  # one show of the settings, one read of what the scanner needs


async def test_a_save_here_writes_only_the_fields_edited_here(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counter-2 saved a new name a moment ago, and this form does not show it yet; the manager here
    changes the opening hours and saves: the name stays counter-2's."""
    reads = HeldReads(monkeypatch)
    async with settings_beside_another_counter(app, station, db_url) as (pilot, other, name, hours):
        try:
            save_at(other, station_name="North Gate")
            await quiet.until(pilot, reads.read.is_set, what="the live view's re-read")
            assert name.value == "Parcel Station"  # not shown here yet
            hours.value = "07:00-19:00"
            await quiet.press(pilot, "ctrl+s")
            assert name.value == "North Gate"  # shown with what the save kept
            assert "Station name" in status_of(app)
        finally:
            reads.release.set()
            reads.release_rest.set()
    other.forget_settings()
    assert (other.settings().station_name, other.settings().opening_hours) == ("North Gate", "07:00-19:00")


async def test_a_value_the_save_tidies_is_shown_as_saved_not_as_changed_elsewhere(
    app: StationApp, station: Station, db_url: str
) -> None:
    async with settings_beside_another_counter(app, station, db_url) as (pilot, _other, name, _hours):
        name.value = "  East   Gate "  # stored as one line, its spaces collapsed
        await quiet.press(pilot, "ctrl+s")
        await quiet.settle(pilot)
        assert station.current_settings().settings.station_name == "East Gate"
        assert name.value == "East Gate"
        assert status_of(app) == "Settings were saved."  # not "Changed elsewhere, now shown: Station name"
        assert not app.screen.unsaved_edits()  # type: ignore[attr-defined]


async def test_a_fee_table_saved_elsewhere_meanwhile_is_not_replaced_by_the_one_edited_here(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counter-2 added a fee rule a moment ago, and this form does not show it yet; the manager here
    edits the fee table and saves: refused, counter-2's rule kept, and the field shows the rows saved
    now for the change to be made again; the opening hours edited with it are not saved either."""
    from textual.widgets import Input

    from station_console.settings import FeeRule

    reads = HeldReads(monkeypatch)
    async with settings_beside_another_counter(app, station, db_url) as (pilot, other, _name, hours):
        try:
            screen: Any = app.screen
            section = next(i for i, s in enumerate(screen.sections) if "storage_fee_rules" in s.station)
            await screen.show_section(section)
            rules = screen.query_one("#st-storage_fee_rules", Input)
            save_at(other, storage_fee_rules=[FeeRule(name="theirs")])
            await quiet.until(pilot, reads.read.is_set, what="the live view's re-read")
            assert "theirs" not in rules.value  # not shown here yet
            rules.value = '[{"name": "mine"}]'
            hours.value = "07:00-19:00"
            await quiet.press(pilot, "ctrl+s")
            await quiet.settle(pilot)
            assert "another counter or command saved a change" in status_of(app)
            assert "theirs" in rules.value and "mine" not in rules.value
        finally:
            reads.release.set()
            reads.release_rest.set()
    other.forget_settings()
    assert [rule.name for rule in other.settings().storage_fee_rules] == ["theirs"]
    assert other.settings().opening_hours != "07:00-19:00"


async def test_a_fee_table_the_live_view_showed_changed_elsewhere_is_not_replaced_by_the_one_edited_here(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The manager here is editing the fee table when counter-2 adds a rule: the live view says so and
    keeps what was typed here, but Ctrl+S would replace a rule the manager here cannot see. Refused
    as any save over a table saved meanwhile, counter-2's rule kept, and the field shows it."""
    from textual.widgets import Input

    from station_console.settings import FeeRule

    async with settings_beside_another_counter(app, station, db_url) as (pilot, other, _name, _hours):
        screen: Any = app.screen
        section = next(i for i, s in enumerate(screen.sections) if "storage_fee_rules" in s.station)
        await screen.show_section(section)
        rules = screen.query_one("#st-storage_fee_rules", Input)
        rules.value = '[{"name": "mine"}]'
        save_at(other, storage_fee_rules=[FeeRule(name="theirs")])
        await quiet.until(pilot, lambda: "Changed elsewhere" in status_of(app), what="the live view's line")
        assert "cannot be saved over it" in status_of(app)
        assert rules.value == '[{"name": "mine"}]'  # kept as typed
        await quiet.press(pilot, "ctrl+s")
        await quiet.settle(pilot)
        assert "another counter or command saved a change" in status_of(app)
        assert "theirs" in rules.value and "mine" not in rules.value
    other.forget_settings()
    assert [rule.name for rule in other.settings().storage_fee_rules] == ["theirs"]


async def test_a_refused_save_stays_said_over_a_change_read_from_another_counter(
    app: StationApp, station: Station, db_url: str
) -> None:
    """A value refused, then another counter's change read by the live view: the change is named on the
    line below the refusal, which stays in its style until the manager's next key (the change replaced
    it unread)."""
    async with settings_beside_another_counter(app, station, db_url) as (pilot, other, _name, hours):
        await quiet.press(pilot, "down", "enter")  # Pickup codes
        await quiet.press(pilot, "tab", "ctrl+u", *"many")  # the smallest SEQ number
        await quiet.press(pilot, "ctrl+s")
        refusal = status_of(app)
        assert refusal.startswith("Invalid value for First SEQ number in Pickup codes"), refusal
        save_at(other, opening_hours="08:00-20:00")
        await quiet.until(pilot, lambda: hours.value == "08:00-20:00", what="the change in the form")
        await quiet.settle(pilot)
        assert status_of(app) == f"{refusal}\nChanged elsewhere, now shown: Opening hours"
        status = app.screen.query_one("#settings-status")
        assert status.has_class("-error")
        await quiet.press(pilot, "ctrl+u", *"1001", "ctrl+s")  # mended as saved: nothing to save
        assert status_of(app) == "Nothing changed: nothing to save." and not status.has_class("-error")
