"""What a closed deal earns (`commission-rates`, `sales-motions`, `poi`), sold MRR and managed MRR."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from rules.answers import Answer, Months, Reason, combine, reason
from rules.eligibility import assess, eligibility
from rules.facts import Deal, LineItem, Partner
from rules.money import Money
from rules.sections import Section
from rules.upmarket import upmarket_referral
from rules.vocabulary import Motion, Outcome

__all__ = [
    "ACTIVE_PORTAL_WORK",
    "PASSIVE_PORTAL_WORK",
    "REVENUE_SHARE_RATE",
    "earnings",
    "managed_mrr",
    "sold_mrr",
]

REVENUE_SHARE_RATE = Decimal("0.20")
ACTIVE_PORTAL_WORK = frozenset({"create_asset", "edit_asset", "configure"})
PASSIVE_PORTAL_WORK = frozenset({"login", "view"})


def _nothing(reasons: list[Reason], cites: list[Section]) -> Answer:
    fields = {"revenue_share": False, "sold_mrr_credit": False, "months": 0}
    return Answer("earnings", Outcome.NOT_ELIGIBLE, tuple(reasons), combine(cites), fields)


def earnings(deal: Deal, partner: Partner, *, fx: Mapping[str, Decimal] | None = None) -> Answer:
    """What the partner earns when the deal closes: revenue share, sold MRR credit, months.

    A deal that does not qualify, or has no customer-signed POI by the close date, earns nothing.
    A Partner Assisted deal earns revenue share only through the Upmarket Referral Program.
    """
    cites = [Section.COMMISSION_RATES, Section.SALES_MOTIONS]
    verdict = eligibility(deal, partner)
    own = assess(deal).own_lines
    if verdict.outcome is Outcome.NOT_ELIGIBLE:
        why = [r for r in verdict.reasons if r.key != "eligibility.discretion"]
        if own:
            return _own_lines_only(deal, partner, own, why)
        return _nothing([*why, reason("earnings.deal_not_eligible")],
                        [*cites, *verdict.citations])
    if not deal.poi_by_close:
        late = deal.poi_late and deal.poi_signed_on and deal.close_date
        why = [reason("poi.after_close", signed=deal.poi_signed_on, close=deal.close_date)
               if late and deal.poi_signed_on and deal.close_date else reason("earnings.no_poi"),
               reason("poi.partner_responsibility")]
        if own:
            return _own_lines_only(deal, partner, own, why)
        return _nothing(why, [*cites, Section.POI])
    reasons: list[Reason] = []
    outcome = Outcome.ELIGIBLE
    sold_credit = partner.is_solutions_partner
    reasons.append(reason("earnings.sold_credit" if sold_credit else "earnings.provider_no_tier"))
    cites.append(Section.SOLD_MRR)
    months = 0
    if deal.motion is Motion.PARTNER_SOURCED:
        months = partner.months_of_revenue_share
        reasons.append(reason("earnings.sourced_share", term=Months(months)))
        cites.append(Section.REVENUE_SHARE)
    else:
        referral = upmarket_referral(deal, partner, fx=fx)
        cites.append(Section.UPMARKET_REFERRAL)
        if referral.outcome is Outcome.ELIGIBLE:
            months = 12
            reasons.append(reason("earnings.assisted_upmarket"))
        elif referral.outcome is Outcome.NEEDS_REVIEW:
            outcome = Outcome.NEEDS_REVIEW
            reasons.append(reason("earnings.assisted_upmarket_review"))
            reasons += [r for r in referral.reasons if r.key != "upmarket.no_guarantee"]
        else:
            reasons.append(reason("earnings.assisted_no_share"))
    if verdict.outcome is Outcome.NEEDS_REVIEW:
        outcome = Outcome.NEEDS_REVIEW
        reasons += verdict.reasons
        cites += verdict.citations
    revenue_share = months > 0
    if not (revenue_share or sold_credit):
        return _nothing([*reasons, reason("earnings.nothing_for_provider")], cites)
    fields: dict[str, Any] = {
        "revenue_share": revenue_share,
        "sold_mrr_credit": sold_credit,
        "months": months,
    }
    currency = deal.currency
    if revenue_share and currency is not None:
        counted = assess(deal).counted_mrr(currency)
        monthly = counted.times(REVENUE_SHARE_RATE).rounded()
        fields["monthly"] = monthly
        reasons.append(reason("earnings.monthly", monthly=monthly, mrr=counted))
    if own:
        reasons.append(reason("earnings.own_line_upsell"))
        cites.append(Section.UPSELL)
    return Answer("earnings", outcome, tuple(reasons), combine(cites), fields)


def _own_lines_only(deal: Deal, partner: Partner, own: tuple[LineItem, ...],
                    why: list[Reason]) -> Answer:
    """Upsells of lines the partner already holds credit on earn automatically, involved or not."""
    mrr = Money.zero(own[0].mrr.currency)
    for item in own:
        mrr = mrr + item.mrr
    monthly = mrr.times(REVENUE_SHARE_RATE).rounded()
    reasons = [*why, reason("earnings.own_line_upsell"),
               reason("earnings.monthly", monthly=monthly, mrr=mrr)]
    fields = {"revenue_share": True, "sold_mrr_credit": partner.is_solutions_partner,
              "months": partner.months_of_revenue_share, "monthly": monthly}
    cites = (Section.UPSELL, Section.COMMISSION_RATES, Section.REVENUE_SHARE)
    return Answer("earnings", Outcome.ELIGIBLE, tuple(reasons), cites, fields)


def sold_mrr(mrr_now: Money, mrr_year_ago: Money, *, credit_established: bool = False) -> Answer:
    """Sold MRR credit on a line: today's MRR minus the MRR of twelve months before, at least zero.

    Once credit is established on the line it follows the line's full value.
    """
    if credit_established:
        amount = mrr_now
        first = reason("sold_mrr.established", amount=mrr_now)
    else:
        amount = (mrr_now - mrr_year_ago).max_zero()
        key = "sold_mrr.growth" if amount.amount > 0 else "sold_mrr.no_growth"
        first = reason(key, now=mrr_now, before=mrr_year_ago, amount=amount)
    outcome = Outcome.ELIGIBLE if amount.amount > 0 else Outcome.NOT_ELIGIBLE
    reasons = (first, reason("sold_mrr.tier"))
    return Answer("sold_mrr", outcome, reasons, (Section.SOLD_MRR,), {"amount": amount})


def managed_mrr(activities: Collection[str], *, portal_mrr: Money | None = None) -> Answer:
    """Whether work in a customer's portal earns Managed MRR credit: active work does, logins do not."""
    active = sorted(set(activities) & ACTIVE_PORTAL_WORK)
    fields: dict[str, Any] = {}
    if active:
        reasons = [reason("managed_mrr.active")]
        outcome = Outcome.ELIGIBLE
        if portal_mrr is not None:
            fields["amount"] = portal_mrr
            reasons.append(reason("managed_mrr.amount", amount=portal_mrr))
    else:
        reasons = [reason("managed_mrr.login_only" if activities else "managed_mrr.no_activity")]
        outcome = Outcome.NOT_ELIGIBLE
    return Answer("managed_mrr", outcome, tuple(reasons), (Section.MANAGED_MRR,), fields)
