"""The start of onboarding: the partner of a won deal (or its GS, or an admin) records the day
onboarding began, which stops the onboarding clock (met when it began by the due time) and is
told in the deal's thread. Without it the clock could only breach.

    done = record_onboarding(services, actor, RecordOnboarding(DealRef(12), date(2026, 12, 28)))

The day is not in the future. A day before the subscription start is accepted: the spec asks
that onboarding start *within* the window after the subscription start (ROE-SPEC, onboarding
rule 1), and starting early is not late. A clock the sweep already breached keeps its breach
(a GS may dismiss it): recording the day says when onboarding began, it does not rewrite what
was recorded when no one said so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Reply, Text, ToThread, Typed, due_param, queue
from bot.permissions import Action
from bot.usecases.cards import refresh_card
from bot.usecases.clock_store import stop_clock
from bot.usecases.deal_support import DealDone, DealRef, commit, deal_args, named_deal, usage_refusal
from bot.usecases.policy import require
from storage.models import ClockState, DealStatus

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["ONBOARDING", "RecordOnboarding", "record_onboarding"]

ONBOARDING = "onboarding"


@dataclass(frozen=True)
class RecordOnboarding:
    """Onboarding of a deal began on `started_on` (None: today, in the actor's time zone)."""

    deal: DealRef
    started_on: date | None = None


def record_onboarding(services: Services, actor: Actor, command: RecordOnboarding) -> DealDone:
    """Record that onboarding began; the onboarding clock stops and the thread is told."""
    require(actor, Action.RECORD_ONBOARDING)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = named_deal(uow, actor, command.deal, usage="onboarding")
        require(actor, Action.RECORD_ONBOARDING, deal)
        today = now.astimezone(actor.tz).date()
        started_on = command.started_on or today
        if started_on > today:
            raise usage_refusal("onboarding", "deals.problem.onboarding_future",
                                date=started_on, today=today)
        rows = [c for c in uow.clocks.for_deal(deal.id) if c.kind == ONBOARDING]
        if deal.status is not DealStatus.WON or not rows:
            raise usage_refusal("onboarding", "deals.problem.onboarding_no_clock",
                                **deal_args(deal))
        row = max(rows, key=lambda c: c.id)
        if row.stopped_at is not None or row.state in (ClockState.MET, ClockState.CANCELLED):
            raise usage_refusal("onboarding", "deals.problem.onboarding_recorded",
                                **deal_args(deal))
        calendar = services.regions.calendar(deal.region_code)
        began = now if started_on == today else calendar.local_midnight(started_on)
        in_time = False
        if row.state is ClockState.RUNNING:
            in_time = stop_clock(row, at=min(began, now)) is ClockState.MET
        else:  # breached by the sweep: began late, or was recorded late; the breach stays
            row.stopped_at = min(began, now)
        due = due_param(row.kind, row.due_at, calendar.tz.key)
        queue(uow, Outgoing(f"deal:{deal.id}:onboarding:{row.id}:started", ToThread(deal.id), (
            Text("deals.onboarding.thread_in_time" if in_time else "deals.onboarding.thread_late",
                 {"name": Typed(actor.name or actor.user_id), "date": started_on,
                  "due": due, **deal_args(deal)}),)))
        refresh_card(uow, deal.id)
        done = DealDone(deal.id, Reply.of(
            "deals.done.onboarding" if in_time else "deals.done.onboarding_late",
            date=started_on, due=due, **deal_args(deal)))
        commit(uow)
    return done
