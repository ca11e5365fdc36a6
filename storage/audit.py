"""The audit log: every insert, update and delete of the ledger, with who and when.

Written from SQLAlchemy's `after_flush` event in the same transaction as the change itself, so a
change and its audit entry commit or roll back together. The actor and the time come from the
session's `info` (set by the unit of work).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from storage.models import AuditEntry, Base, ConsoleTime, ProcessedEvent

__all__ = ["install_audit", "plain_value"]

_SKIPPED = (AuditEntry, ProcessedEvent, ConsoleTime)


def plain_value(value: Any) -> Any:
    """A value as the audit log keeps it in JSON (enums by value, dates ISO, money as text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    return value


def _identity(obj: Base) -> str:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _columns(obj: Base) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {attr.key: plain_value(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def _changes(obj: Base) -> dict[str, Any]:
    state = inspect(obj)
    found: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            found[attr.key] = [plain_value(before), plain_value(after)]
    return found


def _deleted(session: Session, context: Any) -> list[Any]:
    """Everything this flush deleted: `session.deleted` misses the orphans that a delete-orphan
    cascade removes during the flush (an item taken off a deal), the flush's own plan has them."""
    found = list(session.deleted)
    seen = {id(obj) for obj in found}
    for state, (is_delete, list_only) in getattr(context, "states", {}).items():
        obj = state.obj()
        if is_delete and not list_only and obj is not None and id(obj) not in seen:
            found.append(obj)
            seen.add(id(obj))
    return found


def _after_flush(session: Session, context: Any) -> None:
    actor = str(session.info.get("actor", "system"))
    clock = session.info.get("clock")
    at = clock() if callable(clock) else datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for action, objects in (("insert", session.new), ("update", session.dirty),
                            ("delete", _deleted(session, context))):
        for obj in objects:
            if not isinstance(obj, Base) or isinstance(obj, _SKIPPED):
                continue
            if action == "update":
                changes = _changes(obj)
                if not changes:
                    continue
            else:
                changes = _columns(obj)
            rows.append({"at": at, "actor": actor, "entity": obj.__tablename__,
                         "entity_id": _identity(obj), "action": action, "changes": changes})
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


_installed = False


def install_audit() -> None:
    """Register the audit hook on every session (once per process)."""
    global _installed  # noqa: PLW0603 - a process-wide registration, done once
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        _installed = True
