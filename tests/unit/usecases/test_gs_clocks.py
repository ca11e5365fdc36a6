"""Replies a GS owes, on the fake world (issue 11, "both sides measured"): a partner's message
starts the GS's clock and the GS's reply stops it; it is reminded like a partner's (the thread
at 24 business hours left, addressed to the GS; a DM at 4); at breach it is recorded as the
GS's breach, never on the partner organisation's record, with a thread notice without the
partner-breach buttons, a DM to the GS and one to the escalation contact; overdue until the GS
replies (card, Home tabs), counted in the digests; removal and closing stop it; a partner can
not extend it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Outgoing, Refused, Text, ToChannel, ToPerson, ToThread, Typed
from bot.usecases.breaches import DismissBreach, dismiss_breach
from bot.usecases.cards import card_facts
from bot.usecases.closing import CloseDeal, RemovePartner, close_deal, remove_partner
from bot.usecases.deal_support import DealRef
from bot.usecases.extensions import FileExtension, file_extension
from bot.usecases.home import home_data
from bot.usecases.periodic import ensure_clocks, gs_digests, pdm_digests
from bot.usecases.response_clocks import ThreadMessage, on_thread_message
from bot.usecases.sweep import sweep
from bot.views.deal_card import card_blocks, card_viewer
from storage.models import Breach, Clock, ClockState, Deal, Party

from .followup_world import clocks, say, world
from .world import TEAM, World, utc

__all__ = ["world"]

NOW = utc(2025, 12, 1, 0)  # Mon 09:00 in Tokyo
REMIND_24 = utc(2025, 12, 2, 0)  # Tue 09:00: 24 business hours before it is due
REMIND_4 = utc(2025, 12, 2, 20)  # Wed 05:00: 4 business hours before
DUE = utc(2025, 12, 3, 0)  # Wed 09:00: 48 business hours after the partner's message


def _gs_clock(world: World, deal: Deal) -> Clock:
    [row] = clocks(world, deal, Party.GS)
    return row


def _partner_asks(world: World) -> Deal:
    deal = world.deal()
    assert say(world, deal, "aiko") == "recorded+started"
    return deal


def _sent(world: World, after: int) -> list[Outgoing]:
    return world.queued()[after:]


def _breached(world: World) -> Deal:
    deal = _partner_asks(world)
    world.clock.now = DUE + timedelta(minutes=5)
    assert sweep(world.services).breaches == 1
    return deal


def test_a_partners_message_starts_the_gs_clock_planned_like_a_partners(world: World) -> None:
    deal = _partner_asks(world)
    row = _gs_clock(world, deal)
    assert (row.kind, row.state, row.due_at) == ("response", ClockState.RUNNING, DUE)
    assert row.owed_by_person_id == world.people["hiro"].id
    assert row.next_action_at == REMIND_24
    assert clocks(world, deal, Party.PARTNER) == []


def test_the_gs_is_reminded_in_the_thread_then_by_dm(world: World) -> None:
    deal = _partner_asks(world)
    row = _gs_clock(world, deal)
    before = len(world.queued())
    world.clock.now = REMIND_24
    assert sweep(world.services).acted == 1
    [thread] = _sent(world, before)
    assert thread.key == f"clock:{row.id}:remind_24h" and thread.to == ToThread(deal.id)
    assert thread.lines[0].key == "reminder.mention"
    assert thread.lines[0].params["user"] == "U0GSHIRO"
    said = thread.lines[0].params["text"]
    assert said.key == "reminder.gs_response.thread" and said.count == 24  # type: ignore[union-attr]
    assert thread.buttons == ()  # the partner's buttons (BANT, out of office) are not the GS's
    world.clock.now = REMIND_4
    before = len(world.queued())
    assert sweep(world.services).acted == 1
    [dm] = _sent(world, before)
    assert dm.to == ToPerson(world.people["hiro"].id)
    assert dm.lines[0].key == "reminder.gs_response.dm" and dm.lines[0].count == 4
    assert not any(isinstance(m.to, ToChannel) for m in world.queued())


def test_the_breach_is_the_gss_never_on_the_partners_record(world: World) -> None:
    deal = _partner_asks(world)
    row = _gs_clock(world, deal)
    before = len(world.queued())
    world.clock.now = DUE + timedelta(minutes=5)
    report = sweep(world.services)
    assert (report.acted, report.breaches) == (1, 1)
    [breach] = world.store.rows(Breach)
    assert (breach.owed_by, breach.person_id, breach.partner_org_id) == \
        (Party.GS, world.people["hiro"].id, None)
    assert (breach.deal_id, breach.clock_id, breach.occurred_at) == (deal.id, row.id, DUE)
    sent = {m.key: m for m in _sent(world, before)}
    notice = sent[f"clock:{row.id}:breach"]
    assert notice.to == ToThread(deal.id)
    assert notice.lines[0].params["text"].key == "reminder.gs_response.breach"  # type: ignore[union-attr]
    assert [b.action_id for b in notice.buttons] == ["breach_timeline"]  # no extend, no remove
    to_gs = sent[f"clock:{row.id}:breach:dm:U0GSHIRO"]
    assert to_gs.lines[0].key == "reminder.gs_response.breach_dm"
    to_pdm = sent[f"clock:{row.id}:breach:dm:U0PDMKEN"]  # the partner's PDM, by default
    assert to_pdm.to == ToPerson(world.people["ken"].id)
    assert to_pdm.lines[0].key == "reminder.gs_response.breach_escalation"
    assert to_pdm.lines[0].params["gs"] == Typed("Hiroshi Sato")
    assert to_pdm.lines[0].params["partner"] == Typed("Sakura Digital KK")
    assert len(sent) == 3
    assert world.store.rows(Clock)[0].state is ClockState.BREACHED
    assert sweep(world.services).acted == 0  # one notice per breached clock
    with world.services.uow("test") as uow:
        assert uow.breaches.count_since(deal.partner_org_id or -1, NOW) == 0
        assert uow.breaches.counts_since([deal.partner_org_id or -1], NOW) == {}
        assert uow.breaches.latest_for_deal(deal.id) is None
        assert uow.breaches.recent(NOW, org_id=deal.partner_org_id) == []
        assert [b.id for b, _ in uow.breaches.of_gs(NOW, gs_id=world.people["hiro"].id)] == \
            [breach.id]
    assert home_data(world.services, world.actor("aiko")).breaches == []


def test_three_gs_breaches_do_not_alert_the_pdm_about_the_partner(world: World) -> None:
    for number in range(3):
        deal = world.deal(company=f"Co {number}")
        say(world, deal, "aiko")
    world.clock.now = DUE + timedelta(minutes=5)
    assert sweep(world.services).breaches == 3
    assert not [m for m in world.queued() if m.lines[0].key == "reminder.pdm_breaches"]


def test_a_configured_contact_hears_instead_of_the_pdm(world: World) -> None:
    with world.services.uow("test") as uow:
        region = uow.directory.region("JP")
        assert region is not None
        region.gs_escalation_id = world.people["ada"].id
        uow.commit()
    deal = _breached(world)
    row = _gs_clock(world, deal)
    keys = {m.key for m in world.queued()}
    assert f"clock:{row.id}:breach:dm:U0ADMIN1" in keys
    assert f"clock:{row.id}:breach:dm:U0PDMKEN" not in keys


def test_overdue_on_the_card_and_home_tabs_until_the_gs_replies(world: World) -> None:
    deal = _breached(world)
    row = _gs_clock(world, deal)
    gs_home = home_data(world.services, world.actor("hiro"))
    [line] = [c for c in gs_home.clocks if c.overdue]
    assert (line.deal_id, line.owed_by, line.due_at) == (deal.id, Party.GS, DUE)
    assert [b.deal_id for b in gs_home.own_breaches] == [deal.id]
    assert gs_home.breaches == []  # breaches on the partners' records
    pdm_home = home_data(world.services, world.actor("ken"))
    sakura = next(o for o in pdm_home.orgs if o.name == "Sakura Digital KK")
    assert [c.overdue for c in sakura.clocks] == [True] and sakura.breaches == []
    assert "overdue" in _card_text(world, deal)
    # the GS replies: the clock stops (the breach stays on the GS's record), the partner owes
    world.clock.now = DUE + timedelta(hours=3)
    assert say(world, deal, "hiro") == "recorded+stopped+started"
    stopped = _gs_clock(world, deal)
    assert stopped.id == row.id and stopped.state is ClockState.BREACHED
    assert stopped.stopped_at == world.clock.now
    assert not any(c.overdue for c in home_data(world.services, world.actor("hiro")).clocks)
    assert "overdue" not in _card_text(world, deal)
    assert len(world.store.rows(Breach)) == 1


def _card_text(world: World, deal: Deal) -> str:
    with world.services.uow("test") as uow:
        facts = card_facts(uow, deal.id)
    _, blocks = card_blocks(facts, lang="en", viewer=card_viewer(facts),
                            when=lambda moment: moment.isoformat())
    return str(blocks)


def test_questions_to_the_bot_move_no_gs_clock(world: World) -> None:
    deal = world.deal()
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(deal.id)
        assert thread is not None and thread.thread_ts is not None
        thread_ts = thread.thread_ts

    def ask(who: str, ts: str) -> str:
        return on_thread_message(world.services, ThreadMessage(
            TEAM, "C0DEALS", thread_ts, ts, world.people[who].slack_user_id, to_bot=True))

    assert ask("aiko", "1764300000.000001") == "to_bot"
    assert clocks(world, deal) == []
    say(world, deal, "aiko")
    assert ask("hiro", "1764300000.000002") == "to_bot"
    assert _gs_clock(world, deal).state is ClockState.RUNNING


def test_a_partner_cannot_extend_the_gss_clock_nor_dismiss_its_breach(world: World) -> None:
    deal = _partner_asks(world)
    row = _gs_clock(world, deal)
    for who in ("aiko", "hiro"):
        for clock_id in (None, row.id):
            with pytest.raises(Refused) as raised:
                file_extension(world.services, world.actor(who), FileExtension(
                    DealRef(deal.id), "busy", extra=timedelta(hours=24), clock_id=clock_id))
            assert raised.value.reply.lines[0].key == "followup.extend.no_clock"
    assert _gs_clock(world, deal).due_at == DUE
    world.clock.now = DUE + timedelta(minutes=5)
    sweep(world.services)
    with pytest.raises(Refused) as raised:
        dismiss_breach(world.services, world.actor("hiro"), DismissBreach(deal.id, row.id))
    assert raised.value.reply.lines[0].key == "breach.gone"
    assert len(world.store.rows(Breach)) == 1


def test_removing_the_partner_stops_the_gs_clock(world: World) -> None:
    deal = _partner_asks(world)
    remove_partner(world.services, world.actor("hiro"), RemovePartner(DealRef(deal.id), "gone"))
    row = _gs_clock(world, deal)
    assert row.state is ClockState.CANCELLED and row.next_action_at is None
    world.clock.now = DUE + timedelta(days=1)
    assert sweep(world.services).acted == 0


def test_closing_the_deal_ends_an_overdue_gs_reply(world: World) -> None:
    deal = _breached(world)
    world.clock.now = DUE + timedelta(hours=1)
    close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(deal.id), won=False))
    row = _gs_clock(world, deal)
    assert row.state is ClockState.BREACHED and row.stopped_at == world.clock.now
    with world.services.uow("test") as uow:
        assert uow.clocks.unanswered(Party.GS) == []


def test_the_gs_digest_counts_overdue_replies_and_breaches(world: World) -> None:
    deal = _breached(world)
    world.clock.now = utc(2025, 12, 3, 23, 30)  # Thu 08:30 in Tokyo
    say(world, world.deal(company="Running KK"), "aiko")  # another reply the GS owes
    assert gs_digests(world.services, "JP").digests == 1
    [digest] = [m for m in world.queued() if m.key.startswith("digest:gs:")]
    assert digest.to == ToPerson(world.people["hiro"].id)
    keys = [line.key for line in digest.lines]
    assert keys == ["digest.gs.head", "digest.gs.line", "digest.gs.overdue",
                    "digest.gs.overdue_line", "digest.gs.breaches"]
    assert digest.lines[1].params["company"] == Typed("Running KK")
    assert digest.lines[1].params["kind"].key == "digest.kind.gs_response"  # type: ignore[union-attr]
    assert digest.lines[2].count == 1 and digest.lines[4].count == 1
    assert digest.lines[3].params == {"company": Typed(deal.company), "due": DUE}


def test_the_pdm_digest_tells_gs_breaches_apart(world: World) -> None:
    _breached(world)
    world.clock.now = utc(2025, 12, 5, 0)
    assert pdm_digests(world.services).digests == 2
    sakura = next(m for m in world.queued() if m.key.startswith("digest:pdm:")
                  and m.lines[0].params["partner"] == Typed("Sakura Digital KK"))
    # the partner's record is untouched
    assert sakura.lines[0].params["breaches"] == Text("digest.pdm.breaches", {}, 0)
    assert sakura.lines[1].key == "digest.pdm_gs" and sakura.lines[1].count == 1
    northwind = next(m for m in world.queued() if m.key.startswith("digest:pdm:")
                     and m.lines[0].params["partner"] == Typed("Northwind Growth LLC"))
    assert len(northwind.lines) == 1


def test_a_gs_clock_stored_before_it_escalated_is_planned(world: World) -> None:
    deal = _partner_asks(world)
    with world.services.uow("test") as uow:
        row = uow.clocks.get(_gs_clock(world, deal).id)
        row.next_action_at = None  # as a measured-only clock was stored
        uow.commit()
    assert ensure_clocks(world.services).clocks == 1
    assert _gs_clock(world, deal).next_action_at == REMIND_24
    assert ensure_clocks(world.services).clocks == 0
