"""Clock questions answered as decisions: when a reply, an acceptance or onboarding is due.

    response_due(calendar=tokyo, received_at=t0, absences=[], extensions=[], now=None)

Each returns an `Answer` (question name, reasons, citations, fields) like the other decisions, so
that scenario files, `/roe due` and mentions render clocks the same way as eligibility.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from rules.answers import Answer
from rules.calendars import RegionCalendar
from rules.clocks import (
    Absence,
    Clock,
    Extension,
    collaboration_clock,
    extend,
    onboarding_clock,
    remaining,
    response_clock,
    state,
)
from rules.escalation import plan
from rules.facts_reader import FactError
from rules.regions import RegionDirectory
from rules.sections import Section
from rules.vocabulary import Outcome

__all__ = ["collaboration_due", "due_answer", "onboarding_due", "response_due"]


def due_answer(received: datetime, region: str, regions: RegionDirectory) -> Answer:
    """The response due time of a message received at `received` in `region`, explained (the
    short form `/roe due` and mentions show: no escalation plan, no state)."""
    calendar = regions.calendar(region)
    clock = response_clock(received, calendar)
    return Answer("response_due", Outcome.DECIDED, clock.reasons, (Section.COMMUNICATION,),
                  {"due_at": clock.due_at, "basis": clock.basis.value, "region": region,
                   "received_at": received})


def _clock_fields(clock: Clock, calendar: RegionCalendar | None, now: datetime | None
                  ) -> dict[str, Any]:
    fields: dict[str, Any] = {"due_at": clock.due_at, "basis": clock.basis.value}
    if clock.region is not None:
        fields["region"] = clock.region
    if calendar is not None:
        fields["escalations"] = [
            {"key": s.key, "at": s.at, "action": s.action.value,
             "audience": [a.value for a in s.audience]}
            for s in plan(clock, calendar)
        ]
    if now is not None:
        fields["state"] = state(clock, now, calendar).value
        fields["remaining_seconds"] = int(remaining(clock, calendar, now).total_seconds())
    return fields


def response_due(*, calendar: RegionCalendar, received_at: datetime,
                 absences: Sequence[Absence] = (), extensions: Sequence[Extension] = (),
                 now: datetime | None = None) -> Answer:
    """The 48-hour response clock with its escalation plan (and its state at `now`).

    An extension the clock refuses is a fact error naming `extensions[i].new_due`."""
    clock = response_clock(received_at, calendar, absences=list(absences))
    for index, extension in enumerate(extensions):
        try:
            clock = extend(clock, extension, calendar)
        except ValueError as error:
            raise FactError(f"extensions[{index}].new_due", str(error)) from None
    return Answer("response_due", Outcome.DECIDED, clock.reasons, (Section.COMMUNICATION,),
                  _clock_fields(clock, calendar, now))


def collaboration_due(*, notified_at: datetime, now: datetime | None = None) -> Answer:
    """The 72 hours to accept a HubSpot-owned deal."""
    clock = collaboration_clock(notified_at)
    return Answer("collaboration_due", Outcome.DECIDED, clock.reasons, (Section.OVERLAY_MODEL,),
                  _clock_fields(clock, None, now))


def onboarding_due(*, calendar: RegionCalendar, subscription_start: date,
                   customer_date: date | None = None, now: datetime | None = None) -> Answer:
    """The 10 business days to start onboarding, with the last day as a local date."""
    clock = onboarding_clock(subscription_start, calendar, customer_date=customer_date)
    fields = _clock_fields(clock, calendar, now)
    fields["due_date"] = calendar.local_date(clock.due_at - timedelta(microseconds=1))
    return Answer("onboarding_due", Outcome.DECIDED, clock.reasons, (Section.ONBOARDING,), fields)
