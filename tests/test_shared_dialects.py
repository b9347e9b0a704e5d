"""The tests' engines share one dialect and compiled-statement cache (tests/shared_dialects.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from db.engine import create_station_engine
from db.models import Carrier
from station_console.services.core.station import Station


def _carrier_codes(engine_url: str) -> list[str]:
    engine = create_station_engine(engine_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(col(Carrier.code)).order_by(col(Carrier.code))).scalars())
    finally:
        engine.dispose()


def test_a_later_engine_finds_the_statements_an_earlier_one_compiled(station: Station) -> None:
    url = str(station.engine.url)
    first = _carrier_codes(url)
    engine = create_station_engine(url)
    try:
        assert engine.dialect is station.engine.dialect
        cache = engine._compiled_cache
        assert cache is station.engine._compiled_cache and cache is not None
        size = len(cache)
        with engine.connect() as conn:
            assert (
                list(conn.execute(select(col(Carrier.code)).order_by(col(Carrier.code))).scalars()) == first
            )
        assert len(cache) == size  # found, not compiled again
    finally:
        engine.dispose()


@pytest.mark.own_dialect
def test_an_own_dialect_test_makes_its_engines_as_a_station_does(station: Station) -> None:
    engine = create_station_engine(str(station.engine.url))
    try:
        assert engine.dialect is not station.engine.dialect
        assert engine._compiled_cache is not station.engine._compiled_cache
    finally:
        engine.dispose()
