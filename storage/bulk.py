"""Bulk writes at the driver: thousands of rows in one statement, each value converted by its
column's own SQLAlchemy type (`bind_processor`, so stored exactly as the ORM stores it), but
once per distinct value and without the per-row bookkeeping of a compiled statement: the sweep
writes 10,000 clocks and outbox rows in a fraction of a second.

SQLite runs one `executemany` (each row a step of one prepared statement, in-process). On
PostgreSQL an `executemany` is still one statement execution per row on the server, so there
the rows go as one array per column (`unnest`): one statement, one round trip, whatever their
number."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

__all__ = ["insert_many", "update_many"]


def _converters(table: Table, names: Sequence[str], dialect: Dialect
                ) -> list[Callable[[Any], Any] | None]:
    """Each column's conversion (None: values go as they are); a scalar column's remembered
    per distinct value (thousands of rows share a few times and states), a JSON document's
    never (each is its own)."""
    def converter(column: Column[Any]) -> Callable[[Any], Any] | None:
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is None or isinstance(column.type, JSON):
            return process
        seen: dict[Any, Any] = {}
        bound = process

        def convert(value: Any) -> Any:
            try:
                return seen[value]
            except KeyError:
                found = seen[value] = bound(value)
                return found
            except TypeError:  # an unhashable value
                return bound(value)
        return convert
    return [converter(table.c[name]) for name in names]


def _values(row: dict[str, Any], names: Sequence[str],
            convert: Sequence[Callable[[Any], Any] | None]) -> tuple[Any, ...]:
    return tuple(row[n] if c is None else c(row[n]) for c, n in zip(convert, names, strict=True))


def _defaults(table: Table, names: Sequence[str]) -> dict[str, Any] | None:
    """The model's constant Python-side defaults of the columns `names` leaves out (None when
    one is computed per row)."""
    found: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in names or default is None:
            continue
        if not default.is_scalar:
            return None
        found[column.name] = getattr(default, "arg", None)
    return found


def _dialect_insert(name: str) -> Any:
    return pg_insert if name == "postgresql" else sqlite_insert


def _marker(dialect: Dialect) -> str:
    return "?" if dialect.paramstyle == "qmark" else "%s"


def insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                unique: str | None = None) -> None:
    """Insert `rows` (each with the same keys); with `unique`, a row whose `unique` value is
    stored already is skipped (`ON CONFLICT DO NOTHING`)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    defaults = _defaults(table, names)
    if defaults is None:  # a default computed per row: SQLAlchemy's own insert applies it
        statement = _dialect_insert(dialect.name)(table)
        if unique:
            statement = statement.on_conflict_do_nothing(index_elements=[unique])
        connection.execute(statement, list(rows))
        return
    if defaults:
        names += list(defaults)
        rows = [{**row, **defaults} for row in rows]
    convert = _converters(table, names, dialect)
    conflict = f" ON CONFLICT ({unique}) DO NOTHING" if unique else ""
    if dialect.name == "postgresql":
        # in the rows' order (their ids keep each conversation's order)
        listed = ", ".join(names)
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({listed}) SELECT {listed} "
            f"FROM unnest({_arrays(table, names, dialect)}) WITH ORDINALITY "
            f"AS v({listed}, ordinal) ORDER BY ordinal{conflict}",
            _columns(rows, names, convert))
        return
    mark = _marker(dialect)
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join(mark for _ in names)}){conflict}")
    connection.exec_driver_sql(sql, [_values(row, names, convert) for row in rows])


def _columns(rows: Sequence[dict[str, Any]], names: Sequence[str],
             convert: Sequence[Callable[[Any], Any] | None]) -> tuple[list[Any], ...]:
    """The rows' values column by column, converted: one array parameter each."""
    return tuple([row[n] for row in rows] if c is None else [c(row[n]) for row in rows]
                 for c, n in zip(convert, names, strict=True))


def _arrays(table: Table, names: Sequence[str], dialect: Dialect) -> str:
    """`%b::<type>[]` per column: each array sent in binary (psycopg's text form of an array
    of long strings costs far more than the statement), cast to its column's type (an array
    of NULLs has none)."""
    return ", ".join(f"%b::{table.c[n].type.compile(dialect=dialect)}[]" for n in names)


def update_many(session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                match: Sequence[str], increment: str | None = None) -> int:
    """Update each row by its `match` columns (the others are set; `increment` gains one); the
    number of rows written. Rows with different keys go in one statement per set of keys."""
    if not rows:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    mark = _marker(dialect)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    written = 0
    for keys, members in groups.items():
        setting = [k for k in keys if k not in match]
        names = [*setting, *match]
        convert = _converters(table, names, dialect)
        if dialect.name == "postgresql":
            assignments = [f"{k} = v.{k}" for k in setting]
            if increment is not None:
                assignments.append(f"{increment} = t.{increment} + 1")
            sql = (f"UPDATE {table.name} AS t SET {', '.join(assignments)} "
                   f"FROM unnest({_arrays(table, names, dialect)}) AS v({', '.join(names)}) "
                   f"WHERE {' AND '.join(f't.{k} = v.{k}' for k in match)}")
            result = connection.exec_driver_sql(sql, _columns(members, names, convert))
        else:
            assignments = [f"{k} = {mark}" for k in setting]
            if increment is not None:
                assignments.append(f"{increment} = {increment} + 1")
            sql = (f"UPDATE {table.name} SET {', '.join(assignments)} "
                   f"WHERE {' AND '.join(f'{k} = {mark}' for k in match)}")
            result = connection.exec_driver_sql(
                sql, [_values(row, names, convert) for row in members])
        written += result.rowcount
    return written
