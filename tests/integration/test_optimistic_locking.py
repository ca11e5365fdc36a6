"""Two people editing one deal: the second to save learns it changed meanwhile; nothing of theirs
is written."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import ChangedMeanwhileError
from storage.models import AuditEntry, Deal, DealStatus
from storage.unit_of_work import UnitOfWork

from .support import FakeClock, World, counts, make_deal


def saved_deal(uow: Callable[..., UnitOfWork], world: World) -> int:
    with uow(actor="U0AIKO") as work:
        deal = work.deals.add(make_deal(world.acme, "example.com"), at=work.now())
        work.commit()
    return deal.id


def load(factory: sessionmaker[Session], deal_id: int) -> Deal:
    with factory() as session:
        return session.get_one(Deal, deal_id)


def test_each_commit_of_a_change_bumps_the_version(uow: Callable[..., UnitOfWork],
                                                   factory: sessionmaker[Session], world: World) -> None:
    deal_id = saved_deal(uow, world)
    assert load(factory, deal_id).version == 1
    with uow() as work:
        work.deals.get(deal_id, expected_version=1).status = DealStatus.ACCEPTED
        work.commit()
    assert load(factory, deal_id).version == 2


def test_a_stale_expected_version_is_refused_and_nothing_written(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    deal_id = saved_deal(uow, world)
    with uow(actor="U0GS") as work:  # the GS saves first
        work.deals.get(deal_id, expected_version=1).status = DealStatus.ACCEPTED
        work.commit()
    before = counts(factory, AuditEntry)
    with uow(actor="U0AIKO") as work:  # the partner's modal still shows version 1
        with pytest.raises(ChangedMeanwhileError, match="changed meanwhile"):
            work.deals.get(deal_id, expected_version=1)
        work.commit()
    deal = load(factory, deal_id)
    assert (deal.status, deal.version) == (DealStatus.ACCEPTED, 2)
    assert counts(factory, AuditEntry) == before


def test_two_sessions_editing_one_deal_the_second_commit_loses(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World,
        backend: str) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite: a session holds the write lock from its first read (BEGIN IMMEDIATE), "
                    "so two cannot interleave in one thread")
    deal_id = saved_deal(uow, world)
    before = counts(factory, AuditEntry)
    with uow(actor="U0GS") as first, uow(actor="U0AIKO") as second:
        mine = first.deals.get(deal_id)
        theirs = second.deals.get(deal_id)
        assert mine.version == theirs.version == 1
        mine.status = DealStatus.ACCEPTED
        first.commit()
        theirs.status = DealStatus.DECLINED
        theirs.company = "Renamed KK"
        with pytest.raises(ChangedMeanwhileError):
            second.commit()
    deal = load(factory, deal_id)
    assert (deal.status, deal.company, deal.version) == (DealStatus.ACCEPTED, "Example KK", 2)
    assert counts(factory, AuditEntry)["audit_log"] == before["audit_log"] + 1


def test_two_threads_racing_on_one_deal_one_wins(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World,
        clock: FakeClock, backend: str) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite serialises whole transactions (BEGIN IMMEDIATE): there is no race")
    deal_id = saved_deal(uow, world)
    both_read = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def edit(actor: str, status: DealStatus) -> None:
        try:
            with UnitOfWork(factory, actor=actor, clock=clock) as work:
                deal = work.deals.get(deal_id)
                both_read.wait()
                deal.status = status
                work.commit()
            outcomes[actor] = "saved"
        except ChangedMeanwhileError:
            outcomes[actor] = "changed meanwhile"
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcomes[actor] = repr(error)

    threads = [threading.Thread(target=edit, args=("U0GS", DealStatus.ACCEPTED)),
               threading.Thread(target=edit, args=("U0AIKO", DealStatus.DECLINED))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["changed meanwhile", "saved"], outcomes
    winner = next(actor for actor, outcome in outcomes.items() if outcome == "saved")
    deal = load(factory, deal_id)
    assert deal.version == 2
    assert deal.status == {"U0GS": DealStatus.ACCEPTED, "U0AIKO": DealStatus.DECLINED}[winner]
