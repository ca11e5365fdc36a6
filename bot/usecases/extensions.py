"""Extensions of the partner's reply: a partner asks for more time and the GS approves or
declines it; a GS (or an admin) grants it at once. Granted, the clock is rebuilt with it and the
thread is told the old and new due time and why (`due_moves`), the requester too.

A breach notice's Extend button names the breached clock (`clock_id`): that clock is extended,
not a newer one. A breached clock whose new due time is after its breach is excused: the breach
leaves the partner's record, and the clock runs again, or is met when the reply already came
before the new due time.

    reply = file_extension(services, actor, FileExtension(DealRef(12), "travel", extra=24h))
    reply = decide_extension(services, actor, DecideExtension(extension_id, approve=True))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.messages import Button, Outgoing, Refused, Reply, Text, ToPerson, ToThread, Typed, queue
from bot.permissions import Action
from bot.usecases.clock_store import RESPONSE_KINDS, next_action_at, rebuild
from bot.usecases.deal_support import DealRef
from bot.usecases.due_moves import announce_moved
from bot.usecases.followup_shared import committed, find_deal, refresh, require_open
from bot.usecases.followup_shared import person as find_person
from bot.usecases.policy import refusal, require
from bot.usecases.response_clocks import partner_clock
from rules import clocks as rc
from rules.calendars import RegionCalendar
from rules.escalation import plan
from storage.models import Clock, ClockState, Deal, Extension, Party, RequestStatus
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["DecideExtension", "ExtensionForm", "FileExtension", "current_due",
           "decide_extension", "file_extension", "open_extension"]


@dataclass(frozen=True)
class FileExtension:
    """More time on a deal's reply: business hours (`extra`) or a new due time, and why."""

    deal: DealRef
    reason: str
    extra: timedelta | None = None
    new_due: datetime | None = None
    clock_id: int | None = None  # the clock a breach notice is about (else the deal's)


@dataclass(frozen=True)
class DecideExtension:
    """The GS's answer to a partner's extension request."""

    extension_id: int
    approve: bool


@dataclass(frozen=True)
class ExtensionForm:
    """What the extension modal shows: the deal, the reply's due time, and whether it grants."""

    deal_id: int
    company: str
    due: datetime
    granting: bool
    clock_id: int | None = None


def _action(actor: Actor) -> Action:
    """A GS or admin grants; anyone else may only ask."""
    return Action.GRANT_EXTENSION if refusal(actor, Action.GRANT_EXTENSION) is None else \
        Action.REQUEST_EXTENSION


def _clock(uow: AbstractUnitOfWork, deal: Deal, clock_id: int | None = None) -> Clock:
    """The clock to extend: the one named (a breach notice's), else the partner's running one
    (or the breached one a notice is about)."""
    if clock_id is None:
        row = partner_clock(uow, deal)
    else:
        row = uow.clocks.find(clock_id)
        if row is not None and (row.deal_id != deal.id or row.owed_by is not Party.PARTNER
                                or row.kind not in RESPONSE_KINDS):
            row = None
    if row is None:
        raise Refused(Reply.refusal("followup.extend.no_clock", ref=deal.id))
    if row.state not in (ClockState.RUNNING, ClockState.BREACHED):
        raise Refused(Reply.refusal("followup.extend.clock_stopped", ref=deal.id))
    return row


def open_extension(services: Services, actor: Actor, deal_id: int,
                   clock_id: int | None = None) -> ExtensionForm:
    """The extension modal for a deal, or for one of its clocks (a breach notice's);
    `Refused` when the actor may not, or nothing runs."""
    with services.uow(actor=actor.user_id) as uow:
        deal = find_deal(uow, actor, DealRef(deal_id))
        action = _action(actor)
        require_open(actor, action, deal)
        row = _clock(uow, deal, clock_id)
        return ExtensionForm(deal.id, deal.company, row.due_at,
                             granting=action is Action.GRANT_EXTENSION, clock_id=clock_id)


def current_due(services: Services, deal_id: int | None,
                clock_id: int | None = None) -> datetime | None:
    """When the partner's reply on a deal (or the clock named) is due now (None without one):
    a new due time entered in the modal must be later."""
    if deal_id is None:
        return None
    with services.uow() as uow:
        deal = uow.deals.find(deal_id)
        if deal is None:
            return None
        try:
            return _clock(uow, deal, clock_id).due_at
        except Refused:
            return None


def file_extension(services: Services, actor: Actor, command: FileExtension) -> Reply:
    """A partner asks for more time (the GS is asked to decide); a GS or admin grants it."""
    return committed(services, actor, lambda uow: _file(services, uow, actor, command))


def _file(services: Services, uow: AbstractUnitOfWork, actor: Actor, command: FileExtension
          ) -> Reply:
    deal = find_deal(uow, actor, command.deal)
    action = _action(actor)
    require_open(actor, action, deal)
    reason = command.reason.strip()
    if not reason:
        raise Refused(Reply.refusal("followup.problem.no_reason"))
    row = _clock(uow, deal, command.clock_id)
    if command.new_due is not None and command.new_due <= row.due_at:
        raise Refused(Reply.refusal("followup.extend.not_later", due=row.due_at))
    now = services.now()
    extra = command.extra
    ext = uow.extensions.add(Extension(
        clock_id=row.id, status=RequestStatus.REQUESTED, reason=reason,
        requested_by_id=actor.person_id, new_due=command.new_due, requested_at=now,
        extra_seconds=int(extra.total_seconds()) if extra is not None else None))
    if action is Action.GRANT_EXTENSION:
        return _approve(services, uow, actor, ext, row=row, deal=deal, now=now)
    gs = find_person(uow, deal.gs_id)
    if gs is None:
        raise Refused(Reply.refusal("followup.extend.no_gs", ref=deal.id))
    asked = Text("followup.extend.asked_hours", {"hours": int(extra.total_seconds() // 3600)}) \
        if extra is not None else \
        Text("followup.extend.asked_until", {"due": command.new_due or row.due_at})
    queue(uow, Outgoing(
        f"extension:{ext.id}:request", ToPerson(gs.id),
        (Text("followup.extend.request_gs", {
            "name": actor.name, "company": Typed(deal.company), "ref": deal.id, "asked": asked,
            "reason": Typed(reason), "due": row.due_at}),),
        buttons=(Button("extension_approve", Text("followup.button.approve"), str(ext.id),
                        "primary"),
                 Button("extension_decline", Text("followup.button.decline"), str(ext.id),
                        "danger")),
        deal_id=deal.id))
    return Reply.of("followup.extend.requested", gs=gs.name, due=row.due_at)


def _approve(services: Services, uow: AbstractUnitOfWork, actor: Actor, ext: Extension, *,
             row: Clock, deal: Deal, now: datetime) -> Reply:
    clock, calendar = rebuild(uow, services.regions, row, deal)
    granted_by = actor.name or actor.user_id
    try:
        extended = rc.extend(clock, rc.Extension(
            granted_by=granted_by, reason=ext.reason, granted_at=now,
            extra=timedelta(seconds=ext.extra_seconds) if ext.extra_seconds else None,
            new_due=None if ext.extra_seconds else ext.new_due), calendar)
    except ValueError:
        raise Refused(Reply.refusal("followup.extend.not_later", due=row.due_at)) from None
    ext.status = RequestStatus.APPROVED
    ext.decided_by_id = actor.person_id
    ext.decided_at = now
    before = row.due_at
    row.due_at = extended.due_at
    excused = _excuse(uow, row, deal, extended, calendar, now=now, before=before)
    if row.state is ClockState.RUNNING:
        _rearm(row, extended, calendar, now=now)
    announce_moved(uow, deal, row, before, "extension", detail=Text(
        "moves.extension_detail", {"by": granted_by, "why": Typed(ext.reason or "")}))
    if excused is not None:
        queue(uow, Outgoing(f"extension:{ext.id}:excused", ToThread(deal.id), (excused,)))
    requester = find_person(uow, ext.requested_by_id)
    if requester is not None and requester.id != actor.person_id:
        queue(uow, Outgoing(f"extension:{ext.id}:approved:dm", ToPerson(requester.id), (
            Text("followup.extend.approved_dm", {
                "by": granted_by, "company": Typed(deal.company), "ref": deal.id,
                "due": extended.due_at}),), deal_id=deal.id))
    refresh(uow, deal.id)
    return Reply.of("followup.extend.granted", due=extended.due_at, ref=deal.id)


def _rearm(row: Clock, extended: rc.Clock, calendar: RegionCalendar, *, now: datetime) -> None:
    """Plan a running (or revived) clock's steps again from its new due time: the steps whose
    time has passed count as taken (no stale reminders), the rest come, the breach last (its
    messages keyed anew by the sweep, so a step taken before the extension is said again)."""
    passed = [s.key for s in plan(extended, calendar) if s.at <= now]
    row.escalation_step = passed[-1] if passed else None
    row.next_action_at = next_action_at(extended, calendar, done=row.escalation_step)


def _excuse(uow: AbstractUnitOfWork, row: Clock, deal: Deal, extended: rc.Clock,
            calendar: RegionCalendar, *, now: datetime, before: datetime) -> Text | None:
    """A breached clock given a due time after its breach: the breach leaves the partner's
    record and the clock is met (the reply came before the new due time) or runs again (no
    reply yet, the new due time to come). What the thread is told; None when nothing changed
    (the clock was not breached, or is breached still at its new due time)."""
    if row.state is not ClockState.BREACHED:
        return None
    breach = uow.breaches.for_clock(row.id)
    if extended.due_at <= (breach.occurred_at if breach is not None else before):
        return None
    reply_at = row.stopped_at
    if reply_at is None:
        reply_at = _reply_after_start(uow, deal, row)
    if reply_at is not None and reply_at <= extended.due_at:
        row.state, row.stopped_at, row.next_action_at = ClockState.MET, reply_at, None
        said = Text("moves.excused_met", {"at": reply_at})
    elif reply_at is None and extended.due_at > now:
        row.state = ClockState.RUNNING
        said = Text("moves.excused_running", {"due": _one_running(uow, row, now=now)})
    else:
        return None
    if breach is not None:
        uow.breaches.remove(breach)
    refresh(uow, deal.id)
    return said


def _one_running(uow: AbstractUnitOfWork, row: Clock, *, now: datetime) -> datetime:
    """A revived clock while a newer one of the same side runs (the GS wrote again after the
    breach): one reply answers both, so one clock runs, the one due later (the extension's
    time, or the newer message's 48 hours); the other is cancelled. When the reply is due."""
    for other in uow.clocks.running(row.deal_id):
        if other.id == row.id or other.owed_by is not row.owed_by or other.kind != row.kind:
            continue
        dropped = other if other.due_at <= row.due_at else row
        dropped.state, dropped.stopped_at, dropped.next_action_at = \
            ClockState.CANCELLED, now, None
    return row.due_at if row.state is ClockState.RUNNING else max(
        (c.due_at for c in uow.clocks.running(row.deal_id)
         if c.owed_by is row.owed_by and c.kind == row.kind), default=row.due_at)


def _reply_after_start(uow: AbstractUnitOfWork, deal: Deal, row: Clock) -> datetime | None:
    """When the partner first wrote after the message that started `row`: a partner message
    received at the same instant but before it (the console's clock, a burst of messages) is
    what the clock answers, not a reply to it."""
    messages = sorted((m for m in uow.messages.for_deal(deal.id) if m.received_at >= row.started_at),
                      key=lambda m: (m.received_at, m.id))
    started_by = max((m.id for m in messages if m.starts_clock and m.side is not Party.PARTNER
                      and m.received_at == row.started_at), default=None)
    return next((m.received_at for m in messages if m.side is Party.PARTNER
                 and (started_by is None or m.id > started_by)), None)


def decide_extension(services: Services, actor: Actor, command: DecideExtension) -> Reply:
    """The GS (or an admin) approves or declines a partner's extension request."""
    require(actor, Action.GRANT_EXTENSION)

    return committed(services, actor, lambda uow: _decide(services, uow, actor, command))


def _decide(services: Services, uow: AbstractUnitOfWork, actor: Actor,
            command: DecideExtension) -> Reply:
    ext = uow.extensions.find(command.extension_id)
    if ext is None:
        raise Refused(Reply.refusal("followup.extend.unknown"))
    if ext.status is not RequestStatus.REQUESTED:
        raise Refused(Reply.refusal(f"followup.extend.already_{ext.status.value}"))
    row = uow.clocks.get(ext.clock_id)
    deal = uow.deals.get(row.deal_id)
    if row.state not in (ClockState.RUNNING, ClockState.BREACHED):
        raise Refused(Reply.refusal("followup.extend.clock_stopped", ref=deal.id))
    now = services.now()
    if command.approve:
        return _approve(services, uow, actor, ext, row=row, deal=deal, now=now)
    ext.status = RequestStatus.DECLINED
    ext.decided_by_id = actor.person_id
    ext.decided_at = now
    requester = find_person(uow, ext.requested_by_id)
    if requester is not None:
        queue(uow, Outgoing(f"extension:{ext.id}:declined:dm", ToPerson(requester.id), (
            Text("followup.extend.declined_dm", {
                "by": actor.name, "company": Typed(deal.company), "ref": deal.id,
                "due": row.due_at}),), deal_id=deal.id))
    return Reply.of("followup.extend.declined", ref=deal.id)
