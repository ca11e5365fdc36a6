"""`/roe` on the fake world: strangers refused, usage lines, answers for the asker's viewer and
organisation, a stored deal's answers (own deals only for partners), nothing queued."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.messages import Answered, AssumedPartner, Reader, Refused, Reply
from bot.usecases.answers import AskRoe, DealAnswer, Help, answer_roe, usage_reply
from bot.views.roe_answer import roe_view
from bot.views.text import render_reply
from rules.answers import Viewer
from rules.vocabulary import Outcome, PartnerKind, Role, Tier
from storage.models import DealStatus, Standing

from .world import World


def ask(world: World, who: str, text: str, **where: str) -> object:
    return answer_roe(world.services, world.actor(who), AskRoe(text, **where))


def thread_of(world: World, deal_id: int) -> str:
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(deal_id)
        assert thread is not None and thread.thread_ts is not None
        return thread.thread_ts


def test_strangers_are_refused_by_the_policy() -> None:
    world = World.make()
    with pytest.raises(Refused) as refused:
        answer_roe(world.services, world.stranger(), AskRoe("eligibility sales/starter 20 USD"))
    assert refused.value.reply.lines[0].key == "error.unknown_user"


def test_help_and_usage_lines() -> None:
    world = World.make()
    assert isinstance(ask(world, "dana", ""), Help)
    text, blocks = roe_view(Help(), Reader("en", ZoneInfo("UTC")))
    assert text.count("for example `/roe") == 9 and blocks is None
    bad = ask(world, "dana", "eligibility marketing/pro 800 USD")
    assert isinstance(bad, Reply) and not bad.ok and bad.lines[0].key == "roe.usage_error"
    shown = render_reply(bad, Reader("en", ZoneInfo("UTC")))
    assert "`pro` is not an edition" in shown and "Usage: `/roe eligibility" in shown


def test_usage_reply_matches_the_grammars_own_text() -> None:
    from bot.syntax import Context, UsageError, parse_roe

    problems = [UsageError("facts", grammar="roe", command="earnings")]
    for text in ("earnings marketing/professional 800 poi", "deal twelve", "frobnicate"):
        with pytest.raises(UsageError) as raised:
            parse_roe(text, Context())
        problems.append(raised.value)
    for problem in problems:
        for lang in ("en", "ja"):
            assert render_reply(usage_reply(problem), Reader(lang, ZoneInfo("UTC"))) == \
                problem.text(lang)


def test_an_answer_for_the_askers_viewer_and_organisation() -> None:
    world = World.make()
    dana = world.actor("dana")
    found = ask(world, "dana", "earnings marketing/professional 800 USD poi")
    assert isinstance(found, Answered)
    assert found.answer.question == "earnings" and found.answer.outcome is Outcome.ELIGIBLE
    assert found.viewer == dana.viewer == Viewer(Role.PARTNER, "Northwind Growth LLC")
    assert found.partner == AssumedPartner(PartnerKind.SOLUTIONS_PARTNER, Tier.GOLD)
    assert found.tz == dana.tz
    text, blocks = roe_view(found, Reader("en", dana.tz))
    assert text.startswith("Eligible") and "Solutions Partner, Gold tier" in text and blocks
    assert world.outbox() == []  # an ephemeral answer: nothing queued


def test_best_partner_wins_is_for_staff_only() -> None:
    world = World.make()
    text = 'bpw "Sakura Digital KK:poi:sourced" "Northwind Growth LLC:poi:referred-by-Sakura Digital KK"'
    refused = ask(world, "dana", text)
    assert isinstance(refused, Reply) and refused.lines[0].key == "roe.bpw.staff_only"
    decided = ask(world, "maya", text)
    assert isinstance(decided, Answered) and decided.answer.outcome is Outcome.DECIDED


def test_the_deal_of_the_thread_and_by_number() -> None:
    world = World.make()
    deal = world.deal(partner="sakura")
    found = ask(world, "aiko", "", channel_id="C0DEALS", thread_ts=thread_of(world, deal.id))
    assert isinstance(found, DealAnswer)
    assert found.deal_id == deal.id and found.status is DealStatus.ACCEPTED
    assert found.poi_assumed and not found.no_items  # open, no POI yet: assumed, and said
    assert found.earnings.question == "earnings"
    text, _ = roe_view(found, Reader("ja", ZoneInfo("Asia/Tokyo")))
    assert "Hinode Foods KK" in text
    by_number = ask(world, "hiro", f"deal {deal.id}")
    assert isinstance(by_number, DealAnswer) and by_number.viewer.role is Role.GS


def test_a_partner_sees_only_its_own_deals() -> None:
    world = World.make()
    deal = world.deal(partner="sakura")
    refused = ask(world, "dana", f"deal {deal.id}")
    assert isinstance(refused, Reply) and refused.lines[0].key == "error.no_deal_of_yours"


def test_a_missing_deal_or_thread() -> None:
    world = World.make()
    missing = ask(world, "hiro", "deal 999999")
    assert isinstance(missing, Reply) and missing.lines[0].key == "roe.deal.not_found"
    no_thread = ask(world, "hiro", "deal")
    assert isinstance(no_thread, Reply) and no_thread.lines[0].key == "roe.deal.no_thread"


@pytest.mark.parametrize(("standing", "good"), [(Standing.GOOD, True), (Standing.WARNED, True),
                                                 (Standing.SUSPENDED, False)])
def test_good_standing_comes_from_the_one_mapper(standing: Standing, good: bool) -> None:
    world = World.make()
    deal = world.deal(partner="sakura")
    with world.services.uow("test") as uow:
        org = uow.directory.find_org(world.orgs["sakura"].id)
        assert org is not None
        org.standing = standing
        uow.commit()
    found = ask(world, "hiro", f"deal {deal.id}")
    assert isinstance(found, DealAnswer) and found.partner.good_standing is good
