"""Deal eligibility (`deal-eligibility`, `faq`): which items of a deal qualify it, and why."""

from __future__ import annotations

from dataclasses import dataclass

from rules.answers import Answer, Reason, Term, combine, reason
from rules.facts import Deal, LineItem, Partner
from rules.money import Money
from rules.sections import Section
from rules.vocabulary import Edition, LineCredit, Outcome

__all__ = ["Assessment", "assess", "eligibility", "product"]


def product(item: LineItem) -> Term:
    """The item's product name as a translatable term (`Marketing Hub Professional`)."""
    value = item.line if item.edition is None else f"{item.line}/{item.edition.value}"
    return Term("product", value)


@dataclass(frozen=True, slots=True)
class Assessment:
    """What each item of a deal counts for. Shared by eligibility, earnings and upmarket."""

    qualifying: tuple[LineItem, ...]
    bundled_starters: tuple[LineItem, ...]
    unknown: tuple[LineItem, ...]
    own_lines: tuple[LineItem, ...]
    reasons: tuple[Reason, ...]
    citations: tuple[Section, ...]

    @property
    def counted(self) -> tuple[LineItem, ...]:
        """Items that earn credit when the deal qualifies (qualifying ones and bundled Starter).

        While an item awaits review (its Starter line's credit unknown), it is counted as it
        would be once confirmed, so a `needs_review` answer shows what is at stake.
        """
        qualifying = self.qualifying or self.unknown
        return qualifying + self.bundled_starters if qualifying else ()

    def counted_mrr(self, currency: str) -> Money:
        """The MRR of the counted items."""
        total = Money.zero(currency)
        for item in self.counted:
            total = total + item.mrr
        return total


def assess(deal: Deal) -> Assessment:
    """Sort the deal's items by the eligibility rules (spec rules 1 to 4)."""
    qualifying: list[LineItem] = []
    starters: list[LineItem] = []
    unknown: list[LineItem] = []
    own: list[LineItem] = []
    reasons: list[Reason] = []
    cites: list[Section] = [Section.DEAL_ELIGIBILITY]
    for item in deal.items:
        held = deal.holding(item.line)
        name = product(item)
        if held is None:
            if item.qualifies_by_itself:
                qualifying.append(item)
                reasons.append(reason("eligibility.qualifying_item", product=name))
            else:
                starters.append(item)
            continue
        upgrade = held.edition is Edition.STARTER and item.edition is not None
        if upgrade and item.edition is not Edition.STARTER:
            cites += [Section.UPSELL, Section.FAQ]
            if held.credited_partner is LineCredit.OTHER:
                reasons.append(reason("eligibility.starter_upgrade_other", product=name))
            elif held.credited_partner is LineCredit.UNKNOWN:
                unknown.append(item)
                reasons.append(reason("eligibility.starter_credit_unknown", product=name))
            else:
                qualifying.append(item)
                reasons.append(reason("eligibility.starter_upgrade", product=name))
            continue
        cites.append(Section.UPSELL)
        reasons.append(reason("eligibility.already_held", product=name))
        if held.credited_partner is LineCredit.SELF:
            own.append(item)
            reasons.append(reason("eligibility.own_line_upsell", line=Term("line", item.line)))
    if qualifying and starters:
        cites.append(Section.FAQ)
        reasons += [reason("eligibility.bundled_starter", product=product(s)) for s in starters]
    return Assessment(tuple(qualifying), tuple(starters), tuple(unknown), tuple(own),
                      tuple(reasons), combine(cites))


def eligibility(deal: Deal, partner: Partner) -> Answer:
    """Whether the deal qualifies for either sales motion, with the items that decide it.

    `partner` is part of the question's facts; eligibility itself does not depend on it, the
    partner kind matters for what a deal earns (see `rules.earnings`).
    """
    del partner
    found = assess(deal)
    reasons = list(found.reasons)
    cites = list(found.citations)
    if found.qualifying:
        outcome = Outcome.ELIGIBLE
        reasons.append(reason("eligibility.discretion"))
        cites.append(Section.COMMISSION_RATES)
    elif found.unknown:
        outcome = Outcome.NEEDS_REVIEW
        reasons.append(reason("eligibility.missing_fact"))
    elif not deal.items:
        outcome = Outcome.NOT_ELIGIBLE
        reasons.append(reason("eligibility.no_items"))
    elif all(item.is_starter for item in deal.items):
        outcome = Outcome.NOT_ELIGIBLE
        reasons.append(reason("eligibility.only_starter"))
    else:
        outcome = Outcome.NOT_ELIGIBLE
        reasons.append(reason("eligibility.no_qualifying_item"))
    return Answer("eligibility", outcome, tuple(reasons), combine(cites))
