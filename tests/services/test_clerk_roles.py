"""A manager changes a clerk's role (`clerks.set_role`) and resets a forgotten PIN (`clerks.change_pin`
without the old one): who may, what is refused with nothing changed, what the trail records, and that a
manager made a clerk keeps no manager's power at a counter where they are signed in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from conftest import FakeClock
from saves_at_once import other_save_before
from sqlmodel import col, select

from db.engine import create_station_engine
from db.models import Clerk, EventKind, ParcelEvent, Role
from station_console.errors import DEACTIVATED, NotFound, PermissionDenied, Refused
from station_console.services.admin.catch_up import standing_refusal
from station_console.services.core.standing import RECHECK_S
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.people.event_details import details_text


@pytest.fixture
def station(new_station: Station) -> Station:
    """Wang the manager signed in; Li a clerk; Zhao a second manager."""
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    clerks.add_clerk(new_station, "Li", "1357")
    clerks.add_clerk(new_station, "Zhao", "5813", role=Role.MANAGER)
    return new_station


@pytest.fixture
def other(station: Station, db_url: str, clock: FakeClock) -> Iterator[Station]:
    """The second counter: its own engine on the same database, the same test clock."""
    engine = create_station_engine(db_url)
    yield Station(engine=engine, counter="counter-2", clock=clock)
    engine.dispose()


def _role_events(station: Station) -> list[dict[str, object]]:
    with station.read() as session:
        rows = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.CLERK_CHANGED)).all()
    return [dict(e.details) for e in rows if e.details.get("change") == "role"]


def _roles(station: Station) -> dict[str, tuple[str, bool]]:
    with station.read() as session:
        return {c.name: (c.role, c.active) for c in session.exec(select(Clerk)).all()}


def test_a_manager_makes_a_clerk_a_manager_and_back_each_change_in_the_trail(station: Station) -> None:
    assert clerks.set_role(station, "li", Role.MANAGER).role == Role.MANAGER  # names matched as at sign-in
    assert clerks.set_role(station, "Li", Role.CLERK).role == Role.CLERK
    li = clerks.get_clerk(station, "Li")
    assert _role_events(station) == [
        {"clerk": "Li", "clerk_id": li.id, "change": "role", "old_role": "clerk", "role": "manager"},
        {"clerk": "Li", "clerk_id": li.id, "change": "role", "old_role": "manager", "role": "clerk"},
    ]
    shown = details_text(EventKind.CLERK_CHANGED, _role_events(station)[0])
    assert shown == "clerk: Li  change: role changed  role before: clerk  role: manager"


@pytest.mark.parametrize(
    ("name", "role", "code", "said"),
    [
        ("Ghost", Role.MANAGER, "no_clerk", "No clerk named Ghost."),
        ("Li", "owner", "bad_role", "A role is clerk or manager."),
        ("Li", Role.CLERK, "same_role", "Li is a clerk already: nothing changed."),
        ("Zhao", Role.MANAGER, "same_role", "Zhao is a manager already: nothing changed."),
    ],
)
def test_an_unknown_clerk_or_role_or_the_same_role_is_refused_and_nothing_changes(
    station: Station, name: str, role: str, code: str, said: str
) -> None:
    before = _roles(station)
    with pytest.raises((Refused, NotFound)) as exc:
        clerks.set_role(station, name, role)
    assert (exc.value.code, exc.value.message()) == (code, said)
    assert _roles(station) == before and _role_events(station) == []


def test_a_deactivated_clerks_role_is_not_changed(station: Station) -> None:
    clerks.deactivate(station, "Li")
    with pytest.raises(Refused) as exc:
        clerks.set_role(station, "Li", Role.MANAGER)
    assert exc.value.code == "clerk_inactive"
    assert exc.value.message() == "Li is deactivated: let them sign in again before changing their role."
    assert _roles(station)["Li"] == (Role.CLERK, False)


def test_nobody_signed_in_or_a_clerk_may_not_change_a_role(station: Station) -> None:
    clerks.sign_out(station)
    with pytest.raises(PermissionDenied) as exc:
        clerks.set_role(station, "Li", Role.MANAGER)
    assert exc.value.message() == "Only a manager can manage clerks. Ask a manager to sign in."
    clerks.sign_in(station, "Li", "1357")
    with pytest.raises(PermissionDenied) as exc:
        clerks.set_role(station, "Li", Role.MANAGER)  # not even their own
    assert exc.value.code == "manager_only"
    assert exc.value.message() == "Only a manager can manage clerks. Ask a manager to sign in."
    assert _roles(station)["Li"] == (Role.CLERK, True) and _role_events(station) == []


def test_the_last_active_manager_stays_a_manager(station: Station) -> None:
    """Zhao made a clerk, Wang is the last manager: refused, themself or by name; a deactivated
    manager does not count as one who manages."""
    clerks.set_role(station, "Zhao", Role.CLERK)
    with pytest.raises(Refused) as exc:
        clerks.set_role(station, "Wang", Role.CLERK)
    assert exc.value.code == "last_manager"
    assert exc.value.message() == "Wang is the last manager: make another clerk a manager first."
    clerks.set_role(station, "Li", Role.MANAGER)
    clerks.deactivate(station, "Li")
    with pytest.raises(Refused) as exc:
        clerks.set_role(station, "Wang", Role.CLERK)
    assert exc.value.code == "last_manager"
    assert _roles(station)["Wang"] == (Role.MANAGER, True)


def test_a_manager_may_make_themself_a_clerk_while_another_manager_remains(station: Station) -> None:
    """And acts as a clerk from then on: their manager's actions refused, not only their keys dimmed."""
    info = clerks.set_role(station, "Wang", Role.CLERK)
    clerks.act_as(station, info)  # what the console does with the answer
    with pytest.raises(PermissionDenied) as exc:
        clerks.set_role(station, "Wang", Role.MANAGER)
    assert exc.value.code == "manager_only"
    assert _roles(station)["Wang"] == (Role.CLERK, True)


def test_a_manager_who_makes_themself_a_clerk_is_not_taken_for_one_made_a_clerk_elsewhere(
    station: Station,
) -> None:
    """The live view reads the row again on hearing the change, maybe before the console has the
    answer (`act_as`): it finds no manager made a clerk behind their back, so the console is not locked."""
    clerks.set_role(station, "Wang", Role.CLERK)
    assert standing_refusal(station) is None


def test_a_failed_step_down_leaves_the_manager_refused_if_made_a_clerk_elsewhere_later(
    station: Station, other: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wang's own change of role rolled back: Wang is still a manager's sign-in here, so Zhao making
    Wang a clerk at counter-2 afterwards still ends Wang's manager's power here."""

    def fails(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk gone")

    with monkeypatch.context() as patched:
        patched.setattr(clerks.audit, "record", fails)
        with pytest.raises(RuntimeError):
            clerks.set_role(station, "Wang", Role.CLERK)
    assert _roles(station)["Wang"] == (Role.MANAGER, True)
    clerks.sign_in(other, "Zhao", "5813")
    clerks.set_role(other, "Wang", Role.CLERK)
    clock.advance(seconds=RECHECK_S)
    with pytest.raises(PermissionDenied) as exc:
        clerks.unlock(station, "Li")
    assert exc.value.code == DEACTIVATED


def test_a_manager_made_a_clerk_elsewhere_is_refused_and_locked_out_at_their_counter(
    station: Station, other: Station, clock: FakeClock
) -> None:
    """Zhao signed in at counter-2 as a manager; Wang makes Zhao a clerk here. Within the standing
    check's seconds Zhao's next action there is refused with the deactivation's code (the console
    locks on it), whatever the action, and Zhao signs in again as a clerk."""
    clerks.sign_in(other, "Zhao", "5813")
    clerks.list_clerks(other)
    clerks.set_role(station, "Zhao", Role.CLERK)
    clock.advance(seconds=RECHECK_S)
    with pytest.raises(PermissionDenied) as exc:
        clerks.unlock(other, "Li")
    assert exc.value.code == DEACTIVATED
    assert exc.value.message() == "A manager made you a clerk: sign in again to go on as a clerk."
    with pytest.raises(PermissionDenied):
        clerks.list_clerks(other)  # a refusal is not cached
    assert clerks.sign_in(other, "Zhao", "5813").role == Role.CLERK
    assert [c.name for c in clerks.list_clerks(other)] == ["Li", "Wang", "Zhao"]


def _sign_out_reasons(station: Station) -> list[object]:
    with station.read() as session:
        rows = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGNED_OUT)).all()
    return [e.details.get("reason") for e in rows]


def test_the_console_locked_on_a_manager_made_a_clerk_records_that_not_a_deactivation(
    station: Station, other: Station, clock: FakeClock
) -> None:
    """The console signs out a clerk who no longer stands as `deactivated` whatever the cause: the trail
    said Zhao was deactivated, when Zhao had been made a clerk and could sign in again."""
    clerks.sign_in(other, "Zhao", "5813")
    clerks.set_role(station, "Zhao", Role.CLERK)
    clock.advance(seconds=RECHECK_S)
    assert standing_refusal(other) is not None
    clerks.sign_out(other, reason="deactivated")
    clerks.sign_in(other, "Li", "1357")
    clerks.deactivate(station, "Li")
    clock.advance(seconds=RECHECK_S)
    assert standing_refusal(other) is not None
    clerks.sign_out(other, reason="deactivated")
    assert _sign_out_reasons(station) == ["made_clerk", "deactivated"]
    with station.read() as session:
        made = session.exec(
            select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGNED_OUT).order_by(col(ParcelEvent.id))
        ).first()
    assert made is not None and "made a clerk by a manager meanwhile" in details_text(made.kind, made.details)


def test_a_clerk_made_a_manager_elsewhere_goes_on_as_a_clerk_till_the_next_sign_in(
    station: Station, other: Station, clock: FakeClock
) -> None:
    clerks.sign_in(other, "Li", "1357")
    clerks.set_role(station, "Li", Role.MANAGER)
    clock.advance(seconds=RECHECK_S)
    assert [c.name for c in clerks.list_clerks(other)] == ["Li", "Wang", "Zhao"]  # not locked out
    with pytest.raises(PermissionDenied) as exc:
        clerks.unlock(other, "Wang")
    assert exc.value.code == "manager_only"
    clerks.sign_in(other, "Li", "1357")
    assert clerks.unlock(other, "Wang").ended is False


@pytest.mark.postgres_only
def test_two_managers_making_each_other_clerks_at_once_leave_one_manager(station: Station) -> None:
    """PostgreSQL: Zhao, at counter-2, makes Wang a clerk after Wang's change of Zhao counted the two
    managers and before it writes: one is refused as the last manager, never both made clerks."""
    clerks.deactivate(station, "Li")  # two managers, Wang and Zhao
    there = replace(station, counter="counter-2", _cached=None)
    clerks.sign_in(there, "Zhao", "5813")  # each counter's audit chain begun: appending waits on nothing

    with other_save_before(
        station, "UPDATE clerk", lambda: clerks.set_role(there, "Wang", Role.CLERK)
    ) as outcome:
        clerks.set_role(station, "Zhao", Role.CLERK)
    assert isinstance(outcome[0], Refused) and outcome[0].code == "last_manager"
    assert outcome[0].params == {"name": "Wang"}
    assert _roles(station)["Wang"] == (Role.MANAGER, True)
    assert _roles(station)["Zhao"] == (Role.CLERK, True)


def test_a_managers_pin_reset_takes_a_strong_pin_ends_a_lock_out_and_records_no_pin(
    station: Station,
) -> None:
    """Li forgot the PIN and locked themself out trying; Wang resets it: Li signs in with the new one
    at once, no unlock besides. A weak PIN is refused, nothing changed."""
    for _try in range(station.settings().pin_fail_limit):
        with pytest.raises(Refused):
            clerks.authenticate(station, "Li", "9999")
    with pytest.raises(Refused) as exc:
        clerks.change_pin(station, "Li", "1111")
    assert exc.value.code == "weak_pin"
    with pytest.raises(Refused) as exc:
        clerks.authenticate(station, "Li", "1357")
    assert exc.value.code == "clerk_locked"  # the refused reset ended nothing
    clerks.change_pin(station, "Li", "4826")
    assert clerks.authenticate(station, "Li", "4826").name == "Li"
    with station.read() as session:
        li = session.exec(select(Clerk).where(Clerk.name == "Li")).one()
        events = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.CLERK_CHANGED)).all()
    assert (li.failed_sign_ins, li.lockouts, li.locked_until) == (0, 0, None)
    resets = [dict(e.details) for e in events if e.details.get("change") == "pin"]
    assert resets == [{"clerk": "Li", "clerk_id": li.id, "change": "pin", "unlocked": True}]
    assert (
        details_text(EventKind.CLERK_CHANGED, resets[0]) == "clerk: Li  change: PIN changed  lock-out ended"
    )
