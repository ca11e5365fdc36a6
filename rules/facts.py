"""Typed facts the decisions are made from. They are plain values: where they came from
(a scenario file, the database, a Slack modal) is none of the rulebook's business."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rules.money import Money
from rules.vocabulary import CREDITS, Edition, LineCredit, Motion, PartnerKind, Tier

__all__ = ["Claim", "Deal", "Holding", "LineItem", "Partner"]


@dataclass(frozen=True, slots=True)
class Partner:
    """A partner organisation as the rules see it."""

    kind: PartnerKind = PartnerKind.SOLUTIONS_PARTNER
    tier: Tier = Tier.PARTNER
    good_standing: bool = True
    accreditations: frozenset[str] = frozenset()
    local_language_exception: bool = False

    @property
    def is_solutions_partner(self) -> bool:
        """Solutions Partners earn tier credit and may waive onboarding; providers do not."""
        return self.kind is PartnerKind.SOLUTIONS_PARTNER

    @property
    def months_of_revenue_share(self) -> int:
        """Up to 36 months for solutions partners, 12 for providers."""
        return 36 if self.is_solutions_partner else 12


@dataclass(frozen=True, slots=True)
class LineItem:
    """One product on a deal: a line, its edition (hubs only) and its MRR."""

    line: str
    mrr: Money
    edition: Edition | None = None

    @property
    def is_hub(self) -> bool:
        """Hub items carry an edition."""
        return self.edition is not None

    @property
    def is_starter(self) -> bool:
        """A Starter hub item."""
        return self.edition is Edition.STARTER

    @property
    def qualifies_by_itself(self) -> bool:
        """Professional or Enterprise hubs, credits and hub-agnostic products qualify a deal."""
        return self.edition is None or self.edition.qualifies

    @property
    def is_subscription_upmarket(self) -> bool:
        """Professional or Enterprise subscription services (the Upmarket Referral kind)."""
        return self.edition is not None and self.edition.qualifies and self.line != CREDITS


@dataclass(frozen=True, slots=True)
class Holding:
    """A product line the customer already holds, and who is credited on it."""

    line: str
    edition: Edition | None = None
    credited_partner: LineCredit = LineCredit.NONE


@dataclass(frozen=True, slots=True)
class Deal:
    """A shared deal's commercial facts."""

    motion: Motion
    items: tuple[LineItem, ...]
    customer_holdings: tuple[Holding, ...] = ()
    poi_signed: bool = False
    poi_signed_on: date | None = None
    close_date: date | None = None

    @property
    def currency(self) -> str | None:
        """The deal's one currency (all items share it), or None for an empty deal."""
        return self.items[0].mrr.currency if self.items else None

    @property
    def poi_late(self) -> bool:
        """Signed, but after the close date (when both dates are known)."""
        return (self.poi_signed and self.poi_signed_on is not None and self.close_date is not None
                and self.poi_signed_on > self.close_date)

    @property
    def poi_by_close(self) -> bool:
        """A customer-signed POI in place by the close date: the condition of every earning."""
        return self.poi_signed and not self.poi_late

    def holding(self, line: str) -> Holding | None:
        """What the customer holds on `line`, if anything."""
        for held in self.customer_holdings:
            if held.line == line:
                return held
        return None


@dataclass(frozen=True, slots=True)
class Claim:
    """One partner's claim in a Best Partner Wins case."""

    partner: str
    poi_signed: bool
    sourced: bool = False
    referred_by: str | None = None
    onboarding_mrr: Money | None = None
    acknowledged_secondary: bool | None = field(default=None)
