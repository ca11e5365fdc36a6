"""The unit of work writes a change whole or not at all."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from rules.vocabulary import Role
from storage.errors import DuplicateDealError
from storage.models import AuditEntry, BpwCase, Deal, DealThread, LineItem, OutboxMessage, Person
from storage.unit_of_work import UnitOfWork

from .support import World, counts, make_deal

LEDGER = (Deal, LineItem, DealThread, BpwCase, OutboxMessage, AuditEntry)
ITEMS = (("marketing", Decimal("800")), ("sales", Decimal("20")))


class SlackCallError(RuntimeError):
    pass


def test_leaving_without_commit_writes_nothing(uow: Callable[..., UnitOfWork],
                                               factory: sessionmaker[Session], world: World) -> None:
    before = counts(factory, *LEDGER)
    with uow() as work:
        work.deals.add(make_deal(world.acme, "example.com", items=ITEMS), at=work.now())
        work.outbox.enqueue(key="k1", channel="C1", payload={"text": "hi"}, at=work.now())
        work.session.flush()
    assert counts(factory, *LEDGER) == before


def test_an_exception_midway_leaves_nothing_behind(uow: Callable[..., UnitOfWork],
                                                   factory: sessionmaker[Session], world: World) -> None:
    before = counts(factory, *LEDGER)
    with pytest.raises(SlackCallError), uow() as work:
        deal = work.deals.add(make_deal(world.acme, "example.com", items=ITEMS), at=work.now())
        deal.thread = DealThread(team_id="T1", channel_id="C1", thread_ts="1.1")
        work.session.flush()
        work.deals.add(make_deal(world.bravo, "example.com"), at=work.now())  # opens a BPW case
        raise SlackCallError("the Slack call failed")
    assert counts(factory, *LEDGER) == before


def test_an_exception_after_a_commit_keeps_what_was_committed(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    with pytest.raises(SlackCallError), uow() as work:
        work.deals.add(make_deal(world.acme, "example.com", items=ITEMS), at=work.now())
        work.commit()
        work.deals.add(make_deal(world.acme, "other.example"), at=work.now())
        raise SlackCallError("after the first commit")
    assert counts(factory, Deal, LineItem) == {"deals": 1, "deal_line_items": 2}


def test_a_failing_flush_rolls_back_the_whole_transaction(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    before = counts(factory, Person, *LEDGER)
    with uow() as work:
        work.session.add(Person(slack_team_id="T1", slack_user_id="U0NEW", name="New",
                                role=Role.GS))
        work.deals.add(make_deal(world.acme, "example.com", items=ITEMS), at=work.now())
        work.outbox.enqueue(key="k1", channel="C1", payload={}, at=work.now())
        # Past the repository's check: the database's partial unique index must refuse it.
        duplicate = make_deal(world.acme, "example.com")
        duplicate.created_at = duplicate.updated_at = work.now()
        work.session.add(duplicate)
        with pytest.raises(IntegrityError):
            work.session.flush()
    assert counts(factory, Person, *LEDGER) == before


def test_a_duplicate_found_at_commit_is_a_duplicate_deal_error_and_rolls_back(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    before = counts(factory, *LEDGER)
    with uow() as work:
        work.deals.add(make_deal(world.acme, "example.com", items=ITEMS), at=work.now())
        duplicate = make_deal(world.acme, "example.com")
        duplicate.created_at = duplicate.updated_at = work.now()
        work.session.add(duplicate)
        with pytest.raises(DuplicateDealError):
            work.commit()
    assert counts(factory, *LEDGER) == before


def test_commit_writes_everything(uow: Callable[..., UnitOfWork], factory: sessionmaker[Session],
                                  world: World) -> None:
    with uow() as work:
        deal = work.deals.add(make_deal(world.acme, "example.com", items=ITEMS), at=work.now())
        deal.thread = DealThread(team_id="T1", channel_id="C1", thread_ts="1.1")
        work.outbox.enqueue(key="k1", channel="C1", payload={"text": "hi"}, at=work.now())
        work.commit()
    with uow() as work:
        assert work.deals.by_thread("C1", "1.1") is not None
        assert [i.mrr for i in work.deals.get(deal.id).items] == [Decimal("800"), Decimal("20")]
        assert work.outbox.by_key("k1") is not None
