"""BANT updates: every update is kept (history is never overwritten) and the card shows the
latest; a partner's update stops the clock a BANT prompt started, and the thread is told.

    form = open_bant(services, actor, DealRef(12))      # the modal, filled with the latest
    reply = record_bant(services, actor, RecordBant(12, BantFields(...)))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Reply, Text, ToThread, Typed, queue
from bot.permissions import Action
from bot.usecases.clock_store import BANT, running_owed, stop_clock
from bot.usecases.deal_dates import change_dates
from bot.usecases.deal_support import DealRef
from bot.usecases.followup_shared import find_deal, refresh, require_open, retrying
from rules.vocabulary import Role
from storage.models import BantUpdate, ClockState, Party

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["BantFields", "BantForm", "RecordBant", "open_bant", "record_bant"]


@dataclass(frozen=True)
class BantFields:
    """One BANT update as typed in the modal."""

    budget: str
    authority: str
    need: str
    timing: str
    next_step: str | None = None
    expected_close: date | None = None

    @classmethod
    def of(cls, update: BantUpdate) -> BantFields:
        """A stored update's fields."""
        return cls(update.budget, update.authority, update.need, update.timing,
                   update.next_step, update.expected_close)


@dataclass(frozen=True)
class RecordBant:
    """A BANT update for a deal."""

    deal_id: int
    fields: BantFields


@dataclass(frozen=True)
class BantForm:
    """What the BANT modal opens with: the deal and its latest update (a change is an edit)."""

    deal_id: int
    company: str
    latest: BantFields | None


def open_bant(services: Services, actor: Actor, where: DealRef) -> BantForm:
    """The BANT modal for the deal a command or button is about (`Refused` when the actor may
    not update it)."""
    with services.uow(actor=actor.user_id) as uow:
        deal = find_deal(uow, actor, where)
        require_open(actor, Action.UPDATE_BANT, deal)
        latest = uow.bant.latest(deal.id)
        return BantForm(deal.id, deal.company,
                        BantFields.of(latest) if latest is not None else None)


def record_bant(services: Services, actor: Actor, command: RecordBant) -> Reply:
    """Keep a BANT update, stop the clock a BANT prompt started, say so in the thread and
    refresh the card."""
    fields = command.fields

    def work() -> Reply:
        with services.uow(actor=actor.user_id) as uow:
            deal = find_deal(uow, actor, DealRef(command.deal_id))
            require_open(actor, Action.UPDATE_BANT, deal)
            now = services.now()
            update = uow.bant.add(BantUpdate(
                deal_id=deal.id, author_id=actor.person_id, budget=fields.budget,
                authority=fields.authority, need=fields.need, timing=fields.timing,
                next_step=fields.next_step, expected_close=fields.expected_close,
                created_at=now))
            stopped = 0
            if actor.role is Role.PARTNER:
                for row in running_owed(uow, deal.id, Party.PARTNER, kinds=(BANT,)):
                    stop_clock(row, at=now)
                    stopped += 1
                # a prompt already breached is answered too, late: overdue no more (its
                # breach stays on the record)
                for row in uow.clocks.for_deal(deal.id):
                    if row.kind == BANT and row.state is ClockState.BREACHED \
                            and row.stopped_at is None:
                        row.stopped_at = now
            queue(uow, Outgoing(f"bant:{update.id}", ToThread(deal.id), (
                Text("followup.bant.thread", {
                    "name": actor.name, "budget": Typed(fields.budget),
                    "authority": Typed(fields.authority), "need": Typed(fields.need),
                    "timing": Typed(fields.timing)}),)))
            # the POI clock follows at once (and the thread hears of its new due time)
            change_dates(uow, services.regions, deal, now=now,
                         expected_close=fields.expected_close)
            refresh(uow, deal.id)
            uow.commit()
            count = len(uow.bant.history(deal.id))
            return Reply.of("followup.bant.saved", ref=deal.id, count=count, stopped=stopped)
    return retrying(work)
