"""`Station`: what every service call needs: the database, who is acting, where, and when."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from db.engine import read_session, run_in_transaction, write_session
from db.types import utcnow
from station_console.services.core.db_errors import lost_race, unavailable
from station_console.services.core.settings import load_station_settings
from station_console.settings import StationSettings

T = TypeVar("T")


@dataclass
class Station:
    """One console's (or one command's) handle on the station.

    Services take it as their first argument and own their transactions through `run()`, which
    retries the whole unit on a lock conflict. `clock` is injectable so the demo and the tests can
    check parcels in at any time.
    """

    engine: Engine
    counter: str = "counter-1"
    clerk_id: int | None = None
    clerk_role: str | None = None
    clock: Callable[[], datetime] = utcnow
    _settings: StationSettings | None = field(default=None, repr=False)

    def now(self) -> datetime:
        return self.clock()

    def settings(self) -> StationSettings:
        if self._settings is None:
            with self.read() as session:
                self._settings = load_station_settings(session)
        return self._settings

    def forget_settings(self) -> None:
        """Drop cached settings (after a change, or when another counter changed them)."""
        self._settings = None

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings().timezone)

    def business_day(self, at: datetime | None = None) -> date:
        return (at or self.now()).astimezone(self.zone()).date()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with read_session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with write_session(self.engine) as session:
            yield session

    def run(self, work: Callable[[Session], T]) -> T:
        """Run `work` as one transaction, retried from the start on a lock conflict or a lost race.

        A database that stays locked, is read-only, full or gone is refused as `DatabaseUnavailable`,
        a row that kept changing under every attempt as `version_conflict` (the transaction rolled
        back: nothing was written), never shown as a traceback.
        """
        try:
            return run_in_transaction(self.engine, work)
        except OperationalError as exc:
            raise unavailable(exc) from exc
        except StaleDataError as exc:
            raise lost_race() from exc


def day_bounds(station: Station, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the station-local `day` starts and the next one starts (DST-safe)."""
    zone = station.zone()
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end
