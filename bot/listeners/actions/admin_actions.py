"""The Retry button of a dead message on an admin's Home tab: queue it again, then show the
Home tab as it is now. A Home tab's button has no `response_url`; a refusal (someone not an
admin, a forged click) is answered where one exists and the tab is published again either way."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.listeners.common import actor_of, polite, say_private, stranger
from bot.listeners.followup_support import action_value
from bot.messages import Reader, Refused
from bot.usecases.admin_home import RetryMessage, retry_message
from bot.usecases.home import home_data
from bot.views.admin_home import RETRY_ACTION
from bot.views.home import home_view
from bot.views.text import render_reply

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]

log = logging.getLogger(__name__)


def register(app: App) -> None:
    """Register the Retry button."""

    def ack_now(ack: Any) -> None:
        ack()

    def retry(services: Services, body: dict[str, Any], context: Any, respond: Any,
              client: Any) -> None:
        actor = actor_of(context)
        answer = respond if body.get("response_url") else (lambda **_: None)
        if stranger(actor, answer):
            return
        assert actor is not None
        value = action_value(body).strip()
        if not value.isdigit() or len(value) > 12:
            return
        try:
            reply = retry_message(services, actor, RetryMessage(int(value)))
        except Refused as refused:
            say_private(answer, render_reply(refused.reply, Reader(actor.lang, actor.tz)))
            return
        if not reply.ok:
            say_private(answer, render_reply(reply, Reader(actor.lang, actor.tz)))
        try:
            (client or services.client).views_publish(
                user_id=actor.user_id,
                view=home_view(home_data(services, actor), lang=actor.lang, tz=actor.tz))
        except (SlackApiError, SlackClientError, OSError) as error:
            log.warning("views.publish for %s failed: %s", actor.user_id, error)

    app.action(RETRY_ACTION)(ack=ack_now, lazy=[polite(retry)])
