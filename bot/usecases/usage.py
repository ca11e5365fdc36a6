"""A grammar's usage error as the reply to whoever typed it: the problem, the usage line and an
example. The words they typed are parameters, so the one escape door shows them as text."""

from __future__ import annotations

from bot.messages import Reply, Text
from bot.syntax import UsageError

__all__ = ["usage_reply"]


def usage_reply(problem: UsageError) -> Reply:
    """The reply for a usage error, never the typed text as markup."""
    return Reply((Text(f"{problem.grammar}.usage_error",
                       {"problem": Text(problem.key, dict(problem.params)),
                        "usage": Text(problem.usage_key())}),), ok=False)
