"""Channel members in memory: the same behaviour as `storage.repositories.channels`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from rules.vocabulary import Role
from storage.memory.store import MemoryStore
from storage.models import (
    ChannelMember,
    Deal,
    DealThread,
    KnownChannel,
    OutboxMessage,
    OutboxState,
    Person,
    UnknownUser,
)
from storage.repositories.channels import ChannelRepository

__all__ = ["MemoryChannelRepository"]


class MemoryChannelRepository(ChannelRepository):
    """Channel members in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def _channel(self, channel_id: str) -> KnownChannel:
        found = self.store.get(KnownChannel, channel_id)
        if found is None:
            found = self.store.insert(KnownChannel(channel_id=channel_id, members_read_at=None))
        return found

    def members_known(self, channel_id: str) -> bool:
        found = self.store.get(KnownChannel, channel_id)
        return found is not None and found.members_read_at is not None

    def set_members(self, channel_id: str, user_ids: Iterable[str], at: datetime) -> None:
        wanted = set(user_ids)
        self._channel(channel_id).members_read_at = at
        for member in self.members(channel_id):
            if member.user_id not in wanted:
                self.store.delete(member)
        have = {m.user_id for m in self.members(channel_id)}
        for user_id in sorted(wanted - have):
            self.store.insert(ChannelMember(channel_id=channel_id, user_id=user_id, since=at))

    def joined(self, channel_id: str, user_id: str, at: datetime) -> None:
        self._channel(channel_id)
        if all(m.user_id != user_id for m in self.members(channel_id)):
            self.store.insert(ChannelMember(channel_id=channel_id, user_id=user_id, since=at))

    def left(self, channel_id: str, user_id: str) -> None:
        for member in self.members(channel_id):
            if member.user_id == user_id:
                self.store.delete(member)

    def forget(self, channel_id: str) -> None:
        self._channel(channel_id).members_read_at = None

    def members(self, channel_id: str) -> Sequence[ChannelMember]:
        return sorted((m for m in self.store.rows(ChannelMember) if m.channel_id == channel_id),
                      key=lambda m: m.user_id)

    def read_ahead(self, channel_ids: Iterable[str]) -> None:
        """Nothing to read ahead: the store is memory."""

    def people_in(self, channel_id: str) -> Sequence[Person]:
        users = {m.user_id for m in self.members(channel_id)}
        return [p for p in self.store.rows(Person) if p.slack_user_id in users]

    def deals_posted_in(self, channel_id: str) -> Sequence[Deal]:
        threaded = {t.deal_id for t in self.store.rows(DealThread) if t.channel_id == channel_id}
        return [d for d in self.store.rows(Deal) if d.id in threaded and d.is_open]

    def held(self) -> Sequence[OutboxMessage]:
        return [m for m in self.store.rows(OutboxMessage) if m.state is OutboxState.HELD]

    def release_held(self, at: datetime) -> int:
        held = self.held()
        for message in held:
            message.state = OutboxState.PENDING
            message.next_attempt_at = at
            message.claimed_by = message.claimed_until = None
        return len(held)

    def partner_members(self) -> Sequence[tuple[ChannelMember, Person]]:
        people = [p for p in self.store.rows(Person) if p.role is Role.PARTNER]
        found = [(m, p) for m in self.store.rows(ChannelMember) for p in people
                 if p.slack_user_id == m.user_id]
        return sorted(found, key=lambda pair: (pair[0].channel_id, pair[1].id))

    def deal_orgs(self, channel_ids: Iterable[str]) -> dict[str, set[int]]:
        wanted = set(channel_ids)
        found: dict[str, set[int]] = {}
        for thread in self.store.rows(DealThread):
            deal = self.store.get(Deal, thread.deal_id)
            if thread.channel_id in wanted and deal is not None and deal.is_open \
                    and deal.partner_org_id is not None:
                found.setdefault(thread.channel_id, set()).add(deal.partner_org_id)
        return found

    def seen_unknown(self, channel_id: str, user_id: str, team_id: str | None,
                     at: datetime) -> bool:
        for row in self.store.rows(UnknownUser):
            if (row.channel_id, row.user_id) == (channel_id, user_id):
                row.last_seen = max(row.last_seen, at)
                row.times += 1
                return False
        self.store.insert(UnknownUser(channel_id=channel_id, user_id=user_id, team_id=team_id,
                                      first_seen=at, last_seen=at, times=1))
        return True

    def unknown_users(self, limit: int) -> tuple[int, Sequence[UnknownUser]]:
        known = {p.slack_user_id for p in self.store.rows(Person)}
        rows = [u for u in self.store.rows(UnknownUser) if u.user_id not in known]
        rows.sort(key=lambda u: (u.last_seen, u.id), reverse=True)
        return len(rows), rows[:limit]
