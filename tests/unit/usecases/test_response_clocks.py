"""Response clocks from thread messages, on the fake world: a GS's message starts the partner's
clock and the thread is told when the reply is due (and why); the partner's reply stops it and
starts the GS's measured clock; each message counts once; strangers and other partners do not
count."""

from __future__ import annotations

from bot.messages import ToThread
from bot.usecases.response_clocks import partner_clock
from storage.models import ClockState, Party

from .followup_world import clocks, say, world
from .world import World

__all__ = ["world"]


def test_a_gs_message_starts_the_partner_clock_and_tells_the_thread(world: World) -> None:
    deal = world.deal()
    assert say(world, deal, "hiro") == "recorded+started"
    [row] = clocks(world, deal, Party.PARTNER)
    assert row.state is ClockState.RUNNING and row.kind == "response"
    assert row.owed_by_person_id == world.people["aiko"].id  # the registrant owes it
    [told] = world.queued()
    assert told.key == f"deal:{deal.id}:clock:{row.id}:due"
    assert told.to == ToThread(deal.id)
    assert told.lines[0].key == "followup.clock.started"
    assert told.lines[0].params["due"] == row.due_at
    reasons = told.lines[1:]
    assert reasons and {r.key for r in reasons} == {"followup.clock.reason"}
    assert any("48" in str(r.params["reason"]) for r in reasons)  # 48 business hours, in ja
    assert world.refreshed == [deal.id]  # type: ignore[attr-defined]


def test_the_partners_reply_stops_it_and_starts_the_gs_clock(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    world.clock.now = world.clock.now.replace(hour=2)
    assert say(world, deal, "ren") == "recorded+stopped+started"  # any partner user of the org
    [partner] = clocks(world, deal, Party.PARTNER)
    assert partner.state is ClockState.MET and partner.stopped_at == world.clock.now
    [gs] = clocks(world, deal, Party.GS)
    # held to the same rules (issue 11): its first reminder is planned like a partner's
    assert gs.state is ClockState.RUNNING and gs.next_action_at is not None
    assert len(world.queued()) == 1  # only the partner's clock is announced


def test_a_message_counts_once(world: World) -> None:
    deal = world.deal()
    assert say(world, deal, "hiro", ts="1764100000.999999") == "recorded+started"
    assert say(world, deal, "hiro", ts="1764100000.999999") == "duplicate"
    assert len(clocks(world, deal)) == 1 and len(world.queued()) == 1


def test_another_partner_and_other_threads_do_not_count(world: World) -> None:
    deal = world.deal()
    assert say(world, deal, "dana") == "ignored"
    assert say(world, deal, "ken") == "ignored"  # a PDM neither owes nor answers
    assert clocks(world, deal) == [] and world.queued() == []


def test_a_second_gs_message_starts_no_second_clock(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    assert say(world, deal, "hiro") == "recorded"
    assert len(clocks(world, deal, Party.PARTNER)) == 1


def test_the_partner_clock_is_the_running_one_else_the_breached_one(world: World) -> None:
    deal = world.deal()
    with world.services.uow("test") as uow:
        assert partner_clock(uow, uow.deals.get(deal.id)) is None
    say(world, deal, "hiro")
    with world.services.uow("test") as uow:
        row = partner_clock(uow, uow.deals.get(deal.id))
        assert row is not None
        row.state = ClockState.BREACHED  # the sweep's breach, never answered
        uow.commit()
    with world.services.uow("test") as uow:
        found = partner_clock(uow, uow.deals.get(deal.id))
        assert found is not None and found.id == row.id


def test_a_question_to_the_bot_moves_no_clock(world: World) -> None:
    """Issue 11 (only messages between the parties move clocks): a GS asking Coseller in the
    thread starts no partner clock, and a partner's question to Coseller stops nothing."""
    from bot.usecases.response_clocks import ThreadMessage, on_thread_message

    deal = world.deal()
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(deal.id)
        assert thread is not None and thread.thread_ts is not None
        thread_ts = thread.thread_ts

    def ask(who: str, ts: str) -> str:
        return on_thread_message(world.services, ThreadMessage(
            "T0COSELL", "C0DEALS", thread_ts, ts, world.people[who].slack_user_id, to_bot=True))

    assert ask("hiro", "1764200000.000001") == "to_bot"
    assert clocks(world, deal, Party.PARTNER) == [] and world.queued() == []
    assert say(world, deal, "hiro") == "recorded+started"
    assert ask("aiko", "1764200000.000002") == "to_bot"
    [row] = clocks(world, deal, Party.PARTNER)
    assert row.state is ClockState.RUNNING  # a question to the bot is not the partner's reply
