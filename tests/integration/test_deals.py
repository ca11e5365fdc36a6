"""Customer domains, one open deal per partner and domain, and Best Partner Wins cases."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from rules.domains import DomainError
from storage.errors import DuplicateDealError
from storage.models import BpwCase, BpwClaim, Deal, DealStatus
from storage.unit_of_work import UnitOfWork

from .support import FakeClock, World, count, counts, make_deal


def add(uow: Callable[..., UnitOfWork], partner: int | None, domain: str) -> Deal:
    with uow() as work:
        deal = work.deals.add(make_deal(partner, domain), at=work.now())
        work.commit()
    return deal


def set_status(uow: Callable[..., UnitOfWork], deal_id: int, status: DealStatus) -> None:
    with uow() as work:
        work.deals.get(deal_id).status = status
        work.commit()


@pytest.mark.parametrize(("given", "stored"), [
    ("https://www.Example.COM/path", "example.com"),
    ("http://shop.example.co.jp:8080/?q=1#top", "shop.example.co.jp"),
    ("EXAMPLE.com.", "example.com"),
    ("https://www.Bücher.example/shop", "xn--bcher-kva.example"),
    ("例え.jp", "xn--r8jz45g.jp"),
])
def test_domains_are_normalised_before_they_are_stored(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World, given: str,
        stored: str) -> None:
    deal = add(uow, world.acme, given)
    with factory() as session:
        assert session.scalar(select(Deal.customer_domain).where(Deal.id == deal.id)) == stored
    with uow() as work:
        assert [d.id for d in work.deals.open_on_domain(given.upper())] == [deal.id]


@pytest.mark.parametrize("given", ["", "   ", "localhost", "not a domain", "aiko@example.com",
                                   "https://user:pw@example.com/", "192.168.0.1", "-bad-.example",
                                   "exa_mple.com"])
def test_invalid_domains_are_refused_and_nothing_written(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World,
        given: str) -> None:
    with uow() as work:
        with pytest.raises(DomainError):
            work.deals.add(make_deal(world.acme, given), at=work.now())
        work.commit()
    assert counts(factory, Deal)["deals"] == 0


def test_one_open_deal_per_partner_and_domain(uow: Callable[..., UnitOfWork],
                                             factory: sessionmaker[Session], world: World) -> None:
    first = add(uow, world.acme, "example.com")
    with uow() as work:
        with pytest.raises(DuplicateDealError) as caught:
            work.deals.add(make_deal(world.acme, "https://www.EXAMPLE.com/other"), at=work.now())
        work.commit()
    assert (caught.value.domain, caught.value.deal_id) == ("example.com", first.id)
    assert counts(factory, Deal)["deals"] == 1
    assert add(uow, world.acme, "other.example").id != first.id  # another domain is fine


@pytest.mark.parametrize("closed", [DealStatus.WON, DealStatus.LOST, DealStatus.DECLINED,
                                    DealStatus.LAPSED, DealStatus.REMOVED])
def test_a_new_deal_is_allowed_once_the_first_is_closed(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World,
        closed: DealStatus) -> None:
    first = add(uow, world.acme, "example.com")
    set_status(uow, first.id, closed)
    second = add(uow, world.acme, "example.com")
    with uow() as work:
        assert [d.id for d in work.deals.open_on_domain("example.com")] == [second.id]
        assert [d.id for d in work.deals.for_partner(world.acme, open_only=False)] == [first.id,
                                                                                       second.id]


def test_reopening_a_closed_deal_beside_an_open_one_is_refused_by_the_database(
        uow: Callable[..., UnitOfWork], world: World) -> None:
    first = add(uow, world.acme, "example.com")
    set_status(uow, first.id, DealStatus.LOST)
    add(uow, world.acme, "example.com")
    with uow() as work:
        work.deals.get(first.id).status = DealStatus.REGISTERED
        with pytest.raises(DuplicateDealError):
            work.commit()


def test_hubspot_deals_without_a_partner_do_not_count(uow: Callable[..., UnitOfWork],
                                                      world: World) -> None:
    add(uow, None, "example.com")
    add(uow, None, "example.com")
    partner = add(uow, world.acme, "example.com")
    assert partner.bpw_case_id is None
    with uow() as work:
        assert work.deals.bpw_cases_for(work.directory.person_by_id(world.gs)) == []


def test_a_second_partner_opens_one_case_and_a_third_joins_it(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    acme = add(uow, world.acme, "example.com")
    assert acme.bpw_case_id is None
    bravo = add(uow, world.bravo, "https://www.example.com/")
    with factory() as session:
        [case] = session.scalars(select(BpwCase)).all()
        assert case.customer_domain == "example.com"
        assert sorted((c.partner_org_id, c.deal_id) for c in case.claims) == sorted(
            [(world.acme, acme.id), (world.bravo, bravo.id)])
        assert {d.bpw_case_id for d in session.scalars(select(Deal))} == {case.id}
    corvid = add(uow, world.corvid, "EXAMPLE.COM")
    with factory() as session:
        assert count(session, BpwCase) == 1
        claims = session.scalars(select(BpwClaim).order_by(BpwClaim.id)).all()
        assert [(c.case_id, c.partner_org_id, c.deal_id) for c in claims] == [
            (case.id, world.acme, acme.id), (case.id, world.bravo, bravo.id),
            (case.id, world.corvid, corvid.id)]
        assert session.get_one(Deal, corvid.id).bpw_case_id == case.id


def test_other_domains_do_not_share_a_case(uow: Callable[..., UnitOfWork],
                                           factory: sessionmaker[Session], world: World) -> None:
    add(uow, world.acme, "example.com")
    add(uow, world.bravo, "example.com")
    add(uow, world.acme, "another.example")
    add(uow, world.bravo, "another.example")
    with factory() as session:
        cases = session.scalars(select(BpwCase).order_by(BpwCase.id)).all()
        assert [c.customer_domain for c in cases] == ["example.com", "another.example"]
        assert [len(c.claims) for c in cases] == [2, 2]


def test_a_partner_sees_no_case_and_staff_see_it(uow: Callable[..., UnitOfWork], world: World) -> None:
    add(uow, world.acme, "example.com")
    add(uow, world.bravo, "example.com")
    with uow() as work:
        people = work.directory
        assert work.deals.bpw_cases_for(people.person_by_id(world.aiko)) == []
        assert work.deals.bpw_cases_for(people.person_by_id(world.ben)) == []
        for staff in (world.gs, world.pdm):
            [case] = work.deals.bpw_cases_for(people.person_by_id(staff))
            assert {c.partner_org_id for c in case.claims} == {world.acme, world.bravo}


def test_a_double_submit_racing_on_postgresql_is_a_duplicate_deal_error(
        factory: sessionmaker[Session], world: World, clock: FakeClock, backend: str) -> None:
    """Two transactions both pass the repository's check; the partial unique index refuses the
    second insert, and the caller learns it as the same `DuplicateDealError`."""
    if backend == "sqlite":
        pytest.skip("SQLite serialises whole transactions (BEGIN IMMEDIATE): there is no race")
    both_checked = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            with UnitOfWork(factory, actor="U0AIKO", clock=clock) as work:
                work.deals.open_on_domain("example.com")  # both see no open deal yet
                both_checked.wait()
                work.deals.add(make_deal(world.acme, "example.com"), at=work.now())
                work.commit()
            outcomes.append("saved")
        except DuplicateDealError:
            outcomes.append("duplicate")
        except IntegrityError:
            outcomes.append("integrity error")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["duplicate", "saved"]
    assert counts(factory, Deal)["deals"] == 1


def test_two_partners_registering_one_domain_at_once_still_open_a_case(
        factory: sessionmaker[Session], world: World, clock: FakeClock, backend: str) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite serialises whole transactions (BEGIN IMMEDIATE): there is no race")
    # Both start at once; each holds its transaction open a moment after adding, the window in
    # which, without the per-domain lock, the other would read no rival.
    both_ready = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def register(partner: int) -> None:
        try:
            with UnitOfWork(factory, actor=f"partner:{partner}", clock=clock) as work:
                both_ready.wait()
                work.deals.add(make_deal(partner, "example.com"), at=work.now())
                time.sleep(0.3)
                work.commit()
        except BaseException as error:  # pragma: no cover - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=register, args=(p,)) for p in (world.acme, world.bravo)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with factory() as session:
        assert count(session, Deal) == 2
        [case] = session.scalars(select(BpwCase)).all()
        assert {c.partner_org_id for c in case.claims} == {world.acme, world.bravo}
