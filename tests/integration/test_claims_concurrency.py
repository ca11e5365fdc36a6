"""Several processes sweeping one table of due clocks at once: every clock is claimed, none twice.

Each worker is a real process (multiprocessing's `spawn`: nothing inherited but the arguments)
with its own engine on the test's database, claiming batches until nothing is left.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import time
import traceback
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from storage.claims import claim_due_clocks
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade

from .support import (
    T0,
    FakeClock,
    add_clocks,
    clock_row,
    fresh_database,
    make_deal,
    needs_postgres,
    seed_world,
)

LEASE = timedelta(minutes=10)


def claim_until_empty(url: str, worker: str, seed: int, now: datetime, handling: float, start: Any,
                      results: Any) -> None:
    """A worker process: claim batches of 100 to 500 until a claim comes back empty, spending
    `handling` seconds on each batch (outside the claim's transaction) as a sweep would."""
    try:
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with engine.connect():
            pass  # connected (and imported) before the start, so that the workers really overlap
        rng = random.Random(seed)
        got: list[int] = []
        batches = 0
        start.wait(60)  # a barrier: every worker is ready
        while batch := claim_due_clocks(factory, now=now, limit=rng.randint(100, 500),
                                        worker=worker, lease=LEASE):
            got.extend(batch)
            batches += 1
            time.sleep(handling)
        engine.dispose()
        results.put((worker, got, batches, None))
    except BaseException:
        results.put((worker, [], 0, traceback.format_exc()))


def sweep_in_processes(url: str, *, processes: int, handling: float) -> dict[str, list[int]]:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes)
    results = context.Queue()
    workers = [context.Process(target=claim_until_empty, daemon=True,
                               args=(url, f"worker-{n}", n, T0, handling, start, results))
               for n in range(processes)]
    for process in workers:
        process.start()
    found: dict[str, list[int]] = {}
    deadline = time.monotonic() + 60
    try:
        for _ in workers:
            worker, got, batches, error = results.get(timeout=max(1.0, deadline - time.monotonic()))
            assert error is None, f"{worker} failed:\n{error}"
            assert batches > 0 or not got
            found[worker] = got
    except queue.Empty:  # pragma: no cover - a hung worker
        pytest.fail(f"workers did not finish in time (finished: {sorted(found)})")
    finally:
        for process in workers:
            process.join(timeout=10)
            if process.is_alive():  # pragma: no cover
                process.terminate()
    return found


def run_sweep(url: str, *, clocks: int, processes: int, handling: float = 0.0) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        world = seed_world(factory, FakeClock())
        with factory.begin() as session:
            deal = make_deal(world.acme, "example.com")
            deal.created_at = deal.updated_at = T0
            session.add(deal)
            session.flush()
            deal_id = deal.id
        rng = random.Random(7)
        ids = add_clocks(factory, [
            clock_row(deal_id, next_action_at=T0 - timedelta(seconds=rng.randint(0, 86_400)))
            for _ in range(clocks)])
        assert len(set(ids)) == clocks

        started = time.monotonic()
        found = sweep_in_processes(url, processes=processes, handling=handling)
        print(f"{processes} processes, {clocks} clocks: {time.monotonic() - started:.2f} s; "
              f"claimed {', '.join(f'{w}: {len(got)}' for w, got in sorted(found.items()))}")

        every = [i for got in found.values() for i in got]
        twice = [i for i, n in Counter(every).items() if n > 1]
        assert twice == [], f"{len(twice)} clocks claimed more than once"
        assert set(every) == set(ids)
        assert len(every) == clocks
        assert claim_due_clocks(factory, now=T0, limit=10, worker="late") == []
        assert sum(1 for got in found.values() if got) >= 2, "the workers did not overlap"
    finally:
        engine.dispose()


@needs_postgres
@pytest.mark.slow
def test_four_processes_claim_ten_thousand_clocks_each_exactly_once(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        run_sweep(url, clocks=10_000, processes=4)


@pytest.mark.slow
def test_two_processes_claim_two_thousand_clocks_each_exactly_once_on_sqlite(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as url:
        # SQLite's busy handler is not fair: without a moment between claims one process can
        # take every batch while the other backs off (its busy handler sleeps up to 100 ms a
        # time), and nothing would overlap: each batch is handled for longer than that.
        run_sweep(url, clocks=2_000, processes=2, handling=0.2)
