"""The local console's time, kept with its database: a console restarted on the same database
resumes where `/advance` left it, never back at today (the clocks and deals in it were made at
that time)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

__all__ = ["ConsoleTime"]


class ConsoleTime(Base):
    """The console's now (one row, id 1): where its clock stood when it was last moved."""

    __tablename__ = "console_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    now: Mapped[datetime]
    saved_at: Mapped[datetime]
