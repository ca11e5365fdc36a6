"""The periodic use cases the scheduler triggers: BANT prompts, the POI and onboarding clocks,
and the digests for GSs and PDMs. Each is idempotent for its day (outbox keys carry the date),
so running one twice, or in two replicas, sends nothing twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.i18n import t, tn
from bot.outbox import enqueue
from bot.usecases.clock_store import BANT, start_clock
from bot.usecases.followup import thread_lang
from bot.views.reminders import buttons, due_token, message
from rules.vocabulary import Role
from storage.models import (
    OPEN_DEAL_STATUSES,
    Breach,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    PartnerOrg,
    Party,
    Person,
    Poi,
    PoiStatus,
)

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import UnitOfWork

__all__ = ["PeriodicReport", "bant_prompts", "ensure_clocks", "gs_digests", "pdm_digests"]

BANT_EVERY = timedelta(days=7)


@dataclass
class PeriodicReport:
    """What a periodic job did."""

    prompts: int = 0
    clocks: int = 0
    digests: int = 0


def _lang(person: Person | None) -> str:
    return person.locale if person is not None and person.locale in ("en", "ja") else "en"


def bant_prompts(services: Services, region: str) -> PeriodicReport:
    """Ask for BANT on each open deal of `region` that is new, was last asked 7 days ago, or
    closes in 2 business days; each prompt starts a response clock owed by the partner. Nothing
    on a day that is not a business day in the region."""
    report = PeriodicReport()
    now = services.now()
    calendar = services.regions.calendar(region)
    today = calendar.local_date(now)
    if not calendar.is_business_day(today):
        return report  # the cron runs on working-week days; a holiday waits for the next one
    with services.uow(actor="scheduler") as uow:
        deals = uow.session.scalars(select(Deal).where(
            Deal.region_code == region, Deal.status == DealStatus.ACCEPTED)).all()
        last: dict[int, datetime] = {}
        for row in uow.session.scalars(select(Clock).where(
                Clock.kind == "bant", Clock.deal_id.in_([d.id for d in deals]))):
            last[row.deal_id] = max(last.get(row.deal_id, row.started_at), row.started_at)
        for deal in deals:
            asked = last.get(deal.id)
            closing = (deal.expected_close is not None and calendar.is_business_day(today)
                       and deal.expected_close > today
                       and calendar.business_day_after(today, 2) == deal.expected_close)
            if asked is not None and now - asked < BANT_EVERY and not closing:
                continue
            key = f"bant:{deal.id}:{today.isoformat()}"
            if uow.outbox.by_key(key) is not None:
                continue
            lang = thread_lang(uow, deal)
            row, _, _ = start_clock(uow, services.regions, deal, kind=BANT, owed_by=Party.PARTNER,
                                    at=now)
            reason = "closing" if closing else ("first" if asked is None else "weekly")
            text = t(f"bant.prompt.{reason}", lang, company=deal.company,
                     due=due_token(row.due_at, lang))
            enqueue(uow, key=key, payload={"method": "chat.postMessage", "thread_of": deal.id,
                                           "args": message(text, [buttons(lang, deal.id,
                                                                          ("bant_open",))])})
            report.prompts += 1
        uow.commit()
    return report


def ensure_clocks(services: Services) -> PeriodicReport:
    """Start the POI clock of accepted deals with an expected close date, and the onboarding
    clock of won deals with a subscription start, where they are missing."""
    report = PeriodicReport()
    now = services.now()
    with services.uow(actor="scheduler") as uow:
        have = {(c.deal_id, c.kind) for c in uow.session.scalars(select(Clock).where(
            Clock.kind.in_(("poi", "onboarding"))))}
        for deal in uow.session.scalars(select(Deal).where(
                Deal.status.in_((DealStatus.ACCEPTED, DealStatus.WON)))):
            if deal.status is DealStatus.ACCEPTED and deal.expected_close is not None \
                    and (deal.id, "poi") not in have and not _poi_signed(uow, deal):
                start_clock(uow, services.regions, deal, kind="poi", owed_by=Party.PARTNER,
                            at=now)
                report.clocks += 1
            if deal.status is DealStatus.WON and deal.subscription_start is not None \
                    and (deal.id, "onboarding") not in have:
                start_clock(uow, services.regions, deal, kind="onboarding",
                            owed_by=Party.PARTNER, at=now)
                report.clocks += 1
        uow.commit()
    return report


def _poi_signed(uow: UnitOfWork, deal: Deal) -> bool:
    return uow.session.scalar(select(Poi.id).where(Poi.deal_id == deal.id,
                                                   Poi.status == PoiStatus.SIGNED)) is not None


def gs_digests(services: Services, region: str) -> PeriodicReport:
    """Each GS of `region` gets one DM a day listing their deals' running clocks."""
    report = PeriodicReport()
    now = services.now()
    calendar = services.regions.calendar(region)
    today = calendar.local_date(now)
    if not calendar.is_business_day(today):
        return report  # business mornings only: not on a public holiday or a closure
    with services.uow(actor="scheduler") as uow:
        rows = uow.session.execute(select(Clock, Deal).join(Deal, Clock.deal_id == Deal.id).where(
            Deal.region_code == region, Clock.state == ClockState.RUNNING,
            Deal.status.in_(OPEN_DEAL_STATUSES))).all()
        per_gs: dict[int, list[tuple[Clock, Deal]]] = defaultdict(list)
        for clock, deal in rows:
            if deal.gs_id is not None:
                per_gs[deal.gs_id].append((clock, deal))
        for gs_id, items in per_gs.items():
            gs = uow.session.get(Person, gs_id)
            if gs is None or gs.role not in (Role.GS, Role.ADMIN):
                continue
            lang = _lang(gs)
            lines = "\n".join(
                "• " + t("digest.gs.line", lang, company=deal.company,
                         kind=t(f"digest.kind.{clock.kind}", lang),
                         due=due_token(clock.due_at, lang))
                for clock, deal in sorted(items, key=lambda pair: pair[0].due_at))
            text = tn("digest.gs", lang, len(items), lines=lines)
            if enqueue(uow, key=f"digest:gs:{gs.id}:{today.isoformat()}",
                       payload={"method": "chat.postMessage", "dm": gs.slack_user_id,
                                "args": message(text)}):
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
        for org in uow.session.scalars(select(PartnerOrg).where(PartnerOrg.pdm_id.is_not(None))):
            pdm = uow.session.get(Person, org.pdm_id)
            if pdm is None:
                continue
            lang = _lang(pdm)
            replies = uow.session.execute(select(Clock.started_at, Clock.stopped_at, Clock.due_at)
                                          .join(Deal, Clock.deal_id == Deal.id).where(
                Deal.partner_org_id == org.id, Clock.owed_by == Party.PARTNER,
                Clock.stopped_at.is_not(None), Clock.stopped_at >= since)).all()
            late = sum(1 for _, stopped, due in replies if stopped and stopped > due)
            hours = sorted((stopped - started).total_seconds() / 3600
                           for started, stopped, _ in replies if stopped)
            median = hours[len(hours) // 2] if hours else 0.0
            breaches = uow.session.scalars(select(Breach.id).where(
                Breach.partner_org_id == org.id, Breach.occurred_at >= since)).all()
            text = t("digest.pdm", lang, partner=org.name, replies=len(replies), late=late,
                     median=f"{median:.1f}", breaches=len(breaches))
            if enqueue(uow, key=f"digest:pdm:{pdm.id}:{org.id}:{week.year}-W{week.week:02d}",
                       payload={"method": "chat.postMessage", "dm": pdm.slack_user_id,
                                "args": message(text)}):
                report.digests += 1
        uow.commit()
    return report
