"""Claiming 1,000 due clocks among 1,000,000 deals, on SQLite and on PostgreSQL.

For each backend an empty database is migrated (`storage.migrate.upgrade`) and seeded with N
deals, each with one line item and one running response clock whose next action falls somewhere
in a year, in random order of ids, so that 10,000 of them are due at the chosen `now`. Then due
clocks are claimed 1,000 at a time with `storage.claims.claim_due_clocks` (each claim its own
committed transaction, a new worker name each time) until all 10,000 are claimed; the claims are
released and the round repeated. Within a round each claim walks past the rows the earlier ones
still hold, as a sweep does while claims are in flight. The reference, in the same run on the
same rows and the same `now`, is the same rounds with the partial index `ix_clocks_due_work`
dropped (and, on PostgreSQL, the table analysed again); the index is recreated afterwards from
the model's definition.

Printed per backend: migration time, seeding rate (Core executemany on SQLite, COPY on
PostgreSQL), p50/p99 latency of one claim with and without the index and their ratio, the median
of the first, second, ... claim of a round, and the plan of the claim's candidate SELECT with the
index (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite), checked to be the
SELECT that `claim_due_clocks` sends. Targets, reported and never enforced: p99 under 50 ms on
PostgreSQL, under 100 ms on SQLite. At the end, the process's peak RSS. SQLite runs in a
temporary file; PostgreSQL in a schema of its own, created for the run and dropped after it.

    .venv/bin/python bench/storage_bench.py [--deals 1000000] [--backends sqlite,postgresql]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--due 10000] [--limit 1000]
        [--rounds 3] [--seed 5]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import resource
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from backends import bench_engine, parse_backends
from sqlalchemy import Engine, Index, and_, event, insert, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from storage.claims import claim_due_clocks
from storage.db import make_session_factory
from storage.migrate import upgrade
from storage.models import Clock, Deal, LineItem, Region

START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
BATCH = 50_000
TARGET_MS = {"sqlite": 100.0, "postgresql": 50.0}
LINES = ("marketing", "sales", "service", "content", "operations")
INDEX_NAME = "ix_clocks_due_work"
DEFAULT_PG_URL = os.environ.get("TEST_DATABASE_URL",
                                "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Workload:
    """The seeded rows' shape: which ids are due at `now`, and every clock's next action."""

    deals: int
    due: int
    now: datetime
    seed: int

    def next_actions(self) -> Iterator[tuple[int, datetime]]:
        """(id, next_action_at) for ids 1..deals: `due` of them, at random, at or before `now`."""
        rng = random.Random(self.seed)
        due_ids = set(rng.sample(range(1, self.deals + 1), self.due))
        window = (self.now - START).total_seconds()
        rest = YEAR.total_seconds() - window
        for ident in range(1, self.deals + 1):
            late = 0.0 if ident in due_ids else window + 1
            offset = late + rng.random() * (window if ident in due_ids else rest - 1)
            yield ident, START + timedelta(seconds=round(offset, 6))


def workload(deals: int, due: int, seed: int) -> Workload:
    """`due` clocks due at `now`, which sits as far into the year as `due / deals` of it."""
    due = min(due, deals)
    now = START + timedelta(seconds=round(YEAR.total_seconds() * due / deals))
    return Workload(deals, due, now, seed)


def _chunks(work: Workload) -> Iterator[list[tuple[int, datetime]]]:
    chunk: list[tuple[int, datetime]] = []
    for row in work.next_actions():
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _region(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(Region), [{"code": "JP", "country": "JP", "subdiv": None,
                                             "timezone": "Asia/Tokyo", "workweek": [0, 1, 2, 3, 4],
                                             "closures": {}}])


def seed_sqlite(engine: Engine, work: Workload) -> int:
    """Core executemany, 50,000 deals at a time: their deals, items and clocks in one transaction."""
    _region(engine)
    mrr = Decimal("450.0000")
    rows = 1
    for chunk in _chunks(work):
        deals, items, clocks = [], [], []
        for ident, next_action in chunk:
            created = next_action - timedelta(days=30)
            deals.append({"id": ident, "customer_domain": f"c{ident}.example",
                          "company": f"Customer {ident}", "currency": "USD",
                          "motion": "partner_sourced", "status": "accepted", "segment": "smb",
                          "region_code": "JP", "created_at": created, "updated_at": created,
                          "version": 1})
            items.append({"id": ident, "deal_id": ident, "line": LINES[ident % len(LINES)],
                          "edition": "professional", "mrr": mrr})
            clocks.append({"id": ident, "deal_id": ident, "kind": "response",
                           "owed_by": "partner", "started_at": created,
                           "due_at": next_action, "basis": "business_days",
                           "state": "running", "next_action_at": next_action, "version": 1})
        with engine.begin() as connection:
            connection.execute(insert(Deal), deals)
            connection.execute(insert(LineItem), items)
            connection.execute(insert(Clock), clocks)
        rows += 3 * len(chunk)
    return rows


def seed_postgresql(engine: Engine, work: Workload) -> int:
    """psycopg COPY of text rows, one transaction for the lot; then VACUUM ANALYZE."""
    _region(engine)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns, line in (
            ("deals", "id, customer_domain, company, currency, motion, status, segment, "
                      "region_code, created_at, updated_at, version",
             "{0}\tc{0}.example\tCustomer {0}\tUSD\tpartner_sourced\taccepted\tsmb\tJP\t{1}\t{1}\t1\n"),
            ("deal_line_items", "id, deal_id, line, edition, mrr",
             "{0}\t{0}\t{3}\tprofessional\t450.0000\n"),
            ("clocks", "id, deal_id, kind, owed_by, started_at, due_at, basis, state, "
                       "next_action_at, version",
             "{0}\t{0}\tresponse\tpartner\t{1}\t{2}\tbusiness_days\trunning\t{2}\t1\n"),
        ):
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for chunk in _chunks(work):
                    copy.write("".join(
                        line.format(ident, (at - timedelta(days=30)).isoformat(), at.isoformat(),
                                    LINES[ident % len(LINES)]) for ident, at in chunk))
        raw.commit()
    finally:
        raw.close()
    return 1 + 3 * work.deals


def analyze(engine: Engine, *, vacuum: bool = False) -> None:
    """PostgreSQL: (VACUUM) ANALYZE the seeded tables only, never the whole database."""
    tables = "regions, deals, deal_line_items, clocks"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {tables}")


def candidates_statement(now: datetime, limit: int) -> Any:
    """The candidate SELECT of `claim_due_clocks`, built as `storage.claims._claim` builds it."""
    free = or_(Clock.claimed_until.is_(None), Clock.claimed_until < now)
    return (select(Clock.id)
            .where(and_(text("clocks.state = 'running'"), Clock.next_action_at <= now, free))
            .order_by(Clock.next_action_at, Clock.id)
            .limit(limit)
            .with_for_update(skip_locked=True))


def _shape(sql: str) -> str:
    """SQL with its placeholders and spacing made uniform, to compare two renderings."""
    sql = re.sub(r"%\(\w+\)s|\?|:\w+|\$\d+", "?", sql)
    return re.sub(r"\s+", " ", sql).replace("( ", "(").replace(" )", ")").strip()


@contextmanager
def captured(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent to the database while the block runs."""
    sent: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def is_claims_select(engine: Engine, factory: sessionmaker[Session], now: datetime,
                     limit: int) -> bool:
    """Whether our candidate SELECT is, word for word, inside the UPDATE `claim_due_clocks` sends.

    The claim is made at an instant when nothing is due yet, so it claims nothing.
    """
    with captured(engine) as sent:
        claim_due_clocks(factory, now=START - timedelta(days=1), limit=limit, worker="bench-probe")
    ours = _shape(str(candidates_statement(now, limit).compile(dialect=engine.dialect)))
    return any(ours in _shape(statement) for statement in sent if "UPDATE" in statement)


def plan(engine: Engine, now: datetime, limit: int) -> list[str]:
    """The candidate SELECT's plan, its literal SQL compiled by the engine's dialect."""
    sql = str(candidates_statement(now, limit).compile(
        dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
            depth: dict[int, int] = {0: 0}
            lines = []
            for node, parent, _unused, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * depth[node] + str(detail))
        else:
            rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}").all()
            lines = ["  " + row[0] for row in rows]
        connection.rollback()  # FOR UPDATE locks taken by ANALYZE are let go
    return lines


def reset_claims(engine: Engine) -> None:
    """Release every claimed clock, so a round starts with all due clocks free."""
    with engine.begin() as connection:
        connection.execute(update(Clock).where(Clock.claimed_by.is_not(None))
                           .values(claimed_by=None, claimed_until=None))


def claim_rounds(engine: Engine, factory: sessionmaker[Session], work: Workload, *, limit: int,
                 rounds: int, tag: str) -> tuple[list[float], list[int]]:
    """Claim batches of `limit` until nothing due is left, `rounds` times; ms per claim."""
    latencies: list[float] = []
    per_round: list[int] = []
    for number in range(rounds):
        claimed = 0
        for batch in range(math.ceil(work.due / limit)):
            began = time.perf_counter()
            ids = claim_due_clocks(factory, now=work.now, limit=limit,
                                   worker=f"{tag}-r{number}-b{batch}")
            latencies.append((time.perf_counter() - began) * 1000)
            claimed += len(ids)
        per_round.append(claimed)
        reset_claims(engine)
    return latencies, per_round


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def due_index() -> Index:
    """The model's `ix_clocks_due_work`, to drop and recreate exactly as declared."""
    return next(index for index in Clock.__table__.indexes if index.name == INDEX_NAME)


def _row(label: str, figures: str) -> None:
    print(f"{label:<44}{figures}")


def _by_batch(latencies: list[float], batches: int) -> str:
    """Median latency of the first, second, ... claim of a round, across rounds."""
    medians = [statistics.median(latencies[i::batches]) for i in range(batches)]
    return " ".join(f"{m:.0f}" for m in medians)


def run_backend(name: str, engine: Engine, args: argparse.Namespace) -> None:
    """Migrate, seed, claim with and without the index, print the figures and the plan."""
    work = workload(args.deals, args.due, args.seed)
    batches = math.ceil(work.due / args.limit)
    factory = make_session_factory(engine)
    print(f"\n== {name}: {args.deals:,} deals, {work.due:,} clocks due at {work.now:%Y-%m-%d %H:%M}, "
          f"{args.rounds} rounds of {batches} claims of {args.limit:,}")

    began = time.perf_counter()
    upgrade(engine)
    _row("migrate the empty database", f"{time.perf_counter() - began:8.2f} s")
    began = time.perf_counter()
    rows = (seed_sqlite if name == "sqlite" else seed_postgresql)(engine, work)
    seeded = time.perf_counter() - began
    how = "Core executemany" if name == "sqlite" else "COPY"
    _row(f"seed {rows:,} rows ({how})", f"{seeded:8.2f} s  {rows / seeded:>9,.0f} rows/s")
    if name == "postgresql":
        began = time.perf_counter()
        analyze(engine, vacuum=True)
        _row("VACUUM ANALYZE after seeding", f"{time.perf_counter() - began:8.2f} s")

    same = is_claims_select(engine, factory, work.now, args.limit)  # also warms the statement cache
    lines = plan(engine, work.now, args.limit)
    with_index, claimed = claim_rounds(engine, factory, work, limit=args.limit,
                                       rounds=args.rounds, tag="indexed")

    with engine.begin() as connection:
        due_index().drop(connection)
    if name == "postgresql":
        analyze(engine)
    without, claimed_without = claim_rounds(engine, factory, work, limit=args.limit,
                                            rounds=args.rounds, tag="scan")
    began = time.perf_counter()
    with engine.begin() as connection:
        due_index().create(connection)
    if name == "postgresql":
        analyze(engine)
    rebuilt = time.perf_counter() - began

    p50, p99 = statistics.median(with_index), percentile(with_index, 0.99)
    q50, q99 = statistics.median(without), percentile(without, 0.99)
    target = TARGET_MS[name]
    _row(f"claim {args.limit:,} with {INDEX_NAME}",
         f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  ({len(with_index)} claims; target p99 < "
         f"{target:.0f} ms: {'met' if p99 < target else 'MISSED'})")
    _row(f"claim {args.limit:,} without it (reference)",
         f"p50 {q50:7.1f} ms  p99 {q99:7.1f} ms  ({len(without)} claims)")
    _row("ratio without / with the index", f"p50 {q50 / p50:7.1f}x     p99 {q99 / p99:7.1f}x")
    _row("median ms by claim in round, with index", _by_batch(with_index, batches))
    _row("median ms by claim in round, without", _by_batch(without, batches))
    _row("clocks claimed per round, with / without", f"{claimed} / {claimed_without}")
    _row(f"recreate {INDEX_NAME}" + (" and ANALYZE" if name == "postgresql" else ""),
         f"{rebuilt:8.2f} s")
    used = any(INDEX_NAME in line for line in lines)
    print(f"candidate SELECT (the one claim_due_clocks sends: {'yes' if same else 'NO'}), "
          f"plan with the index ({'index used' if used else 'index NOT used'}):")
    for line in lines:
        print(line)


def main() -> None:
    """Run the chosen backends, then print the peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    backends = parse_backends(parser, args.backends)
    print(f"storage_bench: claim_due_clocks among {args.deals:,} deals on {', '.join(backends)}")
    for name in backends:
        with bench_engine(name, args.pg_url, "bench_storage") as engine:
            run_backend(name, engine, args)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    _row("peak RSS of the process", f"{peak:,.0f} MiB")


if __name__ == "__main__":
    main()
