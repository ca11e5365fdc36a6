"""Following a deal up in its thread: response clocks, out of office, extensions, BANT, discounts.

    outcome = on_thread_message(services, ThreadMessage(team, channel, thread_ts, ts, user))
    notice = register_absence(services, actor, start=..., end=..., delegate_user=None)
    notice = file_extension(services, actor, deal_id, extra=timedelta(hours=24), reason="...")
    notice = decide_extension(services, actor, extension_id, approve=True)
    notice = record_bant(services, actor, deal_id, BantFields(...))
    notice = request_discount(services, actor, deal_id, "15% off the first year")
    notice = decide_discount(services, actor, discount_id, approve=True, written="...")

Each use case checks who may act (`bot.permissions`), writes its rows and the messages it sends
(the outbox) in one transaction, refreshes the deal card, and returns a `Notice` for the person
who acted. Thread messages speak the card's language and show times as Slack date tokens, so every
reader sees their own zone; direct messages speak the recipient's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.i18n import lang_of, t
from bot.outbox import enqueue
from bot.permissions import Action, allowed
from bot.usecases.cards import refresh_card
from bot.usecases.clock_store import (
    BANT,
    RESPONSE,
    RESPONSE_KINDS,
    next_action_at,
    rebuild,
    recompute,
    running_owed,
    start_clock,
    stop_clock,
)
from bot.usecases.deals import roles_text as deal_roles_text
from rules import clocks as rc
from rules.answers import Answer, Viewer, render_reason
from rules.conduct import discount as discount_rule
from rules.escalation import plan
from rules.i18n import format_date, format_datetime
from rules.vocabulary import Role
from storage.errors import ChangedMeanwhileError, NotFoundError
from storage.models import (
    Absence,
    BantUpdate,
    Clock,
    ClockState,
    Deal,
    DealMessage,
    DealStatus,
    DealThread,
    DiscountRequest,
    Extension,
    PartnerOrg,
    Party,
    Person,
    RequestStatus,
)
from storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = [
    "ACTIVE_STATUSES",
    "BantFields",
    "Notice",
    "ThreadMessage",
    "bant_history",
    "check_discount_decision",
    "decide_discount",
    "decide_extension",
    "discount_of",
    "file_extension",
    "find_deal",
    "latest_bant",
    "on_thread_message",
    "partner_clock",
    "record_bant",
    "refusal",
    "register_absence",
    "request_discount",
    "roles_text",
    "slack_date",
    "thread_lang",
]

log = logging.getLogger(__name__)

# Deals whose partner owes replies: a registration waiting for its GS, or an accepted deal.
ACTIVE_STATUSES = (DealStatus.REGISTERED, DealStatus.ACCEPTED)
_RETRIES = 3
T = TypeVar("T")

Param = Any


@dataclass(frozen=True)
class Notice:
    """What to tell the person who acted: a message key and its parameters. Datetimes are shown
    in the reader's zone; a callable parameter is given the reader's language."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)
    ok: bool = True
    answer: Answer | None = None

    def text(self, lang: str, tz: tzinfo | None = None) -> str:
        """The notice in `lang`, times in `tz`."""
        shown: dict[str, object] = {}
        for name, value in self.params.items():
            if isinstance(value, datetime):
                shown[name] = format_datetime(value, lang, tz)
            elif isinstance(value, date):
                shown[name] = format_date(value, lang)
            elif callable(value):
                shown[name] = value(lang)
            else:
                shown[name] = value
        return t(self.key, lang, **shown)


def _fail(key: str, **params: Param) -> Notice:
    return Notice(key, params, ok=False)


def roles_text(action: Action) -> Callable[[str], str]:
    """The roles allowed to take `action`, named in a language (for `error.not_allowed`)."""
    def named(lang: str) -> str:
        return deal_roles_text(action, lang)  # one wording for every refusal of the bot
    return named


def _not_allowed(action: Action) -> Notice:
    return _fail("error.not_allowed", roles=roles_text(action))


def slack_date(moment: datetime, lang: str, tz: tzinfo | None) -> str:
    """A Slack date token: each reader sees `moment` in their own zone (the fallback in `tz`)."""
    fallback = format_datetime(moment, lang, tz)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _retrying(work: Callable[[], T]) -> T:
    """Run a unit of work again when it lost a race (a clock or deal changed meanwhile)."""
    for attempt in range(_RETRIES):
        try:
            return work()
        except ChangedMeanwhileError:
            if attempt == _RETRIES - 1:
                raise
            log.info("changed meanwhile; trying again")
    raise AssertionError("unreachable")


# -- where messages go ----------------------------------------------------------------------

def thread_lang(uow: UnitOfWork, deal: Deal) -> str:
    """The language of a deal's thread, as its card speaks: the registering partner's, else
    that of the deal's partner, else the GS's, else English."""
    person = _person(uow, deal.registered_by_id)
    if person is None or person.role is not Role.PARTNER:
        person = None
        if deal.partner_org_id is not None:
            person = uow.session.scalar(select(Person).where(
                Person.partner_org_id == deal.partner_org_id, Person.role == Role.PARTNER,
                Person.active.is_(True)).order_by(Person.id).limit(1))
    if person is None:
        person = _person(uow, deal.gs_id)
    return lang_of(person.locale) if person is not None else "en"


def _partner_viewer(uow: UnitOfWork, deal: Deal) -> Viewer:
    org = uow.session.get(PartnerOrg, deal.partner_org_id) if deal.partner_org_id else None
    return Viewer(Role.PARTNER, org.name if org is not None else "")


def _to_thread(uow: UnitOfWork, deal: Deal, key: str, text: str,
               blocks: list[dict[str, Any]] | None = None) -> None:
    thread = uow.session.get(DealThread, deal.id)
    args: dict[str, Any] = {"text": text}
    if blocks:
        args["blocks"] = blocks
    enqueue(uow, key=key, payload={"method": "chat.postMessage", "thread_of": deal.id,
                                   "args": args},
            channel=thread.channel_id if thread is not None else "",
            thread_ts=thread.thread_ts if thread is not None else None,
            team_id=thread.team_id if thread is not None else None)


def _to_person(uow: UnitOfWork, person: Person, key: str, text: str,
               blocks: list[dict[str, Any]] | None = None) -> None:
    args: dict[str, Any] = {"text": text}
    if blocks:
        args["blocks"] = blocks
    enqueue(uow, key=key, payload={"method": "chat.postMessage", "dm": person.slack_user_id,
                                   "args": args}, team_id=person.slack_team_id)


def _buttons(text: str, buttons: Sequence[tuple[str, str, str, str | None]]
             ) -> list[dict[str, Any]]:
    """A section and a row of buttons: (action_id, label, value, style)."""
    elements = [ButtonElement(text=label, action_id=action_id, value=value, style=style)
                for action_id, label, value, style in buttons]
    return [SectionBlock(text=MarkdownTextObject(text=text)).to_dict(),
            ActionsBlock(elements=elements).to_dict()]


def _person(uow: UnitOfWork, person_id: int | None) -> Person | None:
    return uow.session.get(Person, person_id) if person_id is not None else None


def _reasons(clock: rc.Clock, lang: str, viewer: Viewer, tz: tzinfo) -> list[str]:
    return [render_reason(r, lang, viewer, tz) for r in clock.reasons if r.key != "clock.due"]


# -- finding the deal a command is about ----------------------------------------------------

def find_deal(uow: UnitOfWork, actor: Actor, *, ref: int | None, channel: str | None = None,
              thread_ts: str | None = None) -> Deal | Notice:
    """The deal a command is about: named (`#12`), the thread it was run in, or the actor's only
    open deal. A partner is told nothing about deals that are not its own."""
    deal: Deal | None = None
    if ref is not None:
        try:
            deal = uow.deals.get(ref)
        except NotFoundError:
            return _fail("error.not_your_deal") if actor.role is Role.PARTNER else \
                _fail("followup.problem.no_such_deal", ref=ref)
    elif channel and thread_ts:
        deal = uow.deals.by_thread(channel, thread_ts)
    if deal is None:
        if actor.role is Role.PARTNER and actor.partner_org_id is not None:
            mine = list(uow.deals.for_partner(actor.partner_org_id))
        elif actor.role is Role.GS and actor.person_id is not None:
            mine = list(uow.deals.for_gs(actor.person_id))
        else:
            mine = []
        if len(mine) != 1:
            listed = ", ".join(f"`#{d.id}` {d.company}" for d in mine[:10]) or "-"
            return _fail("followup.problem.which_deal", deals=listed)
        deal = mine[0]
    if actor.role is Role.PARTNER and not actor.owns(deal.partner_org_id):
        return _fail("error.not_your_deal")
    return deal


def refusal(actor: Actor, deal: Deal, action: Action) -> Notice | None:
    """Why `actor` may not take `action` on `deal` now (None when they may)."""
    own = actor.owns(deal.partner_org_id) if actor.role is Role.PARTNER else None
    if not allowed(actor.role, action, own_deal=own):
        return _fail("error.not_your_deal") if actor.role is Role.PARTNER else \
            _not_allowed(action)
    if not deal.is_open:
        return _fail("followup.problem.deal_closed", ref=deal.id)
    return None


# -- clocks from thread messages ------------------------------------------------------------

@dataclass(frozen=True)
class ThreadMessage:
    """A person's message in a channel thread (from a `message` event)."""

    team_id: str
    channel: str
    thread_ts: str
    ts: str
    user: str
    user_team: str | None = None


def _author(uow: UnitOfWork, message: ThreadMessage) -> Person | None:
    for team in dict.fromkeys(x for x in (message.user_team, message.team_id) if x):
        person = uow.directory.person(team, message.user)
        if person is not None:
            return person if person.active else None
    return None


def _announce_due(uow: UnitOfWork, deal: Deal, row: Clock, *, clock: rc.Clock, tz: tzinfo,
                  key: str, headline: str) -> None:
    lang = thread_lang(uow, deal)
    viewer = _partner_viewer(uow, deal)
    due = slack_date(row.due_at, lang, tz)
    lines = [t(headline, lang, due=due)]
    lines += [f"• {r}" for r in _reasons(clock, lang, viewer, tz)]
    _to_thread(uow, deal, key, "\n".join(lines))


def on_thread_message(services: Services, message: ThreadMessage) -> str:
    """Start or stop response clocks for a message in a deal thread; what happened:
    `not_a_deal`, `ignored`, `duplicate` or `recorded` (with `+started`/`+stopped`)."""
    def work() -> str:
        with services.uow(actor=message.user) as uow:
            outcome = _on_thread_message(services, uow, message)
            if outcome.startswith("recorded"):
                try:
                    uow.commit()
                except IntegrityError:  # the same message, handled meanwhile
                    return "duplicate"
                return outcome
            return outcome
    outcome = _retrying(work)
    return outcome


def _on_thread_message(services: Services, uow: UnitOfWork, message: ThreadMessage) -> str:
    deal = uow.deals.by_thread(message.channel, message.thread_ts)
    if deal is None:
        return "not_a_deal"
    author = _author(uow, message)
    if author is None:
        return "ignored"
    if author.role in (Role.GS, Role.ADMIN):
        side = Party.GS
    elif author.role is Role.PARTNER and deal.partner_org_id is not None and \
            author.partner_org_id == deal.partner_org_id:
        side = Party.PARTNER
    else:
        return "ignored"
    if uow.session.scalar(select(DealMessage.id).where(
            DealMessage.deal_id == deal.id, DealMessage.slack_ts == message.ts)) is not None:
        return "duplicate"
    now = services.now()
    record = DealMessage(deal_id=deal.id, slack_ts=message.ts, author_id=author.id, side=side,
                         received_at=now)
    uow.session.add(record)
    try:
        uow.session.flush()
    except IntegrityError:
        uow.rollback()
        return "duplicate"
    outcome = "recorded"
    other = Party.PARTNER if side is Party.GS else Party.GS
    # a reply in the thread stops every response clock of that side, a BANT prompt's included
    for row in running_owed(uow, deal.id, side, kinds=RESPONSE_KINDS):
        stop_clock(row, at=now)
        record.stops_clock = True
    if record.stops_clock:
        outcome += "+stopped"
    owes = deal.status in ACTIVE_STATUSES and (
        deal.partner_org_id is not None if other is Party.PARTNER else deal.gs_id is not None)
    if owes and not running_owed(uow, deal.id, other, kinds=(RESPONSE,)):
        row, clock, calendar = start_clock(uow, services.regions, deal, kind=RESPONSE,
                                           owed_by=other, at=now)
        record.starts_clock = True
        outcome += "+started"
        if other is Party.PARTNER:
            _announce_due(uow, deal, row, clock=clock, tz=calendar.tz,
                          key=f"deal:{deal.id}:clock:{row.id}:due",
                          headline="followup.clock.started")
    if record.starts_clock or record.stops_clock:
        refresh_card(uow, deal.id)
    return outcome


# -- out of office --------------------------------------------------------------------------

def _affected(uow: UnitOfWork, person: Person) -> list[tuple[Deal, Clock]]:
    """Running clocks owed by `person`'s side: their organisation's (a partner) or their
    deals' GS clocks (a GS)."""
    if person.role is Role.PARTNER and person.partner_org_id is not None:
        deals, side = uow.deals.for_partner(person.partner_org_id), Party.PARTNER
    elif person.role is Role.GS:
        deals, side = uow.deals.for_gs(person.id), Party.GS
    else:
        return []
    return [(deal, row) for deal in deals for row in running_owed(uow, deal.id, side)]


def register_absence(services: Services, actor: Actor, *, start: datetime, end: datetime,
                     delegate_user: str | None = None) -> Notice:
    """Register the actor's out of office. Registered before it begins, it pauses their side's
    running clocks (or, with a delegate, the delegate is reminded instead); registered late, it
    changes nothing by itself, and the GS is told so that they may grant an extension."""
    if not allowed(actor.role, Action.REGISTER_ABSENCE) or actor.person_id is None:
        return _not_allowed(Action.REGISTER_ABSENCE)

    def work() -> Notice:
        with services.uow(actor=actor.user_id) as uow:
            notice = _register_absence(services, uow, actor, start=start, end=end,
                                       delegate_user=delegate_user)
            if notice.ok:
                uow.commit()
            return notice
    notice = _retrying(work)
    return notice


def _register_absence(services: Services, uow: UnitOfWork, actor: Actor, *, start: datetime,
                      end: datetime, delegate_user: str | None) -> Notice:
    now = services.now()
    if end <= start:
        return _fail("followup.ooo.error_order")
    if end <= now:
        return _fail("followup.ooo.error_over")
    person = uow.directory.person_by_id(actor.person_id or -1)
    delegate: Person | None = None
    if delegate_user:
        delegate = uow.directory.person(actor.team_id, delegate_user)
        if delegate is None or not delegate.active:
            return _fail("followup.ooo.error_delegate_unknown")
        if delegate.id == person.id:
            return _fail("followup.ooo.error_delegate_self")
    absence = Absence(person_id=person.id, starts_at=start, ends_at=end, registered_at=now,
                      delegate_id=delegate.id if delegate is not None else None)
    uow.session.add(absence)
    uow.session.flush()
    affected = _affected(uow, person)
    if start < now:
        return _late_absence(uow, person, absence, affected)
    moved = 0
    for deal, row in affected:
        before, clock, calendar = recompute(uow, services.regions, row, deal, now=now)
        if row.due_at != before:
            moved += 1
            if row.owed_by is Party.PARTNER:
                _announce_due(uow, deal, row, clock=clock, tz=calendar.tz,
                              key=f"absence:{absence.id}:clock:{row.id}",
                              headline="followup.ooo.moved")
        refresh_card(uow, deal.id)
    if delegate is not None:
        return Notice("followup.ooo.registered_delegate",
                      {"start": start, "end": end, "delegate": delegate.name, "count": moved})
    return Notice("followup.ooo.registered", {"start": start, "end": end, "count": moved})


def _late_absence(uow: UnitOfWork, person: Person, absence: Absence,
                  affected: Sequence[tuple[Deal, Clock]]) -> Notice:
    """A late absence: nothing moves; the GS of each deal concerned is told."""
    deals = {deal.id: deal for deal, _ in affected}
    if not deals and person.role is Role.PARTNER and person.partner_org_id is not None:
        deals = {d.id: d for d in uow.deals.for_partner(person.partner_org_id)}
    told = 0
    if person.role is Role.PARTNER:
        org = uow.session.get(PartnerOrg, person.partner_org_id) if person.partner_org_id \
            else None
        for deal in deals.values():
            gs = _person(uow, deal.gs_id)
            if gs is None:
                continue
            lang, tz = lang_of(gs.locale), _zone(gs.timezone)
            text = t("followup.ooo.late_gs", lang, name=person.name,
                     partner=org.name if org is not None else "-", company=deal.company,
                     ref=deal.id, start=format_datetime(absence.starts_at, lang, tz),
                     end=format_datetime(absence.ends_at, lang, tz))
            blocks = _buttons(text, [("extension_open", t("followup.button.grant_extension", lang),
                                      str(deal.id), "primary")])
            _to_person(uow, gs, f"absence:{absence.id}:late:{deal.id}", text, blocks)
            told += 1
    return Notice("followup.ooo.late" if told else "followup.ooo.late_alone",
                  {"start": absence.starts_at, "end": absence.ends_at})


# -- extensions -----------------------------------------------------------------------------

def partner_clock(uow: UnitOfWork, deal: Deal) -> Clock | None:
    """The partner's running response clock on a deal (the oldest); else the one a breach
    notice is about (breached by the sweep, never answered), which a GS may still extend."""
    rows = running_owed(uow, deal.id, Party.PARTNER)
    if rows:
        return rows[0]
    return uow.session.scalar(select(Clock).where(
        Clock.deal_id == deal.id, Clock.owed_by == Party.PARTNER,
        Clock.kind.in_(RESPONSE_KINDS), Clock.state == ClockState.BREACHED,
        Clock.stopped_at.is_(None)).order_by(Clock.id.desc()).limit(1))


def file_extension(services: Services, actor: Actor, deal_id: int, *,
                   extra: timedelta | None = None, new_due: datetime | None = None,
                   reason: str) -> Notice:
    """A partner asks for more time (the GS approves or declines); a GS or admin grants it."""
    def work() -> Notice:
        with services.uow(actor=actor.user_id) as uow:
            notice = _file_extension(services, uow, actor, deal_id, extra=extra,
                                     new_due=new_due, reason=reason)
            if notice.ok:
                uow.commit()
            return notice
    return _retrying(work)


def _file_extension(services: Services, uow: UnitOfWork, actor: Actor, deal_id: int, *,
                    extra: timedelta | None, new_due: datetime | None, reason: str) -> Notice:
    deal = uow.deals.get(deal_id)
    granting = allowed(actor.role, Action.GRANT_EXTENSION)
    problem = refusal(actor, deal, Action.GRANT_EXTENSION if granting else
                        Action.REQUEST_EXTENSION)
    if problem is not None:
        return problem
    if not reason.strip():
        return _fail("followup.problem.no_reason")
    row = partner_clock(uow, deal)
    if row is None:
        return _fail("followup.extend.no_clock", ref=deal.id)
    if new_due is not None and new_due <= row.due_at:
        return _fail("followup.extend.not_later", due=row.due_at)
    now = services.now()
    ext = Extension(clock_id=row.id, status=RequestStatus.REQUESTED, reason=reason.strip(),
                    requested_by_id=actor.person_id,
                    extra_seconds=int(extra.total_seconds()) if extra is not None else None,
                    new_due=new_due, requested_at=now)
    uow.session.add(ext)
    uow.session.flush()
    if granting:
        return _approve_extension(services, uow, actor, ext, row=row, deal=deal, now=now)
    gs = _person(uow, deal.gs_id)
    if gs is None:
        return _fail("followup.extend.no_gs", ref=deal.id)
    lang, tz = lang_of(gs.locale), _zone(gs.timezone)
    asked = t("followup.extend.asked_hours", lang, hours=int(extra.total_seconds() // 3600)) \
        if extra is not None else t("followup.extend.asked_until", lang,
                                    due=format_datetime(new_due or row.due_at, lang, tz))
    text = t("followup.extend.request_gs", lang, name=actor.name, company=deal.company,
             ref=deal.id, asked=asked, reason=ext.reason,
             due=format_datetime(row.due_at, lang, tz))
    blocks = _buttons(text, [
        ("extension_approve", t("followup.button.approve", lang), str(ext.id), "primary"),
        ("extension_decline", t("followup.button.decline", lang), str(ext.id), "danger")])
    _to_person(uow, gs, f"extension:{ext.id}:request", text, blocks)
    return Notice("followup.extend.requested", {"gs": gs.name, "due": row.due_at})


def _approve_extension(services: Services, uow: UnitOfWork, actor: Actor, ext: Extension, *,
                       row: Clock, deal: Deal, now: datetime) -> Notice:
    clock, calendar = rebuild(uow, services.regions, row, deal)
    granted_by = actor.name or actor.user_id
    try:
        extended = rc.extend(clock, rc.Extension(
            granted_by=granted_by, reason=ext.reason, granted_at=now,
            extra=timedelta(seconds=ext.extra_seconds) if ext.extra_seconds else None,
            new_due=None if ext.extra_seconds else ext.new_due), calendar)
    except ValueError:
        return _fail("followup.extend.not_later", due=row.due_at)
    ext.status = RequestStatus.APPROVED
    ext.decided_by_id = actor.person_id
    ext.decided_at = now
    row.due_at = extended.due_at
    if row.state is ClockState.BREACHED and row.stopped_at is None and extended.due_at > now:
        row.state = ClockState.RUNNING  # extended after its breach notice: running again
        passed = [s.key for s in plan(extended, calendar) if s.at <= now]
        row.escalation_step = passed[-1] if passed else None  # no stale reminders
    row.next_action_at = next_action_at(extended, calendar, since=now, done=row.escalation_step)
    lang = thread_lang(uow, deal)
    _to_thread(uow, deal, f"extension:{ext.id}:granted", t(
        "followup.extend.thread", lang, by=granted_by, why=ext.reason,
        due=slack_date(extended.due_at, lang, calendar.tz)))
    requester = _person(uow, ext.requested_by_id)
    if requester is not None and requester.id != actor.person_id:
        rlang, rtz = lang_of(requester.locale), _zone(requester.timezone)
        _to_person(uow, requester, f"extension:{ext.id}:approved:dm", t(
            "followup.extend.approved_dm", rlang, by=granted_by, company=deal.company,
            ref=deal.id, due=format_datetime(extended.due_at, rlang, rtz)))
    refresh_card(uow, deal.id)
    return Notice("followup.extend.granted", {"due": extended.due_at, "ref": deal.id})


def decide_extension(services: Services, actor: Actor, extension_id: int, *,
                     approve: bool) -> Notice:
    """The GS (or an admin) approves or declines a partner's extension request."""
    if not allowed(actor.role, Action.GRANT_EXTENSION):
        return _not_allowed(Action.GRANT_EXTENSION)

    def work() -> Notice:
        with services.uow(actor=actor.user_id) as uow:
            notice = _decide_extension(services, uow, actor, extension_id, approve=approve)
            if notice.ok:
                uow.commit()
            return notice
    return _retrying(work)


def _decide_extension(services: Services, uow: UnitOfWork, actor: Actor, extension_id: int, *,
                      approve: bool) -> Notice:
    ext = uow.session.get(Extension, extension_id)
    if ext is None:
        return _fail("followup.extend.unknown")
    if ext.status is not RequestStatus.REQUESTED:
        return _fail(f"followup.extend.already_{ext.status.value}")
    row = uow.clocks.get(ext.clock_id)
    deal = uow.deals.get(row.deal_id)
    if row.state is not ClockState.RUNNING:
        return _fail("followup.extend.clock_stopped", ref=deal.id)
    now = services.now()
    if approve:
        return _approve_extension(services, uow, actor, ext, row=row, deal=deal, now=now)
    ext.status = RequestStatus.DECLINED
    ext.decided_by_id = actor.person_id
    ext.decided_at = now
    requester = _person(uow, ext.requested_by_id)
    if requester is not None:
        lang, tz = lang_of(requester.locale), _zone(requester.timezone)
        _to_person(uow, requester, f"extension:{ext.id}:declined:dm", t(
            "followup.extend.declined_dm", lang, by=actor.name, company=deal.company,
            ref=deal.id, due=format_datetime(row.due_at, lang, tz)))
    return Notice("followup.extend.declined", {"ref": deal.id})


# -- BANT -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BantFields:
    """One BANT update as typed in the modal."""

    budget: str
    authority: str
    need: str
    timing: str
    next_step: str | None = None
    expected_close: date | None = None


def latest_bant(uow: UnitOfWork, deal_id: int) -> BantUpdate | None:
    """The deal's latest BANT update (what the card shows)."""
    return uow.session.scalar(select(BantUpdate).where(BantUpdate.deal_id == deal_id)
                              .order_by(BantUpdate.created_at.desc(), BantUpdate.id.desc())
                              .limit(1))


def bant_history(uow: UnitOfWork, deal_id: int) -> list[BantUpdate]:
    """Every BANT update of a deal, oldest first."""
    return list(uow.session.scalars(select(BantUpdate).where(BantUpdate.deal_id == deal_id)
                                    .order_by(BantUpdate.created_at, BantUpdate.id)))


def record_bant(services: Services, actor: Actor, deal_id: int, fields: BantFields) -> Notice:
    """Keep a BANT update (history is never overwritten), stop the clock a BANT prompt started,
    say so in the thread and refresh the card."""
    def work() -> Notice:
        with services.uow(actor=actor.user_id) as uow:
            deal = uow.deals.get(deal_id)
            problem = refusal(actor, deal, Action.UPDATE_BANT)
            if problem is not None:
                return problem
            now = services.now()
            update = BantUpdate(deal_id=deal.id, author_id=actor.person_id, budget=fields.budget,
                                authority=fields.authority, need=fields.need,
                                timing=fields.timing, next_step=fields.next_step,
                                expected_close=fields.expected_close, created_at=now)
            uow.session.add(update)
            if fields.expected_close is not None and fields.expected_close != deal.expected_close:
                deal.expected_close = fields.expected_close  # POI clock and closing prompt follow
            uow.session.flush()
            stopped = 0
            if actor.role is Role.PARTNER:
                for row in running_owed(uow, deal.id, Party.PARTNER, kinds=(BANT,)):
                    stop_clock(row, at=now)
                    stopped += 1
            lang = thread_lang(uow, deal)
            _to_thread(uow, deal, f"bant:{update.id}", t(
                "followup.bant.thread", lang, name=actor.name, budget=fields.budget,
                authority=fields.authority, need=fields.need, timing=fields.timing))
            refresh_card(uow, deal.id)
            uow.commit()
            count = len(bant_history(uow, deal.id))
            return Notice("followup.bant.saved", {"ref": deal.id, "count": count,
                                                  "stopped": stopped})
    return _retrying(work)


# -- discounts ------------------------------------------------------------------------------

def discount_of(uow: UnitOfWork, discount_id: int) -> DiscountRequest | None:
    """A discount request by id."""
    return uow.session.get(DiscountRequest, discount_id)


def request_discount(services: Services, actor: Actor, deal_id: int, description: str
                     ) -> Notice:
    """File a discount for the GS's written approval. Until it is approved in writing, it must
    not be discussed with the customer: the confirmation says so, citing the rules."""
    if not description.strip():
        return _fail("followup.problem.no_description")

    def work() -> Notice:
        with services.uow(actor=actor.user_id) as uow:
            deal = uow.deals.get(deal_id)
            problem = refusal(actor, deal, Action.REQUEST_DISCOUNT)
            if problem is not None:
                return problem
            gs = _person(uow, deal.gs_id)
            if gs is None:
                return _fail("followup.discount.no_gs", ref=deal.id)
            request = DiscountRequest(deal_id=deal.id, requested_by_id=actor.person_id,
                                      description=description.strip(),
                                      status=RequestStatus.REQUESTED,
                                      requested_at=services.now())
            uow.session.add(request)
            uow.session.flush()
            lang = lang_of(gs.locale)
            text = t("followup.discount.request_gs", lang, name=actor.name,
                     company=deal.company, ref=deal.id, description=request.description)
            blocks = _buttons(text, [
                ("discount_approve", t("followup.button.approve_writing", lang),
                 str(request.id), "primary"),
                ("discount_decline", t("followup.button.decline", lang), str(request.id),
                 "danger")])
            _to_person(uow, gs, f"discount:{request.id}:request", text, blocks)
            refresh_card(uow, deal.id)
            uow.commit()
            return Notice("followup.discount.requested", {"gs": gs.name, "ref": deal.id},
                          answer=discount_rule(approved_in_writing=False,
                                               discussed_with_customer=False))
    return _retrying(work)


def check_discount_decision(services: Services, actor: Actor, discount_id: int) -> Notice | None:
    """Why `actor` cannot decide this discount now (None when they can)."""
    if not allowed(actor.role, Action.APPROVE_DISCOUNT):
        return _not_allowed(Action.APPROVE_DISCOUNT)
    with services.uow(actor=actor.user_id) as uow:
        request = discount_of(uow, discount_id)
        if request is None:
            return _fail("followup.discount.unknown")
        if request.status is not RequestStatus.REQUESTED:
            return _fail(f"followup.discount.already_{request.status.value}")
    return None


def decide_discount(services: Services, actor: Actor, discount_id: int, *, approve: bool,
                    written: str | None = None) -> Notice:
    """The GS approves a discount in writing (the wording is kept on the deal) or declines it."""
    problem = check_discount_decision(services, actor, discount_id)
    if problem is not None:
        return problem
    if approve and not (written or "").strip():
        return _fail("followup.discount.wording_required")

    def work() -> Notice:
        with services.uow(actor=actor.user_id) as uow:
            request = discount_of(uow, discount_id)
            assert request is not None
            if request.status is not RequestStatus.REQUESTED:
                return _fail(f"followup.discount.already_{request.status.value}")
            deal = uow.deals.get(request.deal_id)
            now = services.now()
            request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
            request.decided_by_id = actor.person_id
            request.decided_at = now
            lang = thread_lang(uow, deal)
            tz = services.regions.calendar(deal.region_code).tz
            if approve:
                request.written_approval = (written or "").strip()
                quoted = "\n".join(f"> {line}" for line in request.written_approval.splitlines())
                text = t("followup.discount.approved_thread", lang, by=actor.name,
                         at=slack_date(now, lang, tz), description=request.description,
                         wording=quoted)
            else:
                text = t("followup.discount.declined_thread", lang, by=actor.name,
                         description=request.description)
            _to_thread(uow, deal, f"discount:{request.id}:{request.status.value}", text)
            refresh_card(uow, deal.id)
            uow.commit()
            key = "followup.discount.approved" if approve else "followup.discount.declined"
            return Notice(key, {"ref": deal.id, "description": request.description})
    return _retrying(work)
