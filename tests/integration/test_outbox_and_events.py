"""The outbox queues a message once per idempotency key; Slack events are handled once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from storage.models import OutboxMessage, OutboxState, ProcessedEvent
from storage.unit_of_work import UnitOfWork

from .support import T0, FakeClock, counts


def test_enqueue_is_idempotent_by_key(uow: Callable[..., UnitOfWork], factory: sessionmaker[Session],
                                      clock: FakeClock) -> None:
    with uow() as work:
        assert work.outbox.enqueue(key="clock:1:reminder:24h", channel="C1", thread_ts="1.1",
                                   team_id="T1", payload={"text": "24 hours left"}, at=work.now())
        assert not work.outbox.enqueue(key="clock:1:reminder:24h", channel="C2",
                                       payload={"text": "again"}, at=work.now())
        assert work.outbox.enqueue(key="clock:1:reminder:4h", channel="C1",
                                   payload={"text": "4 hours left"}, at=work.now())
        work.commit()
    clock.advance(hours=1)
    with uow() as work:  # a retried sweep in a later transaction
        assert not work.outbox.enqueue(key="clock:1:reminder:24h", channel="C3", payload={},
                                       at=work.now())
        work.commit()
    assert counts(factory, OutboxMessage) == {"outbox": 2}
    with uow() as work:
        message = work.outbox.by_key("clock:1:reminder:24h")
        assert message is not None
        assert (message.channel, message.thread_ts, message.team_id) == ("C1", "1.1", "T1")
        assert message.payload == {"text": "24 hours left"}
        assert (message.state, message.attempts) == (OutboxState.PENDING, 0)
        assert message.next_attempt_at == message.created_at == T0
        assert work.outbox.by_key("nope") is None


def test_an_enqueue_rolled_back_can_be_enqueued_again(uow: Callable[..., UnitOfWork],
                                                      factory: sessionmaker[Session]) -> None:
    with uow() as work:
        assert work.outbox.enqueue(key="k", channel="C1", payload={}, at=work.now())
    with uow() as work:
        assert work.outbox.enqueue(key="k", channel="C1", payload={}, at=work.now())
        work.commit()
    assert counts(factory, OutboxMessage) == {"outbox": 1}


def test_first_time_is_true_once_per_event(uow: Callable[..., UnitOfWork],
                                           factory: sessionmaker[Session]) -> None:
    with uow() as work:
        assert work.events.first_time("Ev01", work.now()) is True
        assert work.events.first_time("Ev01", work.now()) is False
        assert work.events.first_time("Ev02", work.now()) is True
        work.commit()
    with uow() as work:  # Slack's retry, handled by another request
        assert work.events.first_time("Ev01", work.now()) is False
        work.commit()
    assert counts(factory, ProcessedEvent) == {"processed_events": 2}
