"""Buttons of the follow-up: open a modal from a reminder, or decide a request from a DM.

    bant_open (value: deal id)          the BANT modal
    ooo_open                            the out-of-office modal
    extension_open (value: deal id)     ask for (a partner) or grant (a GS) more time
    extension_approve / _decline        (value: extension id) the GS decides a request
    discount_approve / _decline         (value: discount id) approval asks for the written wording

Buttons that open a modal do it at once (a trigger id lasts 3 seconds); decisions are made in a
lazy listener, then the message with the buttons is replaced by the decision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.listeners.common import actor_of, polite, say_private, stranger
from bot.listeners.followup_support import clicked, notice_text, post_response
from bot.permissions import Action, allowed
from bot.usecases.followup import (
    Notice,
    check_discount_decision,
    decide_discount,
    decide_extension,
    discount_of,
    latest_bant,
    partner_clock,
    refusal,
    roles_text,
)
from bot.views.followup_modals import bant_modal, discount_modal, extension_modal, ooo_modal
from storage.errors import NotFoundError

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import Actor
    from bot.services import Services

__all__ = ["register"]

Handler = Callable[..., None]


def _meta(body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"response_url": body.get("response_url"), **extra}


def _refuse(respond: Any, actor: Actor, notice: Notice) -> None:
    say_private(respond, notice.text(actor.lang, actor.tz))


def _known(context: Any, respond: Any) -> Actor | None:
    actor = actor_of(context)
    return None if stranger(actor, respond) else actor


def _open_bant() -> Handler:
    def handle(services: Services, ack: Any, body: dict[str, Any], context: Any, client: Any,
               respond: Any) -> None:
        ack()
        actor, deal_id = clicked(body, context, respond)
        if actor is None or deal_id is None:
            return
        with services.uow(actor=actor.user_id) as uow:
            try:
                deal = uow.deals.get(deal_id)
            except NotFoundError:
                _refuse(respond, actor, Notice("error.not_your_deal", ok=False))
                return
            problem = refusal(actor, deal, Action.UPDATE_BANT)
            if problem is not None:
                _refuse(respond, actor, problem)
                return
            view = bant_modal(actor.lang, deal_id=deal.id, company=deal.company,
                              latest=latest_bant(uow, deal.id), metadata=_meta(body))
        client.views_open(trigger_id=body.get("trigger_id"), view=view)
    return handle


def _open_ooo() -> Handler:
    def handle(services: Services, ack: Any, body: dict[str, Any], context: Any, client: Any,
               respond: Any) -> None:
        ack()
        actor = _known(context, respond)
        if actor is None:
            return
        if not allowed(actor.role, Action.REGISTER_ABSENCE):
            _refuse(respond, actor, Notice("error.not_allowed",
                                           {"roles": roles_text(Action.REGISTER_ABSENCE)}))
            return
        client.views_open(trigger_id=body.get("trigger_id"),
                          view=ooo_modal(actor.lang, now=services.now(),
                                         metadata=_meta(body)))
    return handle


def open_extension() -> Handler:
    def handle(services: Services, ack: Any, body: dict[str, Any], context: Any, client: Any,
               respond: Any) -> None:
        ack()
        actor, deal_id = clicked(body, context, respond)
        if actor is None or deal_id is None:
            return
        granting = allowed(actor.role, Action.GRANT_EXTENSION)
        with services.uow(actor=actor.user_id) as uow:
            try:
                deal = uow.deals.get(deal_id)
            except NotFoundError:
                _refuse(respond, actor, Notice("error.not_your_deal", ok=False))
                return
            problem = refusal(actor, deal, Action.GRANT_EXTENSION if granting else
                              Action.REQUEST_EXTENSION)
            if problem is not None:
                _refuse(respond, actor, problem)
                return
            row = partner_clock(uow, deal)
            if row is None:
                _refuse(respond, actor, Notice("followup.extend.no_clock", {"ref": deal.id},
                                               ok=False))
                return
            view = extension_modal(actor.lang, deal_id=deal.id, company=deal.company,
                                   due=row.due_at, granting=granting, metadata=_meta(body))
        client.views_open(trigger_id=body.get("trigger_id"), view=view)
    return handle


def _decide_extension(*, approve: bool) -> Handler:
    def work(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor, ext_id = clicked(body, context, respond)
        if actor is None or ext_id is None:
            return
        notice = decide_extension(services, actor, ext_id, approve=approve)
        if notice.ok:
            respond(text=notice_text(notice, actor), replace_original=True)
        else:
            _refuse(respond, actor, notice)
    return work


def _open_discount() -> Handler:
    def handle(services: Services, ack: Any, body: dict[str, Any], context: Any, client: Any,
               respond: Any) -> None:
        ack()
        actor, discount_id = clicked(body, context, respond)
        if actor is None or discount_id is None:
            return
        problem = check_discount_decision(services, actor, discount_id)
        if problem is not None:
            _refuse(respond, actor, problem)
            return
        with services.uow(actor=actor.user_id) as uow:
            request = discount_of(uow, discount_id)
            if request is None:
                return
            deal = uow.deals.get(request.deal_id)
            view = discount_modal(actor.lang, description=request.description,
                                  company=deal.company, deal_id=deal.id,
                                  metadata=_meta(body, discount_id=discount_id))
        client.views_open(trigger_id=body.get("trigger_id"), view=view)
    return handle


def _decline_discount() -> Handler:
    def work(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor, discount_id = clicked(body, context, respond)
        if actor is None or discount_id is None:
            return
        notice = decide_discount(services, actor, discount_id, approve=False)
        if notice.ok and body.get("response_url"):
            post_response(str(body["response_url"]), notice_text(notice, actor), replace=True)
        else:
            _refuse(respond, actor, notice)
    return work


def _ack_now(ack: Any) -> None:
    ack()


def register(app: App) -> None:
    """Register the follow-up buttons."""
    app.action("bant_open")(_open_bant())
    app.action("ooo_open")(_open_ooo())
    app.action("extension_open")(open_extension())
    app.action("extension_approve")(ack=_ack_now,
                                    lazy=[polite(_decide_extension(approve=True))])
    app.action("extension_decline")(ack=_ack_now,
                                    lazy=[polite(_decide_extension(approve=False))])
    app.action("discount_approve")(_open_discount())
    app.action("discount_decline")(ack=_ack_now, lazy=[polite(_decline_discount())])
