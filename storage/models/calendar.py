"""Closure days added to a region's calendar at run time (by an admin, `/deal closure add`):
merged into the region's calendar at start and whenever one is added or removed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

__all__ = ["CalendarClosure"]


class CalendarClosure(Base):
    """One day a region is closed (not a business day), with its name and who added it."""

    __tablename__ = "calendar_closures"
    __table_args__ = (UniqueConstraint("region_code", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime]
