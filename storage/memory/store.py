"""The in-memory tables behind `MemoryUnitOfWork`: ORM instances kept transient, in dicts.

No session ever sees these objects: ids, column defaults and the relationships the SQL side
would load (`deal.items`, `deal.thread`, `person.partner_org`, `case.claims`) are set here by
hand. A snapshot of every row's attributes is what rollback restores.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import inspect

from storage.models import Base, Clock, Deal

__all__ = ["MemoryStore", "Row", "Snapshot"]

Row = TypeVar("Row", bound=Base)
Snapshot = dict[type[Base], dict[Any, tuple[Base, dict[str, Any]]]]
VERSIONED: tuple[type[Base], ...] = (Deal, Clock)


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def _state(row: Base) -> dict[str, Any]:
    """The row's loaded attributes (columns and relationships), copied one level deep."""
    return {key: _copy(value) for key, value in inspect(row).dict.items()}


class MemoryStore:
    """Every table as a dict from primary key to row, in insertion order: what a database is to
    `UnitOfWork`, share one between several `MemoryUnitOfWork`s."""

    def __init__(self) -> None:
        self.tables: dict[type[Base], dict[Any, Base]] = {}
        self._last_id: dict[type[Base], int] = {}

    def rows(self, kind: type[Row]) -> list[Row]:
        """Every row of a table (insertion order, which is id order)."""
        return [row for row in self.tables.get(kind, {}).values() if isinstance(row, kind)]

    def get(self, kind: type[Row], key: Any) -> Row | None:
        """A row by primary key."""
        found = self.tables.get(kind, {}).get(key)
        return found if isinstance(found, kind) else None

    def insert(self, row: Row) -> Row:
        """Store a new row: column defaults applied, an integer id assigned if it has none."""
        kind = type(row)
        mapper = inspect(kind)
        for column in mapper.columns:
            key = mapper.get_property_by_column(column).key
            if getattr(row, key) is None and column.default is not None:
                default: Any = column.default
                setattr(row, key, default.arg(None) if default.is_callable else default.arg)
        if isinstance(row, VERSIONED) and getattr(row, "version", None) is None:
            setattr(row, "version", 1)  # noqa: B010 - what the ORM's version_id_col starts at
        (pk,) = mapper.primary_key
        pk_key = mapper.get_property_by_column(pk).key
        if getattr(row, pk_key) is None:
            self._last_id[kind] = max(self._last_id.get(kind, 0),
                                      *(k for k in self.tables.get(kind, {}) if isinstance(k, int)),
                                      0) + 1
            setattr(row, pk_key, self._last_id[kind])
        self.tables.setdefault(kind, {})[getattr(row, pk_key)] = row
        return row

    def delete(self, row: Base) -> None:
        """Remove a row."""
        mapper = inspect(type(row))
        (pk,) = mapper.primary_key
        self.tables.get(type(row), {}).pop(getattr(row, mapper.get_property_by_column(pk).key),
                                           None)

    def snapshot(self) -> Snapshot:
        """Every row with a copy of its attributes: the state a rollback returns to."""
        return {kind: {key: (row, _state(row)) for key, row in table.items()}
                for kind, table in self.tables.items()}

    def restore(self, saved: Snapshot) -> None:
        """Back to `saved`: rows added since vanish, rows removed come back, attributes changed
        since (columns and relationships) get their old values."""
        self.tables = {kind: {key: row for key, (row, _) in table.items()}
                       for kind, table in saved.items()}
        for table in saved.values():
            for row, state in table.values():
                mapper = inspect(type(row))
                for key in list(inspect(row).dict):
                    if key not in state:
                        relation = mapper.relationships.get(key)
                        setattr(row, key, [] if relation is not None and relation.uselist
                                else None)
                for key, value in state.items():
                    setattr(row, key, _copy(value))

    def bump_versions(self, saved: Snapshot) -> None:
        """Add one to the version of each versioned row whose columns changed since `saved`
        (what SQLAlchemy's `version_id_col` does on flush)."""
        for kind in VERSIONED:
            for key, row in self.tables.get(kind, {}).items():
                before = saved.get(kind, {}).get(key)
                if before is None:
                    continue
                columns = [attr.key for attr in inspect(kind).column_attrs]
                if any(getattr(row, c) != before[1].get(c) for c in columns):
                    setattr(row, "version", before[1]["version"] + 1)  # noqa: B010
