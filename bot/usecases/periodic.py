"""The periodic use cases the scheduler triggers: BANT prompts, the POI and onboarding clocks
(and the planning of GS reply clocks stored before they escalated), and the digests for GSs
and PDMs. Each is idempotent for its day (outbox keys carry the date),
so running one twice, or in two replicas, sends nothing twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Text, ToPerson, ToThread, Typed, due_param, queue
from bot.usecases.clock_store import BANT, escalates, recompute, start_clock
from bot.usecases.sweep_messages import buttons
from rules.vocabulary import Role
from storage.models import Clock, ClockState, Deal, DealStatus, Party

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["PeriodicReport", "bant_prompts", "ensure_clocks", "gs_digests", "pdm_digests"]

BANT_EVERY = timedelta(days=7)
GS_BREACH_WINDOW = timedelta(days=90)  # a GS's own breaches counted in their daily digest


@dataclass
class PeriodicReport:
    """What a periodic job did."""

    prompts: int = 0
    clocks: int = 0
    digests: int = 0


def bant_prompts(services: Services, region: str) -> PeriodicReport:
    """Ask for BANT on each open deal of `region`: once registered (unless its partner already
    shared BANT), then 7 days after the last prompt or partner update (by the region's calendar
    date, so a job that ran late does not shift the schedule), and 2 business days before the
    expected close. Each prompt starts the deal's one BANT clock, owed by the partner: an
    unanswered running one is superseded (cancelled, no breach of its own). Nothing on a day
    that is not a business day in the region."""
    report = PeriodicReport()
    now = services.now()
    calendar = services.regions.calendar(region)
    today = calendar.local_date(now)
    if not calendar.is_business_day(today):
        return report  # the cron runs on working-week days; a holiday waits for the next one
    with services.uow(actor="scheduler") as uow:
        deals = uow.deals.with_status([DealStatus.ACCEPTED], region=region)
        prompted: dict[int, datetime] = {}
        for row in uow.clocks.of_kinds([BANT], deal_ids=[d.id for d in deals]):
            prompted[row.deal_id] = max(prompted.get(row.deal_id, row.started_at), row.started_at)
        for deal in deals:
            updated = _partner_update(uow, deal)
            asked = max((t for t in (prompted.get(deal.id), updated) if t is not None),
                        default=None)
            closing = (deal.expected_close is not None and calendar.is_business_day(today)
                       and deal.expected_close > today
                       and calendar.business_day_after(today, 2) == deal.expected_close)
            if asked is not None and not closing \
                    and today < calendar.local_date(asked) + BANT_EVERY:
                continue
            key = f"bant:{deal.id}:{today.isoformat()}"
            if uow.outbox.by_key(key) is not None:
                continue
            _supersede(uow, deal, now)
            row, _, _ = start_clock(uow, services.regions, deal, kind=BANT, owed_by=Party.PARTNER,
                                    at=now)
            reason = "closing" if closing else ("first" if asked is None else "weekly")
            queue(uow, Outgoing(key, ToThread(deal.id), (Text(
                f"bant.prompt.{reason}", {"company": Typed(deal.company), "due": row.due_at}),),
                buttons(deal.id, ("bant_open",))))
            report.prompts += 1
        uow.commit()
    return report


def _partner_update(uow: AbstractUnitOfWork, deal: Deal) -> datetime | None:
    """When the deal's partner last shared BANT (a GS's own edit asks nothing of the partner)."""
    for update in reversed(uow.bant.history(deal.id)):
        author = uow.directory.find_person(update.author_id)
        if author is not None and deal.partner_org_id is not None \
                and author.partner_org_id == deal.partner_org_id:
            return update.created_at
    return None


def _supersede(uow: AbstractUnitOfWork, deal: Deal, now: datetime) -> None:
    """A new BANT prompt replaces the one still unanswered: its running clock is cancelled (one
    BANT clock at a time; the partner is not held to two prompts for one update)."""
    for row in uow.clocks.running(deal.id, BANT):
        row.state, row.stopped_at, row.next_action_at = ClockState.CANCELLED, now, None


def ensure_clocks(services: Services) -> PeriodicReport:
    """Start the POI clock of accepted deals with an expected close date, and the onboarding
    clock of won deals with a subscription start, where they are missing."""
    report = PeriodicReport()
    now = services.now()
    with services.uow(actor="scheduler") as uow:
        have = {(c.deal_id, c.kind) for c in uow.clocks.of_kinds(["poi", "onboarding"])}
        for deal in uow.deals.with_status([DealStatus.ACCEPTED, DealStatus.WON]):
            if deal.status is DealStatus.ACCEPTED and deal.expected_close is not None \
                    and (deal.id, "poi") not in have and not uow.pois.signed(deal.id):
                start_clock(uow, services.regions, deal, kind="poi", owed_by=Party.PARTNER,
                            at=now)
                report.clocks += 1
            if deal.status is DealStatus.WON and deal.subscription_start is not None \
                    and (deal.id, "onboarding") not in have:
                start_clock(uow, services.regions, deal, kind="onboarding",
                            owed_by=Party.PARTNER, at=now)
                report.clocks += 1
        report.clocks += _plan_gs_clocks(services, uow, now)
        uow.commit()
    return report


def _plan_gs_clocks(services: Services, uow: AbstractUnitOfWork, now: datetime) -> int:
    """GS reply clocks stored when they were only measured (no step planned, none taken) get
    their reminders and breach planned, so the sweep holds them to the rules too; how many."""
    planned = 0
    for region in services.regions.codes():
        for row, deal in uow.clocks.running_in_region(region):
            if escalates(row) and row.owed_by is Party.GS and row.next_action_at is None \
                    and row.escalation_step is None:
                recompute(uow, services.regions, row, deal, now=now)
                planned += 1
    return planned


def _digest_kind(clock: Clock) -> Text:
    """What a digest line says is owed: the GS's own reply, or the partner's kind of reply."""
    if clock.owed_by is Party.GS:
        return Text("digest.kind.gs_response")
    return Text(f"digest.kind.{clock.kind}")


def gs_digests(services: Services, region: str) -> PeriodicReport:
    """Each GS of `region` gets one DM a day listing their deals' running clocks, their own
    overdue replies to partners, and how many of their replies breached in the last 90 days."""
    report = PeriodicReport()
    now = services.now()
    calendar = services.regions.calendar(region)
    today = calendar.local_date(now)
    zone = calendar.spec.timezone  # a POI or onboarding clock ends at midnight there
    if not calendar.is_business_day(today):
        return report  # business mornings only: not on a public holiday or a closure
    with services.uow(actor="scheduler") as uow:
        per_gs: dict[int, list[tuple[Clock, Deal]]] = defaultdict(list)
        for clock, deal in uow.clocks.running_in_region(region):
            if deal.gs_id is not None:
                per_gs[deal.gs_id].append((clock, deal))
        overdue: dict[int, list[tuple[Clock, Deal]]] = defaultdict(list)
        for clock, deal in uow.clocks.unanswered(Party.GS, region=region):
            if deal.gs_id is not None:
                overdue[deal.gs_id].append((clock, deal))
        for gs_id in sorted({*per_gs, *overdue}):
            gs = uow.directory.find_person(gs_id)
            if gs is None or gs.role not in (Role.GS, Role.ADMIN):
                continue
            lines: list[Text] = []
            items = sorted(per_gs.get(gs_id, []), key=lambda p: p[0].due_at)
            if items:
                lines.append(Text("digest.gs.head", {}, len(items)))
                lines.extend(Text("digest.gs.line", {
                    "company": Typed(deal.company), "kind": _digest_kind(clock),
                    "due": due_param(clock.kind, clock.due_at, zone)}) for clock, deal in items)
            late = overdue.get(gs_id, [])
            if late:
                lines.append(Text("digest.gs.overdue", {}, len(late)))
                lines.extend(Text("digest.gs.overdue_line", {
                    "company": Typed(deal.company),
                    "due": due_param(clock.kind, clock.due_at, zone)}) for clock, deal in late)
            breached = len(uow.breaches.of_gs(now - GS_BREACH_WINDOW, gs_id=gs.id, limit=1000))
            if breached:
                lines.append(Text("digest.gs.breaches", {}, breached))
            if queue(uow, Outgoing(f"digest:gs:{gs.id}:{today.isoformat()}", ToPerson(gs.id),
                                   tuple(lines))):
                report.digests += 1
        uow.commit()
    return report


def pdm_digests(services: Services) -> PeriodicReport:
    """Each PDM gets one DM a week: their partners' replies (how many, how many late, the median
    time to reply) and breaches of the last 7 days."""
    report = PeriodicReport()
    now = services.now()
    week = now.isocalendar()
    since = now - timedelta(days=7)
    with services.uow(actor="scheduler") as uow:
        for org in uow.directory.orgs_with_pdm():
            pdm = uow.directory.find_person(org.pdm_id)
            if pdm is None:
                continue
            replies = uow.clocks.stopped_since(org.id, since, owed_by=Party.PARTNER)
            late = sum(1 for c in replies if c.stopped_at and c.stopped_at > c.due_at)
            hours = sorted((c.stopped_at - c.started_at).total_seconds() / 3600
                           for c in replies if c.stopped_at)
            # no median of no replies: "no replies" rather than "median 0.0 hours"
            answered = Text("digest.pdm.replies", {
                "late": late, "median": f"{hours[len(hours) // 2]:.1f}"}, len(replies)) \
                if hours else Text("digest.pdm.no_replies")
            breaches = uow.breaches.count_since(org.id, since)
            text = Text("digest.pdm", {"partner": Typed(org.name), "replies": answered,
                                       "breaches": Text("digest.pdm.breaches", {}, breaches)})
            # GSs' breaches on this partner's deals: told apart, never on the partner's record
            gs_breaches = len(uow.breaches.of_gs(since, org_id=org.id, limit=1000))
            lines = (text, Text("digest.pdm_gs", {"partner": Typed(org.name)}, gs_breaches)) \
                if gs_breaches else (text,)
            key = f"digest:pdm:{pdm.id}:{org.id}:{week.year}-W{week.week:02d}"
            if queue(uow, Outgoing(key, ToPerson(pdm.id), lines)):
                report.digests += 1
        uow.commit()
    return report
