"""Who may do what, asked in one way by every use case: the permission table of
`bot.permissions` applied to an actor and (for a partner) the deal's organisation.

    require(actor, Action.CLOSE_DEAL, deal)      # raises Refused with the reason to show
"""

from __future__ import annotations

from bot.context import Actor
from bot.messages import Refused, Reply, Text
from bot.permissions import PERMISSIONS, Action, allowed
from rules.vocabulary import Role
from storage.models import Deal

__all__ = ["UNSEEN", "refusal", "require", "roles", "seen_deal", "unseen"]

# A partner naming a deal of another organisation and one naming no deal at all are told the
# same, in the same words: deal numbers must not tell which deals exist.
UNSEEN = "error.no_deal_of_yours"


def unseen(deal_id: int) -> Refused:
    """What a partner is told of deal #`deal_id` when it is not its own, or does not exist."""
    return Refused(Reply.refusal(UNSEEN, deal=deal_id))


def seen_deal(actor: Actor, deal_id: int, deal: Deal | None) -> None:
    """Go on unless `actor` is a partner and deal #`deal_id` (`deal`, None when there is none)
    is not its organisation's: then `unseen`, whether it exists or not."""
    if actor.role is Role.PARTNER and (deal is None or not actor.owns(deal.partner_org_id)):
        raise unseen(deal_id)

_ROLE_ORDER = (Role.GS, Role.PDM, Role.PARTNER, Role.ADMIN)


def roles(action: Action) -> Text:
    """`Growth Specialists or admins`: who may take `action`, as a message."""
    names = [Text(f"role.{role.value}") for role in _ROLE_ORDER if role in PERMISSIONS[action]]
    if len(names) == 1:
        return names[0]
    return Text("roles.joined", {"first": tuple(names[:-1]), "last": names[-1]})


def refusal(actor: Actor, action: Action, deal: Deal | None = None) -> Reply | None:
    """Why `actor` may not take `action` (on `deal`), or None when they may."""
    if actor.role is None:
        return Reply.refusal("error.unknown_user")
    if actor.role not in PERMISSIONS[action]:
        return Reply.refusal("error.not_allowed", roles=roles(action))
    own = actor.owns(deal.partner_org_id) if deal is not None and actor.role is Role.PARTNER \
        else None
    if not allowed(actor.role, action, own_deal=own):
        return Reply.refusal(UNSEEN, deal=deal.id if deal is not None else 0)
    return None


def require(actor: Actor, action: Action, deal: Deal | None = None) -> None:
    """Go on only if `actor` may take `action` (on `deal`); else `Refused`."""
    reply = refusal(actor, action, deal)
    if reply is not None:
        raise Refused(reply)
