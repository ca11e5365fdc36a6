"""Deal registration, the 72-hour collaboration rule and extra PDM support
(`shared-selling-tools`, `overlay-model`, `sales-motions`, `faq`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rules.answers import HUBSPOT, Answer, Reason, Term, Viewer, combine, reason
from rules.domains import normalise_domain
from rules.instants import elapsed, shift
from rules.money import Money
from rules.sections import Section
from rules.upmarket import to_usd
from rules.vocabulary import Motion, Outcome

__all__ = [
    "COLLABORATION_WINDOW",
    "PDM_SUPPORT_THRESHOLD_USD",
    "RegisteredBy",
    "collaboration",
    "pdm_support",
    "registration",
]

COLLABORATION_WINDOW = timedelta(hours=72)
PDM_SUPPORT_THRESHOLD_USD = Money(Decimal(10000), "USD")


class RegisteredBy(StrEnum):
    """Who registers a shared deal."""

    PARTNER = "partner"
    HUBSPOT = "hubspot"


def registration(
    *,
    customer_domain: str,
    registered_by: RegisteredBy,
    relationship_established: bool,
    need_identified: bool,
    other_partner_open_deal: bool = False,
    domain_only: bool = False,
    viewer: Viewer = HUBSPOT,
) -> Answer:
    """What registering a shared deal does: the motion, the GS, and whether Best Partner Wins starts.

    Whether another partner is on the customer is told to HubSpot staff only.
    Raises `DomainError` for text that is not a domain.
    """
    domain = normalise_domain(customer_domain)
    cites = [Section.SHARED_SELLING_TOOLS]
    fields: dict[str, Any] = {"customer_domain": domain}
    reasons: list[Reason] = []
    if domain_only:
        reasons.append(reason("registration.domain_only"))
        return Answer("registration", Outcome.NOT_ELIGIBLE, tuple(reasons), tuple(cites), fields)
    if not (relationship_established and need_identified):
        reasons.append(reason("registration.not_qualified"))
        return Answer("registration", Outcome.NOT_ELIGIBLE, tuple(reasons), tuple(cites), fields)
    cites += [Section.SALES_MOTIONS, Section.FAQ]
    if registered_by is RegisteredBy.HUBSPOT:
        motion = Motion.PARTNER_ASSISTED
        reasons.append(reason("registration.by_hubspot"))
    else:
        motion = Motion.PARTNER_SOURCED
        reasons.append(reason("registration.by_partner"))
        if not viewer.is_partner:
            fields["best_partner_wins"] = other_partner_open_deal
            if other_partner_open_deal:
                reasons.append(reason("registration.best_partner_wins"))
                cites.append(Section.BEST_PARTNER_WINS)
    fields["motion"] = Term("motion", motion.value)
    reasons += [reason("registration.gs_assigned", domain=domain),
                reason("registration.no_expiry"), reason("registration.visibility")]
    return Answer("registration", Outcome.ELIGIBLE, tuple(reasons), combine(cites), fields)


def collaboration(
    *,
    notified_at: datetime,
    answered_at: datetime | None = None,
    accepted: bool | None = None,
    now: datetime | None = None,
) -> Answer:
    """The 72-hour rule on a HubSpot-owned deal offered to a partner.

    The partner confirms within 72 hours (calendar time) of the first notification; with no
    answer, the GS takes the deal alone. Times are aware datetimes.
    """
    for name, value in (("notified_at", notified_at), ("answered_at", answered_at), ("now", now)):
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name} must carry a time zone offset")
    due = shift(notified_at, COLLABORATION_WINDOW)
    fields = {"due_at": due}
    cites = (Section.OVERLAY_MODEL,)
    in_time = answered_at is not None and elapsed(answered_at, due) >= timedelta(0)
    if answered_at is not None and accepted is not None and in_time:
        if accepted:
            return Answer("collaboration", Outcome.ELIGIBLE,
                          (reason("collaboration.accepted", due=due),), cites, fields)
        return Answer("collaboration", Outcome.NOT_ELIGIBLE,
                      (reason("collaboration.declined"),), cites, fields)
    lapsed = (answered_at is not None and not in_time) or (
        now is not None and elapsed(now, due) <= timedelta(0))
    if lapsed:
        return Answer("collaboration", Outcome.NOT_ELIGIBLE,
                      (reason("collaboration.lapsed", due=due),), cites, fields)
    return Answer("collaboration", Outcome.NEEDS_REVIEW,
                  (reason("collaboration.pending", due=due),), cites, fields)


def pdm_support(sourced_mrr_outside_region: Money, *, fx: Mapping[str, Decimal] | None = None
                ) -> Answer:
    """Partners sourcing over 10,000 USD MRR a year outside their PDM's region may ask for support."""
    usd = to_usd(sourced_mrr_outside_region, fx or {})
    cites = (Section.FAQ, Section.ACCOUNT_TEAM)
    if usd is None:
        missing = reason("upmarket.no_rate", currency=sourced_mrr_outside_region.currency)
        return Answer("pdm_support", Outcome.NEEDS_REVIEW, (missing,), cites)
    threshold = PDM_SUPPORT_THRESHOLD_USD
    if threshold < usd:
        reasons = (reason("pdm_support.over", usd=usd.truncated(), threshold=threshold),
                   reason("pdm_support.invitation"))
        return Answer("pdm_support", Outcome.ELIGIBLE, reasons, cites,
                      {"mrr_usd": str(usd.truncated().amount)})
    under = reason("pdm_support.under", usd=usd.truncated(), threshold=threshold)
    return Answer("pdm_support", Outcome.NOT_ELIGIBLE, (under,), cites,
                  {"mrr_usd": str(usd.truncated().amount)})
