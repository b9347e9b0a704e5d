"""One SQLAlchemy dialect, and its compiled-statement cache, for every engine a test process makes.

A station keeps one engine for its life, so each statement is compiled to SQL once and found in the
engine's cache after that. The tests make a new engine for almost every test, and SQLAlchemy keys
that cache (and its per-dialect memos: type adapters, the ORM's insert and update statements,
db/fast.py's compiled statements) by the dialect instance, which every `create_engine` makes anew:
every test compiled every statement it ran again, a third of a service test's CPU. Here the first
engine of each dialect class, once it has connected (and so initialised its dialect from the server),
lends that dialect and its cache to every later engine of the same class; the engines keep their own
pools, URLs and event listeners. What is compiled is what would be compiled: the cache only saves
doing it twice, as it does in a running console. A statement that fails to compile is never cached.

The shared cache lives as long as the process, and so does what its keys hold (an Alembic batch
migration's reflected tables hold the engine they were read through): a test marked `own_dialect`
makes its engines as a station does, with their own dialect and cache, and can see them freed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.util import LRUCache

import db.engine

# Room for every statement the suite runs (some 2,000 distinct ones): SQLAlchemy's default 500 would
# drop the oldest, which the next test may run again.
CACHE_SIZE = 20_000

_shared: dict[type[Dialect], tuple[Dialect, LRUCache[Any, Any]]] = {}
_lending = [True]  # False while a test marked `own_dialect` runs


def _lend(engine: Engine) -> Engine:
    if not _lending[0]:
        return engine
    kind = type(engine.dialect)
    if kind in _shared:
        own = engine.dialect
        # Its first connection would still initialise the engine's own dialect, now unused: on
        # PostgreSQL five round trips (the server's version, schema, isolation level, hstore).
        own.initialize = lambda connection: None  # type: ignore[method-assign]
        engine.dialect, engine._compiled_cache = _shared[kind]  # type: ignore[assignment]
        return engine

    def share(*_args: Any) -> None:  # after create_engine's own listener initialised the dialect
        if kind not in _shared:
            engine._compiled_cache = LRUCache(CACHE_SIZE)
            _shared[kind] = (engine.dialect, engine._compiled_cache)

    event.listen(engine.pool, "connect", share, once=True)
    return engine


@pytest.fixture(autouse=True, scope="session")
def _shared_dialects() -> Iterator[None]:
    original = db.engine.create_engine

    def create_engine(*args: Any, **kwargs: Any) -> Engine:
        return _lend(original(*args, **kwargs))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db.engine, "create_engine", create_engine)
        yield


@pytest.fixture(autouse=True)
def _own_dialect(request: pytest.FixtureRequest) -> Iterator[None]:
    if not request.node.get_closest_marker("own_dialect"):
        yield
        return
    _lending[0] = False
    try:
        yield
    finally:
        _lending[0] = True


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "own_dialect: engines with their own SQLAlchemy dialect and statement cache (elsewhere shared)",
    )
