"""Many rows into one table in one round trip, at the driver's speed.

SQLAlchemy's executemany re-processes every parameter of every row through its compiled statement
(most of the cost of a 20,000-row directory import). Here the statement is compiled once from the
model's table, each column's own bind processor (dates to text on SQLite...) is looked up once, and the
rows go straight to the driver's executemany: the same SQL and the same stored values, without the
per-row bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def _memo(fn: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """A processor that converts each distinct value once (an import stamps every row with one time)."""
    if fn is None:
        return None
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = out = fn(value)
            return out
        except TypeError:  # not hashable
            return fn(value)

    return convert


def insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same keys) into `table` in the connection's transaction."""
    if not rows:
        return
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=list(rows[0]))
    order = list(compiled.positiontup or []) if compiled.positional else list(compiled.params)
    # Columns the rows leave out get their model default, as SQLAlchemy's INSERT would give them.
    defaults = {name: _default(table, name) for name in order if name not in rows[0]}
    convert = [_memo(table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order]
    build = _row_builder(list(zip(order, convert, strict=True)), defaults, bool(compiled.positional))
    params = list(map(build, rows))
    connection.exec_driver_sql(compiled.string, params)


def _row_builder(
    pairs: list[tuple[str, Callable[[Any], Any] | None]], defaults: dict[str, Any], positional: bool
) -> Callable[[dict[str, Any]], Any]:
    """One row's driver arguments as one expression, written out once per call: each column read (its
    default where the rows leave it out) and converted only where its type has a conversion and the
    value is not None. A loop over the columns asking the same questions for every value of every row
    cost more than SQLite's own executemany (`db/fast.py` builds its arguments the same way).

    Only the column names go into the source (as literals); defaults and conversions are passed in."""
    scope: dict[str, Any] = {}
    parts = []
    for n, (name, fn) in enumerate(pairs):
        key = repr(name)
        if name in defaults:
            scope[f"default{n}"] = defaults[name]
            value = f"r.get({key}, default{n})"
        else:
            value = f"r[{key}]"
        if fn is not None:
            scope[f"process{n}"] = fn
            value = f"(None if (v := {value}) is None else process{n}(v))"
        parts.append(value if positional else f"{key}: {value}")
    body = f"({', '.join(parts)},)" if positional else f"{{{', '.join(parts)}}}"
    built: Callable[[dict[str, Any]], Any] = eval(f"lambda r: {body}", scope)
    return built


def _default(table: Table, name: str) -> Any:
    default = table.c[name].default
    if default is None:
        return None
    if not getattr(default, "is_scalar", False):
        raise ValueError(f"{table.name}.{name} has a computed default: give it in every row")
    return getattr(default, "arg", None)
