"""Discounts: a partner files one for the GS's written approval, and must not discuss it with
the customer until then (the confirmation says so, citing the rules); the GS approves it in
writing (the wording is kept on the deal and quoted in the thread) or declines it.

    done = request_discount(services, actor, RequestDiscount(DealRef(12), "15% off year one"))
    form = open_discount(services, actor, discount_id)      # the GS writes the approval
    reply = decide_discount(services, actor, DecideDiscount(discount_id, approve=True, written=...))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.messages import Button, Outgoing, Refused, Reply, Text, ToPerson, ToThread, Typed, queue
from bot.permissions import Action
from bot.usecases.deal_support import DealRef
from bot.usecases.followup_shared import find_deal, refresh, require_open, retrying
from bot.usecases.followup_shared import person as find_person
from bot.usecases.policy import require
from rules.answers import Answer
from rules.conduct import discount as discount_rule
from storage.models import DiscountRequest, RequestStatus
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["DecideDiscount", "DiscountForm", "DiscountRequested", "RequestDiscount",
           "decide_discount", "open_discount", "request_discount"]


@dataclass(frozen=True)
class RequestDiscount:
    """A discount for a deal, described as the customer would get it."""

    deal: DealRef
    description: str


@dataclass(frozen=True)
class DiscountRequested:
    """The confirmation, and the rule it comes with (not to be discussed before approval)."""

    reply: Reply
    answer: Answer


@dataclass(frozen=True)
class DecideDiscount:
    """The GS's decision: approved in writing (`written` is the wording), or declined."""

    discount_id: int
    approve: bool
    written: str | None = None


@dataclass(frozen=True)
class DiscountForm:
    """What the written-approval modal shows."""

    discount_id: int
    deal_id: int
    company: str
    description: str


def request_discount(services: Services, actor: Actor, command: RequestDiscount
                     ) -> DiscountRequested:
    """File a discount for the GS's written approval (`Refused` when the actor may not)."""
    description = command.description.strip()
    if not description:
        raise Refused(Reply.refusal("followup.problem.no_description"))

    def work() -> DiscountRequested:
        with services.uow(actor=actor.user_id) as uow:
            deal = find_deal(uow, actor, command.deal)
            require_open(actor, Action.REQUEST_DISCOUNT, deal)
            gs = find_person(uow, deal.gs_id)
            if gs is None:
                raise Refused(Reply.refusal("followup.discount.no_gs", ref=deal.id))
            request = uow.discounts.add(DiscountRequest(
                deal_id=deal.id, requested_by_id=actor.person_id, description=description,
                status=RequestStatus.REQUESTED, requested_at=services.now()))
            queue(uow, Outgoing(
                f"discount:{request.id}:request", ToPerson(gs.id),
                (Text("followup.discount.request_gs", {
                    "name": actor.name, "company": Typed(deal.company), "ref": deal.id,
                    "description": Typed(description)}),),
                buttons=(Button("discount_approve", Text("followup.button.approve_writing"),
                                str(request.id), "primary"),
                         Button("discount_decline", Text("followup.button.decline"),
                                str(request.id), "danger")),
                deal_id=deal.id))
            refresh(uow, deal.id)
            uow.commit()
            return DiscountRequested(
                Reply.of("followup.discount.requested", gs=gs.name, ref=deal.id),
                discount_rule(approved_in_writing=False, discussed_with_customer=False))
    return retrying(work)


def _pending(uow: AbstractUnitOfWork, actor: Actor, discount_id: int) -> DiscountRequest:
    """The discount request `actor` may decide now (else `Refused`)."""
    require(actor, Action.APPROVE_DISCOUNT)
    request = uow.discounts.find(discount_id)
    if request is None:
        raise Refused(Reply.refusal("followup.discount.unknown"))
    if request.status is not RequestStatus.REQUESTED:
        raise Refused(Reply.refusal(f"followup.discount.already_{request.status.value}"))
    return request


def open_discount(services: Services, actor: Actor, discount_id: int) -> DiscountForm:
    """The written-approval modal of a discount request the actor may decide."""
    with services.uow(actor=actor.user_id) as uow:
        request = _pending(uow, actor, discount_id)
        deal = uow.deals.get(request.deal_id)
        return DiscountForm(request.id, deal.id, deal.company, request.description)


def decide_discount(services: Services, actor: Actor, command: DecideDiscount) -> Reply:
    """The GS approves a discount in writing (the wording is kept on the deal) or declines it."""
    require(actor, Action.APPROVE_DISCOUNT)
    written = (command.written or "").strip()

    def work() -> Reply:
        with services.uow(actor=actor.user_id) as uow:
            request = _pending(uow, actor, command.discount_id)
            if command.approve and not written:
                raise Refused(Reply.refusal("followup.discount.wording_required"))
            deal = uow.deals.get(request.deal_id)
            now = services.now()
            request.status = RequestStatus.APPROVED if command.approve else \
                RequestStatus.DECLINED
            request.decided_by_id = actor.person_id
            request.decided_at = now
            description = Typed(request.description)
            if command.approve:
                request.written_approval = written
                quoted = "\n".join(f"> {line}" for line in written.splitlines())
                line = Text("followup.discount.approved_thread", {
                    "by": actor.name, "at": now, "description": description,
                    "wording": Typed(quoted)})  # `&gt;` opens a quote in Slack too
            else:
                line = Text("followup.discount.declined_thread", {
                    "by": actor.name, "description": description})
            queue(uow, Outgoing(f"discount:{request.id}:{request.status.value}",
                                ToThread(deal.id), (line,)))
            refresh(uow, deal.id)
            uow.commit()
            key = "followup.discount.approved" if command.approve else \
                "followup.discount.declined"
            return Reply.of(key, ref=deal.id, description=description)
    return retrying(work)
