"""Claiming due clocks and outgoing messages: only due work, earliest first, at most `limit`,
each row to one worker while its lease holds. Time is injected (`now`), never waited for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.claims import DEFAULT_LEASE, claim_due_clocks, claim_outbox, release_clocks
from storage.errors import ChangedMeanwhileError
from storage.models import Clock, ClockState, OutboxMessage, OutboxState
from storage.unit_of_work import UnitOfWork

from .support import T0, World, add_clocks, clock_row, make_deal

LEASE = timedelta(minutes=5)
HOUR = timedelta(hours=1)


@pytest.fixture
def deal_id(uow: Callable[..., UnitOfWork], world: World) -> int:
    with uow() as work:
        deal = work.deals.add(make_deal(world.acme, "example.com"), at=work.now())
        work.commit()
    return deal.id


@pytest.fixture
def clocks(factory: sessionmaker[Session], deal_id: int) -> dict[str, int]:
    """Clocks named by when they are due, inserted in an order unlike their due order."""
    spec = {
        "due-1h": (T0 - HOUR, ClockState.RUNNING),
        "due-3h": (T0 - 3 * HOUR, ClockState.RUNNING),
        "due-now": (T0, ClockState.RUNNING),
        "later": (T0 + timedelta(minutes=1), ClockState.RUNNING),
        "met": (T0 - 5 * HOUR, ClockState.MET),
        "breached": (T0 - 4 * HOUR, ClockState.BREACHED),
        "no-next-action": (None, ClockState.RUNNING),
        "due-2h": (T0 - 2 * HOUR, ClockState.RUNNING),
    }
    ids = add_clocks(factory, [clock_row(deal_id, next_action_at=at, state=state)
                               for at, state in spec.values()])
    return dict(zip(spec, ids, strict=True))


def claims(factory: sessionmaker[Session], ids: list[int]) -> dict[int, tuple[str | None, object]]:
    with factory() as session:
        rows = session.execute(select(Clock.id, Clock.claimed_by, Clock.claimed_until)
                               .where(Clock.id.in_(ids))).all()
    return {row.id: (row.claimed_by, row.claimed_until) for row in rows}


def test_only_due_running_clocks_earliest_first_at_most_limit(
        factory: sessionmaker[Session], clocks: dict[str, int]) -> None:
    first = claim_due_clocks(factory, now=T0, limit=2, worker="w1", lease=LEASE)
    assert first == sorted([clocks["due-3h"], clocks["due-2h"]])
    second = claim_due_clocks(factory, now=T0, limit=10, worker="w1", lease=LEASE)
    assert second == sorted([clocks["due-1h"], clocks["due-now"]])
    assert claim_due_clocks(factory, now=T0, limit=10, worker="w1", lease=LEASE) == []
    assert claims(factory, first + second) == dict.fromkeys(first + second, ("w1", T0 + LEASE))
    untouched = [clocks[k] for k in ("later", "met", "breached", "no-next-action")]
    assert claims(factory, untouched) == dict.fromkeys(untouched, (None, None))


def test_a_limit_of_zero_claims_nothing(factory: sessionmaker[Session], clocks: dict[str, int]) -> None:
    assert claim_due_clocks(factory, now=T0, limit=0, worker="w1") == []
    assert claim_due_clocks(factory, now=T0, limit=-1, worker="w1") == []


def test_the_default_lease_is_five_minutes(factory: sessionmaker[Session],
                                           clocks: dict[str, int]) -> None:
    [claimed] = claim_due_clocks(factory, now=T0, limit=1, worker="w1")
    assert claims(factory, [claimed]) == {claimed: ("w1", T0 + timedelta(minutes=5))}
    assert claims(factory, [claimed])[claimed][1] == T0 + DEFAULT_LEASE


def test_claimed_clocks_are_nobody_elses_until_the_lease_ends(
        factory: sessionmaker[Session], clocks: dict[str, int]) -> None:
    due = sorted(clocks[k] for k in ("due-3h", "due-2h", "due-1h", "due-now"))
    assert claim_due_clocks(factory, now=T0, limit=100, worker="w1", lease=LEASE) == due
    assert claim_due_clocks(factory, now=T0 + timedelta(minutes=4), limit=100, worker="w2",
                            lease=LEASE) == [clocks["later"]]  # due by then, never claimed
    assert claim_due_clocks(factory, now=T0 + LEASE, limit=100, worker="w2", lease=LEASE) == []
    after = T0 + LEASE + timedelta(microseconds=1)
    assert claim_due_clocks(factory, now=after, limit=100, worker="w2", lease=LEASE) == due
    assert claims(factory, due) == dict.fromkeys(due, ("w2", after + LEASE))


def test_released_clocks_are_claimable_at_once(
        factory: sessionmaker[Session], clocks: dict[str, int]) -> None:
    claimed = claim_due_clocks(factory, now=T0, limit=2, worker="w1", lease=LEASE)
    with factory.begin() as session:
        release_clocks(session, claimed, "w2")  # not w2's to release
    assert claims(factory, claimed) == dict.fromkeys(claimed, ("w1", T0 + LEASE))
    with factory.begin() as session:
        release_clocks(session, claimed[:1], "w1")
    assert claims(factory, claimed) == {claimed[0]: (None, None), claimed[1]: ("w1", T0 + LEASE)}
    assert claim_due_clocks(factory, now=T0, limit=100, worker="w3", lease=LEASE) == sorted(
        [claimed[0], clocks["due-1h"], clocks["due-now"]])


def test_a_release_rolled_back_keeps_the_claim(factory: sessionmaker[Session],
                                               clocks: dict[str, int]) -> None:
    claimed = claim_due_clocks(factory, now=T0, limit=1, worker="w1", lease=LEASE)
    with factory() as session:
        release_clocks(session, claimed, "w1")
        session.rollback()
    assert claims(factory, claimed) == dict.fromkeys(claimed, ("w1", T0 + LEASE))


def test_claiming_and_releasing_bump_the_version(
        factory: sessionmaker[Session], clocks: dict[str, int],
        uow: Callable[..., UnitOfWork]) -> None:
    """An edit of a clock read before a sweep claimed it loses: the sweep's claim came first."""
    target = clocks["due-3h"]
    with uow(actor="U0GS") as work:
        clock = work.clocks.get(target)
        assert clock.version == 1
        work.commit()  # ends the read (SQLite's write lock with it); the clock stays loaded
        assert claim_due_clocks(factory, now=T0, limit=1, worker="sweep", lease=LEASE) == [target]
        clock.state = ClockState.CANCELLED
        with pytest.raises(ChangedMeanwhileError):
            work.commit()
    with factory.begin() as session:
        release_clocks(session, [target], "sweep")
    with factory() as session:
        stored = session.get_one(Clock, target)
        assert (stored.state, stored.version, stored.claimed_by) == (ClockState.RUNNING, 3, None)


def test_claim_outbox_hands_due_pending_messages_once_per_lease(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session]) -> None:
    schedule = {"m-2h": T0 - 2 * HOUR, "m-now": T0, "m-later": T0 + HOUR, "m-1h": T0 - HOUR,
                "m-sent": T0 - 3 * HOUR, "m-dead": T0 - 3 * HOUR}
    with uow() as work:  # each in a conversation of its own (one claims only its head)
        for key, at in schedule.items():
            work.outbox.enqueue(key=key, channel=f"C-{key}", payload={"text": key}, at=at)
        work.session.flush()
        for key, state in (("m-sent", OutboxState.SENT), ("m-dead", OutboxState.DEAD)):
            message = work.outbox.by_key(key)
            assert message is not None
            message.state = state
        work.commit()
    with factory() as session:
        ids = {key: id_ for key, id_ in session.execute(select(OutboxMessage.idempotency_key,
                                                                OutboxMessage.id))}
    first = claim_outbox(factory, now=T0, limit=2, worker="d1", lease=LEASE)
    assert first == sorted([ids["m-2h"], ids["m-1h"]])
    assert claim_outbox(factory, now=T0, limit=2, worker="d2", lease=LEASE) == [ids["m-now"]]
    assert claim_outbox(factory, now=T0 + timedelta(minutes=4), limit=9, worker="d2", lease=LEASE) == []
    later = T0 + HOUR
    assert claim_outbox(factory, now=later, limit=9, worker="d2", lease=LEASE) == sorted(
        [ids["m-2h"], ids["m-1h"], ids["m-now"], ids["m-later"]])
    with factory() as session:
        rows = session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.claimed_by,
                                      OutboxMessage.claimed_until)).all()
    assert {r.idempotency_key: (r.claimed_by, r.claimed_until) for r in rows} == {
        "m-2h": ("d2", later + LEASE), "m-1h": ("d2", later + LEASE),
        "m-now": ("d2", later + LEASE), "m-later": ("d2", later + LEASE),
        "m-sent": (None, None), "m-dead": (None, None)}
