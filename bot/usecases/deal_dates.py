"""The deal's dates that clocks are measured from, changed in one place: the expected close date
(the POI is due by its end) and the subscription start (onboarding must begin within 10
business days of it). Changing one recomputes the running clocks that follow it at once (due
time and next reminder, `bot.usecases.clock_store.recompute`) and the thread is told of each
due time that moved (`bot.usecases.due_moves.announce_moved`).

    moved = change_dates(uow, services.regions, deal, now=now, expected_close=date(2026, 3, 31))

Every use case that edits these dates (a BANT update, a deal edit) goes through here, so a
clock never keeps a date the deal no longer has.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.usecases.clock_store import recompute
from bot.usecases.due_moves import CLOSE_DATE, SUBSCRIPTION_START, announce_moved
from rules.regions import RegionDirectory
from storage.models import Clock, Deal
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["FOLLOWS", "change_dates", "follow_dates"]

# which stored clock kind follows which of the deal's dates (and the reason a move gives)
FOLLOWS = {CLOSE_DATE: "poi", SUBSCRIPTION_START: "onboarding"}


def follow_dates(uow: AbstractUnitOfWork, regions: RegionDirectory, deal: Deal,
                 reasons: tuple[str, ...], *, now: datetime) -> list[Clock]:
    """Recompute the deal's running clocks that follow the dates named by `reasons` (already
    changed on `deal`), telling the thread of each due time that moved; the clocks moved."""
    moved: list[Clock] = []
    for reason in reasons:
        for row in uow.clocks.running(deal.id, FOLLOWS[reason]):
            before, _, _ = recompute(uow, regions, row, deal, now=now)
            if announce_moved(uow, deal, row, before, reason):
                moved.append(row)
    return moved


def change_dates(uow: AbstractUnitOfWork, regions: RegionDirectory, deal: Deal, *,
                 now: datetime, expected_close: date | None = None,
                 subscription_start: date | None = None) -> list[Clock]:
    """Set the deal's expected close date and subscription start (None: unchanged) and make
    their clocks follow; the clocks whose due time moved."""
    changed: list[str] = []
    if expected_close is not None and expected_close != deal.expected_close:
        deal.expected_close = expected_close
        changed.append(CLOSE_DATE)
    if subscription_start is not None and subscription_start != deal.subscription_start:
        deal.subscription_start = subscription_start
        changed.append(SUBSCRIPTION_START)
    if not changed:
        return []
    deal.updated_at = now
    return follow_dates(uow, regions, deal, tuple(changed), now=now)
