"""In-memory clocks, outbox, events, audit and follow-up records: the same behaviour as
the SQL repositories, over `MemoryStore` (the contract test runs both)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from storage.claims import DEFAULT_LEASE
from storage.errors import ChangedMeanwhileError
from storage.lanes import lane_of
from storage.memory.directory import _linked
from storage.memory.store import MemoryStore
from storage.models import (
    OPEN_DEAL_STATUSES,
    Absence,
    AuditEntry,
    BantUpdate,
    Clock,
    ClockState,
    Deal,
    DealMessage,
    DealStatus,
    DealThread,
    DiscountRequest,
    DmChannel,
    Extension,
    OutboxMessage,
    OutboxState,
    Party,
    Person,
    Poi,
    ProcessedEvent,
    RequestStatus,
)
from storage.repositories import (
    AbsenceRepository,
    AuditRepository,
    BantRepository,
    ClockRepository,
    DiscountRepository,
    EventRepository,
    ExtensionRepository,
    MessageRepository,
    OutboxRepository,
    PoiRepository,
    card_prefix,
)
from storage.repositories.due_clocks import DueClock, DueDeal, due_pairs

__all__ = [
    "MemoryAbsenceRepository",
    "MemoryAuditRepository",
    "MemoryBantRepository",
    "MemoryClockRepository",
    "MemoryDiscountRepository",
    "MemoryEventRepository",
    "MemoryExtensionRepository",
    "MemoryMessageRepository",
    "MemoryOutboxRepository",
    "MemoryPoiRepository",
]


class MemoryClockRepository(ClockRepository):
    """Clocks in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def _soonest(self, clocks: Iterable[Clock]) -> list[Clock]:
        return sorted(clocks, key=lambda c: (c.due_at, c.id))

    def add(self, clock: Clock) -> Clock:
        return self.store.insert(clock)

    def find(self, clock_id: int) -> Clock | None:
        return self.store.get(Clock, clock_id)

    def running(self, deal_id: int, kind: str | None = None) -> Sequence[Clock]:
        return [c for c in self.store.rows(Clock) if c.deal_id == deal_id
                and c.state is ClockState.RUNNING and (kind is None or c.kind == kind)]

    def for_deal(self, deal_id: int) -> Sequence[Clock]:
        return self._soonest(c for c in self.store.rows(Clock) if c.deal_id == deal_id)

    def running_for(self, deal_ids: Iterable[int]) -> Sequence[Clock]:
        ids = set(deal_ids)
        return self._soonest(c for c in self.store.rows(Clock)
                             if c.deal_id in ids and c.state is ClockState.RUNNING)

    def of_kinds(self, kinds: Iterable[str], *, deal_ids: Iterable[int] | None = None
                 ) -> Sequence[Clock]:
        wanted, ids = set(kinds), None if deal_ids is None else set(deal_ids)
        return [c for c in self.store.rows(Clock)
                if c.kind in wanted and (ids is None or c.deal_id in ids)]

    def latest_breached(self, deal_id: int, *, owed_by: Party, kinds: Iterable[str]
                        ) -> Clock | None:
        wanted = set(kinds)
        found = [c for c in self.store.rows(Clock) if c.deal_id == deal_id
                 and c.owed_by is owed_by and c.kind in wanted
                 and c.state is ClockState.BREACHED and c.stopped_at is None]
        return found[-1] if found else None

    def unanswered(self, owed_by: Party, *, deal_ids: Iterable[int] | None = None,
                   region: str | None = None) -> Sequence[tuple[Clock, Deal]]:
        ids = None if deal_ids is None else set(deal_ids)
        found: list[tuple[Clock, Deal]] = []
        for clock in self._soonest(self.store.rows(Clock)):
            deal = self.store.get(Deal, clock.deal_id)
            if deal is None or clock.owed_by is not owed_by \
                    or clock.state is not ClockState.BREACHED or clock.stopped_at is not None \
                    or deal.status not in OPEN_DEAL_STATUSES \
                    or (ids is not None and clock.deal_id not in ids) \
                    or (region is not None and deal.region_code != region):
                continue
            found.append((clock, deal))
        return found

    def running_in_region(self, region: str, *,
                          statuses: Iterable[DealStatus] = OPEN_DEAL_STATUSES
                          ) -> Sequence[tuple[Clock, Deal]]:
        wanted = set(statuses)
        pairs = [(c, self.store.get(Deal, c.deal_id)) for c in self.store.rows(Clock)
                 if c.state is ClockState.RUNNING]
        return [(c, d) for c, d in pairs
                if d is not None and d.region_code == region and d.status in wanted]

    def stopped_since(self, partner_org_id: int, since: datetime, *, owed_by: Party
                      ) -> Sequence[Clock]:
        deals = {d.id for d in self.store.rows(Deal) if d.partner_org_id == partner_org_id}
        return [c for c in self.store.rows(Clock) if c.deal_id in deals and c.owed_by is owed_by
                and c.stopped_at is not None and c.stopped_at >= since]

    def claimed(self, ids: Iterable[int], token: str | None = None) -> Sequence[Clock]:
        wanted = set(ids)
        return [c for c in self.store.rows(Clock)
                if c.id in wanted and (token is None or c.claimed_by == token)]

    def due(self, ids: Iterable[int], token: str | None = None
            ) -> Sequence[tuple[DueClock, DueDeal | None]]:
        clocks = self.claimed(ids, token)
        deals = {d.id: d for d in self.store.rows(Deal) if d.id in {c.deal_id for c in clocks}}
        channels = {t.deal_id: t.channel_id for t in self.store.rows(DealThread)
                    if t.deal_id in deals}
        return due_pairs(clocks, deals, channels)

    def update_versioned(self, changes: Sequence[dict[str, Any]]) -> None:
        rows = [(self.store.get(Clock, change["id"]), change) for change in changes]
        if any(row is None or row.version != change["version"] for row, change in rows):
            raise ChangedMeanwhileError("a clock")
        for row, change in rows:
            assert row is not None
            for key, value in change.items():
                if key not in ("id", "version"):
                    setattr(row, key, value)
            row.version += 1

    def next_action_after(self, after: datetime) -> datetime | None:
        return min((c.next_action_at for c in self.store.rows(Clock)
                    if c.state is ClockState.RUNNING and c.next_action_at is not None
                    and c.next_action_at > after), default=None)

    def claim_due(self, *, now: datetime, limit: int, worker: str) -> list[int]:
        due = sorted((c for c in self.store.rows(Clock)
                      if c.state is ClockState.RUNNING and c.next_action_at is not None
                      and c.next_action_at <= now
                      and (c.claimed_until is None or c.claimed_until < now)),
                     key=lambda c: (c.next_action_at, c.id))[:max(0, limit)]
        for clock in due:
            clock.claimed_by, clock.claimed_until = worker, now + DEFAULT_LEASE
            clock.version += 1
        return sorted(c.id for c in due)


class MemoryOutboxRepository(OutboxRepository):
    """The outbox in memory."""

    def __init__(self, store: MemoryStore) -> None:
        super().__init__()
        self.store = store

    def _messages(self) -> list[OutboxMessage]:
        return self.store.rows(OutboxMessage)

    def enqueue(self, *, key: str, channel: str, payload: dict[str, Any], at: datetime,
                thread_ts: str | None = None, team_id: str | None = None) -> bool:
        if self.by_key(key) is not None:
            return False
        self.store.insert(OutboxMessage(
            idempotency_key=key, channel=channel, thread_ts=thread_ts, team_id=team_id,
            payload=payload, state=OutboxState.PENDING, attempts=0, next_attempt_at=at,
            created_at=at, lane=lane_of(key, payload)))
        self.queued += 1
        return True

    def enqueue_many(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            if self.by_key(row["idempotency_key"]) is None:
                lane = row.get("lane", lane_of(row["idempotency_key"], row["payload"]))
                self.store.insert(OutboxMessage(**{**row, "state": OutboxState(row["state"]),
                                                   "lane": lane}))
        self.queued += len(rows)

    def by_key(self, key: str) -> OutboxMessage | None:
        return next((m for m in self._messages() if m.idempotency_key == key), None)

    def claimed(self, message_id: int, token: str) -> OutboxMessage | None:
        found = self.store.get(OutboxMessage, message_id)
        return found if found is not None and found.claimed_by == token else None

    def claimed_many(self, ids: Sequence[int], token: str) -> list[OutboxMessage]:
        found = (self.claimed(message_id, token) for message_id in sorted(ids))
        return [m for m in found if m is not None]

    def pending_span(self, conversations: Iterable[str]) -> dict[str, tuple[int, int]]:
        wanted = set(conversations)
        found: dict[str, tuple[int, int]] = {}
        for m in self._messages():
            if m.channel in wanted and m.state is OutboxState.PENDING:
                first, last = found.get(m.channel, (m.id, m.id))
                found[m.channel] = (min(first, m.id), max(last, m.id))
        return found

    def waiting_card_refresh(self, deal_id: int) -> bool:
        prefix = card_prefix(deal_id)
        return any(m.idempotency_key.startswith(prefix) and m.state is OutboxState.PENDING
                   and m.claimed_by is None for m in self._messages())

    def pending_count(self) -> int:
        return sum(1 for m in self._messages() if m.state is OutboxState.PENDING)

    def has_due(self, now: datetime) -> bool:
        return any(m.state is OutboxState.PENDING and m.next_attempt_at <= now
                   and (m.claimed_until is None or m.claimed_until < now)
                   for m in self._messages())

    def refused(self) -> Sequence[OutboxMessage]:
        return [m for m in self._messages() if m.state is OutboxState.REFUSED]

    def find(self, message_id: int) -> OutboxMessage | None:
        return self.store.get(OutboxMessage, message_id)

    def state_counts(self) -> dict[OutboxState, int]:
        counts: dict[OutboxState, int] = {}
        for message in self._messages():
            counts[message.state] = counts.get(message.state, 0) + 1
        return counts

    def latest(self, state: OutboxState, limit: int) -> Sequence[OutboxMessage]:
        found = [m for m in self._messages() if m.state is state]
        return sorted(found, key=lambda m: m.id, reverse=True)[:limit]

    def dm_channel(self, team_id: str, user_id: str) -> str | None:
        found = self.store.tables.get(DmChannel, {}).get((team_id, user_id))
        return found.channel_id if isinstance(found, DmChannel) else None

    def remember_dm(self, team_id: str, user_id: str, channel_id: str, at: datetime) -> None:
        self.store.tables.setdefault(DmChannel, {}).setdefault(  # a composite key: by hand
            (team_id, user_id), DmChannel(team_id=team_id, user_id=user_id,
                                          channel_id=channel_id, opened_at=at))


class MemoryEventRepository(EventRepository):
    """Processed events in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def first_time(self, event_id: str, at: datetime) -> bool:
        if self.store.get(ProcessedEvent, event_id) is not None:
            return False
        self.store.insert(ProcessedEvent(event_id=event_id, received_at=at))
        return True


class MemoryAuditRepository(AuditRepository):
    """The audit log in memory: the unit of work writes it at commit."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def for_entity(self, entity: str, entity_id: object) -> Sequence[AuditEntry]:
        return [e for e in self.store.rows(AuditEntry)
                if e.entity == entity and e.entity_id == str(entity_id)]


class MemoryPoiRepository(PoiRepository):
    """POIs in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def add(self, poi: Poi) -> Poi:
        return self.store.insert(poi)

    def for_deal(self, deal_id: int) -> Sequence[Poi]:
        return [p for p in self.store.rows(Poi) if p.deal_id == deal_id]

    def latest(self, deal_id: int) -> Poi | None:
        return max(self.for_deal(deal_id), key=lambda p: (p.recorded_at, p.id), default=None)


class MemoryBantRepository(BantRepository):
    """BANT updates in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def add(self, update: BantUpdate) -> BantUpdate:
        return self.store.insert(update)

    def history(self, deal_id: int) -> Sequence[BantUpdate]:
        return sorted((u for u in self.store.rows(BantUpdate) if u.deal_id == deal_id),
                      key=lambda u: (u.created_at, u.id))

    def latest(self, deal_id: int) -> BantUpdate | None:
        history = self.history(deal_id)
        return history[-1] if history else None


class MemoryMessageRepository(MessageRepository):
    """Deal messages in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def record(self, message: DealMessage) -> bool:
        if any(m.deal_id == message.deal_id and m.slack_ts == message.slack_ts
               for m in self.store.rows(DealMessage)):
            return False
        self.store.insert(message)
        return True

    def for_deal(self, deal_id: int) -> Sequence[DealMessage]:
        return sorted((m for m in self.store.rows(DealMessage) if m.deal_id == deal_id),
                      key=lambda m: (m.received_at, m.id))

    def first_from(self, deal_id: int, side: Party, *, since: datetime) -> DealMessage | None:
        found = [m for m in self.store.rows(DealMessage)
                 if m.deal_id == deal_id and m.side is side and m.received_at >= since]
        return min(found, key=lambda m: (m.received_at, m.id), default=None)


class MemoryAbsenceRepository(AbsenceRepository):
    """Absences in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def add(self, absence: Absence) -> Absence:
        return self.store.insert(absence)

    def of(self, *, org_ids: Iterable[int] = (), person_ids: Iterable[int] = ()
           ) -> Sequence[tuple[Absence, Person]]:
        orgs, people = set(org_ids), set(person_ids)
        found: list[tuple[Absence, Person]] = []
        for absence in self.store.rows(Absence):
            person = self.store.get(Person, absence.person_id)
            if person is not None and (person.partner_org_id in orgs or person.id in people):
                found.append((absence, _linked(self.store, person)))
        return found


class MemoryExtensionRepository(ExtensionRepository):
    """Extensions in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def add(self, extension: Extension) -> Extension:
        return self.store.insert(extension)

    def find(self, extension_id: int) -> Extension | None:
        return self.store.get(Extension, extension_id)

    def approved_for(self, clock_ids: Iterable[int]) -> Sequence[Extension]:
        ids = set(clock_ids)
        return [e for e in self.store.rows(Extension)
                if e.clock_id in ids and e.status is RequestStatus.APPROVED]


class MemoryDiscountRepository(DiscountRepository):
    """Discount requests in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def add(self, request: DiscountRequest) -> DiscountRequest:
        return self.store.insert(request)

    def find(self, discount_id: int) -> DiscountRequest | None:
        return self.store.get(DiscountRequest, discount_id)
