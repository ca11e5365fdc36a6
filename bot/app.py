"""The Bolt app factory: one app built from the services, listeners registered per kind.

    app = create_app(services)

Every listener acknowledges first, in the request's own thread, and works in a Bolt lazy
listener started right after (`process_before_response`: Bolt would otherwise run the
acknowledgement on its pool and poll for it every 10 ms). Middleware provides the actor
(directory role, language, time zone: looked up when a listener first asks, so usually in the
lazy listener) and drops Slack's retries of events already handled.
Errors are logged with a request id and answered politely, in the user's language; no stack
trace ever reaches a user. A request that was not verified is never answered (401, nothing sent):
the HTTP adapter refuses those before Bolt, and Bolt's verification stays on behind it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.adapters.ack_first import AckFirstExecutor
from bot.context import Actor, ActorLookup, resolve_actor
from bot.i18n import t
from bot.installations import ROTATE_MINUTES
from bot.listeners import register_listeners
from bot.listeners.common import lang_of_request
from bot.services import Services

__all__ = ["BOT_SCOPES", "create_app"]

log = logging.getLogger(__name__)

BOT_SCOPES = ["app_mentions:read", "channels:history", "channels:read", "chat:write", "commands",
              "groups:history", "groups:read", "im:write", "users:read", "users:read.email"]


def _user_of(body: dict[str, Any]) -> tuple[str | None, str | None]:
    team = body.get("team_id") or (body.get("team") or {}).get("id") or \
        (body.get("user") or {}).get("team_id")
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    event = body.get("event") or {}
    if not user and isinstance(event, dict):
        user = event.get("user")
        team = team or event.get("team")
    return team, user


VERIFIED = "verified"
_ids = random.Random()   # request ids for the log: no system call in the request's path


def _mark_verified(context: Any, next: Callable[[], Any]) -> Any:
    """The first of the app's own middleware, so it runs only after Bolt's request
    verification (HTTP) has passed, or for requests that need none: Socket Mode's arrive over
    a socket Slack authenticated, the console's are its own. The error handler answers only
    requests marked here."""
    context[VERIFIED] = True
    return next()


def _middleware(services: Services) -> Callable[..., Any]:
    """Puts `services` and the `actor` (looked up when a listener first asks: see
    `bot.listeners.common.actor_of`) into Bolt's context (listeners receive them as arguments)
    and drops Slack's retries of events already handled."""

    def middleware(body: dict[str, Any], context: Any, request: Any, next: Callable[[], Any]
                   ) -> Any:
        context["request_id"] = f"{_ids.getrandbits(48):012x}"
        context["services"] = services
        kind = body.get("type") or ("command" if "command" in body else "other")
        services.metrics.requests.labels(kind=kind).inc()
        if kind == "event_callback" and body.get("event_id"):
            with services.uow() as uow:
                first = uow.events.first_time(str(body["event_id"]), services.now())
                uow.commit()
            if not first:
                services.metrics.duplicates.inc()
                return BoltResponse(status=200, body="")
        team, user = _user_of(body)
        if team and user and user != context.get("bot_user_id"):
            client = context.get("client") or services.client

            def lookup() -> Actor:
                with services.uow() as uow:
                    return resolve_actor(uow, services.locales, client, team_id=team,
                                         user_id=user)

            context["actor"] = ActorLookup(lookup)
        return next()

    return middleware


def _error_handler(services: Services) -> Callable[..., Any]:
    def handle(error: Exception, body: dict[str, Any], context: Any, logger: logging.Logger,
               respond: Any = None) -> BoltResponse:
        if not (context and context.get(VERIFIED)):   # nothing of it is to be trusted or shown
            log.warning("refused a request that was not verified (%s)", type(error).__name__)
            return BoltResponse(status=401, body="")
        request_id = context.get("request_id", "-") if context else "-"
        log.error("request %s failed: %s", request_id, error, exc_info=error)
        services.metrics.errors.labels(kind=type(error).__name__).inc()
        lang = lang_of_request(context) if context else "en"
        if respond is not None and body.get("response_url"):
            try:
                respond(text=t("error.unexpected", lang, ref=request_id), response_type="ephemeral",
                        replace_original=False)
            except Exception:  # the user may already be gone; the log has it all
                log.warning("request %s: could not tell the user", request_id)
        return BoltResponse(status=200, body="")

    return handle


def create_app(services: Services) -> App:
    """The Bolt app for `services`: middleware, the error policy and every listener."""
    settings = services.settings
    options: dict[str, Any] = {
        "signing_secret": settings.signing_secret or "console-has-no-secret",
        "client": services.client,
        # acknowledgements run inline (no 10 ms poll); the slow work stays in lazy listeners,
        # started once the acknowledgement is out
        "process_before_response": True,
        "listener_executor": AckFirstExecutor(),
        "token_verification_enabled": False,
        "request_verification_enabled": settings.mode != "console",
        "raise_error_for_unhandled_request": False,
        "ignoring_self_events_enabled": True,
    }
    if settings.oauth:
        store = services.tokens.store if services.tokens is not None else \
            SQLAlchemyInstallationStore(client_id=settings.client_id or "", engine=services.engine)
        oauth = OAuthSettings(
            client_id=settings.client_id, client_secret=settings.client_secret, scopes=BOT_SCOPES,
            installation_store=store, token_rotation_expiration_minutes=ROTATE_MINUTES,
            state_store=SQLAlchemyOAuthStateStore(expiration_seconds=600,
                                                  engine=services.engine))
        # tokens are rotated through the services' client (its base URL: a fake Slack in tests)
        oauth.authorize = InstallationStoreAuthorize(
            logger=log, installation_store=store, client_id=settings.client_id,
            client_secret=settings.client_secret,
            token_rotation_expiration_minutes=ROTATE_MINUTES, client=services.client)
        options["oauth_settings"] = oauth
    app = App(**options)
    app.use(_mark_verified)
    app.use(_middleware(services))
    app.error(_error_handler(services))
    register_listeners(app)
    return app
