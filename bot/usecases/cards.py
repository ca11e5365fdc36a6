"""The deal card's facts and keeping the card up to date: a refresh is an outbox message that
the outbox renders at send time (it loads `card_facts` and hands them to the card view)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from bot.usecases.audience import thread_lang, thread_zone
from rules.facts import Deal as DealFacts
from rules.facts import Partner
from storage.mapping import deal_facts, partner_facts
from storage.models import (
    BantUpdate,
    Clock,
    Deal,
    DealStatus,
    DealThread,
    LineItem,
    PartnerOrg,
    Person,
    Poi,
)
from storage.repositories.outbox import CARD_CONVERSATION, card_prefix
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["DECISION_STATUSES", "CardFacts", "Decision", "card_channel", "card_facts",
           "refresh_card"]

DECISION_STATUSES = frozenset({DealStatus.ACCEPTED, DealStatus.DECLINED, DealStatus.LAPSED,
                               DealStatus.WON, DealStatus.LOST, DealStatus.REMOVED})


@dataclass(frozen=True)
class Decision:
    """Who moved the deal to its current status, and when (from the audit log)."""

    actor: str
    at: datetime


@dataclass(frozen=True)
class CardFacts:
    """Everything a card shows, loaded once (the view reads nothing else): the deal and its
    items, its partner and GS, its clocks (by due time), the newest BANT update and POI row,
    the decision, its thread, the thread's language, and the rulebook's view of the deal
    (lines held through another partner left out: the card is shown to the deal's partner)."""

    deal: Deal
    items: tuple[LineItem, ...]
    partner: PartnerOrg | None
    gs: Person | None
    clocks: tuple[Clock, ...]
    bant: BantUpdate | None
    poi: Poi | None
    decision: Decision | None
    thread: DealThread | None
    lang: str
    rules_deal: DealFacts
    rules_partner: Partner
    tz: tzinfo = UTC  # the thread's (its region's): a date token's fallback
    zone: str = "UTC"  # the deal region's time zone: its date-based clocks end at midnight there


def _decision(uow: AbstractUnitOfWork, deal: Deal) -> Decision | None:
    if deal.status not in DECISION_STATUSES:
        return None
    for entry in reversed(uow.audit.for_entity(Deal.__tablename__, deal.id)):
        change = (entry.changes or {}).get("status")
        if entry.action == "update" and isinstance(change, list) and len(change) == 2 \
                and change[1] == deal.status.value:
            return Decision(entry.actor, entry.at)
    return None


def card_facts(uow: AbstractUnitOfWork, deal_id: int) -> CardFacts:
    """Read what the card of `deal_id` shows."""
    deal = uow.deals.get(deal_id)
    partner = uow.directory.find_org(deal.partner_org_id)
    pois = uow.pois.for_deal(deal.id)
    return CardFacts(
        deal=deal, items=tuple(deal.items), partner=partner,
        gs=uow.directory.find_person(deal.gs_id),
        clocks=tuple(uow.clocks.for_deal(deal.id)), bant=uow.bant.latest(deal.id),
        poi=uow.pois.latest(deal.id), decision=_decision(uow, deal),
        thread=uow.deals.thread(deal.id), lang=thread_lang(uow, deal),
        rules_deal=deal_facts(deal, pois=pois, holdings=uow.deals.holdings(deal.customer_domain),
                              other_partners=False),
        rules_partner=partner_facts(partner), tz=thread_zone(uow, deal),
        zone=_zone(uow, deal.region_code))


def _zone(uow: AbstractUnitOfWork, code: str) -> str:
    region = uow.directory.region(code)
    return region.timezone if region is not None else "UTC"


def refresh_card(uow: AbstractUnitOfWork, deal_id: int) -> bool:
    """Queue a refresh of the deal's card, unless one is already waiting unclaimed (it will show
    the latest state anyway, because the card is rendered when it is sent). A refresh being sent
    right now may have rendered before this change, so it does not count.

    The first post opens the deal's thread, so it goes in the thread's conversation (what is said
    in the thread waits for it); later edits go in the card's own, where they never hold up the
    thread's messages nor wait for them."""
    if uow.outbox.waiting_card_refresh(deal_id):
        return False
    thread = uow.deals.thread(deal_id)
    posted = thread is not None and thread.card_ts is not None
    return uow.outbox.enqueue(key=f"{card_prefix(deal_id)}{uuid.uuid4().hex}",
                              channel=f"{CARD_CONVERSATION}{deal_id}" if posted else f"deal:{deal_id}",
                              payload={"render": "deal_card", "deal_id": deal_id}, at=uow.now())


def card_channel(uow: AbstractUnitOfWork, deal_id: int, default: str) -> str:
    """The channel where the deal's card is (or will be) posted: its thread's (the partner
    organisation's own channel when the directory names one), else `default` (the configured
    deal channel), as the card renderer (`bot.views.deal_card.card_message`) decides. What a
    confirmation names, so that it points where the card really is."""
    thread = uow.deals.thread(deal_id)
    return (thread.channel_id if thread is not None else None) or default
