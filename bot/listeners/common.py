"""What every listener does the same way: find the actor, refuse strangers politely, answer
ephemerally in the user's language."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from bot.context import Actor, ActorLookup
from bot.i18n import t
from bot.messages import Reader
from bot.syntax import UsageError
from bot.usecases.usage import usage_reply
from bot.views.text import render_reply

__all__ = ["ack_now", "actor_of", "failure_text", "lang_of_request", "polite", "say_private",
           "say_usage", "stranger"]

log = logging.getLogger(__name__)


def ack_now(ack: Any) -> None:
    """The acknowledgement of a listener whose work is lazy: it runs in the request's own
    thread (the app processes before responding), so Slack has its answer at once."""
    ack()


def actor_of(context: Any) -> Actor | None:
    """The actor of the request (None for requests without a user), looked up on first use."""
    actor = context.get("actor")
    if isinstance(actor, ActorLookup):
        return actor()
    return actor if isinstance(actor, Actor) else None


def say_private(respond: Any, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    """An ephemeral answer to the person who asked."""
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def say_usage(respond: Any, actor: Actor, problem: UsageError) -> None:
    """Tell the actor what they typed wrong (their words escaped, like any typed text)."""
    say_private(respond, render_reply(usage_reply(problem), Reader(actor.lang, actor.tz)))


def stranger(actor: Actor | None, respond: Any) -> bool:
    """True (after telling them to ask an admin) when the user is not in the directory."""
    if actor is not None and actor.known:
        return False
    lang = actor.lang if actor is not None else "en"
    say_private(respond, t("error.unknown_user", lang))
    return True


def failure_text(context: Any) -> str:
    """Log the failure of the request being handled; what to tell its user (with the request
    id, so an admin can find it in the log)."""
    request_id = context.get("request_id", "-") if hasattr(context, "get") else "-"
    log.exception("request %s: a listener failed", request_id)
    return t("error.unexpected", lang_of_request(context), ref=request_id)


def lang_of_request(context: Any) -> str:
    """The language to answer a failure in: the actor's, or English when there is no actor or
    looking them up is what failed."""
    try:
        actor = actor_of(context) if hasattr(context, "get") else None
    except Exception:  # the failure being answered may be the directory itself
        return "en"
    return actor.lang if actor is not None else "en"


def polite(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a lazy listener: a failure is logged with the request id and, where the listener
    can answer (`respond`), the user is told politely in their language. Bolt itself would only
    log it, and the user would hear nothing."""

    @functools.wraps(function)
    def guarded(**kwargs: Any) -> Any:
        try:
            return function(**kwargs)
        except Exception:
            text = failure_text(kwargs.get("context") or {})
            respond = kwargs.get("respond")
            if respond is not None:
                try:
                    say_private(respond, text)
                except Exception:  # the user may be gone; the log has the failure
                    log.warning("could not tell the user: %s", text)
            return None

    return guarded
