"""The Upmarket Referral Program (`upmarket-referral`): which partners and deals qualify."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rules.answers import Answer, Reason, Term, reason
from rules.facts import Deal, Partner
from rules.money import Money
from rules.sections import Section
from rules.vocabulary import Motion, Outcome, Tier

__all__ = ["CRM_IMPLEMENTATION", "MRR_THRESHOLD_USD", "UPMARKET_TIERS", "to_usd", "upmarket_referral"]

MRR_THRESHOLD_USD = Money(Decimal(3000), "USD")
UPMARKET_TIERS = frozenset({Tier.PLATINUM, Tier.DIAMOND, Tier.ELITE})
CRM_IMPLEMENTATION = "crm_implementation"


def to_usd(amount: Money, fx: Mapping[str, Decimal]) -> Money | None:
    """`amount` in USD with the configured rate (USD per unit), or None when no rate is known."""
    if amount.currency == "USD":
        return amount
    rate = fx.get(amount.currency)
    return None if rate is None else Money(amount.amount * rate, "USD")


def upmarket_referral(
    deal: Deal, partner: Partner, *, fx: Mapping[str, Decimal] | None = None
) -> Answer:
    """Whether the partner and the deal qualify for the Upmarket Referral Program.

    Every failing condition is listed, not only the first, so the asker sees all that is missing.
    """
    fails: list[Reason] = []
    reviews: list[Reason] = []
    fields: dict[str, Any] = {}
    if not partner.is_solutions_partner:
        fails.append(reason("upmarket.provider"))
    elif partner.tier not in UPMARKET_TIERS:
        fails.append(reason("upmarket.tier", tier=Term("tier", partner.tier.value)))
    if not partner.good_standing:
        fails.append(reason("upmarket.standing"))
    if CRM_IMPLEMENTATION not in partner.accreditations:
        if partner.local_language_exception:
            reviews.append(reason("upmarket.accreditation_exception"))
        else:
            fails.append(reason("upmarket.accreditation"))
    if deal.motion is not Motion.PARTNER_ASSISTED:
        fails.append(reason("upmarket.motion"))
    subscriptions = [item for item in deal.items if item.is_subscription_upmarket]
    if not subscriptions:
        fails.append(reason("upmarket.no_subscription"))
    else:
        mrr = Money.zero(subscriptions[0].mrr.currency)
        for item in subscriptions:
            mrr = mrr + item.mrr
        usd = to_usd(mrr, fx or {})
        if usd is None:
            reviews.append(reason("upmarket.no_rate", currency=mrr.currency))
        else:
            shown = usd.truncated()  # 2,999.9987 shows as 2,999.99, never as the threshold
            fields["mrr_usd"] = str(shown.amount)
            if usd < MRR_THRESHOLD_USD:
                fails.append(reason("upmarket.mrr_below", mrr=mrr, usd=shown,
                                    threshold=MRR_THRESHOLD_USD))
    if not deal.poi_by_close:
        fails.append(reason("upmarket.poi"))
    if fails:
        outcome, reasons = Outcome.NOT_ELIGIBLE, fails + reviews
    elif reviews:
        outcome, reasons = Outcome.NEEDS_REVIEW, reviews
    else:
        outcome = Outcome.ELIGIBLE
        reasons = [reason("upmarket.qualifies"), reason("upmarket.pay")]
    reasons.append(reason("upmarket.no_guarantee"))
    return Answer("upmarket_referral", outcome, tuple(reasons), (Section.UPMARKET_REFERRAL,), fields)
