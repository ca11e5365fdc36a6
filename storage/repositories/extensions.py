"""Response-time extensions, requested or granted."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Extension, RequestStatus
from storage.repositories.internals import among

__all__ = ["ExtensionRepository", "SqlExtensionRepository"]


class ExtensionRepository(ABC):
    """Extensions of clocks."""

    @abstractmethod
    def add(self, extension: Extension) -> Extension:
        """File an extension."""

    @abstractmethod
    def find(self, extension_id: int) -> Extension | None:
        """An extension by id, or None."""

    @abstractmethod
    def approved_for(self, clock_ids: Iterable[int]) -> Sequence[Extension]:
        """The approved extensions of some clocks, by id: what their due times include."""


class SqlExtensionRepository(ExtensionRepository):
    """Extensions on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, extension: Extension) -> Extension:
        self.session.add(extension)
        self.session.flush()
        return extension

    def find(self, extension_id: int) -> Extension | None:
        return self.session.get(Extension, extension_id)

    def approved_for(self, clock_ids: Iterable[int]) -> Sequence[Extension]:
        ids = set(clock_ids)
        if not ids:
            return []
        return self.session.scalars(select(Extension).where(
            among(self.session, Extension.clock_id, ids),
            Extension.status == RequestStatus.APPROVED)
            .order_by(Extension.id)).all()
