"""The deal card's buttons: a GS accepts or declines a Partner Sourced registration
(`deal_accept`, `deal_decline`), a partner accepts or declines an offered deal (`offer_accept`,
`offer_decline`; the partner is told privately what it answered, the GS by direct message).
Each button's value is `<deal id>:<deal version>`: a card older than the deal
gets "changed meanwhile" and nothing is written."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.listeners.common import actor_of, polite, say_private, stranger
from bot.messages import Refused
from bot.syntax.tokens import deal_ref
from bot.usecases.deal_support import DealDone
from bot.usecases.offers import AnswerOffer, answer_offer
from bot.usecases.registration import DecideRegistration, decide_registration
from bot.views.deal_answers import reply_text

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import Actor
    from bot.services import Services

__all__ = ["parse_value", "register"]

log = logging.getLogger(__name__)

Decide = Callable[["Services", "Actor", int, "int | None"], DealDone]


def parse_value(value: str) -> tuple[int, int | None] | None:
    """`12:3` -> (12, 3); `12` -> (12, None); anything else -> None."""
    deal, _, version = str(value or "").partition(":")
    deal_id = deal_ref(deal)
    if deal_id is None or (version and not version.isdecimal()) or len(version) > 9:
        return None
    return deal_id, int(version) if version else None


def _handler(decide: Decide, *, confirm: bool = False) -> Callable[..., None]:
    def work(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor = actor_of(context)
        if stranger(actor, respond):
            return
        assert actor is not None
        actions = body.get("actions") or [{}]
        parsed = parse_value(str(actions[0].get("value") or ""))
        if parsed is None:
            log.warning("deal button with a bad value: %r", actions[0].get("value"))
            return
        deal_id, version = parsed
        try:
            done = decide(services, actor, deal_id, version)
        except Refused as refused:
            say_private(respond, reply_text(actor, refused.reply))
            return
        if confirm:
            say_private(respond, reply_text(actor, done.reply))

    return work


def register(app: App) -> None:
    """Register the deal card's buttons."""

    def ack_now(ack: Any) -> None:
        ack()

    choices: dict[str, Decide] = {
        "deal_accept": lambda s, a, d, v: decide_registration(
            s, a, DecideRegistration(d, v, accept=True)),
        "deal_decline": lambda s, a, d, v: decide_registration(
            s, a, DecideRegistration(d, v, accept=False)),
        "offer_accept": lambda s, a, d, v: answer_offer(s, a, AnswerOffer(d, v, accept=True)),
        "offer_decline": lambda s, a, d, v: answer_offer(s, a, AnswerOffer(d, v, accept=False)),
    }
    for action_id, decide in choices.items():
        confirm = action_id.startswith("offer_")  # the partner's answer, confirmed to it
        app.action(action_id)(ack=ack_now, lazy=[polite(_handler(decide, confirm=confirm))])
