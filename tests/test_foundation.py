"""The ground: migrations, seeding, settings, transactions."""

from __future__ import annotations

import gc
import warnings
import weakref
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import col, func, select, update

from db.engine import create_station_engine, plain_transaction, write_session
from db.migrate import alembic_config, current_revision, head_revision, upgrade
from db.models import Carrier, Layer, Parcel, Setting, Shelf
from db.models.shelves import LAYER_FILL
from station_console.i18n import set_language
from station_console.services.admin.setup import DEFAULT_LAYOUT, carrier_seed, init_station, open_station
from station_console.services.core.station import Station
from station_console.settings import StationSettings


def test_migrations_reach_head_and_match_the_models(db_url: str) -> None:
    engine = create_station_engine(db_url)
    assert current_revision(engine) is None
    assert upgrade(engine) is True
    assert current_revision(engine) == head_revision()
    assert upgrade(engine) is False  # already current: nothing runs
    with warnings.catch_warnings():
        # SQLite's reflection cannot compare an index on an expression: the layer pick's is checked below.
        warnings.filterwarnings("ignore", message=".*expression-based index '?ix_layer_pick")
        command.check(alembic_config(engine))  # raises if the models and migrations differ
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_layer_pick'").scalar()
        assert sql is not None and f"({LAYER_FILL}), shelf_walk, walk_order" in sql
        assert sql.endswith("WHERE retired_at IS NULL")


def test_a_url_with_percent_signs_migrates(tmp_path: Path) -> None:
    """Alembic's config reads % as interpolation: a database path (or an escaped password) with one in
    it must still migrate."""
    folder = tmp_path / "100% sure"
    folder.mkdir()
    engine = create_station_engine(f"sqlite:///{folder / 'station.sqlite3'}")
    try:
        assert upgrade(engine) is True
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_head_by_file_name_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_open_station_seeds_a_new_database_once(db_url: str) -> None:
    station = open_station(db_url)
    with station.read() as session:
        carriers = session.exec(select(func.count()).select_from(Carrier)).one()
        shelves = session.exec(select(func.count()).select_from(Shelf)).one()
        layers = session.exec(select(func.count()).select_from(Layer)).one()
    assert carriers == len(carrier_seed()) >= 16
    assert shelves == len(DEFAULT_LAYOUT)
    assert layers == sum(spec["layers"] for spec in DEFAULT_LAYOUT)
    assert init_station(station) == {"carriers": 0, "shelves": 0, "layers": 0}  # idempotent
    assert station.settings().station_name == "Parcel Station"


def test_a_station_set_up_in_chinese_is_named_in_chinese(tmp_path: Path) -> None:
    """Its name is on every label and receipt: a Chinese console's new station is not "Parcel Station".
    Nobody named it, so the name is the default, read in each reader's language (an English one too)."""
    set_language("zh")
    station = open_station(f"sqlite:///{tmp_path / 'zh.sqlite3'}")
    assert station.settings().name_shown() == "快递驿站"
    set_language("en")
    assert station.settings().name_shown() == "Parcel Station"


def test_sqlite_is_durable_and_strict(db_url: str) -> None:
    engine = create_station_engine(db_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_back_to_back_writes_run_on_the_connection_used_last(tmp_path: Path) -> None:
    """Not on the pool's connections in turn: each would find its page cache stale from the other's
    commit and read its pages again."""
    engine = create_station_engine(f"sqlite:///{tmp_path / 'station.sqlite3'}")
    first, second = engine.raw_connection(), engine.raw_connection()
    first.close()
    second.close()  # two connections wait in the pool
    used = []
    for _ in range(3):
        with plain_transaction(engine) as tx:
            used.append(tx.dbapi)
    engine.dispose()
    assert used[1] is used[0] and used[2] is used[0]


@pytest.mark.own_dialect  # the tests' shared statement cache would hold the migration's tables, and so it
def test_an_engine_written_through_is_freed_once_nobody_holds_it(tmp_path: Path) -> None:
    """Its IMMEDIATE writer (made at the first write) must not keep it, and its statement cache, alive."""
    engine = create_station_engine(f"sqlite:///{tmp_path / 'station.sqlite3'}")
    upgrade(engine)
    with write_session(engine) as session:
        session.add(Shelf(label="Z9", zone="main"))
    engine.dispose()
    freed = weakref.ref(engine)
    del engine, session
    gc.collect()
    assert freed() is None


def test_a_failed_transaction_writes_nothing(station: Station) -> None:
    def work(session):  # type: ignore[no-untyped-def]
        session.add(Shelf(label="Z9", zone="main"))
        session.flush()
        raise RuntimeError("half-way")

    with pytest.raises(RuntimeError):
        station.run(work)
    with station.read() as session:
        assert session.exec(select(Shelf).where(Shelf.label == "Z9")).first() is None


def test_on_shelf_codes_are_unique_but_not_forever(station: Station) -> None:
    from sqlalchemy.exc import IntegrityError

    now = station.now()
    with station.write() as session:
        carrier = session.exec(select(Carrier)).first()
        assert carrier is not None and carrier.id is not None
        day = station.business_day()
        session.add(
            Parcel(
                waybill="A1",
                carrier_id=carrier.id,
                pickup_code="1-1-1001",
                status="picked_up",
                checked_in_at=now,
                business_day=day,
            )
        )
        session.add(
            Parcel(
                waybill="A2",
                carrier_id=carrier.id,
                pickup_code="1-1-1001",
                checked_in_at=now,
                business_day=day,
            )
        )
    with pytest.raises(IntegrityError), station.write() as session:
        session.add(
            Parcel(
                waybill="A3",
                carrier_id=carrier.id,
                pickup_code="1-1-1001",
                checked_in_at=now,
                business_day=day,
            )
        )


def test_on_shelf_waybills_are_unique_but_not_forever(station: Station) -> None:
    """One index holds both: a waybill's parcels that left never clash, two on the shelves do."""
    from sqlalchemy.exc import IntegrityError

    now = station.now()
    with station.write() as session:
        carrier = session.exec(select(Carrier)).first()
        assert carrier is not None and carrier.id is not None
        day = station.business_day()
        for n, status in enumerate(("picked_up", "returned", "cancelled", "on_shelf")):
            session.add(
                Parcel(
                    waybill="W1",
                    carrier_id=carrier.id,
                    pickup_code=f"1-1-{n}",
                    status=status,
                    checked_in_at=now,
                    business_day=day,
                )
            )
    with pytest.raises(IntegrityError), station.write() as session:
        session.add(Parcel(waybill="W1", carrier_id=carrier.id, checked_in_at=now, business_day=day))
    with station.read() as session:
        assert len(session.exec(select(Parcel).where(Parcel.waybill == "W1")).all()) == 4


def test_timestamps_come_back_timezone_aware(station: Station) -> None:
    with station.write() as session:
        carrier = session.exec(select(Carrier)).first()
        assert carrier is not None and carrier.id is not None
        session.add(
            Parcel(
                waybill="T1",
                carrier_id=carrier.id,
                checked_in_at=station.now(),
                business_day=station.business_day(session=session),
            )
        )
    with station.read() as session:
        parcel = session.exec(select(Parcel).where(Parcel.waybill == "T1")).one()
    assert parcel.checked_in_at == station.now()
    assert parcel.checked_in_at.utcoffset() is not None


def test_business_day_follows_the_station_time_zone(station: Station, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, date, datetime

    clock.now = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 01:30 next day in Shanghai
    assert station.business_day() == date(2026, 11, 26)


def test_a_stored_setting_the_rules_refuse_falls_back_to_its_default(
    station: Station, caplog: pytest.LogCaptureFixture
) -> None:
    """A value written around the console (by hand, by an older version) never stops the station."""
    good = station.settings()
    with station.engine.begin() as conn:
        conn.execute(
            update(Setting)
            .where(col(Setting.key) == "station")
            .values(
                value={**good.model_dump(mode="json"), "timezone": "Mars/Olympus", "station_name": "Gate 7"}
            )
        )
    station.forget_settings()
    with caplog.at_level("WARNING"):
        loaded = station.settings()
    assert loaded.station_name == "Gate 7"  # the valid values are kept
    assert loaded.timezone == StationSettings().timezone != "Mars/Olympus"
    assert "timezone" in caplog.text
    with station.engine.begin() as conn:
        conn.execute(
            update(Setting).where(col(Setting.key) == "station").values(value=["not", "a", "mapping"])
        )
    station.forget_settings()
    assert station.settings().station_name == StationSettings().station_name
