"""Out of office periods, with their optional delegates."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import Absence, Person

__all__ = ["AbsenceRepository", "SqlAbsenceRepository"]


class AbsenceRepository(ABC):
    """Absences registered by people."""

    @abstractmethod
    def add(self, absence: Absence) -> Absence:
        """Register an absence."""

    @abstractmethod
    def of(self, *, org_ids: Iterable[int] = (), person_ids: Iterable[int] = ()
           ) -> Sequence[tuple[Absence, Person]]:
        """Absences of the people of some organisations or of some people, with the absent
        person, by absence id: what a batch of clocks is rebuilt from."""


class SqlAbsenceRepository(AbsenceRepository):
    """Absences on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, absence: Absence) -> Absence:
        self.session.add(absence)
        self.session.flush()
        return absence

    def of(self, *, org_ids: Iterable[int] = (), person_ids: Iterable[int] = ()
           ) -> Sequence[tuple[Absence, Person]]:
        orgs, people = set(org_ids), set(person_ids)
        if not orgs and not people:
            return []
        rows = self.session.execute(select(Absence, Person).join(
            Person, Absence.person_id == Person.id).where(
            or_(Person.partner_org_id.in_(orgs), Person.id.in_(people))).order_by(Absence.id)).all()
        return [(absence, person) for absence, person in rows]
