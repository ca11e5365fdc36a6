"""A deadline that moves explains itself: one short thread message with the old due time, the
new one and why (in the thread's language, the times as Slack date tokens so each reader sees
their own zone).

    before = row.due_at
    recompute(uow, regions, row, deal, now=now)          # bot.usecases.clock_store
    announce_moved(uow, deal, row, before, CLOSE_DATE)

Every change of a clock's inputs that moves a running clock's due time says so through here:
the deal's expected close date (the POI clock), its subscription start (onboarding), an
extension, an out-of-office, a change of the region's calendar. `note` adds the particulars a
caller knows (the closure's name, who stands in); the reason alone is always enough to read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.messages import Outgoing, Param, Text, ToThread, queue
from storage.models import Clock, Deal
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["ABSENCE", "CALENDAR", "CLOSE_DATE", "EXTENSION", "REASONS", "SUBSCRIPTION_START",
           "announce_moved"]

CLOSE_DATE: Final = "close_date"  # the expected close date changed (POI clock)
SUBSCRIPTION_START: Final = "subscription_start"  # the subscription start changed (onboarding)
EXTENSION: Final = "extension"  # an extension granted (or withdrawn)
ABSENCE: Final = "absence"  # an out-of-office registered, changed or ended
CALENDAR: Final = "calendar"  # the region's calendar changed (a closure, a holiday corrected)
REASONS: Final = (CLOSE_DATE, SUBSCRIPTION_START, EXTENSION, ABSENCE, CALENDAR)


def _why(deal: Deal, reason: str) -> Text:
    params: dict[str, Param] = {}
    if reason == CLOSE_DATE:
        params["day"] = deal.expected_close or "-"
    elif reason == SUBSCRIPTION_START:
        params["day"] = deal.subscription_start or "-"
    return Text(f"moves.reason.{reason}", params)


def announce_moved(uow: AbstractUnitOfWork, deal: Deal, row: Clock, before: datetime,
                   reason: str, *, note: Text | None = None) -> bool:
    """Queue one thread message saying that `row`'s due time moved from `before` to its
    `due_at` and why (`reason`: one of `REASONS`); nothing when it did not move. Whether a
    message was queued."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason for a due time to move: {reason!r}")
    after = row.due_at
    if after == before:
        return False
    kind = Text(f"deals.clock.{row.kind}")
    lines: tuple[Text, ...] = (Text("moves.moved", {
        "kind": kind, "before": before, "after": after, "why": _why(deal, reason)}),)
    if note is not None:
        lines = (*lines, note)
    # one message per move: the same clock may move again later, even back and forth
    key = (f"move:{row.id}:{int(before.timestamp())}:{int(after.timestamp())}"
           f":{int(uow.now().timestamp())}")
    return queue(uow, Outgoing(key, ToThread(deal.id), lines))
