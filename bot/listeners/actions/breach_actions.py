"""The buttons of a breach notice: Extend, Remove partner, Dismiss (GSs and admins only).

Each carries `deal:clock` (the breached clock), so it acts on that breach; a notice posted
before the buttons named their clock carries the deal alone, and acts on the deal's latest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.listeners.common import actor_of, polite, say_private, stranger
from bot.listeners.followup_support import action_value, answer, meta, open_modal
from bot.messages import Reader, Refused
from bot.syntax import deal_ref
from bot.usecases.breaches import DismissBreach, dismiss_breach, remove_after_breach
from bot.usecases.closing import RemovePartner
from bot.usecases.deal_support import DealRef
from bot.usecases.extensions import open_extension
from bot.views.followup_modals import extension_modal
from bot.views.text import render_reply

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import Actor
    from bot.services import Services

__all__ = ["breach_value", "register"]


def breach_value(value: str) -> tuple[int | None, int | None]:
    """A breach button's value: `12:34` (deal 12, clock 34) or `12` (an older notice); the
    deal is None when the value is not one."""
    deal, _, clock = value.partition(":")
    deal_id = deal_ref(deal)
    clock_id = deal_ref(clock) if clock else None
    if deal_id is None or (clock and clock_id is None):
        return None, None
    return deal_id, clock_id


def _clicked(body: dict[str, Any], context: Any, respond: Any
             ) -> tuple[Actor | None, int | None, int | None]:
    """Who clicked (a stranger is answered here), the deal and the breached clock."""
    actor = actor_of(context)
    if stranger(actor, respond):
        return None, None, None
    deal_id, clock_id = breach_value(action_value(body))
    return actor, deal_id, clock_id


def register(app: App) -> None:
    """Register the breach buttons."""

    def ack_now(ack: Any) -> None:
        ack()

    def extend(services: Services, body: dict[str, Any], context: Any, client: Any,
               respond: Any) -> None:
        # lazy, started as soon as the click is acknowledged: a trigger id lasts 3 seconds
        actor, deal_id, clock_id = _clicked(body, context, respond)
        if actor is None or deal_id is None:
            return
        open_modal(actor, body, client, respond,
                   lambda: open_extension(services, actor, deal_id, clock_id),
                   lambda form: extension_modal(
                       actor.lang, deal_id=form.deal_id, company=form.company, due=form.due,
                       granting=form.granting, metadata=meta(body, clock_id=form.clock_id)))

    def remove(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor, deal_id, clock_id = _clicked(body, context, respond)
        if actor is None or deal_id is None:
            return
        command = RemovePartner(DealRef(deal_id), t("breach.removed_reason", actor.lang))
        try:
            reply = remove_after_breach(services, actor, command, clock_id).reply
        except Refused as refused:
            reply = refused.reply
        say_private(respond, render_reply(reply, Reader(actor.lang, actor.tz)))

    def dismiss(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor, deal_id, clock_id = _clicked(body, context, respond)
        if actor is None or deal_id is None:
            return
        try:
            reply = dismiss_breach(services, actor, DismissBreach(deal_id, clock_id))
        except Refused as refused:
            reply = refused.reply
        answer(respond, actor, reply)

    app.action("breach_extend")(ack=ack_now, lazy=[polite(extend)])
    app.action("breach_remove")(ack=ack_now, lazy=[polite(remove)])
    app.action("breach_dismiss")(ack=ack_now, lazy=[polite(dismiss)])
