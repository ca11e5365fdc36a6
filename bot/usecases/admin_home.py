"""What an admin's Home tab shows on top of a GS's and a PDM's: what needs attention.

    data = admin_data(uow, now)                       # inside the Home tab's unit of work
    reply = retry_message(services, actor, RetryMessage(42))

- messages the outbox did not send: refused by the recipient door, given up on after retries
  (dead), held back in a shared channel; counts and the latest few, each with when, where, about
  which deal and why (never what it says); a dead one can be queued again;
- breaches of the last 90 days across every partner organisation;
- channels where a member of another partner organisation is among a partner's deals (Slack
  Connect: the members the bot knows, `uow.channels`), and Slack users who spoke in a deal
  channel without being in the directory (`bot.usecases.strangers` records them);
- the directory's health: people with no time zone or language of their own, organisations
  without a PDM, regions without a GS.

Only admins see it (`home_data` asks for it for an admin alone). Every list is cut to `LATEST`
rows with the total beside it: the Home tab holds at most 100 blocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.context import Actor
from bot.messages import Reply
from bot.permissions import Action
from bot.usecases.channels import deal_of
from bot.usecases.policy import require
from bot.usecases.recipients import Unseen
from rules.i18n import LANGS
from storage.models import Breach, OutboxMessage, OutboxState, Party, Person
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.services import Services

__all__ = [
    "BREACH_WINDOW",
    "LATEST",
    "AdminData",
    "BreachLine",
    "ChannelAlert",
    "DirectoryHealth",
    "OutboxLine",
    "RetryMessage",
    "Stranger",
    "Where",
    "admin_data",
    "retry_message",
]

LATEST = 5  # rows shown per list; the totals say how many there are
NAMES = 10  # names shown per directory problem
BREACH_WINDOW = timedelta(days=90)
_NO_ZONE = frozenset({"", "UTC", "Etc/UTC"})  # the directory's default: no zone was given


@dataclass(frozen=True)
class Where:
    """Where a message would have gone: a deal's thread (`deal_id`, its `channel_id` when
    known), a person's direct messages (`person` by name, or `user_id` for a Slack user), a
    channel (`channel_id`), or something else (`other`, as stored)."""

    kind: str  # thread | person | user | channel | other
    deal_id: int | None = None
    channel_id: str | None = None
    person: str | None = None
    user_id: str | None = None
    other: str | None = None


@dataclass(frozen=True)
class OutboxLine:
    """A message the outbox did not send: when it was queued, where, about which deal, why."""

    id: int
    state: OutboxState
    queued_at: datetime
    attempts: int
    key: str
    where: Where
    team_id: str | None
    deal_id: int | None
    company: str | None
    reason: str | None = None  # refused: `outbox.refused.*`
    who: str | None = None  # refused: whom it would have reached
    error: str | None = None  # dead: Slack's last answer


@dataclass(frozen=True)
class BreachLine:
    """A breach of any organisation."""

    occurred_at: datetime
    org: str
    kind: str
    deal_id: int | None
    company: str | None
    gs: bool = False  # owed by a GS: `org` is then the GS's name


@dataclass(frozen=True)
class ForeignMember:
    """A partner user in a channel where another organisation's deals are posted."""

    name: str
    org: str | None
    since: datetime


@dataclass(frozen=True)
class ChannelAlert:
    """A channel where a member of another partner organisation is among a partner's deals."""

    channel_id: str
    orgs: tuple[str, ...]  # whose deals are posted there
    members: tuple[ForeignMember, ...]

    @property
    def since(self) -> datetime:
        """When the latest of them arrived (as far as the bot knows)."""
        return max(m.since for m in self.members)


@dataclass(frozen=True)
class Stranger:
    """A Slack user who spoke in a deal channel without being in the directory."""

    user_id: str
    channel_id: str
    first_seen: datetime
    last_seen: datetime
    times: int


@dataclass(frozen=True)
class DirectoryHealth:
    """What the directory lacks: names (at most `NAMES` each) and how many in all."""

    no_zone: tuple[str, ...] = ()
    no_zone_count: int = 0
    no_language: tuple[str, ...] = ()
    no_language_count: int = 0
    no_pdm: tuple[str, ...] = ()
    no_pdm_count: int = 0
    no_gs: tuple[str, ...] = ()
    no_gs_count: int = 0

    @property
    def healthy(self) -> bool:
        """Nothing is missing."""
        return not (self.no_zone_count or self.no_language_count or self.no_pdm_count
                    or self.no_gs_count)


@dataclass(frozen=True)
class AdminData:
    """Everything the admin sections show."""

    counts: dict[OutboxState, int]
    refused: tuple[OutboxLine, ...]
    dead: tuple[OutboxLine, ...]
    breach_count: int
    breaches: tuple[BreachLine, ...]
    breaches_by_org: tuple[tuple[str, int], ...]
    channels: tuple[ChannelAlert, ...]
    channel_count: int
    strangers: tuple[Stranger, ...]
    stranger_count: int
    directory: DirectoryHealth


# -- the outbox ---------------------------------------------------------------------------------


def _where(uow: AbstractUnitOfWork, message: OutboxMessage) -> Where:
    """Where a row would have gone, from its conversation (`bot.messages.conversation`,
    `bot.outbox.queueing.conversation_of`)."""
    conversation = message.channel or ""
    kind, _, rest = conversation.partition(":")
    if kind == "deal" and rest.isdigit():
        thread = uow.deals.thread(int(rest))
        return Where("thread", deal_id=int(rest),
                     channel_id=thread.channel_id if thread is not None else None)
    if kind == "person" and rest.isdigit():
        person = uow.directory.find_person(int(rest))
        return Where("person", person=person.name if person is not None else rest)
    if kind == "dm" and rest:
        return Where("user", user_id=rest)
    if conversation[:1] in ("C", "G") and conversation.isalnum():
        return Where("channel", channel_id=conversation)
    if conversation[:1] == "D" and conversation.isalnum():
        return Where("user", user_id=conversation[1:])
    return Where("other", other=conversation or "-")


def _outbox_line(uow: AbstractUnitOfWork, message: OutboxMessage,
                 companies: dict[int, str]) -> OutboxLine:
    unseen = Unseen.recorded(message.last_error) if message.state is OutboxState.REFUSED \
        else None
    deal_id = unseen.deal_id if unseen is not None else deal_of(message.payload)
    if deal_id is not None and deal_id not in companies:
        deal = uow.deals.find(deal_id)
        if deal is not None:
            companies[deal_id] = deal.company
    error = None
    if message.state is OutboxState.DEAD:
        error = message.last_error or "-"
    return OutboxLine(
        id=message.id, state=message.state, queued_at=message.created_at,
        attempts=message.attempts, key=message.idempotency_key, where=_where(uow, message),
        team_id=message.team_id, deal_id=deal_id,
        company=companies.get(deal_id) if deal_id is not None else None,
        reason=unseen.reason if unseen is not None else None,
        who=unseen.who if unseen is not None else None, error=error)


# -- breaches -----------------------------------------------------------------------------------


def _breaches(uow: AbstractUnitOfWork, now: datetime
              ) -> tuple[int, tuple[BreachLine, ...], tuple[tuple[str, int], ...]]:
    since = now - BREACH_WINDOW
    orgs = {o.id: o.name for o in uow.directory.orgs()}
    counts = uow.breaches.counts_since(orgs, since)
    by_org = tuple(sorted(((orgs[org], count) for org, count in counts.items()),
                          key=lambda pair: (-pair[1], pair[0])))
    lines = tuple(_breach_line(uow, b, company, orgs)
                  for b, company in uow.breaches.everywhere(since, limit=LATEST))
    return sum(counts.values()), lines, by_org


def _breach_line(uow: AbstractUnitOfWork, breach: Breach, company: str | None,
                 orgs: dict[int, str]) -> BreachLine:
    """A partner's breach names its organisation; a GS's late reply names the GS."""
    if breach.owed_by is Party.GS:
        person = uow.directory.find_person(breach.person_id) if breach.person_id else None
        return BreachLine(breach.occurred_at, person.name if person else "-", breach.kind,
                          breach.deal_id, company, gs=True)
    return BreachLine(breach.occurred_at, orgs.get(breach.partner_org_id or 0, "-"), breach.kind,
                      breach.deal_id, company)


# -- channels and people ------------------------------------------------------------------------


def _channel_alerts(uow: AbstractUnitOfWork) -> list[ChannelAlert]:
    """Channels where a partner user is among another organisation's deals: a channel a
    partner owns (the directory's `channel`) or where its deals' threads are, and a member of
    another organisation (or a partner user of none) in it."""
    members: dict[str, list[tuple[Person, datetime]]] = defaultdict(list)
    for member, person in uow.channels.partner_members():
        members[member.channel_id].append((person, member.since))
    if not members:
        return []
    orgs = {o.id: o for o in uow.directory.orgs()}
    here: dict[str, set[int]] = defaultdict(set)
    for org in orgs.values():
        if org.channel_id in members:
            here[org.channel_id].add(org.id)
    for channel, posted in uow.channels.deal_orgs(members).items():
        here[channel] |= posted
    alerts: list[ChannelAlert] = []
    for channel, people in members.items():
        owners = here.get(channel, set())
        foreign = tuple(
            ForeignMember(p.name, orgs[p.partner_org_id].name
                          if p.partner_org_id in orgs else None, since)
            for p, since in people
            if owners and (p.partner_org_id is None or owners - {p.partner_org_id}))
        if foreign:
            alerts.append(ChannelAlert(channel, tuple(sorted(orgs[o].name for o in owners)),
                                       foreign))
    alerts.sort(key=lambda a: (a.since, a.channel_id), reverse=True)
    return alerts


def _zone_missing(name: str) -> bool:
    if name in _NO_ZONE:
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return True
    return False


def _directory(uow: AbstractUnitOfWork) -> DirectoryHealth:
    people = uow.directory.active_people(None)
    no_zone = [p.name for p in people if _zone_missing(p.timezone or "")]
    no_language = [p.name for p in people if (p.locale or "") not in LANGS]
    active = {p.id for p in people}
    no_pdm = [o.name for o in uow.directory.orgs() if o.pdm_id not in active]
    served = {r.region_code for r in uow.directory.routes() if r.gs_id in active}
    no_gs = [r.code for r in uow.directory.regions() if r.code not in served]
    return DirectoryHealth(tuple(no_zone[:NAMES]), len(no_zone),
                           tuple(no_language[:NAMES]), len(no_language),
                           tuple(no_pdm[:NAMES]), len(no_pdm), tuple(no_gs[:NAMES]), len(no_gs))


def admin_data(uow: AbstractUnitOfWork, now: datetime) -> AdminData:
    """What needs an admin's attention, read in the caller's unit of work."""
    companies: dict[int, str] = {}
    refused = tuple(_outbox_line(uow, m, companies)
                    for m in uow.outbox.latest(OutboxState.REFUSED, LATEST))
    dead = tuple(_outbox_line(uow, m, companies)
                 for m in uow.outbox.latest(OutboxState.DEAD, LATEST))
    breach_count, breaches, by_org = _breaches(uow, now)
    alerts = _channel_alerts(uow)
    stranger_count, rows = uow.channels.unknown_users(LATEST)
    strangers = tuple(Stranger(r.user_id, r.channel_id, r.first_seen, r.last_seen, r.times)
                      for r in rows)
    return AdminData(counts=uow.outbox.state_counts(), refused=refused, dead=dead,
                     breach_count=breach_count, breaches=breaches, breaches_by_org=by_org,
                     channels=tuple(alerts[:LATEST]), channel_count=len(alerts),
                     strangers=strangers, stranger_count=stranger_count,
                     directory=_directory(uow))


# -- queueing a dead message again ----------------------------------------------------------------


@dataclass(frozen=True)
class RetryMessage:
    """An admin's Retry on a dead message."""

    message_id: int


def retry_message(services: Services, actor: Actor, command: RetryMessage) -> Reply:
    """Queue a dead message again, due now, with all its tries back. Its last error is kept: a
    message Slack may already have (a timeout) is looked for before it is posted again, and the
    recipient door and Slack Connect checks run again when it is sent."""
    require(actor, Action.RETRY_MESSAGE)
    with services.uow(actor=actor.user_id) as uow:
        message = uow.outbox.find(command.message_id)
        if message is None or message.state is not OutboxState.DEAD:
            return Reply.refusal("admin.retry.not_dead", id=command.message_id)
        message.state = OutboxState.PENDING
        message.attempts = 0
        message.next_attempt_at = uow.now()
        message.claimed_by = None
        message.claimed_until = None
        uow.outbox.queued += 1  # the commit wakes the pump
        uow.commit()
    return Reply.of("admin.retry.done", id=command.message_id)

