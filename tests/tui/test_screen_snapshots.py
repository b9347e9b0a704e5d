"""Every mode as a clerk sees it, in English and in Chinese (pytest-textual-snapshot), driven by keys.
(The shelf map with the demo week: tests/tui/test_shelves_snapshot.py.)

Each test opens its mode by its key on a station with a few parcels checked in (a fixed clock, so the
same codes and times every run) and waits for the screen's reads, which run in thread workers. The
catalogs are what the Chinese snapshots check: a missing translation shows up as English text.
"""

from __future__ import annotations

from typing import Any

import pytest

from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet
from tui.door_run import a_run_of_three

LANGUAGES = ["en", "zh"]
SIZE = (150, 40)


def received(station: Station) -> list[str]:
    """Three parcels on the shelves (one without a phone); their pickup codes."""
    return [
        check_in(station, "JT0000000000001", phone="13812345678", size="S").pickup_code,
        check_in(station, "73123456789012", phone="5678").pickup_code,
        check_in(station, "SF1234567890123", size="L").pickup_code,
    ]


class KeyClock:
    """The wedge router's clock: a person types 250 ms a key, a scanner 4 ms (the pickup tests' seam)."""

    def __init__(self) -> None:
        self.t, self.step, self.idle = 1000.0, 0.25, 1.0

    def __call__(self, event: Any) -> float:
        if event is None:
            return self.t + self.idle
        self.t += self.step
        return self.t


def keys_then_settle(*keys: str) -> Any:
    """A person's keys (each handled before the next), then until the screen's reads are shown."""

    async def run_before(pilot: Any) -> None:
        await quiet.press(pilot, *keys)
        await quiet.settle(pilot)  # with no keys too

    return run_before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_checkin(snap_compare: Any, app: StationApp, station: Station, lang: str) -> None:
    """A person should see: the header (station, Check-in, clerk Manager, counter, SQLite, scanner wedge,
    printer none); the status line (batch any, quick mode off, 1 parcel without a phone) and the courier
    panel; the scan, phone and size fields; the last check-in's pickup code in large digits with "shelf ·
    layer" under it, then "Waybill: J&T…0009" naming its parcel, and a line saying its phone ****5678
    was saved; the table with that parcel, its code,
    location, carrier, waybill, masked phone ****5678 and label "queued". In Chinese every label is
    Chinese."""
    set_language(lang)
    received(station)

    async def run_before(pilot: Any) -> None:
        await quiet.press(pilot, "f1")
        clock = KeyClock()
        pilot.app.screen.router.clock = clock
        clock.step, clock.idle = 0.004, 0.0
        await quiet.burst(pilot, *"JT0000000000009", "enter")  # scanned
        clock.t, clock.step, clock.idle = clock.t + 0.5, 0.25, 1.0
        await quiet.press(pilot, *"5678", "enter")  # typed: the phone of the parcel just shown

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.first_mode("pickup")
def test_pickup(snap_compare: Any, app: StationApp, station: Station, lang: str) -> None:
    """A person should see: the customer field; "0 of 1 scanned" in large digits; the one parcel the
    pickup code finds (code, location, carrier, waybill, masked phone, check-in time), waiting for its
    scan; the check line (who it is for); and this shift's (empty) pickups below."""
    set_language(lang)
    code = received(station)[0]
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("f2", *code, "enter"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.first_mode("sendout")
def test_sendout(snap_compare: Any, app: StationApp, station: Station, lang: str) -> None:
    """A person should see: the send-out form (sender's phone, name, recipient, destination, contents,
    weight, "document" whole in its choice), its checklist and quote area, the counter's sends under
    their title with "* weight typed in", and the keys for accepting, paying and handing over."""
    set_language(lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("f3"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.first_mode("shelves")
def test_shelves(snap_compare: Any, app: StationApp, station: Station, lang: str) -> None:
    """A person should see: the legend of heat colours; the shelf map, one row per shelf (its label and
    zone, the zone in the console's language: "1 main", "1 主区") and one column per layer ("SHELF-LAYER used/capacity" over "parcels fill%"), the three parcels' layers coloured;
    below the map the parcels of the layer under the cursor (1-1), each column as wide as what it holds
    (waybill, carrier, code, check-in time in the station's zone, problem, size, masked phone); the total line
    "3 parcels on ... layers"."""
    set_language(lang)
    received(station)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("f4"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.first_mode("shelves")
def test_door_delivery(snap_compare: Any, app: StationApp, station: Station, lang: str) -> None:
    """A person should see, at 120 columns: the summary line (nothing waiting, one open run); the scan
    field; the runs on the left (DR000001, 1/3 out, runner 派送员小王) and the run's three stops beside
    them in walking order (stop, code, status, location, address, floor, recipient, masked phone), each
    column whole: in English the statuses in their short words (out, planned, not delivered) and the
    waybills left out, not cut at the right edge to "W"; in Chinese the waybills shown too."""
    set_language(lang)
    a_run_of_three(station)
    assert snap_compare(app, terminal_size=(120, 40), run_before=keys_then_settle("f4", "ctrl+d"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.first_mode("parcels")
def test_parcels(snap_compare: Any, app: StationApp, station: Station, lang: str) -> None:
    """A person should see: the search fields (text, carrier, status, since, until, problems only); the
    three parcels, newest first, under waybill, status, problem, code, phone, then location, check-in
    time, carrier and size (no phone: "-"); the first one's timeline (checked in, by whom, at which counter, then
    its details as labelled words: pickup code, location, carrier, size; in Chinese 取件码, 位置...); and
    "Page 1: 3 parcels"."""
    set_language(lang)
    received(station)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("f5"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.first_mode("reports")
def test_reports(snap_compare: Any, app: StationApp, station: Station, lang: str) -> None:
    """A person should see: today's reconciliation per carrier (opening, in, picked up, returned,
    written off, closing, fees) with the three check-ins and their totals, the day's figures under it,
    and the keys to change the day, export and close it."""
    set_language(lang)
    received(station)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("f6"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.first_mode("settings")
def test_settings(snap_compare: Any, app: StationApp, station: Station, lang: str) -> None:
    """A person should see: the list of sections on the left (Station, Pickup codes, Shelves and
    check-in ... This counter, Scanner), the first one chosen, and its fields on the right, each by its
    title with its key dim beneath (Station name / station_name, in Chinese 驿站名称; time zone, hours,
    currency), with the saved values and what each is for; the Save button, and the keys to
    save and open carriers, printers, the scan test, clerks, messages, recipients and carrier events."""
    set_language(lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle())
