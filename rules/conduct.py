"""Onboarding waiver, POI, discounts, incentives and the consequence ladder
(`waive-onboarding`, `poi`, `discounting`, `incentives`, `review`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from rules.answers import Answer, Reason, Term, reason
from rules.facts import Partner
from rules.sections import Section
from rules.vocabulary import Outcome

__all__ = [
    "CONSEQUENCE_LADDER",
    "Offer",
    "consequence",
    "discount",
    "incentive",
    "poi_requirement",
    "waive_onboarding",
]


def waive_onboarding(partner: Partner, *, poi_signed: bool, poi_names_partner_onboarding: bool
                     ) -> Answer:
    """Only a solutions partner with a signed POI that names it as the onboarding provider may waive."""
    fails: list[Reason] = []
    if not partner.is_solutions_partner:
        fails.append(reason("waive.provider"))
    if not poi_signed:
        fails.append(reason("waive.no_poi"))
    elif not poi_names_partner_onboarding:
        fails.append(reason("waive.poi_silent"))
    if fails:
        outcome, reasons = Outcome.NOT_ELIGIBLE, fails
    else:
        outcome, reasons = Outcome.ELIGIBLE, [reason("waive.ok")]
    reasons.append(reason("waive.standard"))
    return Answer("waive_onboarding", outcome, tuple(reasons),
                  (Section.WAIVE_ONBOARDING, Section.POI, Section.ONBOARDING))


def poi_requirement(*, poi_signed: bool, signed_on: date | None = None,
                    close_date: date | None = None, shared_on_deal: bool = True) -> Answer:
    """Whether the POI earns credit: customer-signed and shared on the deal by the close date."""
    reasons: list[Reason] = []
    if not poi_signed:
        outcome = Outcome.NOT_ELIGIBLE
        reasons.append(reason("poi.missing"))
        if close_date is not None:
            reasons.append(reason("poi.due_by", day=close_date))
    elif signed_on is not None and close_date is not None and signed_on > close_date:
        outcome = Outcome.NOT_ELIGIBLE
        reasons.append(reason("poi.after_close", signed=signed_on, close=close_date))
    elif not shared_on_deal:
        outcome = Outcome.NOT_ELIGIBLE
        reasons.append(reason("poi.not_shared"))
    else:
        outcome = Outcome.ELIGIBLE
        reasons.append(reason("poi.ok"))
    reasons.append(reason("poi.partner_responsibility"))
    return Answer("poi", outcome, tuple(reasons), (Section.POI, Section.COMMISSION_RATES))


def discount(*, approved_in_writing: bool, discussed_with_customer: bool) -> Answer:
    """A software discount counts only once HubSpot has approved it in writing."""
    if approved_in_writing:
        outcome, key = Outcome.ELIGIBLE, "discount.approved"
    elif discussed_with_customer:
        outcome, key = Outcome.NOT_ELIGIBLE, "discount.unapproved_discussed"
    else:
        outcome, key = Outcome.NEEDS_REVIEW, "discount.ask_first"
    reasons = (reason(key), reason("discount.rule"))
    return Answer("discount", outcome, reasons, (Section.DISCOUNTING,))


class Offer(StrEnum):
    """What a partner might offer or ask of HubSpot staff."""

    NONE = "none"
    GIFT = "gift"
    KICKBACK = "kickback"
    REWARD = "reward"
    OTHER_VALUE = "other_value"
    OFF_CHANNEL_REQUEST = "off_channel_request"


def incentive(offer: Offer) -> Answer:
    """Anything of value to HubSpot staff, or asking them off approved channels, is prohibited."""
    if offer is Offer.NONE:
        reasons: tuple[Reason, ...] = (reason("incentive.none"),)
        outcome = Outcome.ELIGIBLE
    else:
        reasons = (reason("incentive.prohibited", offer=Term("offer", offer.value)),
                   reason("incentive.rule"))
        outcome = Outcome.NOT_ELIGIBLE
    return Answer("incentive", outcome, reasons, (Section.INCENTIVES,))


CONSEQUENCE_LADDER: tuple[str, ...] = (
    "warning",
    "revenue_share_loss",
    "tier_change",
    "opportunities_ban",
    "suspension",
    "termination",
)


def consequence(*, breaches: int, last_step: str | None = None) -> Answer:
    """The next step of the consequence ladder to suggest. The bot suggests; people decide."""
    if breaches < 0:
        raise ValueError("breaches cannot be negative")
    if last_step is not None and last_step not in CONSEQUENCE_LADDER:
        raise ValueError(f"unknown consequence {last_step!r}")
    reasons: list[Reason] = []
    if breaches == 0:
        suggested: str | None = None
        reasons.append(reason("consequence.no_breach"))
    else:
        index = 0 if last_step is None else CONSEQUENCE_LADDER.index(last_step) + 1
        suggested = CONSEQUENCE_LADDER[min(index, len(CONSEQUENCE_LADDER) - 1)]
        reasons.append(reason("consequence.suggest", step=Term("consequence", suggested),
                              count=breaches))
        if suggested == "warning":
            reasons.append(reason("consequence.warning_by_email"))
        if breaches >= 3:
            reasons.append(reason("consequence.repeat"))
    reasons.append(reason("consequence.people_decide"))
    fields = {"ladder": list(CONSEQUENCE_LADDER), "suggested": suggested}
    return Answer("consequence", Outcome.NEEDS_REVIEW, tuple(reasons),
                  (Section.REVIEW, Section.COMMUNICATION), fields)
