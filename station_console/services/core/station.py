"""`Station`: what every service call needs: the database, who is acting, where, and when."""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, TypeVar, overload
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from db.engine import read_session, run_in_plain_transaction, run_in_transaction, write_session
from db.fast import Hot, Plain, Tx
from db.models import DayClose
from db.types import utcnow
from station_console.services.core.calendar_span import computable
from station_console.services.core.db_errors import lost_race, unavailable
from station_console.services.core.settings import load_station_settings
from station_console.settings import StationSettings
from station_console.settings_in_house import parse_hours

T = TypeVar("T")
C = TypeVar("C")
V = TypeVar("V")
# Every swap of cached settings in this process, numbered in order (a copy of a Station counts on).
_SWAPS = itertools.count(1)


@dataclass(frozen=True)
class SettingsRead:
    """Settings as the station's cache took them, and when: of two, the one with the higher `order`
    is the newer (a re-read begun before a save committed is answered after it, and is older)."""

    settings: StationSettings
    order: int


class _Acting(Generic[V]):
    """`Station.clerk_id` and `clerk_role`: the station's own, or inside a call `Station.as_now` made,
    the one it had as the call was sent. Set there, both change (a sign-in sent as nobody)."""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name, self._own = name, f"_{name}"

    @overload
    def __get__(self, station: None, owner: type[Any]) -> None: ...
    @overload
    def __get__(self, station: Station, owner: type[Any]) -> V: ...
    def __get__(self, station: Station | None, owner: type[Any]) -> V | None:
        if station is None:
            return None  # the field's default: nobody
        pinned = _pinned(station)
        if pinned is not None:
            return getattr(pinned, self._name)  # type: ignore[no-any-return]
        return station.__dict__.get(self._own)

    def __set__(self, station: Station, value: V) -> None:
        station.__dict__[self._own] = value
        pinned = _pinned(station)
        if pinned is not None:
            setattr(pinned, self._name, value)


@dataclass
class Station:
    """One console's (or one command's) handle on the station.

    Services take it as their first argument and own their transactions through `run()`, which
    retries the whole unit on a lock conflict. `clock` is injectable so the demo and the tests can
    check parcels in at any time.
    """

    engine: Engine
    counter: str = "counter-1"
    # Who is acting: the console's lock and sign-in change them in place (`as_now` for a call's own).
    clerk_id: _Acting[int | None] = _Acting()
    clerk_role: _Acting[str | None] = _Acting()
    clock: Callable[[], datetime] = utcnow
    busy_wait_s: float = 5.0  # how long a write waits for a busy database before it is refused
    on_busy: Callable[[], None] | None = field(default=None, repr=False)  # "busy, retrying", said once
    # The cached settings and their place among the swaps (`SettingsRead`), one object so that the UI
    # thread reads both without a lock.
    _cached: SettingsRead | None = field(default=None, repr=False)
    # One swap at a time, each reload's read inside it, so the settings swapped in last are the newest
    # (the live view's thread and a worker may reload together, and a save's commit swap in its own).
    _reloading: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    # One carrier-table rebuild or drop at a time (scan/carriers.py), for the same reason.
    _detector_swap: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )
    # Clerk id -> when (`clock`) their row last said they are active (core/standing.py): read again
    # once it is a few seconds old, so a deactivation at another counter ends their work here too.
    active_seen: dict[int, datetime] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Clerk id -> the role their sign-in here gave them (`clerks.act_as`): a manager made a clerk since
    # is refused as a deactivated clerk is (core/standing.py).
    signed_in_roles: dict[int, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    # What opening a new database seeded into it (`open_station`), for `station init` to report: its own
    # seeding runs after and finds everything there.
    seeded: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    # This process's handle among those under the same counter name (the `station` command on the same
    # PC names it too): a day's close or reopen records it, so the live view says a close made by
    # another process, and only this console's own is said where it was made (`day/turned.py`).
    console_id: str = field(default_factory=lambda: secrets.token_hex(6), repr=False, compare=False)

    def now(self) -> datetime:
        return self.clock()

    def as_now(self, fn: Callable[[], T]) -> Callable[[], T]:
        """`fn`, to run later on another thread as whoever acts for this station now: what a clerk sent
        before a lock and the next sign-in is refused or written (its audit event) as theirs, not as
        nobody or as the next clerk, however long it waits for the database."""
        pinned = _Pinned(self, self.clerk_id, self.clerk_role)

        def as_sent() -> T:
            # Its own (a sign-in inside changes this call's alone), on this thread only.
            token = _PINNED.set(replace(pinned, thread=threading.get_ident()))
            try:
                return fn()
            finally:
                _PINNED.reset(token)

        return as_sent

    def settings(self) -> StationSettings:
        return self.current_settings().settings

    def current_settings(self) -> SettingsRead:
        """The cached settings with their place among the swaps (read first if there are none)."""
        cached = self._cached
        return cached if cached is not None else self.read_settings_again()

    def forget_settings(self) -> None:
        """Drop cached settings (after a change, or when another counter changed them)."""
        with self._reloading:
            self._cached = None

    def use_settings(self, settings: StationSettings) -> None:
        """Swap in settings just committed (by this process): no read, and never a moment without any."""
        with self._reloading:
            self._swap(settings)

    def reload_settings(self) -> StationSettings:
        """Read the settings again and swap them in whole: another thread never finds them missing
        (so the console's UI thread, which reads them often, never has to go to the database)."""
        return self.read_settings_again().settings

    def read_settings_again(self) -> SettingsRead:
        """`reload_settings`, with the read's place among the swaps: whoever hands the settings on
        later (the live view, to the screens) can tell them from newer ones swapped in since."""
        with self._reloading, self.read() as session:
            return self._swap(load_station_settings(session))

    def _swap(self, settings: StationSettings) -> SettingsRead:
        self._cached = cached = SettingsRead(settings, next(_SWAPS))
        return cached

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings().timezone)

    def local_date(self, at: datetime | None = None) -> date:
        """The station's calendar date at `at` (default now)."""
        return (at or self.now()).astimezone(self.zone()).date()

    def business_day(self, at: datetime | None = None, *, session: Tx | None = None) -> date:
        """The business day `at` (default now) belongs to: its local date, or the next day once that
        date was closed before midnight (work after a close belongs to the next business day)."""
        return self.day_of(at, session=session)[0]

    def day_of(self, at: datetime | None = None, *, session: Tx | None = None) -> tuple[date, bool]:
        """(the business day of `at`, whether that day is closed now: a write there is refused)."""
        at = at or self.now()
        local = computable(self.local_date(at))  # the day after it is read too; a clock is not typed
        closes = day_closes(self, [local, local + timedelta(days=1)], session)
        ends_at, closed = closes.get(local, (None, False))
        if ends_at is not None and at >= ends_at:
            return local + timedelta(days=1), closes.get(local + timedelta(days=1), (None, False))[1]
        return local, closed

    def read(self) -> AbstractContextManager[Session]:
        """A read-only session; a database that cannot be reached or read is `DatabaseUnavailable`."""
        return _in_words(read_session(self.engine), reading=True)

    def connect(self) -> AbstractContextManager[Connection]:
        """A Core connection for reads timed at scale (pickup lookups), refused as `read` refuses."""
        return _in_words(_connecting(self.engine), reading=True)

    def write(self) -> AbstractContextManager[Session]:
        return _in_words(write_session(self.engine), reading=False)

    def finds(self, look: Callable[[Session], object]) -> bool:
        """Whether `look` finds anything, in a read: asked by a background pass before its write
        transaction, which takes the write lock (SQLite's BEGIN IMMEDIATE) that a check-in would wait
        behind, though most passes find nothing to do. The write looks again with the same conditions,
        never trusting the read (another counter may have taken the work meanwhile)."""
        with self.read() as session:
            return bool(look(session))

    def run(self, work: Callable[[Session], T]) -> T:
        """Run `work` as one transaction, retried from the start on a lock conflict for up to
        `busy_wait_s` (telling `on_busy` at the first one), or on a lost race a few times.

        A database that stays locked, is read-only, full or gone is refused as `DatabaseUnavailable`,
        a row that kept changing under every attempt as `version_conflict` (the transaction rolled
        back: nothing was written), never shown as a traceback.
        """
        try:
            return run_in_transaction(self.engine, work, wait_s=self.busy_wait_s, on_busy=self.on_busy)
        except OperationalError as exc:
            raise unavailable(exc) from exc
        except StaleDataError as exc:
            raise lost_race() from exc

    def run_plain(self, work: Callable[[Plain], T]) -> T:
        """`run` for work that is nothing but hot statements (db/fast.py), without an ORM Session:
        the same transaction, retries and refusals, at a fraction of the Session's cost (the check-in,
        the usual handover)."""
        try:
            return run_in_plain_transaction(self.engine, work, wait_s=self.busy_wait_s, on_busy=self.on_busy)
        except OperationalError as exc:
            raise unavailable(exc) from exc
        except StaleDataError as exc:
            raise lost_race() from exc


@dataclass
class _Pinned:
    """Who acts for `station` in the call running in this context (`Station.as_now`)."""

    station: Station
    clerk_id: int | None
    clerk_role: str | None
    thread: int = 0  # the call's own thread


_PINNED: ContextVar[_Pinned | None] = ContextVar("station_pinned", default=None)


def _pinned(station: Station) -> _Pinned | None:
    """Who acts for `station` in the call running here, if one runs. Only on the call's own thread:
    what it hands to the UI thread (Textual's `call_from_thread` runs it in a copy of the call's
    context) reads, and changes, whoever acts for the console now."""
    pinned = _PINNED.get()
    if pinned is None or pinned.station is not station or pinned.thread != threading.get_ident():
        return None
    return pinned


@contextmanager
def _connecting(engine: Engine) -> Iterator[Connection]:
    """`engine.connect()` made inside the `with`: called outright it connects at once, so a server
    that cannot be reached raised before `_in_words` could put it in words."""
    with engine.connect() as conn:
        yield conn


@contextmanager
def _in_words(opened: AbstractContextManager[C], *, reading: bool) -> Iterator[C]:
    """`opened`, with a database fault inside it refused as `DatabaseUnavailable` (db_errors.py)."""
    try:
        with opened as handle:
            yield handle
    except OperationalError as exc:
        raise unavailable(exc, reading=reading) from exc


# Two consecutive days' closes: on every event's and every check-in's path (the driver's cursor).
_DAY_CLOSES = Hot(
    sa_select(col(DayClose.business_day), col(DayClose.ends_at), col(DayClose.reopened_at)).where(
        col(DayClose.business_day) >= bindparam("first"), col(DayClose.business_day) <= bindparam("last")
    ),
    typed=True,
)


def day_closes(
    station: Station, days: list[date], session: Tx | None = None
) -> dict[date, tuple[datetime | None, bool]]:
    """For each of `days` that has a close row: (when it ended early, if it did; closed now)."""
    span = {"first": min(days), "last": max(days)}
    if session is None:
        with station.read() as own:
            rows = _DAY_CLOSES.rows(own, **span)
    else:
        rows = _DAY_CLOSES.rows(session, **span)
    wanted = set(days)
    return {
        day: (ends_at, reopened_at is None)
        for day, ends_at, reopened_at in ((_as_date(d), e, r) for d, e, r in rows)
        if day in wanted
    }


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def midnight(station: Station, day: date) -> datetime:
    """The UTC instant where the station-local calendar `day` starts (DST-safe)."""
    computable(day)
    return datetime.combine(day, time(0), tzinfo=station.zone()).astimezone(UTC)


def closing_time(station: Station, day: date) -> datetime:
    """When `day` closes by the opening hours (local midnight when they cannot be read)."""
    computable(day)
    hours = parse_hours(station.settings().opening_hours)
    if hours is None:
        return midnight(station, day + timedelta(days=1))
    return datetime.combine(day, hours[1], tzinfo=station.zone())


def day_bounds(station: Station, day: date, session: Session | None = None) -> tuple[datetime, datetime]:
    """The UTC instants where business `day` starts and the next one starts: local midnights, except
    that a day closed before its midnight ends at its close (and the next day starts there)."""
    computable(day)
    start, end = midnight(station, day), midnight(station, day + timedelta(days=1))
    ends = day_closes(station, [day - timedelta(days=1), day], session)
    return ends.get(day - timedelta(days=1), (None, False))[0] or start, ends.get(day, (None, False))[
        0
    ] or end
