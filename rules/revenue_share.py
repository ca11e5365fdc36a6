"""The revenue-share schedule (`revenue-share`, `commission-rates`): monthly accruals, quarterly payouts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rules.answers import Answer, Months, reason
from rules.earnings import REVENUE_SHARE_RATE
from rules.facts import Partner
from rules.money import Money
from rules.sections import Section
from rules.vocabulary import Outcome

__all__ = ["Accrual", "Payout", "YearMonth", "revenue_share_schedule", "schedule"]


@dataclass(frozen=True, slots=True, order=True)
class YearMonth:
    """A calendar month, `YYYY-MM`."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise ValueError(f"invalid month {self.year:04d}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        """Parse `2025-08`."""
        year, sep, month = text.partition("-")
        if not sep or len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
            raise ValueError(f"{text!r} is not a month in the form YYYY-MM")
        return cls(int(year), int(month))

    @classmethod
    def of(cls, day: date) -> YearMonth:
        """The month `day` falls in."""
        return cls(day.year, day.month)

    def plus(self, months: int) -> YearMonth:
        """The month `months` later."""
        index = self.year * 12 + self.month - 1 + months
        return YearMonth(index // 12, index % 12 + 1)

    @property
    def quarter(self) -> str:
        """Its calendar quarter, `2025-Q3`."""
        return f"{self.year:04d}-Q{(self.month - 1) // 3 + 1}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class Accrual:
    """One month's accrued revenue share."""

    month: YearMonth
    amount: Money


@dataclass(frozen=True, slots=True)
class Payout:
    """One calendar quarter's payout: the sum of its rounded accruals."""

    quarter: str
    amount: Money
    months: int


def schedule(
    mrr: Money, months: int, start: YearMonth, terminated_on: date | None = None
) -> tuple[list[Accrual], list[Payout]]:
    """Monthly accruals from `start` for up to `months` months, and their quarterly payouts.

    The month in which the subscription ends is the last that accrues. Each accrual is rounded
    half up to the currency's minor unit; payouts add up the rounded accruals.
    """
    monthly = mrr.times(REVENUE_SHARE_RATE).rounded()
    last = YearMonth.of(terminated_on) if terminated_on is not None else None
    accruals: list[Accrual] = []
    for offset in range(months):
        month = start.plus(offset)
        if last is not None and month > last:
            break
        accruals.append(Accrual(month, monthly))
    payouts: list[Payout] = []
    for accrual in accruals:
        quarter = accrual.month.quarter
        if payouts and payouts[-1].quarter == quarter:
            prev = payouts[-1]
            payouts[-1] = Payout(quarter, prev.amount + accrual.amount, prev.months + 1)
        else:
            payouts.append(Payout(quarter, accrual.amount, 1))
    return accruals, payouts


def revenue_share_schedule(
    mrr: Money, partner: Partner, start_month: YearMonth, *, terminated_on: date | None = None
) -> Answer:
    """The full revenue-share schedule of a closed, eligible deal for `partner`."""
    term = partner.months_of_revenue_share
    accruals, payouts = schedule(mrr, term, start_month, terminated_on)
    monthly = mrr.times(REVENUE_SHARE_RATE).rounded()
    total = Money.zero(mrr.currency)
    for accrual in accruals:
        total = total + accrual.amount
    reasons = [
        reason("revenue_share.rate", monthly=monthly, mrr=mrr),
        reason("revenue_share.term_partner" if partner.is_solutions_partner
               else "revenue_share.term_provider", term=Months(term)),
        reason("revenue_share.paid_quarterly"),
    ]
    if terminated_on is not None and len(accruals) < term:
        reasons.append(reason("revenue_share.terminated", day=terminated_on,
                              count=len(accruals)))
    reasons.append(reason("revenue_share.rounding"))
    outcome = Outcome.ELIGIBLE if accruals else Outcome.NOT_ELIGIBLE
    fields = {
        "monthly": monthly,
        "months": len(accruals),
        "total": total,
        "accruals": [{"month": str(a.month), "amount": a.amount} for a in accruals],
        "payouts": [{"quarter": p.quarter, "amount": p.amount, "months": p.months}
                    for p in payouts],
    }
    return Answer("revenue_share", outcome, tuple(reasons),
                  (Section.REVENUE_SHARE, Section.COMMISSION_RATES), fields)
