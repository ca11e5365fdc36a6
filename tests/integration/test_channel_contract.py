"""The channel members repository's contract: the same behaviours in memory, on SQLite and on
PostgreSQL (when `TEST_DATABASE_URL` is set), like `test_repository_contract.py`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from storage.models import DealStatus, DealThread, OutboxState

from .contract_support import KINDS, Dir, Make, seed, units_of_work
from .support import T0, FakeClock
from .test_repository_contract import add_deal, new_deal


@pytest.fixture(params=KINDS)
def make(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Make]:
    with units_of_work(str(request.param), tmp_path, clock) as maker:
        yield maker


@pytest.fixture
def people(make: Make) -> Dir:
    return seed(make)


def test_members_are_unknown_until_read_in_full(make: Make) -> None:
    with make() as uow:
        assert not uow.channels.members_known("C1")
        uow.channels.joined("C1", "U0X", T0)       # a join alone does not make the list whole
        assert not uow.channels.members_known("C1")
        assert [m.user_id for m in uow.channels.members("C1")] == ["U0X"]
        uow.channels.set_members("C1", ["U0B", "U0A"], T0)
        uow.commit()
    with make() as uow:
        assert uow.channels.members_known("C1")
        assert [m.user_id for m in uow.channels.members("C1")] == ["U0A", "U0B"]
        assert not uow.channels.members_known("C2")


def test_set_members_keeps_since_of_those_still_there(make: Make) -> None:
    with make() as uow:
        uow.channels.set_members("C1", ["U0A", "U0B"], T0)
        uow.commit()
    later = T0 + timedelta(hours=1)
    with make() as uow:
        uow.channels.set_members("C1", ["U0A", "U0C"], later)
        uow.commit()
    with make() as uow:
        since = {m.user_id: m.since for m in uow.channels.members("C1")}
        assert since == {"U0A": T0, "U0C": later}


def test_join_leave_and_forget(make: Make) -> None:
    with make() as uow:
        uow.channels.set_members("C1", ["U0A"], T0)
        uow.channels.joined("C1", "U0B", T0 + timedelta(minutes=5))
        uow.channels.joined("C1", "U0B", T0 + timedelta(minutes=9))   # again: no-op
        uow.channels.left("C1", "U0A")
        uow.channels.left("C1", "U0NOBODY")
        uow.commit()
    with make() as uow:
        assert [(m.user_id, m.since) for m in uow.channels.members("C1")] == \
            [("U0B", T0 + timedelta(minutes=5))]
        uow.channels.forget("C1")
        uow.commit()
    with make() as uow:
        assert not uow.channels.members_known("C1")
        assert [m.user_id for m in uow.channels.members("C1")] == ["U0B"]


def test_people_in_a_channel_whatever_their_workspace(make: Make, people: Dir) -> None:
    with make() as uow:
        uow.channels.set_members("C1", ["U0AIKO", "U0BEN", "U0GS", "U0STRANGER"], T0)
        uow.commit()
    with make() as uow:
        assert [p.id for p in uow.channels.people_in("C1")] == \
            sorted([people.aiko, people.ben, people.gs])   # Ben is of workspace T2
        assert list(uow.channels.people_in("C2")) == []


def test_people_read_ahead_are_the_same_and_a_change_is_seen(make: Make, people: Dir) -> None:
    """A delivery round reads its channels' people at once and answers from memory; a change
    in the same transaction (a join) is seen all the same."""
    with make() as uow:
        uow.channels.set_members("C1", ["U0AIKO", "U0BEN", "U0GS", "U0STRANGER"], T0)
        uow.channels.set_members("C3", ["U0GS"], T0)
        uow.commit()
    with make() as uow, uow.reads_kept():
        uow.channels.read_ahead(["C1", "C2", "C3"])
        assert [p.id for p in uow.channels.people_in("C1")] == \
            sorted([people.aiko, people.ben, people.gs])
        assert list(uow.channels.people_in("C2")) == []
        assert [p.id for p in uow.channels.people_in("C3")] == [people.gs]
        assert uow.channels.members_known("C1") and not uow.channels.members_known("C2")
        uow.channels.joined("C3", "U0AIKO", T0)
        assert [p.id for p in uow.channels.people_in("C3")] == sorted([people.aiko, people.gs])


def test_open_deals_posted_in_a_channel(make: Make, people: Dir) -> None:
    one = add_deal(make, new_deal(people.acme, "one.example"))
    two = add_deal(make, new_deal(people.bravo, "two.example"))
    closed = add_deal(make, new_deal(people.acme, "three.example", status=DealStatus.LOST))
    elsewhere = add_deal(make, new_deal(people.acme, "four.example"))
    with make() as uow:
        for deal_id, channel in ((one, "C1"), (two, "C1"), (closed, "C1"), (elsewhere, "C2")):
            uow.deals.add_thread(DealThread(deal_id=deal_id, team_id="T1", channel_id=channel))
        uow.commit()
    with make() as uow:
        assert [d.id for d in uow.channels.deals_posted_in("C1")] == [one, two]


def test_held_rows_are_listed_and_released(make: Make) -> None:
    with make() as uow:
        for key in ("a", "b", "c"):
            uow.outbox.enqueue(key=key, channel="deal:1", payload={}, at=T0)
        uow.commit()
    with make() as uow:
        for key in ("a", "c"):
            row = uow.outbox.by_key(key)
            assert row is not None
            row.state = OutboxState.HELD
        uow.commit()
    with make() as uow:
        assert [m.idempotency_key for m in uow.channels.held()] == ["a", "c"]
        later = T0 + timedelta(hours=2)
        assert uow.channels.release_held(later) == 2
        uow.commit()
    with make() as uow:
        assert list(uow.channels.held()) == []
        row = uow.outbox.by_key("c")
        assert row is not None and row.state is OutboxState.PENDING
        assert row.next_attempt_at == T0 + timedelta(hours=2)


def test_partner_members_and_the_organisations_posted_in_each_channel(make: Make,
                                                                      people: Dir) -> None:
    open_deal = add_deal(make, new_deal(people.acme, "open.co.jp", status=DealStatus.ACCEPTED))
    won = add_deal(make, new_deal(people.bravo, "won.co.jp", status=DealStatus.WON))
    with make() as uow:
        uow.deals.add_thread(DealThread(deal_id=open_deal, team_id="T1", channel_id="C1",
                                        thread_ts="1.1"))
        uow.deals.add_thread(DealThread(deal_id=won, team_id="T1", channel_id="C2",
                                        thread_ts="1.2"))
        uow.channels.set_members("C1", ["U0AIKO", "U0BEN", "U0GS", "U0STRANGER"], T0)
        uow.commit()
    with make() as uow:
        pairs = [(m.channel_id, m.user_id, p.id) for m, p in uow.channels.partner_members()]
        assert pairs == [("C1", "U0AIKO", people.aiko), ("C1", "U0BEN", people.ben)]  # no GS
        assert uow.channels.deal_orgs(["C1", "C2", "C3"]) == {"C1": {people.acme}}  # won: closed
        assert uow.channels.deal_orgs([]) == {}


def test_unknown_users_are_remembered_once_per_channel_until_the_directory_knows_them(
        make: Make, people: Dir) -> None:
    later = T0 + timedelta(hours=2)
    with make() as uow:
        assert uow.channels.seen_unknown("C1", "U0NEW", "T1", T0)
        assert not uow.channels.seen_unknown("C1", "U0NEW", "T1", later)
        assert uow.channels.seen_unknown("C2", "U0NEW", "T1", T0 + timedelta(hours=1))
        assert uow.channels.seen_unknown("C1", "U0AIKO", "T1", T0)  # known later on: hidden
        uow.commit()
    with make() as uow:
        total, rows = uow.channels.unknown_users(limit=1)
        assert total == 2
        assert [(r.channel_id, r.user_id, r.first_seen, r.last_seen, r.times) for r in rows] == \
            [("C1", "U0NEW", T0, later, 2)]
        total, rows = uow.channels.unknown_users(limit=10)
        assert [r.channel_id for r in rows] == ["C1", "C2"] and total == 2
