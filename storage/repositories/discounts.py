"""Software discounts awaiting, or holding, HubSpot's written approval."""

from __future__ import annotations

from abc import ABC, abstractmethod

from sqlalchemy.orm import Session

from storage.models import DiscountRequest

__all__ = ["DiscountRepository", "SqlDiscountRepository"]


class DiscountRepository(ABC):
    """Discount requests."""

    @abstractmethod
    def add(self, request: DiscountRequest) -> DiscountRequest:
        """File a discount request."""

    @abstractmethod
    def find(self, discount_id: int) -> DiscountRequest | None:
        """A discount request by id, or None."""


class SqlDiscountRepository(DiscountRepository):
    """Discount requests on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: DiscountRequest) -> DiscountRequest:
        self.session.add(request)
        self.session.flush()
        return request

    def find(self, discount_id: int) -> DiscountRequest | None:
        return self.session.get(DiscountRequest, discount_id)
