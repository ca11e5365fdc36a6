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

__all__ = ["refusal", "require", "roles"]

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
        return Reply.refusal("error.not_your_deal")
    return None


def require(actor: Actor, action: Action, deal: Deal | None = None) -> None:
    """Go on only if `actor` may take `action` (on `deal`); else `Refused`."""
    reply = refusal(actor, action, deal)
    if reply is not None:
        raise Refused(reply)
