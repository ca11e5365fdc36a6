"""The sweep on the fake world: reminders, breach notices, digests, the PDM's notice; each step
once, whatever how often the sweep runs."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.messages import Reader, Text, ToChannel, ToPerson, ToThread, Typed
from bot.usecases.sweep import sweep
from bot.views.text import render_text
from rules.escalation import Action, Audience
from storage.models import Breach, Clock, ClockState, DealStatus

from .sweep_support import running_clock, steps
from .world import World, utc

START = utc(2025, 12, 1, 0)  # Mon 09:00 in Tokyo


def test_due_reminders_go_to_the_thread_then_the_registrant_once_each() -> None:
    world = World.make(now=START)
    deal = world.deal()
    row = running_clock(world, deal.id, started=START)
    first = next(s for s in steps(world, row) if s.action is not Action.BREACH)
    world.clock.now = first.at
    report = sweep(world.services)
    assert (report.claimed, report.acted, report.breaches) == (1, 1, 0)
    queued = {m.key: m for m in world.queued()}
    thread = queued[f"clock:{row.id}:{first.key}"]
    assert thread.to == ToThread(deal.id)
    assert thread.lines[0].key.startswith("reminder.response.thread")
    assert thread.lines[0].params["due"] == row.due_at
    assert [b.action_id for b in thread.buttons] == ["bant_open", "ooo_open", "extension_open"]
    assert sweep(world.services).acted == 0  # nothing twice
    assert len(world.queued()) == len(queued)
    [stored] = world.store.rows(Clock)
    assert stored.escalation_step == first.key and stored.claimed_by is None
    later = next(s for s in steps(world, row)
                 if Audience.OWNER in s.audience and s.action is not Action.BREACH)
    world.clock.now = later.at
    assert sweep(world.services).acted == 1
    dm = {m.key: m for m in world.queued()}[f"clock:{row.id}:{later.key}:dm:U0AIKO01"]
    assert dm.to == ToPerson(world.people["aiko"].id) and dm.deal_id == deal.id
    assert [b.action_id for b in dm.buttons] == ["bant_open", "ooo_open", "extension_open"]


def test_a_breach_mentions_the_gs_records_it_and_refreshes_the_card() -> None:
    world = World.make(now=START)
    deal = world.deal()
    row = running_clock(world, deal.id, started=START)
    world.clock.now = START + timedelta(days=10)
    report = sweep(world.services)
    assert (report.acted, report.breaches) == (1, 1)
    [notice] = [m for m in world.queued() if m.to == ToThread(deal.id)]
    assert notice.lines[0].key == "reminder.mention"
    assert notice.lines[0].params["user"] == "U0GSHIRO"
    assert [b.action_id for b in notice.buttons] == ["breach_extend", "breach_remove",
                                                     "breach_dismiss", "breach_timeline"]
    assert notice.buttons[1].confirm == "breach.confirm"
    [breach] = world.store.rows(Breach)
    assert (breach.deal_id, breach.clock_id) == (deal.id, row.id)
    assert any(p.get("render") == "deal_card" for p in world.payloads())
    assert world.store.rows(Clock)[0].state is ClockState.BREACHED
    assert sweep(world.services).acted == 0


def test_many_reminders_in_one_channel_become_one_digest_in_the_threads_language() -> None:
    world = World.make(now=START)
    own_channel(world, "northwind")
    # offered deals: no registrant; the thread speaks the partner's language (Dana: English),
    # not the GS's (Hiro: Japanese), as the card does
    rows = []
    for number in range(5):
        deal = world.deal(partner="northwind", registrant="hiro", company=f"Co {number}",
                          status=DealStatus.ACCEPTED)
        rows.append(running_clock(world, deal.id, started=START))
    first = next(s for s in steps(world, rows[0]) if s.action is not Action.BREACH)
    world.clock.now = first.at
    assert sweep(world.services).acted == 5
    digests = [m for m in world.queued() if isinstance(m.to, ToChannel)]
    [digest] = digests
    assert digest.to == ToChannel("C0DEALS", "en")
    assert digest.lines[0].key == "reminder.digest.head" and digest.lines[0].count == 5
    assert [line.key for line in digest.lines[1:]] == ["reminder.digest.line"] * 5
    assert not [m for m in world.queued() if isinstance(m.to, ToThread)]


def own_channel(world: World, org: str, channel: str = "C0DEALS") -> None:
    """Make `channel` (where the world's threads are) the organisation's own channel."""
    with world.services.uow("test") as uow:
        found = uow.directory.find_org(world.orgs[org].id)
        assert found is not None
        found.channel_id = channel
        uow.commit()


def test_many_reminders_in_a_channel_shared_with_others_stay_in_their_threads() -> None:
    # a digest is posted outside the threads: in a channel other organisations may read, it
    # would name the organisation's customers to them; each thread is told instead
    world = World.make(now=START)
    rows = [running_clock(world, world.deal(partner="northwind", registrant="dana",
                                            company=f"Co {n}").id, started=START)
            for n in range(5)]
    first = next(s for s in steps(world, rows[0]) if s.action is not Action.BREACH)
    world.clock.now = first.at
    assert sweep(world.services).acted == 5
    assert not [m for m in world.queued() if isinstance(m.to, ToChannel)]
    assert len([m for m in world.queued() if isinstance(m.to, ToThread)]) == 5


def test_a_long_digest_goes_out_in_parts() -> None:
    world = World.make(now=START)
    own_channel(world, "sakura")
    rows = [running_clock(world, world.deal(company=f"Co {n}").id, started=START)
            for n in range(25)]
    first = next(s for s in steps(world, rows[0]) if s.action is not Action.BREACH)
    world.clock.now = first.at
    sweep(world.services)
    parts = [m for m in world.queued() if isinstance(m.to, ToChannel)]
    assert sorted(len(m.lines) - 1 for m in parts) == [5, 20]
    assert {m.to for m in parts} == {ToChannel("C0DEALS", "ja")}


def test_the_pdm_hears_of_a_partners_third_breach_once() -> None:
    world = World.make(now=START)
    for number in range(3):
        running_clock(world, world.deal(company=f"Co {number}").id, started=START)
    world.clock.now = START + timedelta(days=10)
    assert sweep(world.services).breaches == 3
    notices = [m for m in world.queued() if m.key.startswith("pdm:")]
    [notice] = notices
    assert notice.to == ToPerson(world.people["ken"].id)
    assert notice.lines[0].key == "reminder.pdm_breaches" and notice.lines[0].count == 3


def test_a_clock_of_a_closed_deal_is_cancelled_silently() -> None:
    world = World.make(now=START)
    deal = world.deal(status=DealStatus.WON)
    running_clock(world, deal.id, started=START)
    world.clock.now = START + timedelta(days=10)
    assert sweep(world.services).acted == 0
    assert world.store.rows(Clock)[0].state is ClockState.CANCELLED
    assert world.queued() == []


def test_reminders_say_the_hours_left_without_undercounting() -> None:
    """Finding 8 (issue 11): a sweep a minute (or a few) after a step still says 24 business
    hours at the 24-hour reminder and 4 at the 4-hour one, in the thread, the DM and the
    stand-in's DM alike; the count is the nearest whole hour."""
    for late in (timedelta(0), timedelta(minutes=1), timedelta(minutes=20)):
        world = World.make(now=START)
        deal = world.deal()
        row = running_clock(world, deal.id, started=START)
        said: list[int | None] = []
        for step in steps(world, row):
            if step.action is Action.BREACH:
                continue
            world.clock.now = step.at + late
            sweep(world.services)
            said += [m.lines[0].count for m in world.queued()
                     if m.key.startswith(f"clock:{row.id}:{step.key}")]
        assert said == [24, 4], (late, said)


def test_the_pdms_breach_notice_lists_the_breaches_in_their_zone() -> None:
    world = World.make(now=START)
    deals = [world.deal(company=f"Co {number}") for number in range(3)]
    for deal in deals:
        running_clock(world, deal.id, started=START)
    world.clock.now = START + timedelta(days=10)
    sweep(world.services)
    [notice] = [m for m in world.queued() if m.key.startswith("pdm:")]
    head, *lines = notice.lines
    assert head.key == "reminder.pdm_breaches" and head.count == 3
    assert [line.key for line in lines] == ["reminder.pdm_breach_line"] * 3
    tokyo = ZoneInfo("Asia/Tokyo")  # Ken's zone
    breaches = {b.deal_id: b for b in world.store.rows(Breach)}
    assert {line.params["deal"] for line in lines} == {deal.id for deal in deals}
    for line in lines:
        breach = breaches[int(str(line.params["deal"]))]
        assert line.params["date"] == breach.occurred_at.astimezone(tokyo).date()
        company = next(d.company for d in deals if d.id == breach.deal_id)
        assert line.params["company"] == Typed(company)
        assert line.params["kind"] == Text("reminder.pdm_breach_kind.response")
    for lang in ("en", "ja"):
        shown = "\n".join(render_text(line, Reader(lang, tokyo)) for line in notice.lines)
        assert "Co 0" in shown and f"#{deals[0].id}" in shown and "{" not in shown


def test_the_pdms_breach_notice_lists_at_most_five() -> None:
    world = World.make(now=START)
    for number in range(7):
        running_clock(world, world.deal(company=f"Co {number}").id, started=START)
    world.clock.now = START + timedelta(days=10)
    sweep(world.services)
    [notice] = [m for m in world.queued() if m.key.startswith("pdm:")]
    assert notice.lines[0].count == 7 and len(notice.lines) == 1 + 5
