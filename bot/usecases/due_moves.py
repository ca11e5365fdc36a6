"""Deadlines that explain themselves: when a clock's due time moves (an extension, an absence,
the close date or subscription start changed, the region's calendar changed), the deal's thread
is told the old and the new due time and why, once per move. Times are Slack date tokens, so
each reader sees them in their own zone; the words are in the thread's language.

    before = row.due_at
    recompute(uow, regions, row, deal, now=now)          # bot.usecases.clock_store
    announce_moved(uow, deal, row, before, CLOSE_DATE)

Every change of a clock's inputs that moves a running clock's due time says so through here.
`detail` adds the particulars a caller knows (who granted an extension and why); the reason
alone is always enough to read.
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
EXTENSION: Final = "extension"  # an extension granted
ABSENCE: Final = "absence"  # an out-of-office registered in advance
CALENDAR: Final = "calendar"  # the region's calendar changed (a closure added or removed)
REASONS: Final = (CLOSE_DATE, SUBSCRIPTION_START, EXTENSION, ABSENCE, CALENDAR)
_SIDES: Final = {"partner": "deals.party.partner", "gs": "deals.party.gs"}


def _why(deal: Deal, reason: str) -> Text:
    params: dict[str, Param] = {}
    if reason == CLOSE_DATE:
        params["day"] = deal.expected_close or "-"
    elif reason == SUBSCRIPTION_START:
        params["day"] = deal.subscription_start or "-"
    return Text(f"moves.reason.{reason}", params)


def announce_moved(uow: AbstractUnitOfWork, deal: Deal, row: Clock, before: datetime,
                   reason: str, *, detail: Text | None = None) -> bool:
    """Queue one thread notice that `row`'s due time moved from `before` to its current
    `due_at`, and why (`reason`, one of `REASONS`; `detail` adds a line, such as who granted an
    extension). Nothing when the due time did not move; True when a notice was queued."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason for a moved due time: {reason!r}")
    after = row.due_at
    if after == before:
        return False
    lines: tuple[Text, ...] = (Text("moves.moved", {
        "what": Text(f"deals.clock.{row.kind}"),
        "side": Text(_SIDES.get(row.owed_by.value, "deals.party.partner")),
        "before": before, "after": after, "why": _why(deal, reason)}),
        *((detail,) if detail is not None else ()))
    # one notice per move: the key names the clock, both times and the moment, so a retry of
    # the same change is one message and a later move (even back again) is another
    key = (f"deal:{deal.id}:clock:{row.id}:moved:{int(before.timestamp())}"
           f":{int(after.timestamp())}:{int(uow.now().timestamp())}")
    return queue(uow, Outgoing(key, ToThread(deal.id), lines))
