"""Clerks: scrypt PIN hashes, first-run manager, sign-in and out, PIN changes, deactivation, roles."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from saves_at_once import other_save_before
from sqlmodel import select

from db.models import Clerk, EventKind, ParcelEvent, Role
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.core.station import Station
from station_console.services.people import clerks, pins
from station_console.services.people.event_details import details_text


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests make their own clerks, from the first manager on."""
    return new_station


def _events(station: Station, kind: str) -> list[ParcelEvent]:
    with station.read() as session:
        return list(session.exec(select(ParcelEvent).where(ParcelEvent.kind == kind)).all())


def _clerk_rows(station: Station) -> list[Clerk]:
    with station.read() as session:
        return list(session.exec(select(Clerk)).all())


@pytest.mark.real_pin_cost
def test_pin_hash_is_salted_scrypt_with_its_parameters() -> None:
    first, second = pins.hash_pin("2468"), pins.hash_pin("2468")
    assert first != second  # a fresh salt each time
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", pins.SCRYPT_N, pins.SCRYPT_R, pins.SCRYPT_P)
    assert "2468" not in first
    import base64

    expected = hashlib.scrypt(
        b"2468", salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32, maxmem=64 * 1024 * 1024
    )
    assert base64.b64decode(key) == expected
    assert pins.check_pin("2468", first)
    assert not pins.check_pin("2469", first)


def test_cheaper_parameters_stored_in_the_hash_still_verify() -> None:
    stored = pins.hash_pin("1357", n=2**10)
    assert stored.split("$")[1] == "1024"
    assert pins.check_pin("1357", stored)


@pytest.mark.parametrize("stored", ["", "plain1234", "scrypt$x$8$1$AA==$AA==", "bcrypt$1$2$3$4$5"])
def test_malformed_hashes_never_match(stored: str) -> None:
    assert not pins.check_pin("1357", stored)


def test_first_run_creates_the_manager_then_only_a_manager_adds_clerks(station: Station) -> None:
    assert clerks.needs_first_manager(station)
    boss = clerks.add_clerk(station, "Wang", "9071", role="clerk")  # first one is always the manager
    assert boss.role == "manager"
    assert not clerks.needs_first_manager(station)
    with pytest.raises(Refused) as exc:
        clerks.create_first_manager(station, "Mallory", "1396")
    assert exc.value.code == "not_first_run"
    with pytest.raises(PermissionDenied):  # nobody signed in
        clerks.add_clerk(station, "Li", "1357")
    clerks.sign_in(station, "wang", "9071")
    li = clerks.add_clerk(station, "Li", "1357")
    assert li.role == "clerk"
    clerks.sign_in(station, "Li", "1357")
    with pytest.raises(PermissionDenied):
        clerks.add_clerk(station, "Zhao", "5836")
    assert sorted(c.name for c in _clerk_rows(station)) == ["Li", "Wang"]
    assert all(row.pin_hash.startswith("scrypt$") for row in _clerk_rows(station))
    created = [e.details for e in _events(station, EventKind.CLERK_CHANGED)]
    assert [d["clerk"] for d in created] == ["Wang", "Li"]


def test_sign_in_acts_as_the_clerk_and_records_the_counter(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    info = clerks.sign_in(station, "Wang", "9071")
    assert (station.clerk_id, station.clerk_role) == (info.id, "manager")
    [event] = _events(station, EventKind.SIGNED_IN)
    assert (event.clerk_id, event.counter) == (info.id, "test-counter")
    assert clerks.get_clerk(station, "Wang").last_sign_in_at is not None
    clerks.sign_out(station, reason="lock")
    assert station.clerk_id is None and station.clerk_role is None
    [out] = _events(station, EventKind.SIGNED_OUT)
    assert out.clerk_id == info.id and out.details == {"reason": "lock"}


def test_wrong_pin_and_unknown_name_read_the_same_and_write_nothing(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    for name, pin in (("Wang", "0000"), ("Nobody", "9071")):
        with pytest.raises(Refused) as exc:
            clerks.sign_in(station, name, pin)
        assert exc.value.code == "bad_credentials"
    assert station.clerk_id is None
    assert _events(station, EventKind.SIGNED_IN) == []


@pytest.mark.parametrize("pin", ["12", "abcd", "1234567890123", "", "１２３４"])
def test_bad_pins_are_refused(station: Station, pin: str) -> None:
    with pytest.raises(Refused) as exc:
        clerks.create_first_manager(station, "Wang", pin)
    assert exc.value.code == "bad_pin_format"
    assert _clerk_rows(station) == []


def test_duplicate_names_are_refused_regardless_of_case(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    with pytest.raises(Refused) as exc:
        clerks.add_clerk(station, "WANG", "1357")
    assert exc.value.code == "clerk_exists"


def test_change_pin_needs_the_old_pin_or_a_manager(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    clerks.sign_in(station, "Li", "1357")
    with pytest.raises(Refused):
        clerks.change_pin(station, "Li", "4173", old_pin="9482")
    clerks.change_pin(station, "Li", "4173", old_pin="1357")
    with pytest.raises(Refused):
        clerks.authenticate(station, "Li", "1357")
    assert clerks.authenticate(station, "Li", "4173").name == "Li"
    with pytest.raises(PermissionDenied):  # a clerk cannot reset someone else's PIN
        clerks.change_pin(station, "Wang", "0000")
    clerks.sign_in(station, "Wang", "9071")
    clerks.change_pin(station, "Li", "7261")
    assert clerks.authenticate(station, "Li", "7261").name == "Li"
    pins = [e.details for e in _events(station, EventKind.CLERK_CHANGED) if e.details.get("change") == "pin"]
    assert len(pins) == 2 and all("7261" not in str(d) and "4173" not in str(d) for d in pins)


@pytest.mark.postgres_only
def test_two_managers_deactivating_each_other_at_once_leave_one_manager(station: Station) -> None:
    """PostgreSQL: Zhao, at counter-2, deactivates Wang after Wang's deactivation of Zhao counted the
    two managers and before it writes: one is refused as the last manager, never both deactivated."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Zhao", "5813", role=Role.MANAGER)
    there = replace(station, counter="counter-2", _cached=None)
    clerks.sign_in(
        there, "Zhao", "5813"
    )  # each counter's audit chain begun: appending to it waits on nothing

    with other_save_before(station, "UPDATE clerk", lambda: clerks.deactivate(there, "Wang")) as outcome:
        clerks.deactivate(station, "Zhao")
    assert isinstance(outcome[0], Refused) and outcome[0].code == "last_manager"
    assert outcome[0].params == {"name": "Wang"}
    assert [c.name for c in clerks.list_clerks(station, include_inactive=False)] == ["Wang"]


def test_deactivated_clerk_cannot_sign_in_and_the_last_manager_stays(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    assert clerks.deactivate(station, "Li").active is False
    with pytest.raises(Refused) as exc:
        clerks.sign_in(station, "Li", "1357")
    assert exc.value.code == "clerk_inactive"
    with pytest.raises(Refused) as exc:
        clerks.deactivate(station, "Wang")
    assert exc.value.code == "last_manager"
    with pytest.raises(NotFound):
        clerks.deactivate(station, "Ghost")
    assert [c.name for c in clerks.list_clerks(station, include_inactive=False)] == ["Wang"]
    clerks.set_active(station, "Li", True)
    assert clerks.sign_in(station, "Li", "1357").name == "Li"
    with pytest.raises(PermissionDenied):
        clerks.deactivate(station, "Wang")


def test_a_deactivated_clerks_right_pin_is_recorded_as_such_and_locks_nobody_out(station: Station) -> None:
    """The trail says a deactivated clerk tried with their PIN, and why they were refused; it is no
    guess at a PIN, so five of them lock nobody out, while a wrong PIN still counts."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    clerks.deactivate(station, "Li")
    for _try in range(station.settings().pin_fail_limit):
        with pytest.raises(Refused) as exc:
            clerks.authenticate(station, "Li", "1357")
        assert exc.value.code == "clerk_inactive"
    failed = _events(station, EventKind.SIGN_IN_FAILED)
    assert [e.details for e in failed][-1] == {
        "name": "Li",
        "clerk": "Li",
        "clerk_id": clerks.get_clerk(station, "Li").id,
        "reason": "deactivated",
    }
    assert len(failed) == station.settings().pin_fail_limit
    assert details_text(EventKind.SIGN_IN_FAILED, failed[-1].details).endswith("reason: clerk deactivated")
    li = next(row for row in _clerk_rows(station) if row.name == "Li")
    assert (li.failed_sign_ins, li.locked_until) == (0, None)
    with pytest.raises(Refused) as exc:
        clerks.authenticate(station, "Li", "9001")  # a wrong PIN is a wrong PIN, active or not
    assert exc.value.code == "bad_credentials"
    assert _events(station, EventKind.SIGN_IN_FAILED)[-1].details["failures"] == 1
    clerks.set_active(station, "Li", True)
    assert clerks.sign_in(station, "Li", "1357").name == "Li"


def test_unlocking_a_clerk_who_is_not_locked_writes_nothing(station: Station) -> None:
    """An unlock that ends nothing says so and records no event; a wrong PIN counted is still cleared."""
    clerks.create_first_manager(station, "Wang", "4826")
    clerks.sign_in(station, "Wang", "4826")
    clerks.add_clerk(station, "Li", "5803")
    done = clerks.unlock(station, "li")
    assert (done.clerk.name, done.ended) == ("Li", False)
    assert _events(station, EventKind.CLERK_UNLOCKED) == []
    with pytest.raises(Refused):
        clerks.authenticate(station, "Li", "9001")
    assert clerks.unlock(station, "Li").ended is True
    assert len(_events(station, EventKind.CLERK_UNLOCKED)) == 1
    assert clerks.unlock(station, "Li").ended is False  # the count cleared: nothing more to end


def test_a_manager_cannot_deactivate_themselves(station: Station) -> None:
    """F7 on one's own row (the list's cursor starts on a row, not on the clerk meant): the manager
    worked on, signed in as someone who can no longer sign in, and was shut out at the next lock.
    Another manager does it; nothing is written."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Zhao", "5813", role=Role.MANAGER)
    changes = len(_events(station, EventKind.CLERK_CHANGED))
    with pytest.raises(Refused) as exc:
        clerks.deactivate(station, "Wang")
    assert exc.value.code == "own_account"
    assert exc.value.message() == "You cannot deactivate yourself: ask another manager."
    assert clerks.get_clerk(station, "Wang").active
    assert len(_events(station, EventKind.CLERK_CHANGED)) == changes
    clerks.sign_in(station, "Zhao", "5813")
    assert clerks.deactivate(station, "Wang").active is False


def test_a_sign_in_while_locked_out_is_recorded_with_the_counter(station: Station) -> None:
    """An attempt during a lock-out is refused before the PIN is looked at, and recorded as the other
    failed sign-ins are (the trail showed the guesses that locked the clerk out, not those after)."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    for _try in range(station.settings().pin_fail_limit):
        with pytest.raises(Refused):
            clerks.authenticate(station, "Li", "9001")
    before = len(_events(station, EventKind.SIGN_IN_FAILED))
    there = replace(station, counter="counter-2", _cached=None)
    with pytest.raises(Refused) as exc:
        clerks.authenticate(there, "li", "1357")
    assert exc.value.code == "clerk_locked"
    failed = _events(station, EventKind.SIGN_IN_FAILED)
    assert len(failed) == before + 1
    li = clerks.get_clerk(station, "Li")
    assert (failed[-1].counter, failed[-1].details) == (
        "counter-2",
        {"name": "li", "clerk": "Li", "clerk_id": li.id, "reason": "locked_out"},
    )
    assert details_text(EventKind.SIGN_IN_FAILED, failed[-1].details).endswith("reason: clerk locked out")
    row = next(row for row in _clerk_rows(station) if row.name == "Li")
    assert (row.locked_until, row.failed_sign_ins) == (li.locked_until, 0)  # counted as no guess


def test_a_pin_typed_into_the_name_field_is_not_kept_in_the_trail(station: Station) -> None:
    """After a lock the focus is on the name field: a PIN typed at once is sent as the name. It
    names nobody; the trail keeps its length, not its digits. A name that is a clerk's stays."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "2046", "1357")  # digits may be a clerk's name
    for typed in ("9071", "2046"):
        with pytest.raises(Refused):
            clerks.authenticate(station, typed, "")
    names = [e.details["name"] for e in _events(station, EventKind.SIGN_IN_FAILED)]
    assert names == ["####", "2046"]
    assert "9071" not in str([e.details for e in _events(station, EventKind.SIGN_IN_FAILED)])
