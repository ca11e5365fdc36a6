"""Discounts on the fake world: a request goes to the GS with buttons and comes back with the
rule not to discuss it with the customer; only staff decide, once; approval needs its wording,
kept on the deal and quoted in the thread; a decline is said in the thread."""

from __future__ import annotations

import pytest

from bot.messages import Refused, ToPerson, ToThread, Typed
from bot.usecases.deal_support import DealRef
from bot.usecases.discounts import (
    DecideDiscount,
    RequestDiscount,
    decide_discount,
    open_discount,
    request_discount,
)
from storage.models import DiscountRequest, RequestStatus

from .followup_world import world
from .world import World

__all__ = ["world"]


def _request(world: World, deal_id: int) -> DiscountRequest:
    request_discount(world.services, world.actor("dana"),
                     RequestDiscount(DealRef(deal_id), " 15% off the first year "))
    [request] = world.store.rows(DiscountRequest)
    return request


def test_a_request_goes_to_the_gs_with_the_rule_not_to_discuss_it(world: World) -> None:
    deal = world.deal(partner="northwind", gs="maya", registrant="dana", region="US",
                      company="Bluebird Dental")
    done = request_discount(world.services, world.actor("dana"),
                            RequestDiscount(DealRef(deal.id), " 15% off the first year "))
    assert done.reply.lines[0].key == "followup.discount.requested"
    assert done.reply.lines[0].params == {"gs": "Maya Brooks", "ref": deal.id}
    assert done.answer.citations  # the rules section it comes from
    [request] = world.store.rows(DiscountRequest)
    assert request.description == "15% off the first year"
    [asked] = world.queued()
    assert asked.key == f"discount:{request.id}:request"
    assert asked.to == ToPerson(world.people["maya"].id)
    assert asked.lines[0].params["description"] == Typed("15% off the first year")
    assert [(b.action_id, b.value) for b in asked.buttons] == [
        ("discount_approve", str(request.id)), ("discount_decline", str(request.id))]


def test_who_may_not_request_or_decide(world: World) -> None:
    deal = world.deal(partner="northwind", gs="maya", registrant="dana", region="US")
    for who, text, key in (("dana", "  ", "followup.problem.no_description"),
                           ("aiko", "10%", "error.no_deal_of_yours")):
        with pytest.raises(Refused) as refused:
            request_discount(world.services, world.actor(who),
                             RequestDiscount(DealRef(deal.id), text))
        assert refused.value.reply.lines[0].key == key
    request = _request(world, deal.id)
    for who in ("dana", "ken"):
        with pytest.raises(Refused) as refused:
            open_discount(world.services, world.actor(who), request.id)
        assert refused.value.reply.lines[0].key == "error.not_allowed"
    with pytest.raises(Refused) as refused:
        open_discount(world.services, world.actor("maya"), 999999)
    assert refused.value.reply.lines[0].key == "followup.discount.unknown"


def test_approval_in_writing_is_kept_and_quoted_once(world: World) -> None:
    deal = world.deal(partner="northwind", gs="maya", registrant="dana", region="US",
                      company="Bluebird Dental")
    request = _request(world, deal.id)
    maya = world.actor("maya")
    form = open_discount(world.services, maya, request.id)
    assert (form.deal_id, form.company, form.description) == \
        (deal.id, "Bluebird Dental", "15% off the first year")
    with pytest.raises(Refused) as refused:
        decide_discount(world.services, maya, DecideDiscount(request.id, True, "  "))
    assert refused.value.reply.lines[0].key == "followup.discount.wording_required"
    reply = decide_discount(world.services, maya,
                            DecideDiscount(request.id, True, "Approved.\nFirst year only."))
    assert reply.lines[0].key == "followup.discount.approved"
    assert request.status is RequestStatus.APPROVED
    assert request.written_approval == "Approved.\nFirst year only."
    told = world.queued()[-1]
    assert told.key == f"discount:{request.id}:approved" and told.to == ToThread(deal.id)
    assert told.lines[0].params["wording"] == Typed("> Approved.\n> First year only.")
    assert told.lines[0].params["at"] == world.clock.now
    with pytest.raises(Refused) as refused:
        decide_discount(world.services, maya, DecideDiscount(request.id, False))
    assert refused.value.reply.lines[0].key == "followup.discount.already_approved"


def test_a_decline_is_said_in_the_thread(world: World) -> None:
    deal = world.deal(partner="northwind", gs="maya", registrant="dana", region="US")
    request = _request(world, deal.id)
    reply = decide_discount(world.services, world.actor("maya"),
                            DecideDiscount(request.id, False))
    assert reply.lines[0].key == "followup.discount.declined"
    assert request.status is RequestStatus.DECLINED and request.written_approval is None
    told = world.queued()[-1]
    assert told.key == f"discount:{request.id}:declined"
    assert told.lines[0].key == "followup.discount.declined_thread"
    assert deal.id in world.refreshed  # type: ignore[attr-defined]
