"""BANT updates: kept as history, never overwritten."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import BantUpdate

__all__ = ["BantRepository", "SqlBantRepository"]


class BantRepository(ABC):
    """BANT updates of deals."""

    @abstractmethod
    def add(self, update: BantUpdate) -> BantUpdate:
        """Keep a BANT update."""

    @abstractmethod
    def history(self, deal_id: int) -> Sequence[BantUpdate]:
        """Every BANT update of a deal, oldest first."""

    @abstractmethod
    def latest(self, deal_id: int) -> BantUpdate | None:
        """The deal's latest BANT update (what the card shows)."""


class SqlBantRepository(BantRepository):
    """BANT updates on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, update: BantUpdate) -> BantUpdate:
        self.session.add(update)
        self.session.flush()
        return update

    def history(self, deal_id: int) -> Sequence[BantUpdate]:
        return self.session.scalars(select(BantUpdate).where(BantUpdate.deal_id == deal_id)
                                    .order_by(BantUpdate.created_at, BantUpdate.id)).all()

    def latest(self, deal_id: int) -> BantUpdate | None:
        return self.session.scalar(select(BantUpdate).where(BantUpdate.deal_id == deal_id)
                                   .order_by(BantUpdate.created_at.desc(), BantUpdate.id.desc())
                                   .limit(1))
