"""Deal numbers tell a partner nothing: another organisation's deal and a missing one get the
same answer (one message key, the number typed), from every command and button that names a
deal; staff keep hearing "not found" for a missing deal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.messages import Reader, Refused, Reply
from bot.usecases.answers import AskRoe, answer_roe
from bot.usecases.bant import BantFields, RecordBant, open_bant, record_bant
from bot.usecases.closing import CloseDeal, RecordPoi, RemovePartner, close_deal, record_poi, remove_partner
from bot.usecases.deal_queries import ShowDeal, deal_summary
from bot.usecases.deal_support import DealRef
from bot.usecases.discounts import RequestDiscount, request_discount
from bot.usecases.extensions import FileExtension, file_extension, open_extension
from bot.usecases.offers import AnswerOffer, answer_offer
from bot.views.text import render_reply
from storage.models import DealStatus, PoiStatus

from .world import World

MISSING = 987654
FIELDS = BantFields(budget="b", authority="a", need="n", timing="t")

STAFF_ONLY = {"/deal close N", "/deal remove N"}
Ask = Callable[[World, str, int], object]
ASKS: dict[str, Ask] = {
    "/deal status N": lambda w, who, n: deal_summary(w.services, w.actor(who),
                                                     ShowDeal(DealRef(n))),
    "/deal close N": lambda w, who, n: close_deal(w.services, w.actor(who),
                                                  CloseDeal(DealRef(n), True)),
    "/deal remove N": lambda w, who, n: remove_partner(w.services, w.actor(who),
                                                       RemovePartner(DealRef(n), "r")),
    "/deal poi N": lambda w, who, n: record_poi(w.services, w.actor(who),
                                                RecordPoi(DealRef(n), PoiStatus.SENT)),
    "/deal bant N": lambda w, who, n: open_bant(w.services, w.actor(who), DealRef(n)),
    "bant modal for N": lambda w, who, n: record_bant(w.services, w.actor(who),
                                                      RecordBant(n, FIELDS)),
    "/deal extend N": lambda w, who, n: file_extension(w.services, w.actor(who), FileExtension(
        DealRef(n), "r", extra=timedelta(hours=8))),
    "extension button N": lambda w, who, n: open_extension(w.services, w.actor(who), n),
    "/deal discount N": lambda w, who, n: request_discount(w.services, w.actor(who),
                                                           RequestDiscount(DealRef(n), "10%")),
    "offer button N": lambda w, who, n: answer_offer(w.services, w.actor(who),
                                                     AnswerOffer(n, None, True)),
    "/roe deal N": lambda w, who, n: answer_roe(w.services, w.actor(who), AskRoe(f"deal {n}")),
}


def _answer(world: World, ask: Ask, who: str, number: int) -> Reply:
    try:
        result = ask(world, who, number)
    except Refused as refused:
        return refused.reply
    assert isinstance(result, Reply), f"{who} was answered about #{number}: {result}"
    return result


@pytest.mark.parametrize("command", ASKS)
def test_another_organisations_deal_reads_exactly_as_a_missing_one(command: str) -> None:
    world = World.make()
    world.third_org()
    theirs = world.deal(partner="northwind", registrant="dana", gs="maya", region="US")
    offered = world.deal(partner="northwind", registrant="hiro", gs="maya", region="US",
                         status=DealStatus.OFFERED)
    ask = ASKS[command]
    for who in ("aiko", "kenji"):
        for number in (theirs.id, offered.id):
            other = _answer(world, ask, who, number)
            missing = _answer(world, ask, who, MISSING)
            # (a staff-only command is refused as such before any deal is looked up)
            key = "error.not_allowed" if command in STAFF_ONLY else "error.no_deal_of_yours"
            assert [line.key for line in other.lines] == [key], command
            assert [line.key for line in missing.lines] == [key], command
            if key == "error.no_deal_of_yours":
                assert other.lines[0].params == {"deal": number}
                assert missing.lines[0].params == {"deal": MISSING}
            for lang in ("en", "ja"):
                reader = Reader(lang, world.clock.now.tzinfo)  # type: ignore[arg-type]
                assert render_reply(other, reader).replace(str(number), "N") == \
                    render_reply(missing, reader).replace(str(MISSING), "N")


def test_staff_still_hear_that_a_deal_does_not_exist() -> None:
    world = World.make()
    reply = _answer(world, ASKS["/deal status N"], "hiro", MISSING)
    assert reply.lines[0].key == "deals.error.not_found"
    reply = _answer(world, ASKS["/roe deal N"], "maya", MISSING)
    assert reply.lines[0].key == "roe.deal.not_found"
