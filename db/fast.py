"""The hot statements (check-in, its slot, label job, message and audit event) on the driver's cursor.

SQLAlchemy's `Connection.execute` costs several times what SQLite spends on a small statement (cache
key, parameter processing, result object). A `Hot` statement is still built from the models, so the
tables keep one definition, but it is compiled once per dialect and run on the DBAPI cursor of the
session's connection, inside the session's transaction: its bound values go through the column types'
own bind processors (a SQLite date through `date.isoformat`, the same text), `before_cursor_execute`
listeners still see it, and driver errors come out as SQLAlchemy's (so `Station.run` retries and
refuses them as it does any other statement's). The engine's `echo` does not log them.

Rows come back as the driver gives them, unconverted, unless the statement is made `typed` (then each
selected column goes through its type's result processor: dates, times, booleans). `insert` writes a model's row this way (no ORM unit of work); `insert_row` writes a row
from a plain dict, for callers that do not need the model object at all.

`model_rows` gives a model's objects of rows a hot statement read, outside any Session.

`Plain` is a transaction without an ORM Session: one pool connection's driver connection, begun and
committed by `db.engine.plain_transaction`. A check-in is nothing but hot statements, and a Session
cost it more CPU than SQLite's own work on half its statements (its set-up, connection checkout
bookkeeping, commit and close: about 0.2 ms against 0.02 ms for the same statements on a pool
connection). Hot statements run on a `Plain` as on a Session (`Tx` is either).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ClauseElement, Date, Engine, Table, bindparam
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.attributes import manager_of_class
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session, SQLModel

_REQUIRED: Any = object()  # a parameter the call must give
M = TypeVar("M", bound=SQLModel)


@dataclass(frozen=True)
class _Parameter:
    """One parameter of a compiled statement, worked out once: this runs for every statement of every
    check-in."""

    name: str  # in our call
    sql_name: str  # in the SQL, where the dialect escaped it (named drivers)
    process: Callable[[Any], Any] | None  # its type's conversion, if it has one
    # What stands in when the call leaves it out: `_REQUIRED` (a KeyError), a value fixed at build
    # time (a literal in the statement's WHERE, a column's default) or a `_Factory` called each time.
    default: Any
    none_is_none: bool  # the conversion gives None for None: a None skips it (a row's many empty columns)


@dataclass(frozen=True)
class _Factory:
    make: Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    results: tuple[Callable[[Any], Any] | None, ...] | None  # each selected column's conversion, if typed
    # The driver's arguments from the call's parameters: a sequence for qmark drivers, a dict for
    # named ones, each value through its conversion (`_arguments`).
    arguments: Callable[[Mapping[str, Any]], Sequence[Any] | dict[str, Any]]


def _arguments(parameters: Sequence[_Parameter], positional: bool) -> Callable[[Mapping[str, Any]], Any]:
    """The statement's arguments as one expression over the call's parameters `p`, written out once per
    statement: each parameter read, and converted only where its type has a conversion (and, for a
    conversion that keeps None, only when it is not None). A loop over the parameters asking the same
    questions for every value cost as much as SQLite's own work on a small statement.

    Only the parameter names go into the source (as literals); defaults and conversions are passed in."""
    scope: dict[str, Any] = {}
    parts = []
    for n, parameter in enumerate(parameters):
        key = repr(parameter.name)
        if parameter.default is _REQUIRED:
            value = f"p[{key}]"
        elif isinstance(parameter.default, _Factory):
            scope[f"make{n}"] = parameter.default.make
            value = f"(p[{key}] if {key} in p else make{n}(None))"
        else:
            scope[f"default{n}"] = parameter.default
            value = f"p.get({key}, default{n})"
        if parameter.process is not None:
            scope[f"process{n}"] = parameter.process
            if parameter.none_is_none:
                value = f"(None if (v := {value}) is None else process{n}(v))"
            else:
                value = f"process{n}({value})"
        parts.append(value if positional else f"{parameter.sql_name!r}: {value}")
    body = f"[{', '.join(parts)}]" if positional else f"{{{', '.join(parts)}}}"
    built: Callable[[Mapping[str, Any]], Any] = eval(f"lambda p: {body}", scope)
    return built


def _none_is_none(process: Callable[[Any], Any] | None) -> bool:
    # A JSON column turns None into 'null': only conversions that keep None may be skipped for it.
    if process is None:
        return True
    try:
        return process(None) is None
    except Exception:  # a conversion that refuses None: always call it
        return False


def _is_sqlite_date(kind: Any, dialect: Dialect) -> bool:
    """A date column of SQLite in SQLAlchemy's own text form (a check-in binds four dates)."""
    impl = kind.dialect_impl(dialect)
    return (
        dialect.name == "sqlite"
        and isinstance(impl, Date)
        and getattr(impl, "_storage_format", None) == "%(year)04d-%(month)02d-%(day)02d"
    )


class Hot:
    """A Core statement built from the models, compiled once per dialect, run on the DBAPI cursor.

    Parameters are `bindparam`s named in the statement, given by the call or by `defaults`; anything
    else it binds is fixed at build time.
    """

    def __init__(
        self, statement: ClauseElement, *, typed: bool = False, defaults: Mapping[str, Any] | None = None
    ) -> None:
        self.statement = statement
        self.typed = typed
        self.defaults = dict(defaults or {})  # what a parameter the call leaves out binds (`_Parameter`)
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler) and "POSTCOMPILE" not in compiled.string
            binds = {name: bind for bind, name in compiled.bind_names.items()}
            results = None
            if self.typed:
                results = tuple(
                    column.type.dialect_impl(dialect).result_processor(dialect, None)
                    for column in self.statement.selected_columns  # type: ignore[attr-defined]
                )
            positional = bool(compiled.positional)
            order = tuple(compiled.positiontup or ()) if positional else tuple(binds)
            escaped = dict(compiled.escaped_bind_names)
            parameters = []
            for name in order:
                bind = binds[name]
                process: Callable[[Any], Any] | None = bind.type.dialect_impl(dialect).bind_processor(dialect)
                none_is_none = _none_is_none(process)
                if none_is_none and _is_sqlite_date(bind.type, dialect):
                    process = date.isoformat  # SQLAlchemy's text of a date (or a datetime's date), cheaper
                fixed = bind.effective_value
                parameters.append(
                    _Parameter(
                        name=name,
                        sql_name=escaped.get(name, name),
                        process=process,
                        default=self.defaults.get(name, _REQUIRED) if fixed is None else fixed,
                        none_is_none=none_is_none,
                    )
                )
            found = _Compiled(
                sql=compiled.string, results=results, arguments=_arguments(parameters, positional)
            )
            self._compiled[dialect.name] = found
        return found

    def execute(self, session: Tx, **params: Any) -> Any:
        """Run in the session's transaction; returns the (open) DBAPI cursor."""
        return self._execute(session, params)

    def _execute(self, session: Tx, params: Mapping[str, Any]) -> Any:
        live = _connection(session)
        compiled = self._compiled.get(live.dialect.name) or self._for(live.dialect)
        args = compiled.arguments(params)
        cursor = live.dbapi.cursor()
        try:
            if live.listened():
                _before(live.conn, cursor, compiled.sql, args)
            cursor.execute(compiled.sql, args)
        except live.error as exc:
            cursor.close()
            raise DBAPIError.instance(compiled.sql, args, exc, live.error, dialect=live.dialect) from exc
        return cursor

    def rows(self, session: Tx, **params: Any) -> list[tuple[Any, ...]]:
        cursor = self.execute(session, **params)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        convert = self._for(_connection(session).dialect).results if self.typed else None
        if convert is None:
            return list(rows)
        return [
            tuple(value if fn is None else fn(value) for fn, value in zip(convert, row, strict=True))
            for row in rows
        ]

    def first(self, session: Tx, **params: Any) -> tuple[Any, ...] | None:
        return self._first(session, params)

    def _first(self, session: Tx, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        cursor = self._execute(session, params)
        try:
            row = cursor.fetchone()
            return tuple(row) if row is not None else None
        finally:
            cursor.close()

    def scalar(self, session: Tx, **params: Any) -> Any:
        row = self.first(session, **params)
        return row[0] if row is not None else None

    def count(self, session: Tx, **params: Any) -> int:
        """Run a write without RETURNING; the number of rows it changed."""
        cursor = self.execute(session, **params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()


@dataclass(frozen=True)
class _Live:
    """The session's connection in this transaction, and what every statement asks of it."""

    transaction: Any
    conn: Connection
    dbapi: Any  # the driver's connection
    dialect: Dialect
    error: type[Exception]  # the driver's base error
    # Asked once a transaction, as `Plain` asks: listeners are added between transactions, and asking
    # at every statement walked the dispatch's listener collections (a handover runs ten statements).
    listening: bool

    def listened(self) -> bool:
        return self.listening


class Plain:
    """A transaction on one pool connection's driver connection, without an ORM Session.

    Made, begun and committed by `db.engine.plain_transaction`; hot statements run on it as on a
    Session. `info` lives as long as the transaction; `after_commit` callables run once it committed.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self.error: type[Exception] = engine.dialect.loaded_dbapi.Error
        try:
            self.pooled: PoolProxiedConnection = engine.raw_connection()
        except self.error as exc:  # a database that cannot be reached is refused like any statement's
            raise DBAPIError.instance(None, None, exc, self.error, dialect=self.dialect) from exc
        self.dbapi: Any = self.pooled.driver_connection
        self.info: dict[str, Any] = {}
        self.after_commit: list[Callable[[], None]] = []
        self._conn: Connection | None = None
        # Asked once a transaction, not at each of its statements: listeners (the tests' fault
        # injection and statement counts) are added between transactions.
        self._listened = bool(engine.dispatch.before_cursor_execute)

    def get_bind(self) -> Engine:
        return self.engine

    def listened(self) -> bool:
        return self._listened

    @property
    def conn(self) -> Connection:
        """What statement listeners are given: a Connection over this same driver connection, made
        only when one listens (it is never closed: the pool connection is this transaction's)."""
        if self._conn is None:
            # Marked as this transaction's (`IN_PLAIN`): a listener that runs a statement on it (a test's
            # other counter, changing a row in between) joins this transaction, begun already.
            self._conn = Connection(self.engine, self.pooled).execution_options(**{IN_PLAIN: True})
        return self._conn

    def run(self, sql: str) -> None:
        """One statement without parameters (BEGIN), as `Hot` runs its own."""
        _run_bare(self.dbapi, sql, self.dialect, self.conn if self.listened() else None)


# The execution option that marks a `Plain`'s Connection: the engine's BEGIN leaves it alone.
IN_PLAIN = "db.fast.in_plain"

# Where a hot statement runs: an ORM Session's transaction, or a plain one.
Tx = Session | Plain


def _connection(session: Tx) -> _Live | Plain:
    if type(session) is Plain:
        return session
    assert isinstance(session, Session)
    # `Session.connection()` costs as much as a small statement; the hot path asks many times a
    # transaction, so the connection is kept in the session's info for as long as its transaction.
    transaction = session.get_transaction()
    kept: _Live | None = session.info.get(_KEPT)
    if (
        kept is not None
        and transaction is not None
        and kept.transaction is transaction
        and transaction.is_active
    ):
        return kept
    conn = session.connection()
    dialect = conn.dialect
    live = _Live(
        session.get_transaction(),
        conn,
        conn.connection.dbapi_connection,
        dialect,
        dialect.loaded_dbapi.Error,
        bool(conn.dispatch.before_cursor_execute),
    )
    session.info[_KEPT] = live
    return live


_KEPT = "db.fast.connection"


def run_on_driver(conn: Connection, sql: str) -> None:
    """One statement without parameters on `conn`'s driver connection, as `Hot` runs its own."""
    listened = conn if conn.dispatch.before_cursor_execute else None
    _run_bare(conn.connection.dbapi_connection, sql, conn.dialect, listened)


def _run_bare(driver: Any, sql: str, dialect: Dialect, listened: Connection | None) -> None:
    # `listened`: the Connection statement listeners are told about, when any listens.
    error = dialect.loaded_dbapi.Error
    cursor = driver.cursor()
    try:
        if listened is not None:
            _before(listened, cursor, sql, ())
        cursor.execute(sql)
    except error as exc:
        raise DBAPIError.instance(sql, (), exc, error, dialect=dialect) from exc
    finally:
        cursor.close()


def _before(conn: Connection, cursor: Any, sql: str, args: Any) -> None:
    # What Connection.execute tells its listeners (fault injection and statement counting in the tests).
    for listener in conn.dispatch.before_cursor_execute:
        listener(conn, cursor, sql, args, None, False)


@dataclass(frozen=True)
class _Insert:
    """One table's INSERT of every column but the id, two ways: giving back the new id (RETURNING),
    or for the driver's `lastrowid` (`bare`, None where the id is not the table's rowid)."""

    returning: Hot
    bare: Hot | None
    columns: tuple[str, ...]


@cache
def _insert(table: Table) -> _Insert:
    # One statement per table, every column but the id bound by name; the columns' scalar defaults
    # (None where a column has none) stand in for what a dict leaves out (a model object has them already).
    columns = tuple(c.name for c in table.columns if c.name != "id")
    statement = table.insert().values({name: bindparam(name) for name in columns})
    defaults: dict[str, Any] = dict.fromkeys(columns)
    for c in table.columns:
        default: Any = c.default
        if c.name != "id" and default is not None:
            defaults[c.name] = _Factory(default.arg) if default.is_callable else default.arg
    rowid = table.autoincrement_column is table.c.id
    return _Insert(
        Hot(statement.returning(table.c.id), defaults=defaults),
        Hot(statement, defaults=defaults) if rowid else None,
        columns,
    )


def insert_row(session: Tx, model: type[SQLModel], values: Mapping[str, Any]) -> int:
    """INSERT one row of `model`'s table from `values` (defaults for the rest); returns its id."""
    insert = _insert(model.__table__)  # type: ignore[attr-defined]
    if insert.bare is not None and getattr(_connection(session).dialect, "postfetch_lastrowid", False):
        # SQLite: the id the driver read as the row went in. A RETURNING row is buffered in a
        # temporary table first, which cost a third of a small INSERT (a check-in writes four).
        cursor = insert.bare._execute(session, values)
        try:
            return int(cursor.lastrowid)
        finally:
            cursor.close()
    row = insert.returning._first(session, values)
    assert row is not None
    return int(row[0])


def insert(session: Tx, obj: SQLModel) -> int:
    """INSERT `obj`'s columns in the session's transaction; sets and returns its id."""
    columns = _insert(type(obj).__table__).columns  # type: ignore[attr-defined]
    new_id = insert_row(session, type(obj), {name: getattr(obj, name) for name in columns})
    obj.id = new_id  # type: ignore[attr-defined]
    return new_id


def model_rows(session: Tx, model: type[M], hot: Hot, **params: Any) -> list[M]:
    """`model` objects of the rows `hot` (a typed SELECT of the table's columns, in their order) reads.

    Built as the ORM's loading builds an object, its columns straight into its `__dict__` (the
    constructor would check and set them one by one: 30 times the cost), but in no Session: read-only
    data for a plain transaction, whose writes are hot statements."""
    names = [c.name for c in model.__table__.columns]  # type: ignore[attr-defined]
    new = manager_of_class(model).new_instance
    out = []
    for row in hot.rows(session, **params):
        obj = new()
        obj.__dict__.update(zip(names, row, strict=True))
        out.append(obj)
    return out
