"""What every listener does the same way: find the actor, refuse strangers politely, answer
ephemerally in the user's language."""

from __future__ import annotations

from typing import Any

from bot.context import Actor
from bot.i18n import t

__all__ = ["actor_of", "say_private", "stranger"]


def actor_of(context: Any) -> Actor | None:
    """The actor the middleware resolved (None for requests without a user)."""
    actor = context.get("actor")
    return actor if isinstance(actor, Actor) else None


def say_private(respond: Any, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    """An ephemeral answer to the person who asked."""
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def stranger(actor: Actor | None, respond: Any) -> bool:
    """True (after telling them to ask an admin) when the user is not in the directory."""
    if actor is not None and actor.known:
        return False
    lang = actor.lang if actor is not None else "en"
    say_private(respond, t("error.unknown_user", lang))
    return True
