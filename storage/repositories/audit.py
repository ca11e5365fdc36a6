"""The audit log, read-only (written by `storage.audit` on every flush)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEntry

__all__ = ["AuditRepository", "SqlAuditRepository"]


class AuditRepository(ABC):
    """The audit log, read-only."""

    @abstractmethod
    def for_entity(self, entity: str, entity_id: object) -> Sequence[AuditEntry]:
        """Every recorded change of one record, oldest first."""


class SqlAuditRepository(AuditRepository):
    """The audit log on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def for_entity(self, entity: str, entity_id: object) -> Sequence[AuditEntry]:
        return self.session.scalars(select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)).all()
