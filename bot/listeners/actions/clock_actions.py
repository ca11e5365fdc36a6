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

from bot.listeners.common import actor_of, polite, stranger
from bot.listeners.followup_support import (
    answer,
    clicked,
    meta,
    open_modal,
    post_response,
    reader,
    show_bant,
    show_ooo,
)
from bot.messages import Refused
from bot.usecases.deal_support import DealRef
from bot.usecases.discounts import DecideDiscount, decide_discount, open_discount
from bot.usecases.extensions import DecideExtension, decide_extension
from bot.usecases.extensions import open_extension as extension_form
from bot.views.followup_modals import discount_modal, extension_modal
from bot.views.text import render_reply

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["open_extension", "register"]

Handler = Callable[..., None]


def _open_bant(services: Services, body: dict[str, Any], context: Any, client: Any,
               respond: Any) -> None:
    actor, deal_id = clicked(body, context, respond)
    if actor is not None and deal_id is not None:
        show_bant(services, actor, DealRef(deal_id), body, client, respond)


def _open_ooo(services: Services, body: dict[str, Any], context: Any, client: Any,
              respond: Any) -> None:
    actor = actor_of(context)
    if actor is not None and not stranger(actor, respond):
        show_ooo(services, actor, body, client, respond)


def _open_extension(services: Services, body: dict[str, Any], context: Any,
                    client: Any, respond: Any) -> None:
    actor, deal_id = clicked(body, context, respond)
    if actor is not None and deal_id is not None:
        open_modal(actor, body, client, respond,
                   lambda: extension_form(services, actor, deal_id),
                   lambda form: extension_modal(actor.lang, deal_id=form.deal_id,
                                                company=form.company, due=form.due,
                                                granting=form.granting, metadata=meta(body)))


def open_extension() -> Handler:
    """The listener of a button that opens the extension modal (`extension_open`, and the
    breach notice's `breach_extend`)."""
    return _open_extension


def _decide_extension(*, approve: bool) -> Handler:
    def work(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor, ext_id = clicked(body, context, respond)
        if actor is None or ext_id is None:
            return
        try:
            reply = decide_extension(services, actor, DecideExtension(ext_id, approve))
        except Refused as refused:
            answer(respond, actor, refused.reply)
            return
        respond(text=render_reply(reply, reader(actor)), replace_original=True)
    return work


def _open_discount(services: Services, body: dict[str, Any], context: Any,
                   client: Any, respond: Any) -> None:
    actor, discount_id = clicked(body, context, respond)
    if actor is not None and discount_id is not None:
        open_modal(actor, body, client, respond,
                   lambda: open_discount(services, actor, discount_id),
                   lambda form: discount_modal(actor.lang, description=form.description,
                                               company=form.company, deal_id=form.deal_id,
                                               metadata=meta(body, discount_id=form.discount_id)))


def _decline_discount(services: Services, body: dict[str, Any], context: Any,
                      respond: Any) -> None:
    actor, discount_id = clicked(body, context, respond)
    if actor is None or discount_id is None:
        return
    try:
        reply = decide_discount(services, actor, DecideDiscount(discount_id, approve=False))
    except Refused as refused:
        answer(respond, actor, refused.reply)
        return
    url = body.get("response_url")
    if url:
        post_response(str(url), render_reply(reply, reader(actor)), replace=True)
    else:
        answer(respond, actor, reply)


def _ack_now(ack: Any) -> None:
    ack()


def register(app: App) -> None:
    """Register the follow-up buttons."""
    app.action("bant_open")(ack=_ack_now, lazy=[polite(_open_bant)])
    app.action("ooo_open")(ack=_ack_now, lazy=[polite(_open_ooo)])
    app.action("extension_open")(ack=_ack_now, lazy=[polite(_open_extension)])
    app.action("extension_approve")(ack=_ack_now,
                                    lazy=[polite(_decide_extension(approve=True))])
    app.action("extension_decline")(ack=_ack_now,
                                    lazy=[polite(_decide_extension(approve=False))])
    app.action("discount_approve")(ack=_ack_now, lazy=[polite(_open_discount)])
    app.action("discount_decline")(ack=_ack_now, lazy=[polite(_decline_discount)])
