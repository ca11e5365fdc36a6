"""Out of office: registered before it begins, an absence pauses its owner's side's running
clocks (or, with a delegate, the delegate is reminded instead); registered late, it changes
nothing by itself, and the GS of each deal concerned is told, so that they may grant an extension.

    reply = register_absence(services, actor, RegisterAbsence(start, end, delegate_user=None))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.messages import Button, Outgoing, Refused, Reply, Text, ToPerson, Typed, queue
from bot.permissions import Action
from bot.usecases.clock_store import recompute, running_owed
from bot.usecases.due_moves import announce_moved
from bot.usecases.followup_shared import committed, refresh
from bot.usecases.followup_shared import person as find_person
from bot.usecases.policy import require, roles
from rules.vocabulary import Role
from storage.models import Absence, Clock, Deal, Party, Person
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["AbsenceForm", "RegisterAbsence", "check_delegate", "colleagues", "may_stand_in",
           "open_absence", "register_absence"]

DELEGATE_FIELD = "ooo_delegate"  # the modal block a delegate refusal belongs to


@dataclass(frozen=True)
class RegisterAbsence:
    """An out of office: from `start` to `end`, with an optional stand-in (a Slack user id)."""

    start: datetime
    end: datetime
    delegate_user: str | None = None


@dataclass(frozen=True)
class AbsenceForm:
    """What the out-of-office modal opens with: now (the start it proposes follows), and the
    colleagues who may stand in (Slack user id, name), by name."""

    now: datetime
    colleagues: tuple[tuple[str, str], ...] = ()


def open_absence(services: Services, actor: Actor) -> AbsenceForm:
    """The out-of-office modal, for someone who may register an absence (else `Refused`)."""
    require(actor, Action.REGISTER_ABSENCE)
    with services.uow(actor=actor.user_id) as uow:
        person = uow.directory.find_person(actor.person_id)
        found = colleagues(uow, person) if person is not None else []
    return AbsenceForm(now=services.now(),
                       colleagues=tuple((p.slack_user_id, p.name) for p in found))


def may_stand_in(absent: Person, delegate: Person) -> bool:
    """Whether `delegate` may stand in for `absent`: an active colleague of the same role and
    the same organisation (a GS names a GS; a partner a colleague of its own partner
    organisation, never someone of another one, who would then hear about its deals)."""
    return delegate.active and delegate.id != absent.id and delegate.role is absent.role \
        and delegate.partner_org_id == absent.partner_org_id \
        and delegate.slack_team_id == absent.slack_team_id


def colleagues(uow: AbstractUnitOfWork, person: Person) -> list[Person]:
    """Who may stand in for `person` (`may_stand_in`), by name: what the modal offers."""
    if person.role is Role.PARTNER:
        found = uow.directory.partner_people(person.partner_org_id)
    else:
        found = uow.directory.staff(person.role)
    return sorted((p for p in found if may_stand_in(person, p)), key=lambda p: (p.name, p.id))


def _delegate(uow: AbstractUnitOfWork, actor: Actor, user: str | None) -> Person | None:
    """The stand-in named (None for none); `Refused` for oneself or someone unknown."""
    if not user:
        return None
    if user == actor.user_id:
        raise Refused(Reply.refusal("followup.ooo.error_delegate_self", field=DELEGATE_FIELD))
    delegate = uow.directory.person(actor.team_id, user)
    if delegate is None or not delegate.active:
        raise Refused(Reply.refusal("followup.ooo.error_delegate_unknown", field=DELEGATE_FIELD))
    if delegate.id == actor.person_id:
        raise Refused(Reply.refusal("followup.ooo.error_delegate_self", field=DELEGATE_FIELD))
    absent = uow.directory.find_person(actor.person_id)
    if absent is None or not may_stand_in(absent, delegate):
        raise Refused(Reply.refusal("followup.ooo.error_delegate_colleague",
                                    field=DELEGATE_FIELD))
    return delegate


def check_delegate(services: Services, actor: Actor, delegate_user: str | None) -> None:
    """Go on only if the stand-in named may stand in (the modal checks before it closes)."""
    if not delegate_user:
        return
    with services.uow(actor=actor.user_id) as uow:
        _delegate(uow, actor, delegate_user)


def _affected(uow: AbstractUnitOfWork, person: Person) -> list[tuple[Deal, Clock]]:
    """Running clocks owed by `person`'s side: their organisation's (a partner) or their
    deals' GS clocks (a GS)."""
    if person.role is Role.PARTNER and person.partner_org_id is not None:
        deals, side = uow.deals.for_partner(person.partner_org_id), Party.PARTNER
    elif person.role is Role.GS:
        deals, side = uow.deals.for_gs(person.id), Party.GS
    else:
        return []
    return [(deal, row) for deal in deals for row in running_owed(uow, deal.id, side)]


def register_absence(services: Services, actor: Actor, command: RegisterAbsence) -> Reply:
    """Register the actor's out of office (`Refused` when they may not, or it makes no sense)."""
    require(actor, Action.REGISTER_ABSENCE)
    if actor.person_id is None:
        raise Refused(Reply.refusal("error.not_allowed", roles=roles(Action.REGISTER_ABSENCE)))

    return committed(services, actor, lambda uow: _register(services, uow, actor, command))


def _register(services: Services, uow: AbstractUnitOfWork, actor: Actor,
              command: RegisterAbsence) -> Reply:
    now = services.now()
    start, end = command.start, command.end
    if end <= start:
        raise Refused(Reply.refusal("followup.ooo.error_order", field="ooo_end"))
    if end <= now:
        raise Refused(Reply.refusal("followup.ooo.error_over", field="ooo_end"))
    person = uow.directory.person_by_id(actor.person_id or -1)
    delegate = _delegate(uow, actor, command.delegate_user)
    absence = uow.absences.add(Absence(
        person_id=person.id, starts_at=start, ends_at=end, registered_at=now,
        delegate_id=delegate.id if delegate is not None else None))
    affected = _affected(uow, person)
    if start < now:
        return _late(uow, person, absence, affected)
    moved = 0
    for deal, row in affected:
        before, _, _ = recompute(uow, services.regions, row, deal, now=now)
        if announce_moved(uow, deal, row, before, "absence"):  # the thread: old, new, why
            moved += 1
        refresh(uow, deal.id)
    if delegate is not None:
        return Reply.of("followup.ooo.registered_delegate", start=start, end=end,
                        delegate=delegate.name, count=moved)
    return Reply.of("followup.ooo.registered", start=start, end=end, count=moved)


def _late(uow: AbstractUnitOfWork, person: Person, absence: Absence,
          affected: Sequence[tuple[Deal, Clock]]) -> Reply:
    """A late absence: nothing moves; the GS of each deal concerned is told."""
    deals = {deal.id: deal for deal, _ in affected}
    if not deals and person.role is Role.PARTNER and person.partner_org_id is not None:
        deals = {d.id: d for d in uow.deals.for_partner(person.partner_org_id)}
    told = 0
    if person.role is Role.PARTNER:
        org = uow.directory.find_org(person.partner_org_id)
        for deal in deals.values():
            gs = find_person(uow, deal.gs_id)
            if gs is None:
                continue
            queue(uow, Outgoing(
                f"absence:{absence.id}:late:{deal.id}", ToPerson(gs.id),
                (Text("followup.ooo.late_gs", {
                    "name": person.name, "partner": org.name if org is not None else "-",
                    "company": Typed(deal.company), "ref": deal.id,
                    "start": absence.starts_at, "end": absence.ends_at}),),
                buttons=(Button("extension_open", Text("followup.button.grant_extension"),
                                str(deal.id), "primary"),),
                deal_id=deal.id))
            told += 1
    return Reply.of("followup.ooo.late" if told else "followup.ooo.late_alone",
                    start=absence.starts_at, end=absence.ends_at)
