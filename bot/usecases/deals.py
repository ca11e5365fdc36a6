"""TEMPORARY compatibility for callers of the old deal use cases (until they switch).

The deal use cases now live by concept: `registration`, `offers`, `closing`, `deal_queries`,
with their shared parts in `deal_opening` and `deal_support`; each takes a typed command and
returns a `DealDone` (or raises `Refused`). This module keeps the old names importable:

- `roles_text(action, lang)` (`bot.usecases.followup`): who may take an action, as text;
- `DealProblem`, `Done`, `remove_partner(services, actor, deal_id, reason)`
  (`bot.listeners.actions.breach_actions`) and `close_deal(services, actor, deal_id, won=)`
  (`tests/reliability/test_time_travel.py`): the old signatures over the new use cases;
- `SEGMENTS`, `DealInput`, `ItemInput` (now in `bot.usecases.deal_opening`).

Delete it once nothing imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.messages import Reader, Refused, Reply
from bot.permissions import PERMISSIONS, Action
from bot.usecases import closing
from bot.usecases.deal_opening import SEGMENTS, DealInput, ItemInput
from bot.usecases.deal_support import DealRef
from rules.vocabulary import Role

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["SEGMENTS", "DealInput", "DealProblem", "Done", "ItemInput", "close_deal",
           "remove_partner", "roles_text"]

_ROLE_ORDER = (Role.GS, Role.PDM, Role.PARTNER, Role.ADMIN)


def roles_text(action: Action, lang: str) -> str:
    """`Growth Specialists or admins`: who may take `action`, in `lang` (the same words as
    `bot.usecases.policy.roles`, rendered)."""
    names = [t(f"role.{role.value}", lang) for role in _ROLE_ORDER if role in PERMISSIONS[action]]
    if len(names) == 1:
        return names[0]
    return t("roles.joined", lang, first=", ".join(names[:-1]), last=names[-1])


def _render(reply: Reply, lang: str, tz: tzinfo | None) -> str:
    # the old callers render here; new code hands the `Reply` to `bot.views.text.render_reply`
    from bot.views.text import render_reply

    return render_reply(reply, Reader(lang, tz or ZoneInfo("UTC")))


class DealProblem(Refused):
    """The old refusal: a `Refused` that renders itself."""

    def text(self, lang: str, tz: tzinfo | None = None) -> str:
        """The refusal in `lang` (times in `tz`)."""
        return _render(self.reply, lang, tz)


@dataclass(frozen=True)
class Done:
    """The old result: the deal, and the reply that renders itself."""

    deal_id: int
    reply: Reply

    @property
    def key(self) -> str:
        """The reply's message key."""
        return self.reply.lines[0].key

    def text(self, lang: str, tz: tzinfo | None = None) -> str:
        """The confirmation in `lang` (times in `tz`)."""
        return _render(self.reply, lang, tz)


def close_deal(services: Services, actor: Actor, deal_id: int, *, won: bool) -> Done:
    """`bot.usecases.closing.close_deal` with the old signature."""
    try:
        done = closing.close_deal(services, actor, closing.CloseDeal(DealRef(deal_id), won))
    except Refused as refused:
        raise DealProblem(refused.reply) from None
    return Done(done.deal_id, done.reply)


def remove_partner(services: Services, actor: Actor, deal_id: int, reason: str) -> Done:
    """`bot.usecases.closing.remove_partner` with the old signature."""
    try:
        done = closing.remove_partner(services, actor,
                                      closing.RemovePartner(DealRef(deal_id), reason))
    except Refused as refused:
        raise DealProblem(refused.reply) from None
    return Done(done.deal_id, done.reply)
