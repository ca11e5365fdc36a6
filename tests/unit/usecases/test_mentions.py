"""Mentions on the fake world: the reply queued once for the mention's thread, in the question's
language, for the thread's viewer; the rule answer survives the outbox and renders at send time."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from bot.messages import Answered, Closest, Reader, ToChannel
from bot.usecases.mentions import AskMention, Mentioned, answer_mention
from bot.views.messages import message_args
from rules.answers import Viewer
from rules.sections import Section
from rules.vocabulary import Outcome, Role

from .world import World, utc

TS = "1764100000.000100"


def mention(world: World, who: str, text: str, *, channel: str = "C0ASK", ts: str = TS,
            thread_ts: str | None = None) -> Mentioned:
    actor = world.actor(who) if who != "stranger" else world.stranger()
    return answer_mention(world.services, actor,
                          AskMention(f"<@U0COSELLBOT> {text}", channel, ts, thread_ts))


def test_an_answer_is_queued_for_the_mentions_thread_once() -> None:
    world = World.make()
    done = mention(world, "dana", "is a starter-only deal eligible?")
    assert done.queued
    message = done.message
    assert message.to == ToChannel("C0ASK", "en", TS) and message.lines == ()
    assert message.key == f"mention:{world.actor('dana').team_id}:C0ASK:{TS}"
    assert isinstance(done.ruling, Answered)
    assert done.ruling.answer.outcome is Outcome.NOT_ELIGIBLE
    assert done.ruling.viewer == world.actor("dana").viewer
    assert world.queued() == [message]  # the rule answer survives the outbox's JSON
    again = mention(world, "dana", "is a starter-only deal eligible?")
    assert not again.queued and len(world.outbox()) == 1


def test_the_reply_speaks_the_questions_language() -> None:
    world = World.make()
    assert mention(world, "aiko", "is a starter-only deal eligible?").message.to.lang == "en"
    asked = mention(world, "dana", "Starterだけの取引は対象ですか?", ts="1764100000.000200")
    assert asked.message.to.lang == "ja"


def test_the_answer_renders_at_send_time_for_the_reader_there() -> None:
    world = World.make()
    mention(world, "dana", "is a starter-only deal eligible?")
    [queued] = world.queued()
    args = message_args(queued, Reader("en", ZoneInfo("UTC"), shared=True))
    assert args["text"].startswith("Not eligible") and args["blocks"]
    assert "Rules of Engagement: Deal Eligibility" in args["text"]


def test_a_due_time_is_a_date_token_in_the_thread() -> None:
    world = World.make(now=utc(2025, 11, 21, 7))
    done = mention(world, "aiko", "返信期限は?")
    ruling = done.ruling
    assert isinstance(ruling, Answered) and ruling.tz == ZoneInfo("Asia/Tokyo")
    assert [t.key for t in ruling.before] == ["answers.assumed_now"]
    assert ruling.before[0].params == {"region": "JP"}
    [queued] = world.queued()
    assert queued == done.message
    text = message_args(queued, Reader("ja", ZoneInfo("UTC"), shared=True))["text"]
    assert "<!date^" in text and "11月26日(水) 16:00 JST" in text


def test_a_schedule_keeps_its_money_through_the_outbox() -> None:
    world = World.make()
    done = mention(world, "dana", "what is the revenue share on 800 USD?")
    assert isinstance(done.ruling, Answered) and done.ruling.partner is not None
    assert [t.key for t in done.ruling.after] == ["answers.assumed_start"]
    [queued] = world.queued()
    assert queued == done.message
    text = message_args(queued, Reader("en", UTC, shared=True))["text"]
    assert "$160.00" in text and "Gold tier" in text


def test_without_enough_facts_the_closest_sections() -> None:
    world = World.make()
    done = mention(world, "dana", "can we waive onboarding?")
    assert isinstance(done.ruling, Closest) and done.ruling.understood
    assert Section.WAIVE_ONBOARDING in done.ruling.sections
    assert "/roe waive poi onboarding" in done.ruling.commands
    text = message_args(world.queued()[0], Reader("en", UTC, shared=True))["text"]
    assert text.startswith("I need more facts")


def test_staff_answer_for_the_deals_partner_in_its_thread() -> None:
    world = World.make()
    deal = world.deal(partner="sakura")
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(deal.id)
        assert thread is not None and thread.thread_ts is not None
        thread_ts = thread.thread_ts
    inside = mention(world, "hiro", "hello there", channel="C0DEALS", thread_ts=thread_ts)
    assert isinstance(inside.ruling, Closest) and not inside.ruling.understood
    assert Section.BEST_PARTNER_WINS not in inside.ruling.sections  # a partner reads it
    assert inside.message.to == ToChannel("C0DEALS", "en", thread_ts)
    answered = mention(world, "hiro", "is a starter-only deal eligible?", channel="C0DEALS",
                       ts="1764100000.000300", thread_ts=thread_ts)
    assert isinstance(answered.ruling, Answered)
    assert answered.ruling.viewer == Viewer(Role.PARTNER, "Sakura Digital KK")
    outside = mention(world, "hiro", "hello there", ts="1764100000.000400")
    assert isinstance(outside.ruling, Closest)
    assert Section.BEST_PARTNER_WINS in outside.ruling.sections


def test_strangers_are_told_in_the_thread_to_ask_an_admin() -> None:
    world = World.make()
    done = mention(world, "stranger", "is a starter-only deal eligible?")
    assert done.queued and done.ruling is None
    assert [t.key for t in done.message.lines] == ["error.unknown_user"]
    text = message_args(world.queued()[0], Reader("en", UTC, shared=True))["text"]
    assert "admin" in text
