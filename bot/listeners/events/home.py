"""`app_home_opened`: the Home tab, published fresh each time it is opened.

views.publish is the immediate answer to the event (like ack or respond), so it is sent from the
lazy listener rather than queued: the tab shows the ledger as it is when the person looks.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.listeners.common import actor_of, polite
from bot.usecases.home import home_data
from bot.views.home import home_view, stranger_view

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]

log = logging.getLogger(__name__)


def register(app: App) -> None:
    """Register the Home tab listener."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(services: Services, event: dict[str, Any], context: Any, client: Any) -> None:
        if event.get("tab", "home") != "home":
            return
        actor = actor_of(context)
        if actor is None:
            return
        try:
            view = home_view(home_data(services, actor), lang=actor.lang, tz=actor.tz) \
                if actor.known else stranger_view(actor.lang)
            (client or services.client).views_publish(user_id=actor.user_id, view=view)
        except (SlackApiError, SlackClientError, OSError) as error:
            log.warning("views.publish for %s failed: %s", actor.user_id, error)

    app.event("app_home_opened")(ack=ack_now, lazy=[polite(work)])
