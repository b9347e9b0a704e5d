"""Engines and transactions.

SQLite (the default) runs in WAL mode with `synchronous=FULL`, so a check-in the screen acknowledged
survives a power cut; write transactions start with `BEGIN IMMEDIATE`, so two consoles on one file
queue for the write lock instead of failing half-way. PostgreSQL is used as it comes but for a short
lock_timeout (a row lock held elsewhere is waited for as SQLite's write lock is: told, retried, refused
past the busy wait); services take row locks (`SELECT ... FOR UPDATE`) where they allocate.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from platformdirs import user_data_dir
from sqlalchemy import Engine, event, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from db.checkpoint import CAP_PAGES, Checkpointer
from db.fast import IN_PLAIN, Plain, run_on_driver
from db.models import enums

T = TypeVar("T")
S = TypeVar("S", Session, Plain)

APP_NAME = "station-console"
# SQLite's own wait for a lock, per statement (PostgreSQL's lock_timeout, likewise). Short: the retry
# loop (`run_in_transaction`) holds the whole wait, so it can say "busy, retrying" at once and give up
# at its deadline.
BUSY_TIMEOUT_MS = 500
# How long a connection's first PRAGMA waits for a file another process holds (see `_on_connect`): as long
# as an upgrader waits for another's migrations (db/migrate.py UPGRADE_WAIT_S).
FIRST_OPEN_WAIT_MS = 30_000


def _make_wal(cur: sqlite3.Cursor) -> None:
    """Put the file in WAL mode (a no-op read once it is). A new file's first connections race to make
    it WAL, which needs the file to itself: another process's first transaction (its migrations) holds it
    far longer than a statement waits, so this waits as an upgrader does; and two connections asking at
    the same moment deadlock, one refused at once without waiting (SQLite's busy handler is not run
    then), so it asks again until the wait is over."""
    cur.execute(f"PRAGMA busy_timeout={FIRST_OPEN_WAIT_MS}")
    deadline = time.monotonic() + FIRST_OPEN_WAIT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "station.sqlite3"


def resolve_url(url: str | None = None) -> str:
    """`url`, else $STATION_DB, else the default SQLite file (its folder is created)."""
    url = url or os.environ.get("STATION_DB")
    if url:
        return url
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    return f"sqlite:///{path}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_station_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo=echo)
    # A row another connection holds locked (a stuck client, psql's SELECT ... FOR UPDATE) would hold
    # the statement without end, and the clerk without a word: as SQLite's busy timeout, each statement
    # waits a moment and fails as "lock not available", which the retry loop tells (`on_busy`), retries
    # and, past the counter's busy wait, refuses.
    connect_args = {"options": _with_lock_timeout(url)}
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)


def _with_lock_timeout(url: str) -> str:
    """The connection's server options: the station's own (its URL's `options`, else PGOPTIONS, as libpq
    takes them: a schema in search_path, say), which `options` given to the driver would replace
    unseen, then the short lock_timeout, last so that it is the one that holds."""
    given = make_url(url).query.get("options")
    theirs = " ".join(given) if isinstance(given, tuple) else given
    if theirs is None:
        theirs = os.environ.get("PGOPTIONS", "")
    return f"{theirs} -c lock_timeout={BUSY_TIMEOUT_MS}ms".strip()


# The SQLite files this process opened a station engine on: a path typed at the console that names one
# of them (or a file beside it) is refused unread (`services/core/station_files.py`).
_OPENED_FILES: set[Path] = set()


def opened_sqlite_files() -> frozenset[Path]:
    """The SQLite database files (resolved) this process made an engine for, as `--db` or
    $STATION_DB named them."""
    return frozenset(_OPENED_FILES)


# What SQLite keeps beside a database file, as private as the file and belonging with it: the one list
# for what is made private, refused to a typed path, moved aside with it and cleaned up after it.
SQLITE_BESIDE = ("-wal", "-shm", "-journal")


def _private_file(url: str) -> None:
    """The database and its -wal/-shm hold personal data: create the file 0600 before SQLite does
    (SQLite gives -wal and -shm the database file's mode), and take group and other access away from
    an older station's files."""
    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    try:
        _OPENED_FILES.add(path.resolve())
    except (OSError, RuntimeError):  # a link loop resolve() cannot follow: kept as named
        _OPENED_FILES.add(path.absolute())
    if not path.exists() and path.parent.is_dir():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in ("", *SQLITE_BESIDE):
        with contextlib.suppress(OSError):  # not ours to change, or gone: SQLite says so when it opens
            file = Path(f"{path}{suffix}")
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                os.chmod(file, mode & ~0o077)


def _bind_plainly() -> None:
    """The sqlite3 driver binds int, float, str and bytes as they are, and looks every other value up
    as something to adapt; for None (a parcel row binds some twenty-five) and a status or kind (a str
    enum) that lookup misses, raising and swallowing an AttributeError each time, several times the
    cost of binding a str. Adapters that give back the very value (None) or its text are found at
    once; what is stored is what was stored before. Process-wide, as sqlite3's adapters are."""
    # {}.get(None) is None: a C call, no Python frame (typeshed cannot tell its overloads apart).
    sqlite3.register_adapter(type(None), {}.get)  # type: ignore[arg-type]
    for kind in vars(enums).values():
        if isinstance(kind, type) and issubclass(kind, StrEnum) and kind is not StrEnum:
            sqlite3.register_adapter(kind, str.__str__)  # the member's text, as a plain str


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    memory = url in ("sqlite://", "sqlite:///:memory:")
    _bind_plainly()
    if not memory:
        _private_file(url)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
    if memory:
        kwargs["poolclass"] = StaticPool
    else:
        # The connection used last, not the one idle longest: SQLite drops a connection's page cache
        # when another connection wrote since its last transaction, so back-to-back check-ins taking
        # turns between two pool connections each read every page again (a tenth of a check-in's CPU).
        kwargs["pool_use_lifo"] = True
    engine = create_engine(url, echo=echo, **kwargs)
    checkpointer = None if memory else _checkpointer(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN is ours (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            _make_wal(cur)
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if checkpointer is not None:  # checkpoints off the write path (db/checkpoint.py)
            cur.execute(f"PRAGMA wal_autocheckpoint={CAP_PAGES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(IN_PLAIN):  # a plain transaction's, begun by `plain_transaction` already
            return
        mode = options.get("sqlite_begin", "DEFERRED")
        # On the driver's cursor (db/fast.py), as every check-in's hot statements run: BEGIN through
        # `exec_driver_sql` cost as much as two of them.
        run_on_driver(conn, _BEGIN[mode])

    if checkpointer is not None:
        _CHECKPOINTERS[engine] = checkpointer
        event.listen(engine, "commit", lambda _conn: checkpointer.nudge())
    return engine


_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, Checkpointer] = weakref.WeakKeyDictionary()


def checkpointer_of(engine: Engine) -> Checkpointer | None:
    """The engine's background checkpointer (a SQLite file's), if it has one."""
    return _CHECKPOINTERS.get(engine)


def _checkpointer(url: str) -> Checkpointer | None:
    name = make_url(url).database
    if not name or name.startswith("file:") or "mode=memory" in url:
        return None
    return Checkpointer(str(Path(name).resolve()))


_BEGIN = {mode: f"BEGIN {mode}" for mode in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")}
_WRITER = "_station_writer"


def _writer(engine: Engine) -> Engine:
    """The engine whose transactions begin IMMEDIATE (SQLite), made once per engine.

    Kept on the engine itself: the writer holds its engine, so as the value of a WeakKeyDictionary
    keyed by that engine it kept every engine (and its compiled-statement cache) alive for good."""
    if not is_sqlite(engine):
        return engine
    writer: Engine | None = engine.__dict__.get(_WRITER)
    if writer is None:
        writer = engine.__dict__[_WRITER] = engine.execution_options(sqlite_begin="IMMEDIATE")
    return writer


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: commits on a clean exit, rolls back on any exception."""
    with Session(_writer(engine), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def plain_transaction(engine: Engine) -> Iterator[Plain]:
    """One write transaction without an ORM Session (`db.fast.Plain`), as `write_session` runs one:
    SQLite's `BEGIN IMMEDIATE` on the driver's cursor (statement listeners see it), a commit that
    nudges the checkpointer, a rollback on any exception; driver errors come out as SQLAlchemy's."""
    tx = Plain(engine)
    try:
        try:
            if is_sqlite(engine):
                tx.run(_BEGIN["IMMEDIATE"])
            yield tx
            _commit(tx)
        except BaseException:
            _rollback(tx)
            raise
    finally:
        tx.pooled.close()
    checkpointer = _CHECKPOINTERS.get(engine)
    if checkpointer is not None:
        checkpointer.nudge()
    for then in tx.after_commit:
        then()


def _commit(tx: Plain) -> None:
    try:
        tx.dbapi.commit()
    except tx.error as exc:
        raise DBAPIError.instance("COMMIT", (), exc, tx.error, dialect=tx.dialect) from exc


def _rollback(tx: Plain) -> None:
    try:
        tx.dbapi.rollback()
    except tx.error:
        # A connection that cannot even roll back (gone, or broken half-way) never goes back to the
        # pool: the error that brought us here is the one raised.
        tx.pooled.invalidate()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


# Unique indexes two counters can race for (PostgreSQL): the loser retries the whole unit, whose own
# checks then see the winner's row and refuse properly (duplicate waybill) or pick the next code.
RACE_ATTEMPTS = 5  # tries of a unit that lost a race (not a lock wait, which `wait_s` bounds)
# So can two counters starting their audit chains at once (core/audit.py), two managers storing
# the next version of one rule table (a send-out tariff, the checklist), two counters scanning one
# waybill into one stocktake (the retry finds the other's scan and answers it as a repeat), and two
# beginning a stocktake of one shelf (the retry finds the other's and resumes it, or `start` refuses),
# and two opening a carrier's return batch (the retry finds the other's and joins it).
RETRY_ON_UNIQUE = frozenset(
    {
        "uq_parcel_code_on_shelf",
        "uq_parcel_waybill_on_shelf",
        "uq_send_waybill_live",
        "uq_send_rule_version",
        "uq_stocktake_scan_waybill",
        "uq_stocktake_unfinished_shelf",
        "uq_return_batch_open_carrier",
        "uq_audit_head_chain",
        "audit_head_pkey",
    }
)


def is_retryable(exc: BaseException) -> bool:
    """A lock or serialisation conflict that a fresh attempt of the whole transaction may pass.

    A StaleDataError is a row whose version another transaction changed since this one read it: the
    fresh attempt reads the winner's row, and its own checks then refuse properly or it goes ahead.
    """
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return True
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if sqlstate == "23505":  # unique violation
            diag = getattr(exc.orig, "diag", None)
            return getattr(diag, "constraint_name", None) in RETRY_ON_UNIQUE
        return sqlstate in ("40001", "40P01", "55P03")  # serialization, deadlock, lock not available
    return False


def is_lock_conflict(exc: BaseException) -> bool:
    """Another connection holds the lock (SQLite busy/locked, PostgreSQL lock not available)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        if getattr(exc.orig, "sqlstate", None) == "55P03":
            return True
        return "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower()
    return False


def run_in_transaction(
    engine: Engine,
    work: Callable[[Session], T],
    *,
    wait_s: float = 5.0,
    on_busy: Callable[[], None] | None = None,
) -> T:
    """Run `work` in one write transaction, again from the start on a lock conflict, for at most
    `wait_s` seconds; `on_busy` is called once, at the first lock conflict (to say "busy, retrying")."""
    return _retrying(engine, write_session, work, wait_s=wait_s, on_busy=on_busy)


def run_in_plain_transaction(
    engine: Engine,
    work: Callable[[Plain], T],
    *,
    wait_s: float = 5.0,
    on_busy: Callable[[], None] | None = None,
) -> T:
    """`run_in_transaction` for work that is nothing but hot statements (`plain_transaction`)."""
    return _retrying(engine, plain_transaction, work, wait_s=wait_s, on_busy=on_busy)


def _retrying(
    engine: Engine,
    transaction: Callable[[Engine], AbstractContextManager[S]],
    work: Callable[[S], T],
    *,
    wait_s: float,
    on_busy: Callable[[], None] | None,
) -> T:
    deadline = time.monotonic() + wait_s
    told = False
    attempt = 0
    while True:
        attempt += 1
        try:
            with transaction(engine) as session:
                return work(session)
        except (DBAPIError, StaleDataError) as exc:
            left = deadline - time.monotonic()
            # Waiting for a lock ends with the wait; a lost race (a stale row, a taken code) is tried
            # again a few times whatever the wait, since each attempt sees the winner's row.
            out_of_time = left <= 0 if is_lock_conflict(exc) else attempt >= RACE_ATTEMPTS
            if not is_retryable(exc) or out_of_time:
                raise
            if on_busy is not None and not told and is_lock_conflict(exc):
                told = True
                on_busy()
            time.sleep(min(0.01 * 2**attempt, 0.25, max(left, 0.0)))
