"""A POI's signing date is checked (fake world): a date in the future is refused naming the
field; a date after the deal's close date is recorded but earns nothing (the rules decide), and
the card, `/roe deal` and the won deal's confirmation say so and why, in both languages."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.messages import Reader, Refused, Text
from bot.usecases.answers import AskRoe, DealAnswer, answer_roe
from bot.usecases.cards import card_facts
from bot.usecases.clock_store import start_clock
from bot.usecases.closing import CloseDeal, RecordPoi, close_deal, record_poi
from bot.usecases.deal_support import DealRef
from bot.views.deal_card import card_blocks
from bot.views.roe_answer import roe_view
from bot.views.text import render_reply
from rules.answers import Viewer
from rules.vocabulary import Outcome, Role
from storage.models import ClockState, Deal, Party, Poi, PoiStatus

from .world import World, utc

TOKYO = ZoneInfo("Asia/Tokyo")
CLOSE = date(2025, 12, 26)


def _world() -> tuple[World, Deal]:
    """Mon 29 Dec 2025 in Tokyo; a deal expected to close on Fri 26 Dec, its POI clock running."""
    world = World.make(now=utc(2025, 12, 1, 0))
    deal = world.deal(expected_close=CLOSE)
    with world.services.uow("test") as uow:
        start_clock(uow, world.services.regions, uow.deals.get(deal.id), kind="poi",
                    owed_by=Party.PARTNER, at=world.clock.now)
        uow.commit()
    world.clock.now = utc(2025, 12, 29, 1)
    return world, deal


def _poi(world: World, deal: Deal, day: date | None, who: str = "aiko") -> Text:
    done = record_poi(world.services, world.actor(who),
                      RecordPoi(DealRef(deal.id), PoiStatus.SIGNED, signed_on=day))
    return done.reply.lines[0]


def _card(world: World, deal: Deal, lang: str) -> str:
    with world.services.uow("test") as uow:
        facts = card_facts(uow, deal.id)
    _, blocks = card_blocks(facts, lang=lang, viewer=Viewer(Role.PARTNER, "Sakura Digital KK"),
                               when=lambda moment: moment.isoformat())
    return str(blocks)


def test_a_signing_date_in_the_future_is_refused_naming_the_field() -> None:
    world, deal = _world()
    with pytest.raises(Refused) as raised:
        _poi(world, deal, date(2027, 5, 1))
    refused = raised.value
    line = refused.reply.lines[0]
    assert line.key == "deals.usage_error"
    assert line.params["problem"] == Text("deals.problem.poi_future", {
        "date": date(2027, 5, 1), "today": date(2025, 12, 29)})
    assert world.store.rows(Poi) == []
    en = render_reply(refused.reply, Reader("en", TOKYO))
    ja = render_reply(refused.reply, Reader("ja", TOKYO))
    assert "signing date" in en and "/deal poi" in en
    assert "署名日" in ja and "未来" in ja
    # tomorrow in Tokyo is the future, even when it is still today in UTC
    world.clock.now = utc(2025, 12, 29, 16)   # 01:00 on the 30th in Tokyo
    assert _poi(world, deal, date(2025, 12, 30)).key == "deals.done.poi.signed_late"


def test_a_poi_signed_after_the_close_date_is_kept_and_earns_nothing() -> None:
    world, deal = _world()
    said = _poi(world, deal, date(2025, 12, 27))
    assert said == Text("deals.done.poi.signed_late", {
        "date": date(2025, 12, 27), "close": CLOSE, "deal": deal.id,
        "company": said.params["company"], "domain": deal.customer_domain})
    [poi] = world.store.rows(Poi)
    assert poi.signed_on == date(2025, 12, 27)
    # the POI clock is not met by a late POI: the sweep breaches it at its due time
    with world.services.uow("test") as uow:
        [poi_clock] = uow.clocks.for_deal(deal.id)
        assert poi_clock.state is ClockState.RUNNING
    # /roe deal: not earned, and why
    answer = answer_roe(world.services, world.actor("aiko"), AskRoe(f"deal {deal.id}"))
    assert isinstance(answer, DealAnswer) and not answer.poi_assumed
    assert answer.earnings.outcome is Outcome.NOT_ELIGIBLE
    assert answer.earnings.fields["revenue_share"] is False
    assert "poi.after_close" in [r.key for r in answer.earnings.reasons]
    text, _ = roe_view(answer, Reader("en", TOKYO))
    assert "after the close date" in text, text
    # the card says so, in the thread's language
    assert "no revenue share" in _card(world, deal, "en")
    assert "成約予定日" in _card(world, deal, "ja") and "得られません" in _card(world, deal, "ja")
    # closing it won says so too
    done = close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(deal.id), won=True))
    assert [line.key for line in done.reply.lines] == ["deals.done.closed",
                                                        "deals.done.closed_poi_late"]
    assert done.reply.lines[1].params == {"date": date(2025, 12, 27), "close": CLOSE}
    assert "2025" in render_reply(done.reply, Reader("ja", TOKYO))


def test_a_poi_signed_by_the_close_date_meets_its_clock_and_earns() -> None:
    world, deal = _world()
    assert _poi(world, deal, CLOSE).key == "deals.done.poi.signed"
    with world.services.uow("test") as uow:
        [poi_clock] = uow.clocks.for_deal(deal.id)
        assert poi_clock.state is ClockState.MET
    assert "no revenue share" not in _card(world, deal, "en")
    done = close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(deal.id), won=True))
    assert [line.key for line in done.reply.lines] == ["deals.done.closed"]


def test_closing_won_without_a_poi_says_nothing_is_earned_and_lost_says_nothing() -> None:
    world, deal = _world()
    done = close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(deal.id), won=True))
    assert [line.key for line in done.reply.lines] == ["deals.done.closed",
                                                        "deals.done.closed_no_poi"]
    other = world.deal(expected_close=CLOSE)
    done = close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(other.id), won=False))
    assert [line.key for line in done.reply.lines] == ["deals.done.closed"]
