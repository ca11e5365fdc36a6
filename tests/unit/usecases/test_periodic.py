"""The GS and PDM digests on the fake world (the BANT prompts and `ensure_clocks` start clocks
through `bot.usecases.clock_store`, covered by the reliability tests)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.messages import EndOfDay, Reader, Text, ToPerson, Typed
from bot.usecases.periodic import ensure_clocks, gs_digests, pdm_digests
from bot.views.text import render_text
from storage.models import Breach, Clock, ClockState

from .sweep_support import running_clock
from .world import World, utc

MONDAY = utc(2025, 12, 1, 0)  # 09:00 in Tokyo, a business day


def test_each_gs_gets_one_digest_of_their_running_clocks_a_day() -> None:
    world = World.make(now=MONDAY)
    for company in ("Beta KK", "Alpha KK"):
        running_clock(world, world.deal(company=company).id, started=MONDAY)
    assert gs_digests(world.services, "JP").digests == 1
    [digest] = world.queued()
    assert digest.to == ToPerson(world.people["hiro"].id)
    assert digest.key == f"digest:gs:{world.people['hiro'].id}:2025-12-01"
    assert digest.lines[0].key == "digest.gs.head" and digest.lines[0].count == 2
    assert [line.params["company"] for line in digest.lines[1:]] == [Typed("Beta KK"),
                                                                     Typed("Alpha KK")]
    assert gs_digests(world.services, "JP").digests == 0  # once a day
    assert gs_digests(world.services, "US").digests == 0  # Maya has no running clock


def test_no_gs_digest_on_a_holiday() -> None:
    world = World.make(now=utc(2025, 12, 6, 0))  # a Saturday
    running_clock(world, world.deal().id, started=MONDAY)
    assert gs_digests(world.services, "JP").digests == 0


def test_each_pdm_gets_a_weekly_summary_per_partner() -> None:
    world = World.make(now=MONDAY)
    deal = world.deal()
    row = running_clock(world, deal.id, started=MONDAY - timedelta(days=3))
    with world.services.uow("test") as uow:
        clock = uow.clocks.get(row.id)
        clock.state, clock.stopped_at = ClockState.MET, clock.due_at + timedelta(hours=2)
        uow.breaches.add(Breach(partner_org_id=deal.partner_org_id, deal_id=deal.id,
                                clock_id=row.id, kind="response",
                                occurred_at=MONDAY - timedelta(days=1)))
        uow.commit()
    assert pdm_digests(world.services).digests == 2  # Ken manages both partners
    sakura = next(m for m in world.queued()
                  if m.lines[0].params["partner"] == Typed("Sakura Digital KK"))
    assert sakura.to == ToPerson(world.people["ken"].id)
    replies, breaches = sakura.lines[0].params["replies"], sakura.lines[0].params["breaches"]
    assert isinstance(replies, Text) and isinstance(breaches, Text)
    assert (replies.key, replies.count, replies.params["late"]) == ("digest.pdm.replies", 1, 1)
    assert (breaches.key, breaches.count) == ("digest.pdm.breaches", 1)
    shown = render_text(sakura.lines[0], Reader("en", ZoneInfo("Asia/Tokyo")))
    assert "1 reply to GSs (1 late" in shown and "1 breach in the last 7 days" in shown
    assert "breaches" not in shown and "replies" not in shown
    other = next(m for m in world.queued() if m is not sakura)
    for lang, words in (("en", "no replies"), ("ja", "返信なし")):
        shown = render_text(other.lines[0], Reader(lang, ZoneInfo("Asia/Tokyo")))
        assert words in shown and "median" not in shown and "中央値" not in shown
    assert "0 breaches" in render_text(other.lines[0], Reader("en", ZoneInfo("UTC")))
    assert pdm_digests(world.services).digests == 0  # once a week
    assert len(world.store.rows(Clock)) == 1


def test_a_gs_digest_shows_a_poi_clock_due_at_the_end_of_its_day() -> None:
    world = World.make(now=MONDAY)
    world.deal(expected_close=date(2025, 12, 26))
    assert ensure_clocks(world.services).clocks == 1
    assert gs_digests(world.services, "JP").digests == 1
    [digest] = world.queued()
    assert digest.lines[1].params["due"] == EndOfDay(utc(2025, 12, 26, 15), "Asia/Tokyo")
    shown = render_text(digest.lines[1], Reader("en", ZoneInfo("Asia/Tokyo")))
    assert "the end of Fri 26 Dec" in shown
