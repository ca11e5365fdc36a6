"""Every offer has its 72-hour due time and lapses (fake world): an offer's collaboration clock
is due 72 hours after it was made, the card and the offer message show that time, the sweep
reminds the partner 24 hours before and lapses the offer at the due time (status lapsed, the
thread, the GS and the partner told, in both languages); the demo's offered deal does the same
when its time passes."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.demo.seed import seed_demo
from bot.messages import Reader, ToPerson, ToThread
from bot.usecases.cards import card_facts
from bot.usecases.offers import OfferDeal, offer_deal
from bot.usecases.sweep import sweep
from bot.views.deal_card import card_blocks
from bot.views.text import render_text
from rules.answers import Viewer
from rules.vocabulary import Role
from storage.models import Breach, ClockState, DealStatus

from .deal_helpers import form
from .world import World

NEW_YORK = ZoneInfo("America/New_York")


def _status(world: World, deal_id: int) -> DealStatus:
    with world.services.uow("test") as uow:
        return uow.deals.get(deal_id).status


def test_an_offer_is_due_in_72_hours_shown_and_lapses() -> None:
    world = World.make()
    offered_at = world.clock.now
    done = offer_deal(world.services, world.actor("maya"), OfferDeal(form(
        region="US", currency="USD", partner_org_id=world.orgs["northwind"].id)))
    deal_id = done.deal_id
    with world.services.uow("test") as uow:
        [clock] = uow.clocks.running(deal_id, "collaboration")
        facts = card_facts(uow, deal_id)
    due = offered_at + timedelta(hours=72)
    assert clock.due_at == due and clock.started_at == offered_at
    assert clock.next_action_at == due - timedelta(hours=24)  # the partner's reminder
    _, blocks = card_blocks(facts, lang="en", viewer=Viewer(Role.PARTNER, "Northwind Growth LLC"),
                            when=lambda moment: moment.isoformat())
    assert due.isoformat() in str(blocks) and "by -" not in str(blocks)
    [offer] = [m for m in world.queued() if m.lines[0].key == "deals.dm.offer"]
    assert offer.lines[0].params["due"] == due

    world.clock.now = due - timedelta(hours=24)
    sweep(world.services)
    reminded = [m for m in world.queued() if m.key.startswith(f"clock:{clock.id}:remind_24h")]
    assert reminded and _status(world, deal_id) is DealStatus.OFFERED
    world.clock.now = due - timedelta(minutes=1)
    sweep(world.services)
    assert _status(world, deal_id) is DealStatus.OFFERED
    world.clock.now = due
    sweep(world.services)
    assert _status(world, deal_id) is DealStatus.LAPSED
    with world.services.uow("test") as uow:
        assert uow.clocks.running(deal_id) == []
        # a lapse is not a breach: the clock ends lapsed, and nothing is on the partner's record
        assert uow.clocks.get(clock.id).state is ClockState.LAPSED
    assert [b for b in world.store.rows(Breach) if b.deal_id == deal_id] == []
    lapsed = [m for m in world.queued() if m.key.startswith(f"clock:{clock.id}:lapse")]
    assert any(isinstance(m.to, ToThread) for m in lapsed)
    gs, dana = world.people["maya"].id, world.people["dana"].id
    assert {ToPerson(gs), ToPerson(dana)} <= {m.to for m in lapsed}
    for message in lapsed:
        assert message.lines[0].key == "reminder.collaboration.lapsed"
    shown_ja = render_text(lapsed[0].lines[0], Reader("ja", NEW_YORK, shared=True))
    shown_en = render_text(lapsed[0].lines[0], Reader("en", NEW_YORK, shared=True))
    assert "72" in shown_ja and "lapsed" not in shown_ja and "lapsed" in shown_en
    with world.services.uow("test") as uow:
        _, blocks = card_blocks(card_facts(uow, deal_id), lang="en",
                                viewer=Viewer(Role.PARTNER, "Northwind Growth LLC"),
                                when=lambda moment: moment.isoformat())
    assert "breached" not in str(blocks)  # a lapse is not a breach: the card says it lapsed
    sweep(world.services)  # nothing twice
    assert len([m for m in world.queued() if m.key.startswith(f"clock:{clock.id}:lapse")]) \
        == len(lapsed)


def test_the_demo_offer_has_its_due_time_and_lapses() -> None:
    world = World.make()
    with world.services.uow("demo") as uow:
        report = seed_demo(uow, deal_channel="C0DEALS", regions=world.services.regions)
        uow.commit()
    with world.services.uow("test") as uow:
        [offered] = [d for d in uow.deals.with_status([DealStatus.OFFERED])
                     if d.id in report.created]
        [clock] = uow.clocks.running(offered.id, "collaboration")
        assert clock.started_at == world.clock.now  # offered as the demo begins
        assert clock.due_at == world.clock.now + timedelta(hours=72)
    world.clock.now = clock.due_at - timedelta(minutes=5)
    sweep(world.services)
    assert _status(world, offered.id) is DealStatus.OFFERED
    world.clock.now = clock.due_at + timedelta(minutes=5)  # the console moved past 72 hours
    sweep(world.services)
    assert _status(world, offered.id) is DealStatus.LAPSED
    with world.services.uow("test") as uow:
        [stopped] = [c for c in uow.clocks.for_deal(offered.id) if c.kind == "collaboration"]
        assert stopped.state is not ClockState.RUNNING
