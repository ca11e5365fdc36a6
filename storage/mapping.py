"""One mapper from ledger rows to the rulebook's facts (`rules.facts`, `rules.clocks`).

The rows come from the repositories; these functions only translate, so a use case, a view and
the sweep all see a deal, a partner and a clock the same way:

    facts = deal_facts(deal, pois=uow.pois.for_deal(deal.id),
                       holdings=uow.deals.holdings(deal.customer_domain))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from rules import clocks as rc
from rules.calendars import RegionCalendar
from rules.facts import Deal as DealFacts
from rules.facts import Holding, Partner
from rules.facts import LineItem as ItemFacts
from rules.money import Money
from rules.vocabulary import LineCredit
from storage.models import (
    Absence,
    Clock,
    Deal,
    Extension,
    PartnerOrg,
    Party,
    Person,
    Poi,
    PoiStatus,
    ProductLineAssociation,
    Standing,
)

__all__ = [
    "GOOD_STANDINGS",
    "ClockInputs",
    "absence_facts",
    "clock_from",
    "clock_inputs",
    "deal_facts",
    "extension_facts",
    "partner_facts",
    "poi_missing",
    "rule_clock",
]

# A warning is the mildest consequence of a breach (ROE-SPEC, consequences): the partner is
# still in good standing; suspended or terminated partners are not.
GOOD_STANDINGS = frozenset({Standing.GOOD, Standing.WARNED})


def partner_facts(org: PartnerOrg | None) -> Partner:
    """A partner organisation as the rules see it (the rules' defaults without one)."""
    if org is None:
        return Partner()
    return Partner(kind=org.kind, tier=org.tier, good_standing=org.standing in GOOD_STANDINGS,
                   accreditations=frozenset(org.accreditations or ()),
                   local_language_exception=bool(org.local_language_exception))


def deal_facts(deal: Deal, *, pois: Iterable[Poi] = (),
               holdings: Iterable[ProductLineAssociation] = (),
               other_partners: bool = True) -> DealFacts:
    """A stored deal's commercial facts: items, the customer's holdings on the deal's lines,
    the customer-signed POI and the close date.

    A POI counts as signed when any of its rows is signed, from the earliest signing date (a
    later "sent" row, a re-sent link, does not unsign it). Holdings recorded by this very deal
    are not the customer's prior holdings. With `other_partners=False` lines held through
    another partner are left out: the deal card is shown to the deal's partner, who must not
    learn that another partner is on the customer.
    """
    items = tuple(ItemFacts(line=i.line, edition=i.edition, mrr=Money(i.mrr, deal.currency))
                  for i in deal.items)
    lines = {i.line for i in items}
    held: list[Holding] = []
    for row in holdings:
        if row.line not in lines or row.deal_id == deal.id:
            continue
        own = deal.partner_org_id is not None and row.partner_org_id == deal.partner_org_id
        if own or other_partners:
            held.append(Holding(line=row.line,
                                credited_partner=LineCredit.SELF if own else LineCredit.OTHER))
    signed = [p for p in pois if p.status is PoiStatus.SIGNED]
    return DealFacts(motion=deal.motion, items=items, customer_holdings=tuple(held),
                     poi_signed=bool(signed),
                     poi_signed_on=min((p.signed_on for p in signed if p.signed_on), default=None),
                     close_date=deal.expected_close)


def poi_missing(pois: Iterable[Poi]) -> bool:
    """Whether the customer has signed no POI yet (answers then assume one, and say so)."""
    return not any(p.status is PoiStatus.SIGNED for p in pois)


def absence_facts(absence: Absence, delegate: Person | None = None) -> rc.Absence:
    """An absence as the clocks see it (the delegate by Slack user id, and named by name)."""
    return rc.Absence(start=absence.starts_at, end=absence.ends_at,
                      registered_at=absence.registered_at,
                      delegate=delegate.slack_user_id if delegate is not None else None,
                      delegate_name=delegate.name if delegate is not None else None)


def extension_facts(extension: Extension, granted_by: Person | None = None) -> rc.Extension:
    """An approved extension as the clocks see it: extra time, or else a new due time."""
    extra = timedelta(seconds=extension.extra_seconds) if extension.extra_seconds else None
    return rc.Extension(granted_by=granted_by.name if granted_by is not None else "GS",
                        reason=extension.reason or "-",
                        granted_at=extension.decided_at or extension.requested_at,
                        extra=extra, new_due=extension.new_due if extra is None else None)


class ClockInputs(NamedTuple):
    """Everything a rule clock is rebuilt from but its calendar: equal inputs on one calendar
    give equal clocks, so a batch plans each distinct one once."""

    kind: str
    started_at: datetime
    stopped_at: datetime | None
    day: date | None  # an onboarding clock's subscription start, a POI clock's expected close
    absences: tuple[rc.Absence, ...]
    extensions: tuple[rc.Extension, ...]


def clock_inputs(kind: str, owed_by: Party, started_at: datetime, stopped_at: datetime | None, *,
                 subscription_start: date | None, expected_close: date | None,
                 partner_absences: Sequence[rc.Absence] = (),
                 gs_absences: Sequence[rc.Absence] = (),
                 extensions: Sequence[rc.Extension] = ()) -> ClockInputs:
    """The inputs `rule_clock` uses of a stored clock and its deal (and only those)."""
    if kind in {"response", "bant"}:
        absences = partner_absences if owed_by is Party.PARTNER else gs_absences
        return ClockInputs(kind, started_at, stopped_at, None, tuple(absences), tuple(extensions))
    day = subscription_start if kind == "onboarding" else expected_close if kind == "poi" else None
    return ClockInputs(kind, started_at, stopped_at, day, (), ())


def clock_from(inputs: ClockInputs, calendar: RegionCalendar) -> rc.Clock | None:
    """The rule clock of `inputs` on `calendar`; None for a kind the rules do not know or whose
    date is missing."""
    kind = inputs.kind
    if kind in {"response", "bant"}:
        clock = rc.response_clock(inputs.started_at, calendar, absences=inputs.absences,
                                  extensions=inputs.extensions)
    elif kind == "collaboration":
        clock = rc.collaboration_clock(inputs.started_at)
    elif kind == "onboarding" and inputs.day is not None:
        clock = rc.onboarding_clock(inputs.day, calendar)
    elif kind == "poi" and inputs.day is not None:
        clock = rc.poi_clock(inputs.day, calendar, opened_at=inputs.started_at)
    else:
        return None
    return rc.stop(clock, inputs.stopped_at) if inputs.stopped_at is not None else clock


def rule_clock(row: Clock, deal: Deal, calendar: RegionCalendar, *,
               partner_absences: Sequence[rc.Absence] = (),
               gs_absences: Sequence[rc.Absence] = (),
               extensions: Sequence[rc.Extension] = ()) -> rc.Clock | None:
    """The rule clock behind a stored one, rebuilt from its inputs (so a calendar change gives
    the new due time); None for a kind the rules do not know or whose date is missing."""
    return clock_from(clock_inputs(row.kind, row.owed_by, row.started_at, row.stopped_at,
                                   subscription_start=deal.subscription_start,
                                   expected_close=deal.expected_close,
                                   partner_absences=partner_absences, gs_absences=gs_absences,
                                   extensions=extensions), calendar)
