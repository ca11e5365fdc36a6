"""Slack Connect awareness: a deal is posted to a channel only while no member of another
partner organisation is in it.

Partners share Slack Connect channels with HubSpot. What the bot knows of a channel's members
(`uow.channels`) is read in full with `conversations.members` the first time a deal is posted
there (or again after the channel is shared with another organisation) and kept current from
`member_joined_channel` / `member_left_channel` events. Members are matched to the directory by
Slack user id; a member of another partner organisation holds back every message about the
partner's deals there (cards, thread messages, reminders, digests): the outbox row is kept as
`held`, never sent elsewhere, and the admins are told once per situation, in their language.
When such a member leaves, the held rows are put back to pending and checked again.

The outbox calls `check_post` (and `check_thread` before waiting for a card) while rendering;
the recipient door (`bot.usecases.audience` and the recipient check) can ask
`foreign_members` / `channel_is_private_to` for the same answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.messages import Outgoing, Text, ToPerson, Typed, queue
from rules.vocabulary import Role
from storage.models import Deal, OutboxMessage, OutboxState, Person

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = [
    "Alerted",
    "HeldBack",
    "MemberIds",
    "MembershipEvent",
    "channel_is_private_to",
    "check_post",
    "check_thread",
    "deal_of",
    "foreign_members",
    "hold",
    "is_channel",
    "member_joined",
    "member_left",
    "members_changed",
    "on_membership",
]

MemberIds = Callable[[str], Sequence[str]]  # every member of a channel, read from Slack

_CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,40}$")  # public and private channels (not DMs: D…)
POSTS = frozenset({"chat.postMessage", "chat.update", "chat.scheduleMessage"})


def is_channel(channel: str | None) -> bool:
    """Whether a Slack conversation id names a channel several people read (not a DM)."""
    return bool(channel) and _CHANNEL.match(str(channel)) is not None


class HeldBack(Exception):  # noqa: N818 - a state to keep, not a failure
    """A message about `deal` would land in `channel`, where `foreign` (people of another
    partner organisation) are members."""

    def __init__(self, channel: str, deal: Deal, foreign: Sequence[Person]) -> None:
        super().__init__(f"{channel}: {len(foreign)} member(s) of another partner organisation")
        self.channel = channel
        self.deal = deal
        self.foreign = tuple(foreign)


def _ensure_members(uow: AbstractUnitOfWork, member_ids: MemberIds, channel: str) -> None:
    if not uow.channels.members_known(channel):
        uow.channels.set_members(channel, member_ids(channel), uow.now())


def foreign_members(uow: AbstractUnitOfWork, channel: str, org_id: int | None
                    ) -> list[Person]:
    """The members of `channel` who belong to a partner organisation other than `org_id`
    (as far as the bot knows: read the members first; staff and strangers do not count)."""
    return [p for p in uow.channels.people_in(channel)
            if (p.partner_org_id is not None and p.partner_org_id != org_id)
            or (p.role is Role.PARTNER and p.partner_org_id is None)]


def channel_is_private_to(uow: AbstractUnitOfWork, channel: str, org_id: int | None) -> bool:
    """Whether only `org_id`'s people (and staff) are in `channel`, as far as the bot knows."""
    return not foreign_members(uow, channel, org_id)


def _check(uow: AbstractUnitOfWork, member_ids: MemberIds, deal_id: int, channel: str) -> None:
    if not is_channel(channel):
        return
    deal = uow.deals.find(deal_id)
    if deal is None:
        return
    _ensure_members(uow, member_ids, channel)
    foreign = foreign_members(uow, channel, deal.partner_org_id)
    if foreign:
        raise HeldBack(channel, deal, foreign)


def deal_of(payload: Mapping[str, Any]) -> int | None:
    """The deal an outbox payload is about (typed or raw), if any."""
    raw = payload.get("deal_id") or payload.get("thread_of") or \
        (payload.get("to") or {}).get("thread")
    return int(raw) if raw is not None else None


def check_thread(uow: AbstractUnitOfWork, member_ids: MemberIds, payload: Mapping[str, Any]
                 ) -> None:
    """Before a deal thread's message waits for its card: `HeldBack` when the thread's channel
    has a member of another partner organisation (so it is held, not waiting forever)."""
    to = payload.get("to") or {}
    raw = to.get("thread") if isinstance(to, dict) else None
    raw = raw if raw is not None else payload.get("thread_of")
    if raw is None:
        return
    thread = uow.deals.thread(int(raw))
    if thread is not None:
        _check(uow, member_ids, int(raw), thread.channel_id)


def check_post(uow: AbstractUnitOfWork, member_ids: MemberIds, payload: Mapping[str, Any],
               method: str, args: Mapping[str, Any]) -> None:
    """A rendered row about a deal that posts to a channel: `HeldBack` when a member of another
    partner organisation is there. Direct messages are left to the recipient check."""
    deal_id = deal_of(payload)
    if deal_id is None or method not in POSTS:
        return
    _check(uow, member_ids, deal_id, str(args.get("channel") or ""))


def hold(uow: AbstractUnitOfWork, message: OutboxMessage, held: HeldBack) -> None:
    """Keep the row as held (not sent, not dead) and tell the admins, once per situation."""
    message.state = OutboxState.HELD
    message.last_error = f"held: {held}"
    message.claimed_by = None
    message.claimed_until = None
    _alert_admins(uow, held.channel, held.deal.partner_org_id, held.foreign, held.deal)


def _situation(uow: AbstractUnitOfWork, channel: str, foreign: Sequence[Person]) -> str:
    """Who of another organisation is there and since when: a new alert when that changes."""
    since = {m.user_id: m.since for m in uow.channels.members(channel)}
    seen = sorted(f"{p.slack_user_id}@{since[p.slack_user_id].isoformat()}"
                  if p.slack_user_id in since else p.slack_user_id for p in foreign)
    return hashlib.sha256("|".join(seen).encode()).hexdigest()[:12]


def _alert_admins(uow: AbstractUnitOfWork, channel: str, org_id: int | None,
                  foreign: Sequence[Person], deal: Deal | None = None) -> int:
    """Tell every admin which of the partner's deals are held back in `channel` and why: once
    per situation (who of another organisation is there, since when); a deal held back later
    in the same situation (registered after they were told) is news of its own."""
    situation = _situation(uow, channel, foreign)
    key = f"held:{channel}:{org_id}:{situation}"
    admins = uow.directory.staff(Role.ADMIN)
    if deal is not None and admins:
        told = uow.outbox.by_key(f"{key}:{admins[0].id}")
        if told is None or told.created_at >= deal.created_at:
            return _tell(uow, key, channel=channel, org_id=org_id, foreign=foreign,
                         admins=admins)
        return _tell(uow, f"{key}:deal{deal.id}", channel=channel, org_id=org_id,
                     foreign=foreign, admins=admins)
    return _tell(uow, key, channel=channel, org_id=org_id, foreign=foreign, admins=admins)


def _tell(uow: AbstractUnitOfWork, key: str, *, channel: str, org_id: int | None,
          foreign: Sequence[Person], admins: Sequence[Person]) -> int:
    org = uow.directory.find_org(org_id)
    deals = [d for d in uow.channels.deals_posted_in(channel) if d.partner_org_id == org_id]
    orgs = {o.id: o.name for o in uow.directory.orgs({p.partner_org_id for p in foreign
                                                      if p.partner_org_id is not None})}
    members = tuple(Typed(f"{p.name} ({orgs.get(p.partner_org_id or 0, '?')})")
                    for p in foreign)
    line = Text("channels.held", {
        "partner": Typed(org.name) if org is not None else "-", "channel": channel,
        "members": members, "deals": tuple(Typed(f"#{d.id} {d.company}") for d in deals) or "-"})
    told = 0
    for admin in admins:
        told += queue(uow, Outgoing(f"{key}:{admin.id}", ToPerson(admin.id), (line,)))
    return told


def _partners_here(uow: AbstractUnitOfWork, channel: str) -> set[int]:
    """The organisations whose deals are posted in `channel` (their own channel, or threads)."""
    orgs = {o.id for o in uow.directory.orgs() if o.channel_id == channel}
    return orgs | {d.partner_org_id for d in uow.channels.deals_posted_in(channel)
                   if d.partner_org_id is not None}


@dataclass(frozen=True)
class Alerted:
    """What a membership change did: admins' alerts queued, held messages released."""

    alerts: int = 0
    released: int = 0


def _alert_where_shared(uow: AbstractUnitOfWork, channel: str) -> int:
    told = 0
    for org_id in sorted(_partners_here(uow, channel)):
        foreign = foreign_members(uow, channel, org_id)
        if foreign:
            told += _alert_admins(uow, channel, org_id, foreign)
    return told


def _release(uow: AbstractUnitOfWork) -> int:
    released = uow.channels.release_held(uow.now())
    uow.outbox.queued += released  # the commit wakes the pump: they are due again
    return released


def member_joined(uow: AbstractUnitOfWork, channel: str, user_id: str) -> Alerted:
    """`member_joined_channel`: remember the member; a member of another partner organisation
    in a channel where a partner's deals are posted stops them there, and the admins hear."""
    if not is_channel(channel):
        return Alerted()
    uow.channels.joined(channel, user_id, uow.now())
    return Alerted(alerts=_alert_where_shared(uow, channel))


def member_left(uow: AbstractUnitOfWork, channel: str, user_id: str) -> Alerted:
    """`member_left_channel`: forget the member; held messages are checked again (those whose
    channel is now private to their partner go out, in order)."""
    if not is_channel(channel):
        return Alerted()
    uow.channels.left(channel, user_id)
    return Alerted(released=_release(uow) if uow.channels.held() else 0)


def members_changed(uow: AbstractUnitOfWork, member_ids: MemberIds, channel: str) -> Alerted:
    """`channel_shared` / `channel_unshared`: read the members again now; the admins hear of a
    partner's deals now in reach of another organisation, held messages are checked again."""
    if not is_channel(channel):
        return Alerted()
    uow.channels.forget(channel)
    _ensure_members(uow, member_ids, channel)
    alerts = _alert_where_shared(uow, channel)
    return Alerted(alerts=alerts, released=_release(uow) if uow.channels.held() else 0)


# -- the events' use cases -----------------------------------------------------------------


@dataclass(frozen=True)
class MembershipEvent:
    """A Slack membership event: `member_joined_channel`, `member_left_channel` (with its user;
    `bot`: the user is Coseller itself), `channel_shared` or `channel_unshared` (no user)."""

    kind: str
    channel: str
    user_id: str | None = None
    bot: bool = False


def on_membership(services: Services, event: MembershipEvent, member_ids: MemberIds
                  ) -> Alerted:
    """Keep what the bot knows of the channel current, in one unit of work. The bot itself
    joining or leaving makes the members unknown (it heard no events while away)."""
    with services.uow(actor="slack") as uow:
        if event.bot or event.kind in ("channel_shared", "channel_unshared"):
            done = members_changed(uow, member_ids, event.channel) if not event.bot \
                else _forget(uow, event.channel)
        elif event.kind == "member_joined_channel" and event.user_id:
            done = member_joined(uow, event.channel, event.user_id)
        elif event.kind == "member_left_channel" and event.user_id:
            done = member_left(uow, event.channel, event.user_id)
        else:
            return Alerted()
        uow.commit()
    return done


def heard_from(services: Services, channel: str, user_id: str) -> Alerted:
    """Someone spoke in a channel: that is proof they are in it, whatever the events said (a
    membership event can be missed). An unknown member is remembered, and one of another
    partner organisation stops that partner's deals there, as if the join had been heard."""
    if not is_channel(channel):
        return Alerted()
    with services.uow(actor="slack") as uow:
        if not uow.channels.members_known(channel) or \
                any(m.user_id == user_id for m in uow.channels.members(channel)):
            return Alerted()  # unknown members are read in full before the next post anyway
        done = member_joined(uow, channel, user_id)
        uow.commit()
    return done


def _forget(uow: AbstractUnitOfWork, channel: str) -> Alerted:
    if is_channel(channel):
        uow.channels.forget(channel)
    return Alerted()
