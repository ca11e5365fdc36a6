"""Channel members in memory: the same behaviour as `storage.repositories.channels`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from storage.memory.store import MemoryStore
from storage.models import (
    ChannelMember,
    Deal,
    DealThread,
    KnownChannel,
    OutboxMessage,
    OutboxState,
    Person,
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
