"""Cross-sell and upsell (`cross-sell`, `upsell`, `faq`): credit is held per customer and product line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rules.answers import Answer, Reason, Term, reason
from rules.facts import Partner
from rules.sections import Section
from rules.vocabulary import Edition, LineCredit, Outcome

__all__ = ["AssociationConflictError", "associate", "cross_sell", "upsell"]


class AssociationConflictError(ValueError):
    """A product line of the customer is already associated with another partner."""

    def __init__(self, line: str) -> None:
        super().__init__(f"product line {line!r} is already associated with another partner")
        self.line = line


def associate(existing: Mapping[str, str], lines: Iterable[str], partner: str) -> dict[str, str]:
    """The customer's line -> partner associations after `partner` closes `lines`.

    One partner at most holds a line; lines without an association stay open to anyone.
    """
    result = dict(existing)
    for line in lines:
        holder = result.get(line)
        if holder is not None and holder != partner:
            raise AssociationConflictError(line)
        result[line] = partner
    return result


def cross_sell(line: str, association: LineCredit, *, poi_signed: bool | None = None) -> Answer:
    """Whether a partner can earn credit selling `line` to an existing customer."""
    name = Term("line", line)
    cites = [Section.CROSS_SELL]
    reasons: list[Reason]
    if association is LineCredit.NONE:
        outcome = Outcome.ELIGIBLE
        reasons = [reason("cross_sell.open", line=name)]
    elif association is LineCredit.SELF:
        outcome = Outcome.ELIGIBLE
        reasons = [reason("cross_sell.own_line", line=name)]
        cites.append(Section.UPSELL)
    elif association is LineCredit.OTHER:
        outcome = Outcome.NOT_ELIGIBLE
        reasons = [reason("cross_sell.other_line", line=name)]
    else:
        outcome = Outcome.NEEDS_REVIEW
        reasons = [reason("cross_sell.unknown", line=name)]
    reasons.append(reason("cross_sell.one_per_line"))
    if association is not LineCredit.SELF:
        reasons.append(reason("cross_sell.poi_signed" if poi_signed else "cross_sell.poi_needed"))
        cites.append(Section.POI)
    return Answer("cross_sell", outcome, tuple(reasons), tuple(cites))


def upsell(
    partner: Partner,
    line: str,
    from_edition: Edition | None,
    to_edition: Edition | None,
    line_credit: LineCredit,
) -> Answer:
    """Whether an upsell (a higher edition, or more seats at the same edition) earns credit.

    Editions apply to hubs only; for other lines both are None and the upsell is more seats.
    Raises `ValueError` for a downgrade, which is not an upsell.
    """
    del partner  # the upsell rules are the same for solutions partners and providers
    if (from_edition is None) != (to_edition is None):
        raise ValueError("from_edition and to_edition go together")
    if from_edition is not None and to_edition is not None and to_edition.rank < from_edition.rank:
        raise ValueError("a move to a lower edition is not an upsell")
    name = Term("line", line)
    cites = [Section.UPSELL]
    starter_up = (from_edition is Edition.STARTER and to_edition is not None
                  and to_edition.qualifies)
    if line_credit is LineCredit.SELF:
        outcome, key = Outcome.ELIGIBLE, "upsell.own_credit"
    elif line_credit is LineCredit.OTHER:
        outcome, key = Outcome.NOT_ELIGIBLE, "upsell.other_partner"
    elif starter_up and line_credit is LineCredit.NONE:
        outcome, key = Outcome.ELIGIBLE, "upsell.starter_upgrade"
        cites += [Section.FAQ, Section.COMMISSION_RATES]
    elif starter_up:
        outcome, key = Outcome.NEEDS_REVIEW, "upsell.starter_credit_unknown"
    elif from_edition is Edition.PROFESSIONAL and to_edition is Edition.ENTERPRISE:
        outcome, key = Outcome.NOT_ELIGIBLE, "upsell.pro_to_enterprise"
    elif line_credit is LineCredit.UNKNOWN:
        outcome, key = Outcome.NEEDS_REVIEW, "upsell.credit_unknown"
    else:
        outcome, key = Outcome.NOT_ELIGIBLE, "upsell.no_credit"
    reasons = [reason(key, line=name)]
    if outcome is Outcome.ELIGIBLE:
        reasons.append(reason("upsell.full_value"))
    return Answer("upsell", outcome, tuple(reasons), tuple(cites))
