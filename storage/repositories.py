"""Repositories: the only doors to the ledger's tables, one per aggregate, over one session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from rules.domains import normalise_domain
from rules.vocabulary import Role
from storage.errors import ChangedMeanwhileError, DuplicateDealError, NotFoundError
from storage.models import (
    OPEN_DEAL_STATUSES,
    AuditEntry,
    BpwCase,
    BpwClaim,
    Breach,
    Clock,
    ClockState,
    Deal,
    DealThread,
    GsRoute,
    OutboxMessage,
    OutboxState,
    PartnerOrg,
    Person,
    ProcessedEvent,
    ProductLineAssociation,
    Region,
)

__all__ = [
    "AuditRepository",
    "BreachRepository",
    "ClockRepository",
    "DealRepository",
    "DirectoryRepository",
    "EventRepository",
    "OutboxRepository",
    "is_open_deal_duplicate",
]


def is_open_deal_duplicate(error: IntegrityError) -> bool:
    """Whether the error is the one-open-deal-per-partner-and-domain index refusing a row.

    PostgreSQL names the index; SQLite names its columns instead.
    """
    message = str(error.orig)
    return ("uq_deals_open_partner_domain" in message
            or "deals.partner_org_id, deals.customer_domain" in message)


class DirectoryRepository:
    """People, partner organisations, regions and GS routing."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def person(self, team_id: str, user_id: str) -> Person | None:
        """The person behind a Slack user, if known."""
        return self.session.scalar(select(Person).where(Person.slack_team_id == team_id,
                                                        Person.slack_user_id == user_id))

    def person_by_id(self, person_id: int) -> Person:
        """A person by id; `NotFoundError` if none."""
        found = self.session.get(Person, person_id)
        if found is None:
            raise NotFoundError(f"no person {person_id}")
        return found

    def partner(self, name: str) -> PartnerOrg | None:
        """A partner organisation by name."""
        return self.session.scalar(select(PartnerOrg).where(PartnerOrg.name == name))

    def region(self, code: str) -> Region | None:
        """A region by code."""
        return self.session.get(Region, code)

    def regions(self) -> Sequence[Region]:
        """Every region."""
        return self.session.scalars(select(Region).order_by(Region.code)).all()

    def gs_for(self, region_code: str, segment: str) -> Person | None:
        """The GS routed for a geography and segment (falling back to the region's `*` route)."""
        routes = self.session.scalars(
            select(GsRoute).where(GsRoute.region_code == region_code,
                                  GsRoute.segment.in_([segment, "*"]))).all()
        route = next((r for r in routes if r.segment == segment), None) or \
            next(iter(routes), None)
        return None if route is None else self.session.get(Person, route.gs_id)

    def staff(self, role: Role) -> Sequence[Person]:
        """Active people of a HubSpot role (GSs, PDMs, admins)."""
        return self.session.scalars(select(Person).where(Person.role == role,
                                                         Person.active.is_(True))).all()

    def partner_people(self, partner_org_id: int | None) -> Sequence[Person]:
        """The active partner people of an organisation, oldest first."""
        if partner_org_id is None:
            return []
        return self.session.scalars(select(Person).where(
            Person.partner_org_id == partner_org_id, Person.role == Role.PARTNER,
            Person.active.is_(True)).order_by(Person.id)).all()


class DealRepository:
    """Deals with their items and threads; enforces one open deal per partner and domain."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, deal_id: int, *, expected_version: int | None = None) -> Deal:
        """A deal with its items; `NotFoundError` if none.

        `expected_version` is the version the editor saw (a modal carries it): if the deal has
        changed since, `ChangedMeanwhileError`, and nothing is written.
        """
        deal = self.session.get(Deal, deal_id, options=[selectinload(Deal.items)])
        if deal is None:
            raise NotFoundError(f"no deal {deal_id}")
        if expected_version is not None and deal.version != expected_version:
            raise ChangedMeanwhileError()
        return deal

    def open_on_domain(self, domain: str) -> Sequence[Deal]:
        """Every open shared deal on a customer domain (staff only: names other partners)."""
        return self.session.scalars(
            select(Deal).where(Deal.customer_domain == normalise_domain(domain),
                               Deal.status.in_(OPEN_DEAL_STATUSES)).order_by(Deal.id)).all()

    def thread(self, deal_id: int) -> DealThread | None:
        """The deal's Slack thread (None before it has one)."""
        return self.session.get(DealThread, deal_id)

    def by_thread(self, channel_id: str, thread_ts: str) -> Deal | None:
        """The deal whose Slack thread this is."""
        return self.session.scalar(select(Deal).join(DealThread).where(
            DealThread.channel_id == channel_id, DealThread.thread_ts == thread_ts))

    def for_partner(self, partner_org_id: int, *, open_only: bool = True,
                    limit: int | None = None) -> Sequence[Deal]:
        """A partner organisation's own deals (the first `limit` of them)."""
        query = select(Deal).where(Deal.partner_org_id == partner_org_id)
        if open_only:
            query = query.where(Deal.status.in_(OPEN_DEAL_STATUSES))
        return self.session.scalars(query.order_by(Deal.id).limit(limit)).all()

    def for_gs(self, gs_id: int, *, open_only: bool = True, limit: int | None = None
               ) -> Sequence[Deal]:
        """A GS's deals (the first `limit` of them)."""
        query = select(Deal).where(Deal.gs_id == gs_id)
        if open_only:
            query = query.where(Deal.status.in_(OPEN_DEAL_STATUSES))
        return self.session.scalars(query.order_by(Deal.id).limit(limit)).all()

    def add(self, deal: Deal, *, at: datetime) -> Deal:
        """Register a new deal. Its domain is normalised; a second open deal of the same partner
        on the domain is refused; another partner's open deal there opens (or joins) a Best
        Partner Wins case for the two."""
        deal.customer_domain = normalise_domain(deal.customer_domain)
        deal.created_at = deal.updated_at = at
        self._lock_domain(deal.customer_domain)
        others = list(self.open_on_domain(deal.customer_domain))
        for other in others:
            if deal.partner_org_id is not None and other.partner_org_id == deal.partner_org_id:
                raise DuplicateDealError(deal.customer_domain, other.id)
        self.session.add(deal)
        try:
            self.session.flush()
        except IntegrityError as error:  # a concurrent registration passed the check above too
            if is_open_deal_duplicate(error):
                raise DuplicateDealError(deal.customer_domain) from None
            raise
        rivals = [o for o in others if o.partner_org_id not in (None, deal.partner_org_id)]
        if rivals and deal.partner_org_id is not None:
            case_id = next((o.bpw_case_id for o in rivals if o.bpw_case_id), None)
            case = self.session.get(BpwCase, case_id) if case_id else None
            if case is None:
                case = BpwCase(customer_domain=deal.customer_domain, opened_at=at)
                self.session.add(case)
                self.session.flush()
            for member in [*rivals, deal]:
                if member.bpw_case_id != case.id:
                    member.bpw_case_id = case.id
                known = {c.partner_org_id for c in case.claims}
                if member.partner_org_id is not None and member.partner_org_id not in known:
                    case.claims.append(BpwClaim(deal_id=member.id,
                                                partner_org_id=member.partner_org_id))
            self.session.flush()
        return deal

    def _lock_domain(self, domain: str) -> None:
        """Serialise registrations on one customer domain until the transaction ends, so that two
        partners registering it at once still find each other (PostgreSQL runs READ COMMITTED;
        SQLite already serialises every transaction)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(domain))))

    def bpw_cases_for(self, viewer: Person) -> Sequence[BpwCase]:
        """Open Best Partner Wins cases: for GSs, PDMs and admins only; a partner sees none."""
        if viewer.role is Role.PARTNER:
            return []
        return self.session.scalars(select(BpwCase).where(BpwCase.status == "open")
                                    .options(selectinload(BpwCase.claims))).all()

    def associations(self, domain: str) -> dict[str, int]:
        """The customer's line -> partner organisation associations."""
        rows = self.session.scalars(select(ProductLineAssociation).where(
            ProductLineAssociation.customer_domain == normalise_domain(domain))).all()
        return {row.line: row.partner_org_id for row in rows}


class ClockRepository:
    """Stored clocks."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, clock: Clock) -> Clock:
        """Store a new clock."""
        self.session.add(clock)
        self.session.flush()
        return clock

    def get(self, clock_id: int) -> Clock:
        """A clock; `NotFoundError` if none."""
        found = self.session.get(Clock, clock_id)
        if found is None:
            raise NotFoundError(f"no clock {clock_id}")
        return found

    def running(self, deal_id: int, kind: str | None = None) -> Sequence[Clock]:
        """A deal's running clocks, of one kind or all."""
        query = select(Clock).where(Clock.deal_id == deal_id, Clock.state == ClockState.RUNNING)
        if kind is not None:
            query = query.where(Clock.kind == kind)
        return self.session.scalars(query.order_by(Clock.id)).all()


class OutboxRepository:
    """Outgoing messages, enqueued once per idempotency key."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.queued = 0  # rows this unit of work added: the pump is woken after its commit

    def enqueue(self, *, key: str, channel: str, payload: dict[str, Any], at: datetime,
                thread_ts: str | None = None, team_id: str | None = None) -> bool:
        """Queue a message unless its key is already queued; True when this call queued it."""
        values = {"idempotency_key": key, "channel": channel, "thread_ts": thread_ts,
                  "team_id": team_id, "payload": payload, "state": OutboxState.PENDING.value,
                  "attempts": 0, "next_attempt_at": at, "created_at": at}
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing(
            index_elements=["idempotency_key"])
        # preserve_rowcount: without it SQLAlchemy 2.1 reports -1 for an INSERT on psycopg
        result = self.session.execute(statement, execution_options={"preserve_rowcount": True})
        added = int(getattr(result, "rowcount", 0)) > 0
        self.queued += added
        return added

    def by_key(self, key: str) -> OutboxMessage | None:
        """The message with this idempotency key."""
        return self.session.scalar(select(OutboxMessage).where(
            OutboxMessage.idempotency_key == key))


class EventRepository:
    """Slack event ids already processed."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def first_time(self, event_id: str, at: datetime) -> bool:
        """Record `event_id`; False if it was already recorded (a retried event)."""
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        result = self.session.execute(insert(ProcessedEvent).values(
            event_id=event_id, received_at=at).on_conflict_do_nothing(index_elements=["event_id"]),
            execution_options={"preserve_rowcount": True})
        return int(getattr(result, "rowcount", 0)) > 0


class BreachRepository:
    """Breaches on partners' records."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, breach: Breach) -> Breach:
        """Record a breach."""
        self.session.add(breach)
        self.session.flush()
        return breach

    def count_since(self, partner_org_id: int, since: datetime) -> int:
        """Breaches of an organisation since an instant (e.g. the last 90 days)."""
        return int(self.session.scalar(select(func.count()).select_from(Breach).where(
            Breach.partner_org_id == partner_org_id, Breach.occurred_at >= since)) or 0)

    def in_window(self, partner_org_id: int, now: datetime, days: int = 90) -> int:
        """Breaches in the `days` before `now`."""
        return self.count_since(partner_org_id, now - timedelta(days=days))


class AuditRepository:
    """The audit log, read-only."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def for_entity(self, entity: str, entity_id: object) -> Sequence[AuditEntry]:
        """Every recorded change of one record, oldest first."""
        return self.session.scalars(select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)).all()
