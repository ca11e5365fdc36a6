"""`/deal timeline` on the fake world: the messages and what they moved, each clock's due time,
the days it skipped and why (holiday names in the reader's language), what happened to it, who
may read it, and a view that Slack accepts however long the history."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.messages import Refused
from bot.usecases.closures import ChangeClosure, change_closure
from bot.usecases.deal_support import DealRef
from bot.usecases.periodic import ensure_clocks
from bot.usecases.timeline import (
    DayOff,
    DealTimeline,
    Outcome,
    ShowTimeline,
    TimelineMessage,
    deal_timeline,
)
from bot.views.text import SECTION_TEXT
from bot.views.timeline import MAX_SECTIONS, timeline_answer, timeline_lines
from storage.models import Absence, ClockState, DealStatus, Party

from .followup_world import clocks, say, world
from .world import World, utc

__all__ = ["world"]


def _show(world: World, who: str, deal_id: int, *, lang: str | None = None):  # type: ignore[no-untyped-def]
    return deal_timeline(world.services, world.actor(who, lang=lang), ShowTimeline(DealRef(deal_id)))


def test_messages_clocks_and_the_weekend_skipped(world: World) -> None:
    world.clock.now = utc(2025, 12, 5, 1)                     # Fri 5 Dec 10:00 JST
    deal = world.deal()
    say(world, deal, "hiro")
    world.clock.now = utc(2025, 12, 8, 2)                     # Mon 8 Dec 11:00 JST
    say(world, deal, "aiko")
    timeline = _show(world, "hiro", deal.id)
    assert [(m.side, m.author, m.started_clock, m.stopped_clock) for m in timeline.messages] == [
        (Party.GS, "Hiroshi Sato", True, False), (Party.PARTNER, "Aiko Tanaka", True, True)]
    partner = next(c for c in timeline.clocks if c.owed_by is Party.PARTNER)
    assert partner.outcome is Outcome.MET and partner.stopped_at == utc(2025, 12, 8, 2)
    assert partner.due_at == utc(2025, 12, 9, 1)               # Tue 9 Dec 10:00 JST
    assert partner.days_off == (DayOff(date(2025, 12, 6), "weekend", None),
                                DayOff(date(2025, 12, 7), "weekend", None))
    assert any(r.key == "clock.business_day" for r in partner.reasons)
    gs = next(c for c in timeline.clocks if c.owed_by is Party.GS)
    assert gs.outcome is Outcome.RUNNING
    text = "\n".join(timeline_lines(timeline, "en", ZoneInfo("Asia/Tokyo"), world.actor("hiro").viewer))
    assert "Hiroshi Sato" in text and "Aiko Tanaka" in text and "weekend" in text
    assert "met, answered" in text


def test_a_us_holiday_is_named_in_the_readers_language(world: World) -> None:
    world.clock.now = utc(2025, 7, 3, 20)                     # Thu 3 Jul 16:00 New York
    deal = world.deal(partner="northwind", gs="maya", registrant="dana", region="US")
    say(world, deal, "maya")
    english = _show(world, "maya", deal.id)
    japanese = _show(world, "maya", deal.id, lang="ja")
    [partner_en] = [c for c in english.clocks if c.owed_by is Party.PARTNER]
    [partner_ja] = [c for c in japanese.clocks if c.owed_by is Party.PARTNER]
    assert DayOff(date(2025, 7, 4), "holiday", "Independence Day") in partner_en.days_off
    assert DayOff(date(2025, 7, 4), "holiday", "独立記念日") in partner_ja.days_off
    tz = ZoneInfo("America/New_York")
    text = "\n".join(timeline_lines(japanese, "ja", tz, world.actor("maya").viewer))
    assert "独立記念日" in text and "Independence" not in text and "weekend" not in text


def test_overdue_breached_excused_and_cancelled(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    [row] = clocks(world, deal, Party.PARTNER)
    world.clock.now = row.due_at + timedelta(hours=1)
    assert next(c for c in _show(world, "hiro", deal.id).clocks
                if c.clock_id == row.id).outcome is Outcome.OVERDUE
    with world.services.uow("test") as uow:
        stored = uow.clocks.get(row.id)
        stored.state = ClockState.BREACHED
        uow.commit()
    # breached with no breach on the partner's record any more: dismissed, so excused
    assert next(c for c in _show(world, "hiro", deal.id).clocks
                if c.clock_id == row.id).outcome is Outcome.EXCUSED
    with world.services.uow("test") as uow:
        uow.clocks.get(row.id).state = ClockState.CANCELLED
        uow.commit()
    assert next(c for c in _show(world, "hiro", deal.id).clocks
                if c.clock_id == row.id).outcome is Outcome.CANCELLED


def test_a_recorded_breach_stays_breached(world: World) -> None:
    from storage.models import Breach
    deal = world.deal()
    say(world, deal, "hiro")
    [row] = clocks(world, deal, Party.PARTNER)
    world.clock.now = row.due_at + timedelta(hours=1)
    with world.services.uow("test") as uow:
        uow.clocks.get(row.id).state = ClockState.BREACHED
        uow.breaches.add(Breach(partner_org_id=deal.partner_org_id, deal_id=deal.id,
                                clock_id=row.id, kind="response", occurred_at=row.due_at))
        uow.commit()
    assert next(c for c in _show(world, "hiro", deal.id).clocks
                if c.clock_id == row.id).outcome is Outcome.BREACHED


def test_who_may_read_it(world: World) -> None:
    world.third_org()
    deal = world.deal()
    for who in ("aiko", "ren", "hiro", "ken", "ada", "maya"):
        assert _show(world, who, deal.id).deal_id == deal.id
    answers = []
    for number in (deal.id, 9999):
        with pytest.raises(Refused) as refused:
            _show(world, "kenji", number)
        answers.append(refused.value.reply.lines[0].key)
    assert answers[0] == answers[1] == "error.no_deal_of_yours"
    with pytest.raises(Refused) as other:
        _show(world, "dana", deal.id)
    with pytest.raises(Refused) as none:
        _show(world, "dana", 9999)
    assert other.value.reply.lines[0].key == none.value.reply.lines[0].key
    with pytest.raises(Refused):
        deal_timeline(world.services, world.stranger(), ShowTimeline(DealRef(deal.id)))


def test_a_long_history_is_clipped_with_a_note(world: World) -> None:
    start = utc(2025, 12, 1, 0)
    messages = tuple(TimelineMessage(start + timedelta(minutes=10 * i),
                                     Party.GS if i % 2 else Party.PARTNER,
                                     "Hiroshi Sato" if i % 2 else "Aiko Tanaka", True, True)
                     for i in range(600))
    timeline = DealTimeline(1, "Hinode Foods KK", "JP", messages, ())
    text, blocks = timeline_answer(timeline, "ja", ZoneInfo("Asia/Tokyo"), world.actor("hiro").viewer)
    assert len(blocks) == MAX_SECTIONS + 1
    assert len(text) <= 3000
    assert all(len(b["text"]["text"]) <= SECTION_TEXT for b in blocks if b["type"] == "section")
    note = blocks[-1]["elements"][0]["text"]
    assert blocks[-1]["type"] == "context" and "省略" in note
    shown = sum(b["text"]["text"].count("\n") + 1 for b in blocks if b["type"] == "section")
    assert str(600 + 3 - shown) in note                       # title, heading, "no clock" line
    short = DealTimeline(1, "Hinode Foods KK", "JP", messages[:3], ())
    assert [b["type"] for b in timeline_answer(short, "en", ZoneInfo("UTC"),
                                               world.actor("hiro").viewer)[1]] == ["section"]


def test_a_poi_clock_is_due_at_the_end_of_the_close_date(world: World) -> None:
    world.clock.now = utc(2025, 12, 1, 0)
    deal = world.deal(expected_close=date(2025, 12, 26))
    assert ensure_clocks(world.services).clocks == 1
    timeline = _show(world, "hiro", deal.id)
    text = "\n".join(timeline_lines(timeline, "en", ZoneInfo("Asia/Tokyo"),
                                    world.actor("hiro").viewer))
    assert "the end of Fri 26 Dec" in text and "Dec 27" not in text
    ja = "\n".join(timeline_lines(timeline, "ja", ZoneInfo("Asia/Tokyo"),
                                  world.actor("hiro").viewer))
    assert "12月26日(金)終了時" in ja


def test_the_absences_and_their_stand_ins(world: World) -> None:
    world.clock.now = utc(2025, 12, 1, 0)                     # Mon 1 Dec 09:00 JST
    deal = world.deal()
    say(world, deal, "hiro")
    with world.services.uow("test") as uow:
        uow.absences.add(Absence(person_id=world.people["aiko"].id,
                                 starts_at=utc(2025, 12, 1, 15), ends_at=utc(2025, 12, 3, 15),
                                 registered_at=utc(2025, 12, 1, 1),
                                 delegate_id=world.people["ren"].id))
        uow.absences.add(Absence(person_id=world.people["aiko"].id,  # long over: not evidence
                                 starts_at=utc(2025, 6, 1, 15), ends_at=utc(2025, 6, 3, 15),
                                 registered_at=utc(2025, 6, 1, 1)))
        uow.commit()
    timeline = _show(world, "hiro", deal.id)
    assert [(a.person, a.side, a.stand_in) for a in timeline.absences] == [
        ("Aiko Tanaka", Party.PARTNER, world.people["ren"].name)]
    for lang, words in (("en", "out of office"), ("ja", "不在")):
        text = "\n".join(timeline_lines(timeline, lang, ZoneInfo("Asia/Tokyo"),
                                        world.actor("hiro").viewer))
        assert words in text and world.people["ren"].name in text


def test_a_closure_inside_a_clock_is_named(world: World) -> None:
    world.clock.now = utc(2025, 12, 1, 0)                     # Mon 1 Dec 09:00 JST
    deal = world.deal()
    say(world, deal, "hiro")
    assert change_closure(world.services, world.actor("ada"),
                          ChangeClosure("jp", date(2025, 12, 2), "Office move")).ok
    timeline = _show(world, "hiro", deal.id)
    partner = next(c for c in timeline.clocks if c.owed_by is Party.PARTNER)
    assert DayOff(date(2025, 12, 2), "closure", "Office move") in partner.days_off
    text = "\n".join(timeline_lines(timeline, "en", ZoneInfo("Asia/Tokyo"),
                                    world.actor("hiro").viewer))
    assert "Office move" in text


def test_a_running_clock_tells_the_days_skipped_so_far_from_those_to_come(world: World) -> None:
    world.clock.now = utc(2025, 12, 31, 1)                    # Wed 31 Dec 10:00 JST
    deal = world.deal()
    say(world, deal, "hiro")
    world.clock.now = utc(2026, 1, 2, 0)                      # Fri 2 Jan 09:00 JST
    timeline = _show(world, "hiro", deal.id)
    partner = next(c for c in timeline.clocks if c.owed_by is Party.PARTNER)
    assert partner.outcome is Outcome.RUNNING and partner.today == date(2026, 1, 2)
    assert [d.day for d in partner.days_off] == [date(2026, 1, 1), date(2026, 1, 3),
                                                 date(2026, 1, 4)]
    for lang, past, ahead in (("en", "not counted (public holiday", "will not be counted"),
                              ("ja", "計算対象外(祝祭日", "計算対象外になります")):
        lines = timeline_lines(timeline, lang, ZoneInfo("Asia/Tokyo"), world.actor("hiro").viewer)
        assert sum(past in line for line in lines) == 1
        assert sum(ahead in line for line in lines) == 2


def test_an_onboarding_clock_lists_the_business_days_it_skips(world: World) -> None:
    world.clock.now = utc(2025, 12, 30, 1)
    deal = world.deal(status=DealStatus.WON, subscription_start=date(2025, 12, 29))
    assert ensure_clocks(world.services).clocks == 1
    [clock] = _show(world, "hiro", deal.id).clocks
    days = [d.day for d in clock.days_off]
    assert date(2026, 1, 1) in days and date(2026, 1, 12) in days  # 元日, 成人の日
    assert max(days) <= date(2026, 1, 14)  # not the day after its due day
