"""Clerks: sign-in and sign-out, the first manager, PIN changes and resets, lock-outs, roles,
deactivation.

PINs are hashed, checked and judged weak in `pins.py`; an unknown name is checked against its dummy
hash, so it costs the same scrypt run as a known one and timing does not tell which names exist.

Guessing: every wrong name or PIN is an audit event; `pin_fail_limit` wrong PINs in a row lock the
clerk out for `pin_lock_s`, each next lock twice as long (a good sign-in starts over; a manager can
unlock). What each wrong try writes is `sign_in_failures.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Clerk, EventKind, Role
from station_console import name_limit
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.i18n import N_
from station_console.safe_text import clean
from station_console.services.core import audit
from station_console.services.core.roles import require, require_manager
from station_console.services.core.standing import has_no_clerk
from station_console.services.core.station import Station
from station_console.services.people import sign_in_failures
from station_console.services.people.pins import (
    check_pin,
    dummy_hash,
    hash_pin,
    validate_pin,
)

ROLES = tuple(r.value for r in Role)


@dataclass(frozen=True)
class ClerkInfo:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    locked_until: datetime | None = None

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @classmethod
    def of(cls, row: Clerk) -> ClerkInfo:
        assert row.id is not None
        return cls(
            id=row.id,
            name=row.name,
            role=row.role,
            active=row.active,
            created_at=row.created_at,
            last_sign_in_at=row.last_sign_in_at,
            locked_until=row.locked_until,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
            "last_sign_in_at": self.last_sign_in_at.isoformat() if self.last_sign_in_at else None,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
        }


def _validate_name(name: str) -> str:
    name = clean(name)
    if not name:
        raise Refused(N_("A clerk needs a name."), code="bad_name")
    return name_limit.within_limit(name, code="bad_name")


def _find(session: Session, name: str) -> Clerk | None:
    """Names are matched without regard to case: `li` signs in as `Li`."""
    key = " ".join((name or "").split()).lower()
    return session.exec(select(Clerk).where(func.lower(Clerk.name) == key)).first()


# --- queries -----------------------------------------------------------------------------------------


def needs_first_manager(station: Station) -> bool:
    """True on a new station: no clerk exists yet, so the console asks for the manager."""
    return has_no_clerk(station)


def list_clerks(station: Station, *, include_inactive: bool = True) -> list[ClerkInfo]:
    require(station, "view")
    with station.read() as session:
        query = select(Clerk).order_by(col(Clerk.name))
        if not include_inactive:
            query = query.where(col(Clerk.active))
        return [ClerkInfo.of(row) for row in session.exec(query).all()]


def get_clerk(station: Station, name: str) -> ClerkInfo:
    with station.read() as session:
        row = _find(session, name)
        if row is None:
            raise NotFound(N_("No clerk named {name}."), code="no_clerk", name=name)
        return ClerkInfo.of(row)


def clerk_names(station: Station) -> dict[int, str]:
    """Clerk id -> name, for showing who did what."""
    with station.read() as session:
        return {row.id: row.name for row in session.exec(select(Clerk)).all() if row.id is not None}


def _clerk_id(station: Station, name: str) -> int | None:
    with station.read() as session:
        row = _find(session, name)
        return row.id if row is not None else None


# --- changes -----------------------------------------------------------------------------------------


def _insert(session: Session, station: Station, name: str, pin_hash: str, role: str) -> Clerk:
    if _find(session, name) is not None:
        raise Refused(N_("A clerk named {name} already exists."), code="clerk_exists", name=name)
    row = Clerk(name=name, role=role, pin_hash=pin_hash, active=True, created_at=station.now())
    session.add(row)
    session.flush()
    return row


def record_created(session: Session, station: Station, row: Clerk, **extra: object) -> None:
    """The event that puts a new clerk in the trail (a restore refuses clerks the trail does not know)."""
    audit.record(
        session,
        station,
        EventKind.CLERK_CHANGED,
        details={"clerk": row.name, "clerk_id": row.id, "change": "created", "role": row.role, **extra},
    )


def create_first_manager(station: Station, name: str, pin: str) -> ClerkInfo:
    """First run: make the station's manager. Refused once any clerk exists."""
    name, pin = _validate_name(name), validate_pin(pin)
    pin_hash = hash_pin(pin)

    def work(session: Session) -> ClerkInfo:
        if session.exec(select(Clerk.id).limit(1)).first() is not None:
            raise Refused(
                N_("The station already has clerks; a manager adds new ones."), code="not_first_run"
            )
        row = _insert(session, station, name, pin_hash, Role.MANAGER)
        record_created(session, station, row, first_run=True)
        return ClerkInfo.of(row)

    return station.run(work)


def check_may_add(station: Station) -> None:
    """Refuse whoever may not add a clerk, before anyone is asked for the new PIN."""
    if not needs_first_manager(station):
        require_manager(station, "clerks")


def add_clerk(station: Station, name: str, pin: str, *, role: str = Role.CLERK) -> ClerkInfo:
    """A manager adds a clerk (or another manager). On a new station the first one becomes the manager."""
    if needs_first_manager(station):
        return create_first_manager(station, name, pin)
    check_may_add(station)
    if role not in ROLES:
        raise Refused(N_("A role is clerk or manager."), code="bad_role")
    name, pin = _validate_name(name), validate_pin(pin)
    pin_hash = hash_pin(pin)

    def work(session: Session) -> ClerkInfo:
        row = _insert(session, station, name, pin_hash, role)
        record_created(session, station, row)
        return ClerkInfo.of(row)

    return station.run(work)


def authenticate(station: Station, name: str, pin: str) -> ClerkInfo:
    """Check a name and PIN. Wrong name and wrong PIN read the same; either is recorded (and counted
    towards a lock-out, `sign_in_failures.failed`). A locked-out clerk is refused before the PIN is
    looked at, and a deactivated clerk's right PIN; both are recorded with the reason
    (`sign_in_failures.refused`), no wrong PIN counted."""
    with station.read() as session:
        row = _find(session, name)
    now = station.now()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        sign_in_failures.refused(station, name, row, "locked_out")
        raise Refused(
            N_(
                "{name} is locked out after too many wrong PINs: try again in {minutes} min, or ask a manager."
            ),
            code="clerk_locked",
            name=row.name,
            minutes=sign_in_failures.minutes((row.locked_until - now).total_seconds()),
        )
    ok = check_pin(pin or "", row.pin_hash if row is not None else dummy_hash())
    if row is None or not ok:
        locked_s = sign_in_failures.failed(station, name, row)
        if row is not None and locked_s:
            # The try that locks says so: the next one would name the lock-out anyway, and the clerk
            # should not type a sixth PIN to learn that the counter will take none for a while.
            raise Refused(
                N_(
                    "{name} is now locked out after {count} wrong PINs in a row: try again in {minutes} min,"
                    " or ask a manager."
                ),
                code="clerk_locked",
                name=row.name,
                count=station.settings().pin_fail_limit,
                minutes=sign_in_failures.minutes(locked_s),
            )
        raise Refused(N_("Wrong name or PIN."), code="bad_credentials")
    if not row.active:
        sign_in_failures.refused(station, name, row, "deactivated")
        raise Refused(N_("{name} is deactivated; ask a manager."), code="clerk_inactive", name=row.name)
    if row.failed_sign_ins or row.lockouts:
        sign_in_failures.succeeded(station, row.id)
    return ClerkInfo.of(row)


class Unlocked(NamedTuple):
    clerk: ClerkInfo
    ended: bool  # False: nothing was locked or counted, so nothing was written


def unlock(station: Station, name: str) -> Unlocked:
    """A manager ends a clerk's lock-out (and its count) before its time; a clerk with no wrong PIN,
    lock-out or lock time to clear is left as is, with no event (an unlock that ended nothing)."""
    require_manager(station, "clerks")

    def work(session: Session) -> Unlocked:
        row = _find(session, name)
        if row is None:
            raise NotFound(
                N_("No clerk named {name}."), code="no_clerk", name=clean(name, name_limit.NAME_MAX)
            )
        if not (row.failed_sign_ins or row.lockouts or row.locked_until):
            return Unlocked(ClerkInfo.of(row), ended=False)
        was = row.locked_until
        row.failed_sign_ins, row.lockouts, row.locked_until = 0, 0, None
        session.add(row)
        audit.record(
            session,
            station,
            EventKind.CLERK_UNLOCKED,
            details={"clerk": row.name, "clerk_id": row.id, "locked_until": was.isoformat() if was else None},
        )
        return Unlocked(ClerkInfo.of(row), ended=True)

    return station.run(work)


def act_as(station: Station, clerk: ClerkInfo | None) -> None:
    """Make `station` act as `clerk` (None: nobody), in the role their row gives them now."""
    station.clerk_id = clerk.id if clerk else None
    station.clerk_role = clerk.role if clerk else None
    if clerk is not None:
        station.signed_in_roles[clerk.id] = clerk.role


def sign_in(station: Station, name: str, pin: str) -> ClerkInfo:
    """Verify, then act as that clerk from now on; a `signed_in` event names the counter."""
    clerk = authenticate(station, name, pin)
    act_as(station, clerk)

    def work(session: Session) -> ClerkInfo:
        row = session.get(Clerk, clerk.id)
        assert row is not None
        row.last_sign_in_at = station.now()
        session.add(row)
        audit.record(session, station, EventKind.SIGNED_IN, details={"clerk": row.name})
        return ClerkInfo.of(row)

    try:
        return station.run(work)
    except BaseException:
        act_as(station, None)
        raise


def sign_out(station: Station, *, reason: str = "sign_out") -> None:
    """Stop acting as the signed-in clerk (`reason`: sign_out, lock, idle, switch, quit, or deactivated:
    no longer standing, `core/standing.py`; recorded as `made_clerk` when the row says that is why)."""
    clerk_id = station.clerk_id
    if clerk_id is None:
        return

    def work(session: Session) -> None:
        why = reason
        if reason == "deactivated" and station.signed_in_roles.get(clerk_id) == Role.MANAGER:
            row = session.get(Clerk, clerk_id)
            if row is not None and row.active and row.role != Role.MANAGER:
                why = "made_clerk"
        audit.record(session, station, EventKind.SIGNED_OUT, details={"reason": why})

    station.run(work)
    act_as(station, None)


def check_may_change_pin(station: Station, name: str, *, own_with_old_pin: bool) -> bool:
    """Refuse whoever may not change NAME's PIN, before anyone is asked for the new one: a clerk their
    own (with the old PIN), a manager anyone's. True when it is the signed-in clerk's own."""
    if station.clerk_id is None and not has_no_clerk(station):
        # Whose PIN decides who signs in: "sign in to change your own PIN" sent the person resetting
        # another clerk's PIN to sign in as that clerk, whose PIN they do not know.
        raise PermissionDenied(
            N_(
                "Nobody is signed in: sign in to change a PIN, as {name} for their own PIN or as a "
                "manager for another clerk's."
            ),
            code="not_signed_in",
            name=name,
        )
    require(station, "change_own_pin")
    own = station.clerk_id is not None and station.clerk_id == _clerk_id(station, name)
    if not (own and own_with_old_pin):
        require_manager(station, "clerks")
    return own


def change_pin(station: Station, name: str, new_pin: str, *, old_pin: str | None = None) -> None:
    """A clerk changes their own PIN (giving the old one); a manager may reset anyone's without it.
    A manager's reset also ends a lock-out and its count: the wrong PINs were tries at the forgotten
    one, and the clerk given the new PIN should not wait out a lock or ask for an unlock besides. The
    event names the change and whether it ended a lock-out, never the PIN."""
    own = check_may_change_pin(station, name, own_with_old_pin=old_pin is not None)
    new_pin = validate_pin(new_pin)
    if old_pin is not None and own:
        authenticate(station, name, old_pin)
    pin_hash = hash_pin(new_pin)
    reset = old_pin is None or not own

    def work(session: Session) -> None:
        row = _find(session, name)
        if row is None:
            raise NotFound(
                N_("No clerk named {name}."), code="no_clerk", name=clean(name, name_limit.NAME_MAX)
            )
        row.pin_hash = pin_hash
        details: dict[str, object] = {"clerk": row.name, "clerk_id": row.id, "change": "pin"}
        if reset and (row.failed_sign_ins or row.lockouts or row.locked_until):
            row.failed_sign_ins, row.lockouts, row.locked_until = 0, 0, None
            details["unlocked"] = True
        session.add(row)
        audit.record(session, station, EventKind.CLERK_CHANGED, details=details)

    station.run(work)


def change_own_pin(station: Station, old_pin: str, new_pin: str) -> None:
    """The signed-in clerk changes their own PIN, giving the old one (the console's Ctrl+P)."""
    require(station, "change_own_pin")
    assert station.clerk_id is not None  # `require` refuses nobody signed in
    with station.read() as session:
        row = session.get(Clerk, station.clerk_id)
        name = row.name if row is not None else ""
    try:
        change_pin(station, name, new_pin, old_pin=old_pin)
    except Refused as exc:
        if exc.code != "bad_credentials":
            raise
        # Counted towards a lock-out as a sign-in's is; but the clerk typed no name here.
        raise Refused(N_("The current PIN is wrong."), code="bad_credentials") from None


def set_active(station: Station, name: str, active: bool) -> ClerkInfo:
    """A manager deactivates (or brings back) a clerk. The last active manager cannot be deactivated,
    nor the manager doing it: another manager does that."""
    require_manager(station, "clerks")

    def work(session: Session) -> ClerkInfo:
        # The active managers are locked before the clerk is read and they are counted: two managers
        # deactivating the last two at once (PostgreSQL) then count one after the other, the second
        # seeing what the first left. SQLite runs one writer at a time already.
        managers = _lock_active_managers(session) if not active else []
        row = _find(session, name)
        if row is None:
            raise NotFound(N_("No clerk named {name}."), code="no_clerk", name=name)
        if row.active == active:
            return ClerkInfo.of(row)
        if not active and row.role == Role.MANAGER and len(managers) <= 1:
            raise Refused(
                N_("{name} is the last manager and cannot be deactivated."),
                code="last_manager",
                name=row.name,
            )
        if not active and row.id == station.clerk_id:
            # F7 on one's own row by mistake shut its manager out at the next lock, unsaid till then.
            raise Refused(N_("You cannot deactivate yourself: ask another manager."), code="own_account")
        row.active = active
        session.add(row)
        audit.record(
            session,
            station,
            EventKind.CLERK_CHANGED,
            details={
                "clerk": row.name,
                "clerk_id": row.id,
                "change": "activated" if active else "deactivated",
            },
        )
        return ClerkInfo.of(row)

    return station.run(work)


def _lock_active_managers(session: Session) -> list[int | None]:
    query = select(Clerk.id).where(Clerk.role == Role.MANAGER, col(Clerk.active)).with_for_update()
    return list(session.exec(query).all())


def deactivate(station: Station, name: str) -> ClerkInfo:
    return set_active(station, name, False)


def set_role(station: Station, name: str, role: str) -> ClerkInfo:
    """A manager makes a clerk a manager, or a manager a clerk. Refused, nothing changed: nobody signed
    in or not a manager, an unknown role, an unknown or deactivated clerk, the role they have, and
    the last active manager made a clerk (the station would have nobody to manage it). A manager may
    make themself a clerk while another active manager remains (stepping down needs nobody else).

    The managers' rows are locked before any is counted, as `set_active` does: two managers at two
    counters (PostgreSQL) each making the other a clerk count one after the other, and the second is
    refused. The event records the old role and the new.

    Whoever is signed in as that clerk elsewhere keeps no power the row took away: a manager made a
    clerk is refused and locked out at their next action or the live view's next poll
    (`standing.check_still_active`); one who made themself a clerk acts as a clerk from the answer on.
    A clerk made a manager gets the manager's keys at their next sign-in."""
    require_manager(station, "clerks")
    if role not in ROLES:
        raise Refused(N_("A role is clerk or manager."), code="bad_role")
    own = station.clerk_id
    signed_in_as = station.signed_in_roles.get(own) if own is not None else None

    def work(session: Session) -> ClerkInfo:
        managers = _lock_active_managers(session)
        row = _find(session, name)
        if row is None:
            raise NotFound(
                N_("No clerk named {name}."), code="no_clerk", name=clean(name, name_limit.NAME_MAX)
            )
        if not row.active:
            raise Refused(
                N_("{name} is deactivated: let them sign in again before changing their role."),
                code="clerk_inactive",
                name=row.name,
            )
        if row.role == role:
            raise Refused(
                N_("{name} is a manager already: nothing changed.")
                if role == Role.MANAGER
                else N_("{name} is a clerk already: nothing changed."),
                code="same_role",
                name=row.name,
            )
        if row.role == Role.MANAGER and len(managers) <= 1:
            raise Refused(
                N_("{name} is the last manager: make another clerk a manager first."),
                code="last_manager",
                name=row.name,
            )
        old = row.role
        row.role = role
        session.add(row)
        if own is not None and row.id == own:
            # A manager stepping down is a clerk's sign-in here before the commit: the live view may
            # read the row again before the console has the answer (`act_as`), and must not lock it
            # as if another manager had made them a clerk.
            station.signed_in_roles[own] = role
        audit.record(
            session,
            station,
            EventKind.CLERK_CHANGED,
            details={"clerk": row.name, "clerk_id": row.id, "change": "role", "old_role": old, "role": role},
        )
        return ClerkInfo.of(row)

    try:
        return station.run(work)
    except BaseException:
        if own is not None and signed_in_as is not None:  # rolled back: still a manager's sign-in
            station.signed_in_roles[own] = signed_in_as
        raise
