"""The hot statements (check-in, its slot, label job, message and audit event) on the driver's cursor.

SQLAlchemy's `Connection.execute` costs several times what SQLite spends on a small statement (cache
key, parameter processing, result object). A `Hot` statement is still built from the models, so the
tables keep one definition, but it is compiled once per dialect and run on the DBAPI cursor of the
session's connection, inside the session's transaction: its bound values go through the column types'
own bind processors, `before_cursor_execute` listeners still see it, and driver errors come out as
SQLAlchemy's (so `Station.run` retries and refuses them as it does any other statement's). The
engine's `echo` does not log them.

Rows come back as the driver gives them, unconverted, unless the statement is made `typed` (then each
selected column goes through its type's result processor: dates, times, booleans). `insert` writes a model's row this way (no ORM unit of work); `insert_row` writes a row
from a plain dict, for callers that do not need the model object at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ClauseElement, Table, bindparam
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session, SQLModel


@dataclass(frozen=True)
class _Compiled:
    sql: str
    results: tuple[Callable[[Any], Any] | None, ...] | None  # each selected column's conversion, if typed
    order: tuple[str, ...] | None  # parameter names by position (qmark drivers), None for named ones
    fixed: dict[str, Any]  # values written into the statement itself (literals in its WHERE)
    processors: dict[str, Callable[[Any], Any]]  # each bound value's type conversion, when it has one
    names: dict[str, str]  # our name -> the name in the SQL, where the dialect escaped it

    def arguments(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values = {**self.fixed, **params}
        for name, process in self.processors.items():
            values[name] = process(values[name])
        if self.order is not None:
            return tuple(values[name] for name in self.order)
        return {self.names.get(name, name): value for name, value in values.items()}


class Hot:
    """A Core statement built from the models, compiled once per dialect, run on the DBAPI cursor.

    Parameters are `bindparam`s named in the statement; anything else it binds is fixed at build time.
    """

    def __init__(self, statement: ClauseElement, *, typed: bool = False) -> None:
        self.statement = statement
        self.typed = typed
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler) and "POSTCOMPILE" not in compiled.string
            types = {name: bind.type for bind, name in compiled.bind_names.items()}
            processors: dict[str, Callable[[Any], Any]] = {}
            for name, kind in types.items():
                process = kind.dialect_impl(dialect).bind_processor(dialect)
                if process is not None:
                    processors[name] = process
            results = None
            if self.typed:
                results = tuple(
                    column.type.dialect_impl(dialect).result_processor(dialect, None)
                    for column in self.statement.selected_columns  # type: ignore[attr-defined]
                )
            found = _Compiled(
                sql=compiled.string,
                results=results,
                order=tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None,
                fixed={
                    name: bind.effective_value
                    for bind, name in compiled.bind_names.items()
                    if bind.effective_value is not None
                },
                processors=processors,
                names=dict(compiled.escaped_bind_names),
            )
            self._compiled[dialect.name] = found
        return found

    def execute(self, session: Session, **params: Any) -> Any:
        """Run in the session's transaction; returns the (open) DBAPI cursor."""
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

    def rows(self, session: Session, **params: Any) -> list[tuple[Any, ...]]:
        cursor = self.execute(session, **params)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        convert = self._for(_connection(session).dialect).results
        if convert is None:
            return list(rows)
        return [
            tuple(value if fn is None else fn(value) for fn, value in zip(convert, row, strict=True))
            for row in rows
        ]

    def first(self, session: Session, **params: Any) -> tuple[Any, ...] | None:
        cursor = self.execute(session, **params)
        try:
            row = cursor.fetchone()
            return tuple(row) if row is not None else None
        finally:
            cursor.close()

    def scalar(self, session: Session, **params: Any) -> Any:
        row = self.first(session, **params)
        return row[0] if row is not None else None

    def count(self, session: Session, **params: Any) -> int:
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

    def listened(self) -> bool:
        return bool(self.conn.dispatch.before_cursor_execute)


def _connection(session: Session) -> _Live:
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
        session.get_transaction(), conn, conn.connection.dbapi_connection, dialect, dialect.loaded_dbapi.Error
    )
    session.info[_KEPT] = live
    return live


_KEPT = "db.fast.connection"


def run_on_driver(conn: Connection, sql: str) -> None:
    """One statement without parameters on `conn`'s driver connection, as `Hot` runs its own."""
    dialect = conn.dialect
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if conn.dispatch.before_cursor_execute:
            _before(conn, cursor, sql, ())
        cursor.execute(sql)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, (), exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
    finally:
        cursor.close()


def _before(conn: Connection, cursor: Any, sql: str, args: Any) -> None:
    # What Connection.execute tells its listeners (fault injection and statement counting in the tests).
    for listener in conn.dispatch.before_cursor_execute:
        listener(conn, cursor, sql, args, None, False)


@cache
def _insert(table: Table) -> tuple[Hot, tuple[str, ...], dict[str, Any]]:
    # One statement per table, every column but the id bound by name; the columns' scalar defaults
    # stand in for what a dict leaves out (a model object has them already).
    columns = tuple(c.name for c in table.columns if c.name != "id")
    statement = table.insert().values({name: bindparam(name) for name in columns}).returning(table.c.id)
    defaults: dict[str, Any] = {}
    for c in table.columns:
        default: Any = c.default
        if c.name != "id" and default is not None:
            defaults[c.name] = _Factory(default.arg) if default.is_callable else default.arg
    return Hot(statement), columns, defaults


@dataclass(frozen=True)
class _Factory:
    make: Callable[[Any], Any]


def insert_row(session: Session, model: type[SQLModel], values: Mapping[str, Any]) -> int:
    """INSERT one row of `model`'s table from `values` (defaults for the rest); returns its id."""
    hot, columns, defaults = _insert(model.__table__)  # type: ignore[attr-defined]
    params: dict[str, Any] = {}
    for name in columns:
        if name in values:
            params[name] = values[name]
        else:
            default = defaults.get(name)
            params[name] = default.make(None) if isinstance(default, _Factory) else default
    return int(hot.scalar(session, **params))


def insert(session: Session, obj: SQLModel) -> int:
    """INSERT `obj`'s columns in the session's transaction; sets and returns its id."""
    _hot, columns, _defaults = _insert(type(obj).__table__)  # type: ignore[attr-defined]
    new_id = insert_row(session, type(obj), {name: getattr(obj, name) for name in columns})
    obj.id = new_id  # type: ignore[attr-defined]
    return new_id
