"""The directory: people, partner organisations, regions and GS routing."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rules.vocabulary import Role
from storage.errors import NotFoundError
from storage.models import GsRoute, PartnerOrg, Person, Region

__all__ = ["DirectoryRepository", "DirectoryRow", "SqlDirectoryRepository"]

DirectoryRow = TypeVar("DirectoryRow", PartnerOrg, Person, Region, GsRoute)


class DirectoryRepository(ABC):
    """People, partner organisations, regions and GS routing."""

    @abstractmethod
    def add(self, row: DirectoryRow) -> DirectoryRow:
        """Store a new organisation, person, region or GS route (its id assigned)."""

    @abstractmethod
    def person(self, team_id: str, user_id: str) -> Person | None:
        """The person behind a Slack user, if known."""

    def person_by_id(self, person_id: int) -> Person:
        """A person by id; `NotFoundError` if none."""
        found = self.find_person(person_id)
        if found is None:
            raise NotFoundError(f"no person {person_id}")
        return found

    @abstractmethod
    def find_person(self, person_id: int | None) -> Person | None:
        """A person by id, or None (also for no id: a deal's optional GS, a PDM not set)."""

    @abstractmethod
    def people(self, ids: Iterable[int] = (), *, org_ids: Iterable[int] = ()) -> Sequence[Person]:
        """People with one of `ids` or of one of the organisations `org_ids` (in bulk, for a
        batch of clocks), by id."""

    @abstractmethod
    def active_people(self, team_id: str | None) -> Sequence[Person]:
        """A workspace's active people (every workspace's for None), by id."""

    @abstractmethod
    def partner_people(self, org_id: int | None) -> Sequence[Person]:
        """An organisation's active partner users, by id (none without an organisation)."""

    def partner_contact(self, org_id: int | None) -> Person | None:
        """An organisation's first active partner user: who a deal's clocks and language
        fall back on when its registrant is not a partner."""
        return next(iter(self.partner_people(org_id)), None)

    @abstractmethod
    def partner(self, name: str) -> PartnerOrg | None:
        """A partner organisation by name."""

    @abstractmethod
    def find_org(self, org_id: int | None) -> PartnerOrg | None:
        """A partner organisation by id, or None (also for no id: a deal not yet offered)."""

    @abstractmethod
    def orgs(self, ids: Iterable[int] | None = None) -> Sequence[PartnerOrg]:
        """Every partner organisation, or those of `ids`, by name (staff only: names them all)."""

    @abstractmethod
    def orgs_of_pdm(self, pdm_id: int) -> Sequence[PartnerOrg]:
        """The organisations a PDM looks after, by name."""

    @abstractmethod
    def orgs_with_pdm(self) -> Sequence[PartnerOrg]:
        """Every organisation that has a PDM (the weekly PDM digests), by name."""

    @abstractmethod
    def region(self, code: str) -> Region | None:
        """A region by code."""

    @abstractmethod
    def regions(self) -> Sequence[Region]:
        """Every region, by code."""

    @abstractmethod
    def gs_for(self, region_code: str, segment: str) -> Person | None:
        """The GS routed for a geography and segment (falling back to the region's `*` route)."""

    @abstractmethod
    def route(self, region_code: str, segment: str) -> GsRoute | None:
        """The GS route of exactly this region and segment (no fallback)."""

    @abstractmethod
    def gs_region(self, gs_id: int) -> str | None:
        """The region of a GS's first route: where a GS's forms and questions start."""

    @abstractmethod
    def staff(self, role: Role) -> Sequence[Person]:
        """Active people of a HubSpot role (GSs, PDMs, admins)."""

    @abstractmethod
    def routes(self) -> Sequence[GsRoute]:
        """Every GS route, by region and segment (the admins' check of the directory)."""


class SqlDirectoryRepository(DirectoryRepository):
    """The directory on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: DirectoryRow) -> DirectoryRow:
        self.session.add(row)
        self.session.flush()
        return row

    def person(self, team_id: str, user_id: str) -> Person | None:
        return self.session.scalar(select(Person).where(Person.slack_team_id == team_id,
                                                        Person.slack_user_id == user_id))

    def find_person(self, person_id: int | None) -> Person | None:
        return None if person_id is None else self.session.get(Person, person_id)

    def people(self, ids: Iterable[int] = (), *, org_ids: Iterable[int] = ()) -> Sequence[Person]:
        wanted, orgs = set(ids), set(org_ids)
        if not wanted and not orgs:
            return []
        return self.session.scalars(select(Person).where(or_(
            Person.id.in_(wanted), Person.partner_org_id.in_(orgs))).order_by(Person.id)).all()

    def active_people(self, team_id: str | None) -> Sequence[Person]:
        query = select(Person).where(Person.active.is_(True))
        if team_id is not None:
            query = query.where(Person.slack_team_id == team_id)
        return self.session.scalars(query.order_by(Person.id)).all()

    def partner_people(self, org_id: int | None) -> Sequence[Person]:
        if org_id is None:
            return []
        return self.session.scalars(select(Person).where(
            Person.partner_org_id == org_id, Person.role == Role.PARTNER,
            Person.active.is_(True)).order_by(Person.id)).all()

    def partner(self, name: str) -> PartnerOrg | None:
        return self.session.scalar(select(PartnerOrg).where(PartnerOrg.name == name))

    def find_org(self, org_id: int | None) -> PartnerOrg | None:
        return None if org_id is None else self.session.get(PartnerOrg, org_id)

    def orgs(self, ids: Iterable[int] | None = None) -> Sequence[PartnerOrg]:
        query = select(PartnerOrg)
        if ids is not None:
            query = query.where(PartnerOrg.id.in_(set(ids)))
        return self.session.scalars(query.order_by(PartnerOrg.name)).all()

    def orgs_of_pdm(self, pdm_id: int) -> Sequence[PartnerOrg]:
        return self.session.scalars(select(PartnerOrg).where(PartnerOrg.pdm_id == pdm_id)
                                    .order_by(PartnerOrg.name)).all()

    def orgs_with_pdm(self) -> Sequence[PartnerOrg]:
        return self.session.scalars(select(PartnerOrg).where(PartnerOrg.pdm_id.is_not(None))
                                    .order_by(PartnerOrg.name)).all()

    def region(self, code: str) -> Region | None:
        return self.session.get(Region, code)

    def regions(self) -> Sequence[Region]:
        return self.session.scalars(select(Region).order_by(Region.code)).all()

    def gs_for(self, region_code: str, segment: str) -> Person | None:
        routes = self.session.scalars(
            select(GsRoute).where(GsRoute.region_code == region_code,
                                  GsRoute.segment.in_([segment, "*"]))).all()
        route = next((r for r in routes if r.segment == segment), None) or \
            next(iter(routes), None)
        return None if route is None else self.session.get(Person, route.gs_id)

    def route(self, region_code: str, segment: str) -> GsRoute | None:
        return self.session.scalar(select(GsRoute).where(GsRoute.region_code == region_code,
                                                         GsRoute.segment == segment))

    def gs_region(self, gs_id: int) -> str | None:
        return self.session.scalar(select(GsRoute.region_code).where(
            GsRoute.gs_id == gs_id).order_by(GsRoute.id).limit(1))

    def staff(self, role: Role) -> Sequence[Person]:
        return self.session.scalars(select(Person).where(Person.role == role,
                                                         Person.active.is_(True))).all()

    def routes(self) -> Sequence[GsRoute]:
        return self.session.scalars(select(GsRoute).order_by(GsRoute.region_code,
                                                             GsRoute.segment)).all()
