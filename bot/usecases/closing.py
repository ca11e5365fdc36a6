"""The end of a shared deal and its proof of involvement: a GS closes it won or lost, removes
the partner (who is told why), and anyone on the deal records the POI's status.

    done = close_deal(services, actor, CloseDeal(DealRef(12), won=True))
    done = remove_partner(services, actor, RemovePartner(DealRef(12), "no reply for two weeks"))
    done = record_poi(services, actor, RecordPoi(DealRef(12), PoiStatus.SIGNED))

A command names its deal by a `DealRef` (the thread it was typed in, else a number); who may
act is checked before the deal is looked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Refused, Reply, Text, ToPerson, Typed, queue
from bot.permissions import Action
from bot.usecases.cards import refresh_card
from bot.usecases.deal_support import (
    DealDone,
    DealRef,
    commit,
    deal_args,
    mention,
    named_deal,
    not_open,
    person_of,
    settle_overdue,
    status_text,
    stop_clocks,
    usage_refusal,
)
from bot.usecases.policy import require
from rules.facts import Deal as DealFacts
from storage.mapping import deal_facts
from storage.models import ClockState, DealStatus, Poi, PoiStatus

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["CloseDeal", "RecordPoi", "RemovePartner", "close_deal", "record_poi",
           "remove_partner"]


@dataclass(frozen=True)
class CloseDeal:
    """Close a deal, won or lost."""

    deal: DealRef
    won: bool


@dataclass(frozen=True)
class RemovePartner:
    """Remove the partner from a deal, telling them `reason` (required)."""

    deal: DealRef
    reason: str


@dataclass(frozen=True)
class RecordPoi:
    """A POI confirmation link's status (signed: on `signed_on`, default today)."""

    deal: DealRef
    status: PoiStatus
    signed_on: date | None = None
    names_partner_onboarding: bool = False
    url: str | None = None


def close_deal(services: Services, actor: Actor, command: CloseDeal) -> DealDone:
    """A GS (or admin) closes a deal won or lost; its reply clocks stop."""
    require(actor, Action.CLOSE_DEAL)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = named_deal(uow, actor, command.deal, usage="close")
        if not deal.is_open:
            raise not_open(deal)
        deal.status = DealStatus.WON if command.won else DealStatus.LOST
        deal.updated_at = now
        # every reply the deal asked for stops (a BANT prompt's too); a lost deal's POI
        # clock too, while a won deal's POI and onboarding clocks go on
        stop_clocks(uow, deal, now, ClockState.CANCELLED,
                    kinds=("response", "collaboration", "bant") if command.won else None)
        settle_overdue(uow, deal, now)
        refresh_card(uow, deal.id)
        closed = Text("deals.done.closed", {"status": status_text(deal.status),
                                            **deal_args(deal)})
        earned = _poi_note(deal_facts(deal, pois=uow.pois.for_deal(deal.id))) \
            if command.won else None
        done = DealDone(deal.id, Reply((closed, earned) if earned else (closed,)))
        commit(uow)
    return done


def remove_partner(services: Services, actor: Actor, command: RemovePartner) -> DealDone:
    """A GS (or admin) removes the partner from a deal (e.g. after a breach). The partner is
    told the reason: the rules promise feedback on a removal."""
    require(actor, Action.REMOVE_PARTNER)
    reason = command.reason.strip()[:1000]
    if not reason:
        raise usage_refusal("remove", "deals.problem.remove_reason")
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = named_deal(uow, actor, command.deal, usage="remove")
        if deal.partner_org_id is None:
            raise Refused(Reply.refusal("deals.error.no_partner", deal=deal.id))
        if not deal.is_open:
            raise not_open(deal)
        deal.status = DealStatus.REMOVED
        deal.updated_at = now
        # every clock stops: the partner's, and the GS's replies to a partner no longer there
        stop_clocks(uow, deal, now, ClockState.CANCELLED)
        settle_overdue(uow, deal, now)
        refresh_card(uow, deal.id)
        person = person_of(uow, actor)
        told = Text("deals.dm.removed", {"gs": mention(person), "reason": Typed(reason),
                                         **deal_args(deal)})
        for member in uow.directory.partner_people(deal.partner_org_id):
            queue(uow, Outgoing(f"deal:{deal.id}:removed:{member.id}", ToPerson(member.id),
                                (told,), deal_id=deal.id))
        done = DealDone(deal.id, Reply.of("deals.done.removed", reason=Typed(reason),
                                          **deal_args(deal)))
        commit(uow)
    return done


def _poi_note(facts: DealFacts) -> Text | None:
    """What a won deal's confirmation adds when the rules say its POI earns nothing: signed
    after the close date, or not signed at all."""
    if facts.poi_late and facts.poi_signed_on is not None and facts.close_date is not None:
        return Text("deals.done.closed_poi_late", {"date": facts.poi_signed_on,
                                                   "close": facts.close_date})
    if not facts.poi_signed:
        return Text("deals.done.closed_no_poi")
    return None


def record_poi(services: Services, actor: Actor, command: RecordPoi) -> DealDone:
    """Record a POI confirmation link's status. A signing date in the future is refused; a
    POI signed after the close date is recorded, earns nothing (the rules decide) and leaves
    the POI clock to breach; one signed in time meets the POI clock."""
    require(actor, Action.UPDATE_POI)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = named_deal(uow, actor, command.deal, usage="poi")
        require(actor, Action.UPDATE_POI, deal)
        today = now.astimezone(actor.tz).date()
        signed_on = command.signed_on
        if command.status is PoiStatus.SIGNED and signed_on is None:
            signed_on = today
        if signed_on is not None and signed_on > today:
            raise usage_refusal("poi", "deals.problem.poi_future", date=signed_on, today=today)
        uow.pois.add(Poi(deal_id=deal.id, status=command.status, signed_on=signed_on,
                         names_partner_onboarding=command.names_partner_onboarding,
                         url=command.url, recorded_by_id=actor.person_id, recorded_at=now))
        facts = deal_facts(deal, pois=uow.pois.for_deal(deal.id))
        if command.status is PoiStatus.SIGNED and facts.poi_by_close:
            stop_clocks(uow, deal, now, ClockState.MET, kinds=("poi",))
        refresh_card(uow, deal.id)
        if command.status is PoiStatus.SIGNED and facts.poi_late:
            reply = Reply.of("deals.done.poi.signed_late", date=signed_on,
                             close=deal.expected_close, **deal_args(deal))
        else:
            reply = Reply.of(f"deals.done.poi.{command.status.value}",
                             date=signed_on.isoformat() if signed_on else "",
                             **deal_args(deal))
        done = DealDone(deal.id, reply)
        commit(uow)
    return done
