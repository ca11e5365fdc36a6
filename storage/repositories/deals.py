"""Deals with their items, threads, Best Partner Wins cases and the customers' held lines."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from rules.domains import normalise_domain
from rules.vocabulary import Role
from storage.errors import ChangedMeanwhileError, DuplicateDealError, NotFoundError
from storage.models import (
    OPEN_DEAL_STATUSES,
    BpwCase,
    BpwClaim,
    Deal,
    DealStatus,
    DealThread,
    Person,
    ProductLineAssociation,
)
from storage.repositories.internals import is_open_deal_duplicate

__all__ = ["DealRepository", "SqlDealRepository"]


class DealRepository(ABC):
    """Deals with their items and threads; enforces one open deal per partner and domain."""

    @abstractmethod
    def find(self, deal_id: int | None) -> Deal | None:
        """A deal with its items, or None."""

    def get(self, deal_id: int, *, expected_version: int | None = None) -> Deal:
        """A deal with its items; `NotFoundError` if none.

        `expected_version` is the version the editor saw (a modal carries it): if the deal has
        changed since, `ChangedMeanwhileError`, and nothing is written.
        """
        deal = self.find(deal_id)
        if deal is None:
            raise NotFoundError(f"no deal {deal_id}")
        if expected_version is not None and deal.version != expected_version:
            raise ChangedMeanwhileError()
        return deal

    @abstractmethod
    def many(self, ids: Iterable[int]) -> Sequence[Deal]:
        """The deals of `ids` that exist, by id (a sweep's batch, in one query)."""

    @abstractmethod
    def every(self) -> Sequence[Deal]:
        """Every deal, open or not, by id (staff listings; a partner uses `for_partner`)."""

    @abstractmethod
    def with_status(self, statuses: Iterable[DealStatus], *, region: str | None = None
                    ) -> Sequence[Deal]:
        """Deals in one of `statuses` (of one region), by id: the periodic jobs' work."""

    @abstractmethod
    def open_on_domain(self, domain: str) -> Sequence[Deal]:
        """Every open shared deal on a customer domain (staff only: names other partners)."""

    @abstractmethod
    def on_domain(self, domain: str, partner_org_id: int | None) -> Deal | None:
        """A partner's first deal on a domain, open or not (seeding stays idempotent)."""

    @abstractmethod
    def by_thread(self, channel_id: str, thread_ts: str) -> Deal | None:
        """The deal whose Slack thread this is."""

    @abstractmethod
    def by_card(self, channel_id: str, card_ts: str) -> Deal | None:
        """The deal whose card is this Slack message."""

    @abstractmethod
    def for_partner(self, partner_org_id: int, *, open_only: bool = True,
                    limit: int | None = None) -> Sequence[Deal]:
        """A partner organisation's own deals (the first `limit` of them)."""

    @abstractmethod
    def for_gs(self, gs_id: int, *, open_only: bool = True, limit: int | None = None
               ) -> Sequence[Deal]:
        """A GS's deals (the first `limit` of them)."""

    @abstractmethod
    def add(self, deal: Deal, *, at: datetime) -> Deal:
        """Register a new deal. Its domain is normalised; a second open deal of the same partner
        on the domain is refused (`DuplicateDealError`); another partner's open deal there opens
        (or joins) a Best Partner Wins case for the two."""

    @abstractmethod
    def thread(self, deal_id: int) -> DealThread | None:
        """The deal's Slack thread, if it has one yet."""

    @abstractmethod
    def threads(self, deal_ids: Iterable[int]) -> Sequence[DealThread]:
        """The threads of several deals at once, by deal id."""

    @abstractmethod
    def add_thread(self, thread: DealThread) -> DealThread:
        """Give a deal its thread (`deal.thread` then names it)."""

    @abstractmethod
    def bpw_case(self, case_id: int | None) -> BpwCase | None:
        """A Best Partner Wins case with its claims, or None (staff only: names partners)."""

    @abstractmethod
    def bpw_cases_for(self, viewer: Person) -> Sequence[BpwCase]:
        """Open Best Partner Wins cases: for GSs, PDMs and admins only; a partner sees none."""

    @abstractmethod
    def holdings(self, domain: str) -> Sequence[ProductLineAssociation]:
        """Who holds which of the customer's product lines, by id."""

    @abstractmethod
    def add_holding(self, holding: ProductLineAssociation) -> ProductLineAssociation:
        """Record a sold association on a customer's line (its domain normalised)."""

    def associations(self, domain: str) -> dict[str, int]:
        """The customer's line -> partner organisation associations."""
        return {row.line: row.partner_org_id for row in self.holdings(domain)}


class SqlDealRepository(DealRepository):
    """Deals on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, deal_id: int | None) -> Deal | None:
        if deal_id is None:
            return None
        return self.session.get(Deal, deal_id, options=[selectinload(Deal.items)])

    def many(self, ids: Iterable[int]) -> Sequence[Deal]:
        # items and thread with them: a batch then reads neither deal by deal
        return self.session.scalars(select(Deal).where(Deal.id.in_(set(ids))).order_by(Deal.id)
                                    .options(selectinload(Deal.items), selectinload(Deal.thread))
                                    ).all()

    def every(self) -> Sequence[Deal]:
        return self.session.scalars(select(Deal).order_by(Deal.id)).all()

    def with_status(self, statuses: Iterable[DealStatus], *, region: str | None = None
                    ) -> Sequence[Deal]:
        query = select(Deal).where(Deal.status.in_(list(statuses)))
        if region is not None:
            query = query.where(Deal.region_code == region)
        return self.session.scalars(query.order_by(Deal.id)).all()

    def open_on_domain(self, domain: str) -> Sequence[Deal]:
        return self.session.scalars(
            select(Deal).where(Deal.customer_domain == normalise_domain(domain),
                               Deal.status.in_(OPEN_DEAL_STATUSES)).order_by(Deal.id)).all()

    def on_domain(self, domain: str, partner_org_id: int | None) -> Deal | None:
        query = select(Deal).where(Deal.customer_domain == normalise_domain(domain))
        query = query.where(Deal.partner_org_id.is_(None) if partner_org_id is None
                            else Deal.partner_org_id == partner_org_id)
        return self.session.scalar(query.order_by(Deal.id).limit(1))

    def by_thread(self, channel_id: str, thread_ts: str) -> Deal | None:
        return self.session.scalar(select(Deal).join(DealThread).where(
            DealThread.channel_id == channel_id, DealThread.thread_ts == thread_ts))

    def by_card(self, channel_id: str, card_ts: str) -> Deal | None:
        return self.session.scalar(select(Deal).join(DealThread).where(
            DealThread.channel_id == channel_id, DealThread.card_ts == card_ts))

    def for_partner(self, partner_org_id: int, *, open_only: bool = True,
                    limit: int | None = None) -> Sequence[Deal]:
        query = select(Deal).where(Deal.partner_org_id == partner_org_id)
        if open_only:
            query = query.where(Deal.status.in_(OPEN_DEAL_STATUSES))
        return self.session.scalars(query.order_by(Deal.id).limit(limit)).all()

    def for_gs(self, gs_id: int, *, open_only: bool = True, limit: int | None = None
               ) -> Sequence[Deal]:
        query = select(Deal).where(Deal.gs_id == gs_id)
        if open_only:
            query = query.where(Deal.status.in_(OPEN_DEAL_STATUSES))
        return self.session.scalars(query.order_by(Deal.id).limit(limit)).all()

    def add(self, deal: Deal, *, at: datetime) -> Deal:
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

    def thread(self, deal_id: int) -> DealThread | None:
        return self.session.get(DealThread, deal_id)

    def threads(self, deal_ids: Iterable[int]) -> Sequence[DealThread]:
        return self.session.scalars(select(DealThread).where(
            DealThread.deal_id.in_(set(deal_ids))).order_by(DealThread.deal_id)).all()

    def add_thread(self, thread: DealThread) -> DealThread:
        deal = self.session.get(Deal, thread.deal_id)
        if deal is not None and deal.thread is None:
            deal.thread = thread  # so that a deal already loaded names its new thread
        self.session.add(thread)
        self.session.flush()
        return thread

    def bpw_case(self, case_id: int | None) -> BpwCase | None:
        return None if case_id is None else self.session.get(BpwCase, case_id)

    def bpw_cases_for(self, viewer: Person) -> Sequence[BpwCase]:
        if viewer.role is Role.PARTNER:
            return []
        return self.session.scalars(select(BpwCase).where(BpwCase.status == "open")
                                    .options(selectinload(BpwCase.claims))
                                    .order_by(BpwCase.id)).all()

    def holdings(self, domain: str) -> Sequence[ProductLineAssociation]:
        return self.session.scalars(select(ProductLineAssociation).where(
            ProductLineAssociation.customer_domain == normalise_domain(domain))
            .order_by(ProductLineAssociation.id)).all()

    def add_holding(self, holding: ProductLineAssociation) -> ProductLineAssociation:
        holding.customer_domain = normalise_domain(holding.customer_domain)
        self.session.add(holding)
        self.session.flush()
        return holding
