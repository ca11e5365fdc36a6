"""Running clocks in the fake world, and their planned steps (for the sweep's unit tests)."""

from __future__ import annotations

from datetime import datetime

from rules import clocks as rc
from rules.escalation import PlannedStep, plan
from storage.models import Clock, ClockState, Party

from .world import World


def running_clock(world: World, deal_id: int, *, started: datetime, kind: str = "response"
                  ) -> Clock:
    """A running partner clock of `kind` started at `started`, its first step due at once."""
    with world.services.uow("test") as uow:
        deal = uow.deals.get(deal_id)
        clock = rc.response_clock(started, world.services.regions.calendar(deal.region_code)) \
            if kind == "response" else rc.collaboration_clock(started)
        row = uow.clocks.add(Clock(deal_id=deal_id, kind=kind, owed_by=Party.PARTNER,
                                   started_at=started, due_at=clock.due_at, basis="",
                                   state=ClockState.RUNNING, next_action_at=started, version=1))
        uow.commit()
        return row


def steps(world: World, row: Clock, region: str = "JP") -> list[PlannedStep]:
    """The planned steps of a stored response clock."""
    calendar = world.services.regions.calendar(region)
    clock = rc.response_clock(row.started_at, calendar) if row.kind == "response" \
        else rc.collaboration_clock(row.started_at)
    return plan(clock, calendar)
