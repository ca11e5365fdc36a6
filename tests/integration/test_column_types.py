"""`UTCDateTime` and `Amount` keep their promises on each database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Deal, LineItem, ProcessedEvent
from storage.unit_of_work import UnitOfWork

from .support import World, count, make_deal

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def test_a_naive_datetime_is_refused_and_nothing_is_written(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session]) -> None:
    with uow() as work:
        work.session.add(ProcessedEvent(event_id="Ev1", received_at=datetime(2025, 11, 4, 9, 30)))
        with pytest.raises(StatementError, match="naive datetimes cannot be stored"):
            work.session.flush()
    with factory() as session:
        assert count(session, ProcessedEvent) == 0


def test_aware_datetimes_come_back_aware_utc_and_the_same_instant(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session]) -> None:
    stored = {
        "tokyo": datetime(2025, 11, 4, 9, 30, 15, 123456, tzinfo=TOKYO),
        # 01:30 on the night New York falls back: the second (EST) of the two 01:30s
        "new-york-fold": datetime(2025, 11, 2, 1, 30, fold=1, tzinfo=NEW_YORK),
        "offset": datetime(2025, 11, 4, 0, 0, tzinfo=timezone(timedelta(hours=-3, minutes=-30))),
        "utc": datetime(2025, 11, 4, 0, 30, tzinfo=UTC),
    }
    with uow() as work:
        work.session.add_all(ProcessedEvent(event_id=k, received_at=v) for k, v in stored.items())
        work.commit()
    with factory() as session:
        loaded = {e.event_id: e.received_at for e in session.scalars(select(ProcessedEvent))}
    assert loaded.keys() == stored.keys()
    for key, value in loaded.items():
        assert value.tzinfo is not None and value.utcoffset() == timedelta(0), key
        # (compared in UTC: Python never calls a fold=1 time equal to a time in another zone)
        assert value == stored[key].astimezone(UTC), key
        assert value.timestamp() == stored[key].timestamp(), key
    assert loaded["new-york-fold"] == datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
    assert loaded["tokyo"].microsecond == 123456


def test_comparisons_in_sql_are_between_instants(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session]) -> None:
    with uow() as work:
        work.session.add_all([
            ProcessedEvent(event_id="early", received_at=datetime(2025, 11, 4, 8, 0, tzinfo=TOKYO)),
            ProcessedEvent(event_id="late", received_at=datetime(2025, 11, 4, 10, 0, tzinfo=TOKYO)),
        ])
        work.commit()
    # 09:00 in Tokyo is 19:00 the day before in New York
    boundary = datetime(2025, 11, 3, 19, 0, tzinfo=NEW_YORK)
    with factory() as session:
        after = session.scalars(select(ProcessedEvent.event_id)
                                .where(ProcessedEvent.received_at > boundary)).all()
    assert after == ["late"]


@pytest.mark.parametrize("amounts", [
    (Decimal("96000.0001"),),
    (Decimal("0.1"), Decimal("0.2")),
    (Decimal("99999999999999.9999"), Decimal("-0.0001"), Decimal("0")),
], ids=["fraction", "tenths", "extremes"])
def test_decimal_mrr_comes_back_exactly(uow: Callable[..., UnitOfWork], factory: sessionmaker[Session],
                                        world: World, amounts: tuple[Decimal, ...]) -> None:
    with uow() as work:
        deal = work.deals.add(make_deal(world.acme, "example.com",
                                        items=tuple(("marketing", a) for a in amounts)),
                              at=work.now())
        work.commit()
    with factory() as session:
        loaded = session.scalars(select(LineItem.mrr).where(LineItem.deal_id == deal.id)
                                 .order_by(LineItem.id)).all()
    assert all(isinstance(a, Decimal) for a in loaded)
    assert list(loaded) == list(amounts)
    assert sum(loaded, Decimal(0)) == sum(amounts, Decimal(0))


def test_tenth_and_two_tenths_sum_to_three_tenths(uow: Callable[..., UnitOfWork],
                                                   factory: sessionmaker[Session], world: World) -> None:
    with uow() as work:
        deal = work.deals.add(make_deal(world.acme, "example.com", items=(
            ("marketing", Decimal("0.1")), ("sales", Decimal("0.2")))), at=work.now())
        work.commit()
    with factory() as session:
        loaded = session.get(Deal, deal.id)
        assert loaded is not None
        assert sum((i.mrr for i in loaded.items), Decimal(0)) == Decimal("0.3")


def test_a_float_amount_is_refused(uow: Callable[..., UnitOfWork], factory: sessionmaker[Session],
                                   world: World) -> None:
    with uow() as work:
        work.deals.add(make_deal(world.acme, "example.com"), at=work.now())
        deal = work.deals.open_on_domain("example.com")[0]
        deal.items.append(LineItem(line="marketing", mrr=0.1))  # type: ignore[arg-type]
        with pytest.raises(StatementError, match="amounts are Decimal, not float"):
            work.session.flush()
    with factory() as session:
        assert count(session, LineItem) == 0
        assert count(session, Deal) == 0
