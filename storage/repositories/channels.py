"""Channel members: what the bot knows of who is in a channel, who of the directory that is,
which deals are posted there, and the outbox rows held back because of it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from rules.vocabulary import Role
from storage.models import (
    OPEN_DEAL_STATUSES,
    ChannelMember,
    Deal,
    DealThread,
    KnownChannel,
    OutboxMessage,
    OutboxState,
    Person,
    UnknownUser,
)
from storage.session_reads import generation

__all__ = ["ChannelRepository", "SqlChannelRepository"]


class ChannelRepository(ABC):
    """Who is in a channel (as far as the bot knows), and the messages held back for it."""

    @abstractmethod
    def members_known(self, channel_id: str) -> bool:
        """Whether the channel's members were read in full and are kept current since."""

    @abstractmethod
    def set_members(self, channel_id: str, user_ids: Iterable[str], at: datetime) -> None:
        """The channel's members as just read in full (those already known keep their `since`)."""

    @abstractmethod
    def joined(self, channel_id: str, user_id: str, at: datetime) -> None:
        """A user joined the channel (a no-op if known to be in it)."""

    @abstractmethod
    def left(self, channel_id: str, user_id: str) -> None:
        """A user left the channel."""

    @abstractmethod
    def forget(self, channel_id: str) -> None:
        """The members must be read again (the channel was shared with another organisation)."""

    @abstractmethod
    def members(self, channel_id: str) -> Sequence[ChannelMember]:
        """The members the bot knows of, by user id."""

    @abstractmethod
    def people_in(self, channel_id: str) -> Sequence[Person]:
        """The directory's people among the members (matched by Slack user id, whatever their
        workspace: a Slack Connect member belongs to another one), by id."""

    @abstractmethod
    def read_ahead(self, channel_ids: Iterable[str]) -> None:
        """Read what `members_known` and `people_in` answer for several channels at once (a
        delivery round's), to be answered from memory while the session is unchanged."""

    @abstractmethod
    def deals_posted_in(self, channel_id: str) -> Sequence[Deal]:
        """The open deals whose thread is (or will be) in the channel, by id."""

    @abstractmethod
    def held(self) -> Sequence[OutboxMessage]:
        """The outbox rows held back, oldest first."""

    @abstractmethod
    def release_held(self, at: datetime) -> int:
        """Put every held row back to pending, due at `at` (each is checked again when sent);
        how many."""

    @abstractmethod
    def partner_members(self) -> Sequence[tuple[ChannelMember, Person]]:
        """Every known member of any channel who is a partner user of the directory (matched
        by Slack user id), by channel and person."""

    @abstractmethod
    def deal_orgs(self, channel_ids: Iterable[str]) -> dict[str, set[int]]:
        """The partner organisations of the open deals whose thread is in each channel
        (channels with none are left out)."""

    @abstractmethod
    def seen_unknown(self, channel_id: str, user_id: str, team_id: str | None,
                     at: datetime) -> bool:
        """Someone not in the directory spoke in the channel: remembered once per channel and
        user (first and last seen, how many times); True the first time."""

    @abstractmethod
    def unknown_users(self, limit: int) -> tuple[int, Sequence[UnknownUser]]:
        """The users seen speaking who are (still) in no one's directory entry, matched by
        Slack user id: how many rows, and the `limit` last seen, latest first."""


class SqlChannelRepository(ChannelRepository):
    """Channel members on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # a channel's people, remembered while the session's data cannot have changed
        self._people: tuple[int, dict[str, Sequence[Person]]] = (-1, {})

    def _channel(self, channel_id: str) -> KnownChannel:
        found = self.session.get(KnownChannel, channel_id)
        if found is None:
            found = KnownChannel(channel_id=channel_id, members_read_at=None)
            self.session.add(found)
            self.session.flush()
        return found

    def members_known(self, channel_id: str) -> bool:
        found = self.session.get(KnownChannel, channel_id)
        return found is not None and found.members_read_at is not None

    def set_members(self, channel_id: str, user_ids: Iterable[str], at: datetime) -> None:
        wanted = set(user_ids)
        self._channel(channel_id).members_read_at = at
        have = {m.user_id for m in self.members(channel_id)}
        gone = have - wanted
        if gone:
            self.session.execute(delete(ChannelMember).where(
                ChannelMember.channel_id == channel_id, ChannelMember.user_id.in_(gone)))
        for user_id in sorted(wanted - have):
            self.session.add(ChannelMember(channel_id=channel_id, user_id=user_id, since=at))
        self.session.flush()

    def joined(self, channel_id: str, user_id: str, at: datetime) -> None:
        self._channel(channel_id)
        if self.session.scalar(select(ChannelMember).where(
                ChannelMember.channel_id == channel_id, ChannelMember.user_id == user_id)) is None:
            self.session.add(ChannelMember(channel_id=channel_id, user_id=user_id, since=at))
            self.session.flush()

    def left(self, channel_id: str, user_id: str) -> None:
        self.session.execute(delete(ChannelMember).where(
            ChannelMember.channel_id == channel_id, ChannelMember.user_id == user_id))

    def forget(self, channel_id: str) -> None:
        self._channel(channel_id).members_read_at = None
        self.session.flush()

    def members(self, channel_id: str) -> Sequence[ChannelMember]:
        return self.session.scalars(select(ChannelMember).where(
            ChannelMember.channel_id == channel_id).order_by(ChannelMember.user_id)).all()

    def _remembered(self) -> dict[str, Sequence[Person]]:
        now = generation(self.session)
        if self._people[0] != now or self.session.new:  # unflushed people: asked again
            self._people = (now, {})
        return self._people[1]

    def people_in(self, channel_id: str) -> Sequence[Person]:
        known = self._remembered()
        if channel_id not in known:
            known[channel_id] = self.session.scalars(select(Person).join(
                ChannelMember, ChannelMember.user_id == Person.slack_user_id).where(
                ChannelMember.channel_id == channel_id).order_by(Person.id)).unique().all()
        return known[channel_id]

    def read_ahead(self, channel_ids: Iterable[str]) -> None:
        wanted = sorted(set(channel_ids) - set(self._remembered()))
        if not wanted:
            return
        # the channels' rows, held by the caller's `reads_kept` (`members_known` then finds
        # them in the session), and their people, remembered per channel
        self.session.scalars(select(KnownChannel).where(KnownChannel.channel_id.in_(wanted))
                             ).all()
        found: dict[str, list[Person]] = {channel: [] for channel in wanted}
        for channel, person in self.session.execute(
                select(ChannelMember.channel_id, Person).join(
                    Person, ChannelMember.user_id == Person.slack_user_id)
                .where(ChannelMember.channel_id.in_(wanted))
                .order_by(ChannelMember.channel_id, Person.id)).all():
            if not found[channel] or found[channel][-1] is not person:
                found[channel].append(person)
        self._remembered().update(found)

    def deals_posted_in(self, channel_id: str) -> Sequence[Deal]:
        return self.session.scalars(select(Deal).join(DealThread).where(
            DealThread.channel_id == channel_id, Deal.status.in_(OPEN_DEAL_STATUSES))
            .order_by(Deal.id)).all()

    def held(self) -> Sequence[OutboxMessage]:
        return self.session.scalars(select(OutboxMessage).where(
            OutboxMessage.state == OutboxState.HELD).order_by(OutboxMessage.id)).all()

    def release_held(self, at: datetime) -> int:
        result = self.session.execute(
            update(OutboxMessage).where(OutboxMessage.state == OutboxState.HELD)
            .values(state=OutboxState.PENDING, next_attempt_at=at, claimed_by=None,
                    claimed_until=None).execution_options(synchronize_session=False),
            execution_options={"preserve_rowcount": True})
        return int(getattr(result, "rowcount", 0))

    def partner_members(self) -> Sequence[tuple[ChannelMember, Person]]:
        rows = self.session.execute(select(ChannelMember, Person).join(
            Person, ChannelMember.user_id == Person.slack_user_id).where(
            Person.role == Role.PARTNER).order_by(ChannelMember.channel_id, Person.id)).all()
        return [(member, person) for member, person in rows]

    def deal_orgs(self, channel_ids: Iterable[str]) -> dict[str, set[int]]:
        wanted = set(channel_ids)
        if not wanted:
            return {}
        rows = self.session.execute(select(DealThread.channel_id, Deal.partner_org_id).join(
            Deal, DealThread.deal_id == Deal.id).where(
            DealThread.channel_id.in_(wanted), Deal.status.in_(OPEN_DEAL_STATUSES),
            Deal.partner_org_id.is_not(None)).distinct()).all()
        found: dict[str, set[int]] = {}
        for channel, org in rows:
            if org is not None:
                found.setdefault(str(channel), set()).add(int(org))
        return found

    def seen_unknown(self, channel_id: str, user_id: str, team_id: str | None,
                     at: datetime) -> bool:
        row = self.session.scalar(select(UnknownUser).where(
            UnknownUser.channel_id == channel_id, UnknownUser.user_id == user_id))
        if row is not None:
            row.last_seen = max(row.last_seen, at)
            row.times += 1
            return False
        self.session.add(UnknownUser(channel_id=channel_id, user_id=user_id, team_id=team_id,
                                     first_seen=at, last_seen=at, times=1))
        self.session.flush()
        return True

    def unknown_users(self, limit: int) -> tuple[int, Sequence[UnknownUser]]:
        unknown = ~exists().where(Person.slack_user_id == UnknownUser.user_id)
        total = self.session.scalar(select(func.count()).select_from(UnknownUser).where(unknown))
        rows = self.session.scalars(select(UnknownUser).where(unknown).order_by(
            UnknownUser.last_seen.desc(), UnknownUser.id.desc()).limit(limit)).all()
        return int(total or 0), rows
