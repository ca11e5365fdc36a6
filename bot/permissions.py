"""Who may do what: one table of role x action, and the ownership rule for partners.

Only a GS or an admin grants extensions, approves discounts, accepts registrations, offers
HubSpot-owned deals, closes deals or removes partners. A partner acts only on its own
organisation's deals. A PDM sees its partners' deals and answers, and changes nothing.
"""

from __future__ import annotations

from enum import StrEnum

from rules.vocabulary import Role

__all__ = ["PERMISSIONS", "Action", "allowed"]


class Action(StrEnum):
    """Everything a person can ask the bot to do."""

    ASK_RULES = "ask_rules"
    VIEW_DEAL = "view_deal"
    REGISTER_DEAL = "register_deal"
    OFFER_DEAL = "offer_deal"
    DECIDE_REGISTRATION = "decide_registration"
    ANSWER_OFFER = "answer_offer"
    UPDATE_BANT = "update_bant"
    UPDATE_POI = "update_poi"
    RECORD_ONBOARDING = "record_onboarding"
    REGISTER_ABSENCE = "register_absence"
    REQUEST_EXTENSION = "request_extension"
    GRANT_EXTENSION = "grant_extension"
    REQUEST_DISCOUNT = "request_discount"
    APPROVE_DISCOUNT = "approve_discount"
    CLOSE_DEAL = "close_deal"
    REMOVE_PARTNER = "remove_partner"
    DISMISS_BREACH = "dismiss_breach"
    CHANGE_CALENDAR = "change_calendar"
    RETRY_MESSAGE = "retry_message"


_STAFF = {Role.GS, Role.ADMIN}
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.ASK_RULES: frozenset(Role),
    Action.VIEW_DEAL: frozenset(Role),
    Action.REGISTER_DEAL: frozenset({Role.PARTNER}),
    Action.OFFER_DEAL: frozenset(_STAFF),
    Action.DECIDE_REGISTRATION: frozenset(_STAFF),
    Action.ANSWER_OFFER: frozenset({Role.PARTNER}),
    Action.UPDATE_BANT: frozenset({Role.PARTNER, *_STAFF}),
    Action.UPDATE_POI: frozenset({Role.PARTNER, *_STAFF}),
    Action.RECORD_ONBOARDING: frozenset({Role.PARTNER, *_STAFF}),
    Action.REGISTER_ABSENCE: frozenset({Role.PARTNER, *_STAFF}),
    Action.REQUEST_EXTENSION: frozenset({Role.PARTNER}),
    Action.GRANT_EXTENSION: frozenset(_STAFF),
    Action.REQUEST_DISCOUNT: frozenset({Role.PARTNER, *_STAFF}),
    Action.APPROVE_DISCOUNT: frozenset(_STAFF),
    Action.CLOSE_DEAL: frozenset(_STAFF),
    Action.REMOVE_PARTNER: frozenset(_STAFF),
    Action.DISMISS_BREACH: frozenset(_STAFF),
    Action.CHANGE_CALENDAR: frozenset({Role.ADMIN}),
    Action.RETRY_MESSAGE: frozenset({Role.ADMIN}),
}


def allowed(role: Role | None, action: Action, *, own_deal: bool | None = None) -> bool:
    """Whether `role` may take `action`; for a partner on a deal, only its own (`own_deal`)."""
    if role is None or role not in PERMISSIONS[action]:
        return False
    return not (role is Role.PARTNER and own_deal is False)
