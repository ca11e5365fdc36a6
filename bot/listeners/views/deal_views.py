"""Submissions of the deal modals: registering a Partner Sourced deal, offering a HubSpot-owned
deal. Validation happens inside the acknowledgement, so that Slack shows each problem beside its
field (in the user's language) and nothing is written; a duplicate registration is such a
problem too, on the domain field."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

from bot.i18n import t
from bot.listeners.common import actor_of, failure_text
from bot.messages import Refused
from bot.usecases.deal_queries import OpenDealForm, deal_form
from bot.usecases.offers import OfferDeal, offer_deal
from bot.usecases.registration import RegisterDeal, register_deal
from bot.views.deal_answers import reply_text
from bot.views.deal_modals import OFFER_CALLBACK, REGISTER_CALLBACK, done_view, read_form

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]

log = logging.getLogger(__name__)


def _submission(kind: Literal["register", "offer"]) -> Any:

    def submit(services: Services, ack: Any, body: dict[str, Any], context: Any) -> None:
        actor = actor_of(context)
        lang = actor.lang if actor is not None else "en"
        if actor is None or not actor.known:
            ack(response_action="errors", errors={"domain": t("error.unknown_user", lang)})
            return
        try:
            # who may act is said first: a partner's offer is not "choose a partner"
            start = deal_form(services, actor, OpenDealForm(kind))
            values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
            today = services.now().astimezone(actor.tz).date()
            form, errors = read_form(values, kind=kind, lang=lang,
                                     regions=services.regions.codes(), today=today,
                                     partner_ids=[i for i, _ in start.partners])
            if form is None:
                ack(response_action="errors", errors=errors)
                return
            done = register_deal(services, actor, RegisterDeal(form)) if kind == "register" \
                else offer_deal(services, actor, OfferDeal(form))
        except Refused as refused:
            ack(response_action="errors",
                errors={refused.reply.field or "domain": reply_text(actor, refused.reply)})
            return
        except Exception:  # a modal is answered only through its ack: the same words as `polite`
            ack(response_action="errors", errors={"domain": failure_text(context)})
            return
        ack(response_action="update", view=done_view(lang, reply_text(actor, done.reply)))

    return submit


def register(app: App) -> None:
    """Register the deal modals' submissions."""
    app.view(REGISTER_CALLBACK)(_submission("register"))
    app.view(OFFER_CALLBACK)(_submission("offer"))
