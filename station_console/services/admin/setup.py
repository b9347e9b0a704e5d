"""Opening a station database and giving a new one its carriers, shelves and settings."""

from __future__ import annotations

import contextlib
import json
import logging
import os
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlmodel import Session, select

from db.engine import create_station_engine, default_database_path, is_sqlite, resolve_url
from db.migrate import (
    UpgradeBlocked,
    UpgradeBusy,
    current_revision,
    has_version_table,
    head_revision,
    holding_upgrade_lock,
    known_revisions,
    tables_beside_the_version_table,
    upgrade_from,
)
from db.models import (
    AuditHead,
    Carrier,
    Clerk,
    DayClose,
    EventKind,
    Layer,
    Parcel,
    ParcelEvent,
    Setting,
    Shelf,
)
from station_console.counter_settings import COUNTER_MAX
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.safe_text import clean, cut
from station_console.services.admin.open_errors import (
    cannot_open,
    not_a_database,
    not_brought_up_to_date,
    upgrade_blocked,
    upgrading,
)
from station_console.services.core import anchors, audit
from station_console.services.core.health import damaged
from station_console.services.core.roles import require_manager
from station_console.services.core.settings import STATION_KEY, load_station_settings
from station_console.services.core.station import Station
from station_console.services.people.clerks import act_as, authenticate
from station_console.settings import StationSettings

log = logging.getLogger(__name__)

# A sensible small station: shelves 1-8 with 5 layers, a floor zone for XL, an overflow zone.
DEFAULT_LAYOUT: list[dict[str, Any]] = [
    *(
        {"label": str(n), "zone": "main", "layers": 5, "capacity_units": 40, "accepts_sizes": "SML"}
        for n in range(1, 9)
    ),
    {"label": "F", "zone": "floor", "layers": 2, "capacity_units": 48, "accepts_sizes": "LX"},
    {"label": "OV", "zone": "overflow", "layers": 2, "capacity_units": 60, "accepts_sizes": "SMLX"},
]


def open_station(
    url: str | None = None,
    *,
    counter: str = "counter-1",
    clerk_name: str | None = None,
    pin: str | None = None,
    create: bool = True,
) -> Station:
    """Engine for `url` (default SQLite), migrated to head. A new database is seeded.

    With `clerk_name` the station acts as that clerk only once `pin` checks out (refused otherwise).
    Not `create` (a command that only signs a clerk in): a SQLite file that is not there, or a database
    with no station in it (no migration ever ran: an empty PostgreSQL database), is refused, not made
    (a sign-in alone makes none); so is one with an empty version table (damaged, or not a station's)
    and one at an older version, not migrated (a sign-in alone changes nothing: the console or
    `station db upgrade` brings it up to date). `create` too: an empty version table beside tables is
    refused, not migrated over them (`_refuse_tables_without_a_version`).
    """
    counter = validate_counter(counter)
    if not create:
        _refuse_no_file(url)
    engine = _engine(resolve_url(url))
    station = Station(engine=engine, counter=counter)
    try:
        revision = current_revision(engine)
        if not create:
            _refuse_for_a_sign_in(engine, revision)
        _refuse_tables_without_a_version(engine, revision)
        _refuse_unknown_revision(revision)
        _bring_up_to_date(engine, revision)
        with station.read() as session:
            empty = session.exec(select(Carrier.id).limit(1)).first() is None
    except OperationalError as exc:
        raise cannot_open(exc, engine) from exc
    except DatabaseError as exc:  # the file is not a database at all, or its pages are damaged
        if "malformed" in str(exc.orig).lower():
            raise damaged(str(exc.orig)) from exc
        raise not_a_database(exc, engine) from exc
    if empty:
        try:
            station.seeded = init_station(station)
        except UpgradeBusy as exc:  # another counter seeding it, stuck: refused as its upgrade is
            raise upgrading(exc) from exc
    if clerk_name:
        act_as(station, authenticate(station, clerk_name, pin or ""))
    return station


def _refuse_no_file(url: str | None) -> None:
    """Refused when `url` (as `resolve_url` reads it) is a SQLite file that is not there: checked before
    `resolve_url`, which makes the default file's folder."""
    url = url or os.environ.get("STATION_DB")
    if url:
        try:
            parsed = make_url(url)
        except ArgumentError:
            return  # said as the URL it is when the station opens
        name = parsed.database if parsed.get_backend_name() == "sqlite" else None
        if not name or name == ":memory:" or name.startswith("file:"):
            return
        path = Path(name)
    else:
        path = default_database_path()
    if not path.exists():
        raise _no_database(str(path))


def _no_database(where: str | None) -> Refused:
    """Refused with no station to sign in to: a SQLite file that is not there, or a database (a
    PostgreSQL one, which `station` cannot tell from a new one by a file) with no station in it."""
    return Refused(
        N_("There is no station database at {file}: the clerk cannot be checked."),
        code="database_missing",
        file=where or "?",
    )


def _refuse_for_a_sign_in(engine: Engine, revision: str | None) -> None:
    """What a command that only signs a clerk in does not open (the engine disposed): no station in
    the database, an empty version table, or a database at an older version."""
    at = engine.url
    where = at.database if is_sqlite(engine) else at.render_as_string(hide_password=True)
    refusal: Refused | None = None
    if revision is None and has_version_table(engine):
        refusal = Refused(
            N_(
                "The database at {file} has an empty version table: it is damaged, or not a station's. "
                "The clerk cannot be checked."
            ),
            code="database_damaged",
            file=where or "?",
        )
    elif revision is None:  # an empty database: no station's, so no clerk to check
        refusal = _no_database(where)
    elif revision in known_revisions() and revision != head_revision():
        refusal = Refused(
            N_(
                "The database at {file} is at an older version: open the console, or run station db "
                "upgrade, to bring it up to date. Signing in alone changes nothing."
            ),
            code="database_outdated",
            file=where or "?",
        )
    if refusal is not None:
        engine.dispose()
        raise refusal


def _refuse_tables_without_a_version(engine: Engine, revision: str | None) -> None:
    """An empty version table over tables (a station's emptied by hand or damaged, or another
    program's) is refused, the engine disposed: migrating from the start would run over them. One
    with no other table (a first start cut short before its first migration) is migrated from the
    start: nothing is in it to lose."""
    if revision is not None or not has_version_table(engine):
        return
    if not tables_beside_the_version_table(engine):
        return
    # Read again after the tables: another counter's first migration may have committed since the
    # revision was read (its tables and its revision arrive in one commit, never one without the other).
    if current_revision(engine) is not None:
        return
    at = engine.url
    where = at.database if is_sqlite(engine) else at.render_as_string(hide_password=True)
    engine.dispose()
    raise Refused(
        N_(
            "The database at {file} has an empty version table beside its tables: it is damaged, or "
            "not a station's, and nothing was changed in it. Put the station's last backup in its "
            "place, or move it away to start a new station."
        ),
        code="database_damaged",
        file=where or "?",
    )


def _bring_up_to_date(engine: Engine, revision: str | None) -> None:
    """Run the pending migrations; any failure of theirs is refused as one (the file did open)."""
    try:
        upgrade_from(engine, revision)
    except Exception as exc:  # noqa: BLE001  a migration's own bug too: logged whole, never a traceback
        raise not_brought_up_to_date(exc, engine, revision) from exc


def validate_counter(name: str) -> str:
    """A counter name as it is recorded on every event: one line, 1 to 32 characters."""
    cleaned = clean(name)
    if not cleaned or len(cleaned) > COUNTER_MAX:
        raise Refused(
            N_("A counter name is 1 to {max} characters (got {n})."),
            code="bad_counter",
            max=COUNTER_MAX,
            n=len(cleaned),
        )
    return cleaned


def _engine(url: str) -> Engine:
    try:
        return create_station_engine(url)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise Refused(
            N_(
                "{url} is not a database URL this station can use (sqlite:///FILE or postgresql+psycopg://...)"
            ),
            code="bad_url",
            url=cut(url, 80),
        ) from exc


def _refuse_unknown_revision(revision: str | None) -> None:
    """A database of a newer station-console (or of something else) is not migrated, it is refused."""
    if revision is None or revision in known_revisions():
        return
    if revision > (head_revision() or ""):
        raise Refused(
            N_("The database was made by a newer station-console (schema {revision}); update this one."),
            code="database_too_new",
            revision=revision,
        )
    raise Refused(
        N_("The database has an unknown schema ({revision})."), code="unknown_schema", revision=revision
    )


# An emptied field: "Unknown time zone : ..." named no zone at all.
NO_ZONE = N_("Type the station's time zone, a name like Asia/Shanghai.")


def station_basics(timezone: str, opening_hours: str) -> StationSettings:
    """Check a time zone and opening hours as typed at first start; refused with the reason."""
    if not timezone.strip():
        raise Refused(NO_ZONE, code="bad_timezone")
    try:
        return StationSettings(timezone=timezone.strip(), opening_hours=opening_hours)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        if field == "timezone":
            raise Refused(
                N_("Unknown time zone {zone}: use a name like Asia/Shanghai."),
                code="bad_timezone",
                zone=cut(timezone, 40),
            ) from None
        raise Refused(N_("Opening hours look like 09:00-21:00."), code="bad_hours") from None


def set_station_basics(station: Station, timezone: str, opening_hours: str) -> StationSettings:
    """Set the station's time zone and opening hours (they define its business day and closing time).

    A manager's change, except on a new station that has no clerk yet (`station init`, the first-start
    dialog before the manager exists). Recorded in the audit trail either way."""
    checked = station_basics(timezone, opening_hours)

    def work(session: Session) -> StationSettings:
        if session.exec(select(Clerk.id).limit(1)).first() is not None:
            require_manager(station, "settings")
        old = load_station_settings(session)
        new = old.model_copy(update={"timezone": checked.timezone, "opening_hours": checked.opening_hours})
        row = session.get(Setting, STATION_KEY) or Setting(key=STATION_KEY)
        row.value = new.model_dump(mode="json")
        session.add(row)
        changed = sorted(k for k in ("timezone", "opening_hours") if getattr(old, k) != getattr(new, k))
        audit.record(
            session, station, EventKind.SETTINGS_CHANGED, details={"changed": changed, "first_start": True}
        )
        return new

    result = station.run(work)
    station.forget_settings()
    return result


def carrier_seed() -> list[dict[str, Any]]:
    text = (resources.files("station_console") / "data" / "carriers.json").read_text(encoding="utf-8")
    return list(json.loads(text))


def init_station(station: Station, *, timezone: str | None = None) -> dict[str, int]:
    """Seed what is missing (carriers by code, a shelf layout if there is none, settings). Idempotent."""

    def seed(session: Session) -> dict[str, int]:
        added = {"carriers": 0, "shelves": 0, "layers": 0}
        known = set(session.exec(select(Carrier.code)).all())
        for row in carrier_seed():
            if row["code"] not in known:
                session.add(Carrier.model_validate(row))
                added["carriers"] += 1
                if known:  # an upgrade's new carrier: recorded, and running consoles read the table again
                    audit.record(
                        session,
                        station,
                        EventKind.CARRIER_CHANGED,
                        details={"action": "added", "carrier": row["code"]},
                    )
        if session.exec(select(Shelf.id).limit(1)).first() is None:
            added.update(_seed_layout(session))
        if session.get(AuditHead, 1) is None:
            session.add(AuditHead(id=1))

        if session.get(Setting, anchors.IDENTITY_KEY) is None and _nothing_recorded(session):
            made[:] = [anchors.new_identity()["id"]]
            session.add(Setting(key=anchors.IDENTITY_KEY, value={"id": made[0]}))
        if session.get(Setting, STATION_KEY) is None:
            # Not named: the default name reads in each reader's language (`shown_station_name`) until a
            # manager names the station.
            settings = StationSettings(timezone=timezone or machine_timezone())
            session.add(Setting(key=STATION_KEY, value=settings.model_dump(mode="json")))
        return added

    def work(session: Session) -> dict[str, int]:
        # Two counters opening a new database at once both find it empty: the second waits here and
        # then finds everything seeded (PostgreSQL reads what was committed before each statement).
        with holding_upgrade_lock(session.connection()):
            added = seed(session)
            session.flush()  # the inserts wait for other locks here, within the lock's bounded wait
        return added

    made: list[str] = []
    try:
        result = station.run(work)
    except UpgradeBlocked as exc:  # a client stuck in its transaction on a table the seeding fills
        raise upgrade_blocked(exc) from exc  # in words for `station init` too, not only at opening
    station.forget_settings()
    if made:
        try:  # a new station at a path another was made at does not inherit its closes' anchors
            anchors.append_made(station.engine, made[0])
        except OSError as exc:
            log.warning("station made, but the anchor file could not say so: %s", exc)
    return result


def _nothing_recorded(session: Session) -> bool:
    """A new station's database: no parcel, event or close yet. Settings and carriers are not enough:
    whoever can edit the file can delete them, and a file with a history made a new station would
    leave the closes anchored for it unchecked."""
    return all(session.exec(select(c.id).limit(1)).first() is None for c in (ParcelEvent, Parcel, DayClose))


def _seed_layout(session: Session) -> dict[str, int]:
    shelves = layers = 0
    walk = 0
    for order, spec in enumerate(DEFAULT_LAYOUT):
        shelf = Shelf(label=spec["label"], zone=spec["zone"], walk_order=order)
        session.add(shelf)
        session.flush()
        shelves += 1
        for n in range(1, spec["layers"] + 1):
            walk += 1
            assert shelf.id is not None
            session.add(
                Layer(
                    shelf_id=shelf.id,
                    label=str(n),
                    capacity_units=spec["capacity_units"],
                    accepts_sizes=spec["accepts_sizes"],
                    walk_order=walk,
                    zone=shelf.zone,
                    shelf_walk=shelf.walk_order,
                )
            )
            layers += 1
    return {"shelves": shelves, "layers": layers}


def machine_timezone() -> str:
    """The machine's IANA zone name, or UTC when it cannot be told."""
    for name in _zone_names():
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return "UTC"


def _zone_names() -> list[str]:
    names = []
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and "/" in tz:
        names.append(tz)
    with contextlib.suppress(OSError):
        names.append(Path("/etc/timezone").read_text().strip())
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    return [n for n in names if n]
