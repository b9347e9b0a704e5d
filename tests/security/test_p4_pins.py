"""Point 4: PINs cannot be guessed at the counter, and pickup codes cannot be guessed by switching
counter names.

The attacks: try PIN after PIN for the manager through `station --clerk Wang --pin ...` (the review
found a manager PIN in 2,469 tries and 104 s, with no trace); set the weakest PINs; guess pickup codes
with a new `--counter` name for every try, and with several clerks' accounts at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FakeClock

from security.helpers import PIN, Run, make_station
from station_console.errors import PermissionDenied, Refused, StationError
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.pickup.lookup import lookup


def sign_in_failures(db: Path) -> list[str]:
    rows = sqlite3.connect(db).execute("SELECT details FROM parcel_event WHERE kind = 'sign_in_failed'")
    return [r[0] for r in rows]


def test_guessing_the_managers_pin_locks_the_manager_out(cli: Callable[..., Run], tmp_path: Path) -> None:
    db = tmp_path / "station.sqlite3"
    make_station(db).engine.dispose()
    url = f"sqlite:///{db}"
    guesses = [f"{n:04d}" for n in range(1000, 1010)]
    results = [
        cli(["--db", url, "--lang", "en", "--clerk", "Wang", "--pin", g, "clerk", "list"]) for g in guesses
    ]
    assert all(r.code == 1 for r in results)
    assert [("Wrong name or PIN." in r.err) for r in results[:4]] == [True] * 4
    # The fifth wrong PIN, the one that locks, says so: not a sixth try to learn it.
    assert "Wang is now locked out after 5 wrong PINs in a row: try again in 1 min" in results[4].err
    assert "Wrong name or PIN." not in results[4].err
    assert all("locked out after too many wrong PINs" in r.err for r in results[5:])
    right = cli(["--db", url, "--lang", "en", "--clerk", "Wang", "--pin", PIN, "clerk", "list"])
    assert right.code == 1 and "locked out" in right.err  # even the right PIN waits out the lock
    failures = sign_in_failures(db)
    assert len(failures) == 11 and all('"clerk": "Wang"' in f for f in failures)
    assert '"locked_s": 60' in failures[4]
    # Each try during the lock-out is in the trail too, the right PIN's among them, none counted.
    assert all('"reason": "locked_out"' in f for f in failures[5:])
    assert not any('"reason"' in f for f in failures[:5])
    other = cli(["--db", url, "--lang", "en", "--clerk", "Li", "--pin", PIN, "clerk", "list"])
    assert other.code == 0  # one clerk's lock-out is not the station's


def test_each_lock_out_lasts_longer_and_a_manager_unlocks(new_station: Station, clock: FakeClock) -> None:
    station = new_station
    clerks.create_first_manager(station, "Wang", PIN)
    clerks.sign_in(station, "Wang", PIN)
    clerks.add_clerk(station, "Li", "5803")

    def guess_five() -> None:
        codes = []
        for n in range(5):
            with pytest.raises(Refused) as refused:
                clerks.authenticate(station, "Li", f"90{n}1")
            codes.append(refused.value.code)
        assert codes == ["bad_credentials"] * 4 + ["clerk_locked"]  # the locking try says so

    locks = []
    for _round in range(3):
        guess_five()
        info = clerks.get_clerk(station, "Li")
        assert info.locked_until is not None
        locks.append(info.locked_until - clock.now)
        with pytest.raises(Refused) as refused:
            clerks.authenticate(station, "Li", "5803")
        assert refused.value.code == "clerk_locked"
        clock.now = info.locked_until + timedelta(seconds=1)
    assert locks == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    guess_five()
    with pytest.raises(Refused):
        clerks.authenticate(station, "Li", "5803")
    clerks.act_as(station, None)
    with pytest.raises(PermissionDenied):
        clerks.unlock(station, "Li")  # nobody signed in is nobody
    clerks.sign_in(station, "Wang", PIN)
    clerks.unlock(station, "Li")
    assert clerks.authenticate(station, "Li", "5803").name == "Li"


@pytest.mark.parametrize("pin", ["0000", "7777", "1234", "9876", "7890", "1212", "123123", "2580"])
def test_the_weakest_pins_are_refused(new_station: Station, pin: str) -> None:
    with pytest.raises(Refused) as refused:
        clerks.create_first_manager(new_station, "Wang", pin)
    assert refused.value.code == "weak_pin"


def test_a_new_counter_name_per_guess_does_not_reset_the_count(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    db = tmp_path / "station.sqlite3"
    station = make_station(db)
    real = check_in(station, "SF1234567890123", phone="13812345678")
    station.engine.dispose()
    url = f"sqlite:///{db}"
    li = ["--clerk", "Li", "--pin", PIN]
    tries = [
        cli(["--db", url, "--lang", "en", "--counter", f"g{i}", *li, "pickup", f"8-5-{9000 + i}"])
        for i in range(7)
    ]
    assert all(r.code == 1 for r in tries)
    assert "locked" in tries[5].err and "locked" in tries[6].err
    found = cli(["--db", url, "--lang", "en", "--counter", "fresh", *li, "pickup", real.pickup_code])
    assert found.code == 1 and "locked" in found.err


def test_several_clerks_together_hit_the_station_cap(new_station: Station) -> None:
    station = new_station
    clerks.create_first_manager(station, "Wang", PIN)
    clerks.sign_in(station, "Wang", PIN)
    real = check_in(station, "SF1234567890123", phone="13812345678")
    for n in range(4):
        clerks.add_clerk(station, f"Clerk{n}", PIN)
    guesses = iter(range(9000, 9999))
    for n in range(4):
        clerks.sign_in(station, f"Clerk{n}", PIN)
        for _try in range(5):  # each clerk stays just under their own limit
            with pytest.raises(StationError) as missed:
                lookup(station, f"8-5-{next(guesses)}")
            assert missed.value.code == "not_found"
    clerks.sign_in(station, "Wang", PIN)
    with pytest.raises(Refused) as refused:
        lookup(station, f"8-5-{next(guesses)}")  # the station's 21st miss in the window
    assert refused.value.code == "lookup_locked"
    # Wang's first miss: the lock is the station's, and says so (another clerk's lookups fail alike).
    assert "Too many failed lookups at this station: every lookup is locked until" in refused.value.message()
    with pytest.raises(Refused) as refused:
        lookup(station, real.pickup_code)
    assert refused.value.code == "lookup_locked"
