"""Proofs of involvement (POI confirmation links) recorded on deals."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Poi, PoiStatus

__all__ = ["PoiRepository", "SqlPoiRepository"]


class PoiRepository(ABC):
    """POIs: every status change is a new row, so the history stays."""

    @abstractmethod
    def add(self, poi: Poi) -> Poi:
        """Record a POI status."""

    @abstractmethod
    def for_deal(self, deal_id: int) -> Sequence[Poi]:
        """Every POI row of a deal, by id."""

    @abstractmethod
    def latest(self, deal_id: int) -> Poi | None:
        """The most recently recorded POI of a deal (what the card shows)."""

    def signed(self, deal_id: int) -> bool:
        """Whether the customer ever signed a POI on the deal."""
        return any(p.status is PoiStatus.SIGNED for p in self.for_deal(deal_id))


class SqlPoiRepository(PoiRepository):
    """POIs on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, poi: Poi) -> Poi:
        self.session.add(poi)
        self.session.flush()
        return poi

    def for_deal(self, deal_id: int) -> Sequence[Poi]:
        return self.session.scalars(select(Poi).where(Poi.deal_id == deal_id).order_by(Poi.id)).all()

    def latest(self, deal_id: int) -> Poi | None:
        return self.session.scalar(select(Poi).where(Poi.deal_id == deal_id)
                                   .order_by(Poi.recorded_at.desc(), Poi.id.desc()).limit(1))
