"""The Rules of Engagement as pure decisions: typed facts in, cited bilingual answers out.

Nothing here does I/O or knows about Slack or the database; time is always an argument.
"""

from rules.answers import HUBSPOT, Answer, Reason, Viewer, render
from rules.best_partner_wins import best_partner_wins
from rules.conduct import consequence, discount, incentive, poi_requirement, waive_onboarding
from rules.earnings import earnings, managed_mrr, sold_mrr
from rules.eligibility import eligibility
from rules.facts import Claim, Deal, Holding, LineItem, Partner
from rules.money import Money
from rules.product_lines import associate, cross_sell, upsell
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.sections import Section
from rules.shared_selling import collaboration, pdm_support, registration
from rules.upmarket import upmarket_referral
from rules.vocabulary import Edition, LineCredit, Motion, Outcome, PartnerKind, Role, Tier

__all__ = [
    "HUBSPOT",
    "Answer",
    "Claim",
    "Deal",
    "Edition",
    "Holding",
    "LineCredit",
    "LineItem",
    "Money",
    "Motion",
    "Outcome",
    "Partner",
    "PartnerKind",
    "Reason",
    "Role",
    "Section",
    "Tier",
    "Viewer",
    "YearMonth",
    "associate",
    "best_partner_wins",
    "collaboration",
    "consequence",
    "cross_sell",
    "discount",
    "earnings",
    "eligibility",
    "incentive",
    "managed_mrr",
    "pdm_support",
    "poi_requirement",
    "registration",
    "render",
    "revenue_share_schedule",
    "sold_mrr",
    "upmarket_referral",
    "upsell",
    "waive_onboarding",
]
