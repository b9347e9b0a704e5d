"""Helpers every service test area uses: waybills, settings written directly, layouts, rows and events.

On sys.path through tests/conftest.py; the per-area helper modules re-export what they need from here.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from db import fast
from db.engine import create_station_engine
from db.migrate import upgrade
from db.models import Carrier, Clerk, Layer, Parcel, ParcelEvent, Setting, Shelf
from station_console.services.core.settings import STATION_KEY, load_station_settings
from station_console.services.core.station import Station
from station_console.services.people.pins import hash_pin
from station_console.services.shelves.edits import copy_shelf_onto_layers


def wb(n: int) -> str:
    """A distinct valid J&T waybill."""
    return f"JT{n:013d}"


def configure(station: Station, **changes: Any) -> None:
    # Written directly: changing settings through the service needs a signed-in manager.
    def work(session: Session) -> None:
        row = session.get(Setting, STATION_KEY)
        assert row is not None
        row.value = load_station_settings(session).model_copy(update=changes).model_dump(mode="json")
        session.add(row)

    station.run(work)
    station.forget_settings()


def keep_layers(station: Station, capacities: dict[str, int]) -> None:
    """Retire every layer except `{"1-1": 4, "OV-1": 6, ...}`, which get those capacities."""

    def work(session: Session) -> None:
        for layer, shelf in session.exec(
            select(Layer, Shelf).join(Shelf, col(Shelf.id) == Layer.shelf_id)
        ).all():
            label = f"{shelf.label}-{layer.label}"
            if label in capacities:
                layer.capacity_units = capacities[label]
            else:
                layer.retired_at = station.now()
            session.add(layer)

    station.run(work)


def set_walk(station: Station, shelf_label: str, walk_order: int) -> None:
    def work(session: Session) -> None:
        shelf = session.exec(select(Shelf).where(Shelf.label == shelf_label)).one()
        shelf.walk_order = walk_order
        session.add(shelf)
        copy_shelf_onto_layers(session, shelf)

    station.run(work)


def layer_figures(station: Station, location: str) -> tuple[int, int]:
    """(used_units, parcel_count) of layer "SHELF-LAYER"."""
    shelf_label, layer_label = location.split("-")
    with station.read() as session:
        layer = session.exec(
            select(Layer)
            .join(Shelf, col(Shelf.id) == Layer.shelf_id)
            .where(Shelf.label == shelf_label, Layer.label == layer_label)
        ).one()
        return layer.used_units, layer.parcel_count


def parcel(station: Station, parcel_id: int) -> Parcel:
    with station.read() as session:
        row = session.get(Parcel, parcel_id)
        assert row is not None
        return row


def events(station: Station, kind: str) -> list[ParcelEvent]:
    with station.read() as session:
        return list(
            session.exec(
                select(ParcelEvent).where(ParcelEvent.kind == kind).order_by(col(ParcelEvent.id))
            ).all()
        )


Rows = dict[str, list[tuple[Any, ...]]]


def snapshot(station: Station) -> Rows:
    """Every row of every table, in a stable order: what a refusal must leave as it was. Read on the
    driver's own cursor: SQLAlchemy's `text()` hands back the same raw values, after compiling and
    wrapping each of the forty-odd statements."""
    with station.engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            return _every_row(cursor)
        finally:
            cursor.close()


def file_snapshot(path: Path) -> Rows:
    """`snapshot` of the SQLite station file `path`, read with the driver alone: nothing migrated,
    seeded or signed in on the way (a command's refusal is checked without opening a station)."""
    with closing(sqlite3.connect(path)) as conn:
        return _every_row(conn.cursor())


def _every_row(cursor: Any) -> Rows:
    rows = {}
    for name in SQLModel.metadata.tables:
        cursor.execute(f'SELECT * FROM "{name}"')
        rows[name] = sorted(map(tuple, cursor.fetchall()), key=repr)
    return rows


def fold_wal(path: Path) -> None:
    """Everything into the main file of the SQLite database `path`, which is what a template's copy
    (`copy_database_file`) takes: what is still in its WAL would be left behind."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# scrypt's cost for the tests' PINs (production: pins.SCRYPT_N = 2**14, some 90 ms a hash). Every
# sign-in, CLI run with --pin and new clerk hashes one: at 2**10 (1.8 ms each) some 1,300 of them cost
# 3 s of CPU a run; at 2**4, 0.04 ms. The same code path: the cost is a parameter, kept in the hash.
CHEAP_SCRYPT_N = 2**4


@cache
def cheap_pin_hash(pin: str) -> str:
    """`pin` hashed at CHEAP_SCRYPT_N, once per process: a valid hash that `check_pin` accepts. Clerks
    added this way share its salt, which tests of their own never look at (tests of hashing call
    `hash_pin`); hashing anew for every test's clerk cost 4 ms of CPU each."""
    return hash_pin(pin, n=CHEAP_SCRYPT_N)


def act_as_new_clerk(station: Station, name: str, role: str, pin: str = "0000") -> int:
    """Add a clerk row directly (no audit event, a cheap PIN hash) and act as them; their id.

    One INSERT on the driver's connection (db/fast.py), as the check-in writes its rows: through an
    ORM Session and its flush the same row cost 2.3 ms of CPU, and nearly every test adds one."""
    row = Clerk(name=name, role=role, pin_hash=cheap_pin_hash(pin), created_at=station.now())
    station.clerk_id, station.clerk_role = station.run_plain(lambda tx: fast.insert(tx, row)), role
    return station.clerk_id


@cache
def migrated_template() -> Path:
    """An empty SQLite database migrated to head by Alembic, made once per process (per xdist worker).

    Running the migrations costs about a second; a test that needs a new station database but is not
    about migrating copies this file instead (`new_database_file`). tests/test_foundation.py runs them."""
    folder = Path(tempfile.mkdtemp(prefix="station-migrated-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "migrated.sqlite3"
    engine = create_station_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        fold_wal(path)
    finally:
        engine.dispose()
    return path


def copy_database_file(template: Path, path: Path) -> str:
    """`template` copied to the new file `path`, made 0600 as the station makes its database; its URL."""
    with (
        open(template, "rb") as source,
        os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as target,
    ):
        shutil.copyfileobj(source, target)
    return f"sqlite:///{path}"


def new_database_file(path: Path) -> str:
    """A new station database at `path` as the first `open_station` leaves it before seeding: migrated,
    empty (a copy of `migrated_template`); its URL. Opening it seeds it as it would a new one."""
    return copy_database_file(migrated_template(), path)


def short_names(station: Station) -> None:
    """Every carrier's short name becomes 短 + its code: neither a code nor a name_en/name_zh, so a list
    or dialog showing either in its place fails."""

    def work(session: Session) -> None:
        for carrier in session.exec(select(Carrier)).all():
            carrier.short_name = f"短{carrier.code}"
            session.add(carrier)

    station.run(work)


def column_starts(lines: list[str]) -> list[tuple[int, ...]]:
    """The terminal column (a Chinese character takes two) each whitespace-separated cell of each line
    starts at: a table is aligned when its lines give the same tuple."""
    import re

    from station_console.text_columns import display_width

    return [tuple(display_width(line[: m.start()]) for m in re.finditer(r"\S+", line)) for line in lines]


def commands_at(patch: Any, clock: Any) -> None:
    """Every station a command (or `open_station`) opens from now on reads `clock`, not the machine's:
    what a command says of 'today' then cannot change under a test at midnight."""
    from functools import partial

    from station_console.services.admin import setup

    patch.setattr(setup, "Station", partial(Station, clock=clock))


def recall(station: Station, *refs: str) -> None:
    """Flag parcels `recalled` (their sender asked for them back), as a clerk does: a return batch takes
    a parcel only with a reason to go back, and a fresh one has none until it is recalled."""
    from station_console.services.exceptions import problems

    for ref in refs:
        problems.mark(station, ref, "recalled", "Sender asked for it back")
