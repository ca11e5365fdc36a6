"""Response due times per second for 100,000 random receipts across 10 regions.

The reference, in the same run and on the same receipts, is a straightforward day-by-day
implementation: walk the local days from the receipt, subtracting each business day's hours
until 48 are used up (or stopping at 17:00 on the next business day). Every due time of the two
must agree, so the benchmark is also a cross-check. Also printed: p50/p99 latency of one
computation, and the cost of building the calendars (once per region and span of years).

    .venv/bin/python bench/clocks_bench.py [--receipts 100000] [--seed 11]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time as clock
from datetime import UTC, date, datetime, time, timedelta

import holidays

from rules.calendars import RegionCalendar
from rules.clocks import response_clock, response_due
from rules.instants import elapsed, shift
from rules.regions import RegionDirectory

REGIONS = ("JP", "US-CA", "GB", "DE", "FR", "AU", "SG", "IN", "BR", "SA")
GOAL = timedelta(hours=48)


class DayByDay:
    """The obvious implementation: the `holidays` calendar asked one local day at a time."""

    def __init__(self, calendar: RegionCalendar) -> None:
        spec = calendar.spec
        self.tz = calendar.tz
        self.workweek = spec.workweek
        self.closures = spec.closures
        self.holidays = holidays.country_holidays(spec.country, subdiv=spec.subdiv)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.workweek and day not in self.holidays \
            and day not in self.closures

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.tz)


def day_by_day_due(received: datetime, calendar: DayByDay) -> datetime:
    """Walk the local days from the receipt until 48 business hours are used up."""
    local = received.astimezone(calendar.tz)
    day = local.date()
    if not calendar.is_business_day(day):
        day += timedelta(days=1)
        while not calendar.is_business_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, time(17), calendar.tz)
    left = GOAL
    cursor = local
    while True:
        day = cursor.date()
        end = calendar.midnight(day + timedelta(days=1))
        if calendar.is_business_day(day):
            available = elapsed(cursor, end)
            if available >= left:
                return shift(cursor, left)
            left -= available
        cursor = end


def receipts(count: int, seed: int, directory: RegionDirectory) -> list[tuple[datetime, RegionCalendar]]:
    """Random instants in 2025-2026, each in one of the regions."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    span = 2 * 365 * 86400
    made = []
    for _ in range(count):
        calendar = directory.calendar(rng.choice(REGIONS))
        moment = datetime.fromtimestamp(start + rng.random() * span, calendar.tz)
        made.append((moment.replace(second=0, microsecond=0), calendar))
    return made


def main() -> None:
    """Time both implementations, check they agree, print rates, ratio and latencies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    directory = RegionDirectory()
    began = clock.perf_counter()
    work = receipts(args.receipts, args.seed, directory)
    for _, calendar in {c.code: (None, c) for _, c in work}.values():
        response_clock(datetime(2025, 6, 2, 12, tzinfo=calendar.tz), calendar)  # build timelines
    built = clock.perf_counter() - began
    print(f"clocks_bench: {len(work):,} receipts across {len(REGIONS)} regions "
          f"(calendars and receipts made in {built:.2f} s)")

    start = clock.perf_counter()
    fast = [response_due(moment, calendar) for moment, calendar in work]
    fast_s = clock.perf_counter() - start
    start = clock.perf_counter()
    records = [response_clock(moment, calendar) for moment, calendar in work]
    record_s = clock.perf_counter() - start
    naive = {calendar.code: DayByDay(calendar) for _, calendar in work}
    for reference in naive.values():
        reference.is_business_day(date(2025, 6, 2))  # let `holidays` build its years first
        reference.is_business_day(date(2026, 6, 2))
    start = clock.perf_counter()
    slow = [day_by_day_due(moment, naive[calendar.code]) for moment, calendar in work]
    slow_s = clock.perf_counter() - start
    disagreements = sum(1 for a, b, c in zip(fast, slow, records, strict=True)
                        if a != b or c.due_at != a)

    latencies = []
    for moment, calendar in work[:20_000]:
        t0 = clock.perf_counter_ns()
        response_due(moment, calendar)
        latencies.append(clock.perf_counter_ns() - t0)
    latencies.sort()
    p50 = statistics.median(latencies) / 1000
    p99 = latencies[int(len(latencies) * 0.99)] / 1000

    print(f"response due time (timeline, bisection) {len(work) / fast_s:>11,.0f} due times/s")
    print(f"full clock record with explanation      {len(work) / record_s:>11,.0f} clocks/s")
    print(f"reference (day by day)                  {len(work) / slow_s:>11,.0f} due times/s")
    print(f"ratio timeline / day by day             {slow_s / fast_s:>11.1f}x")
    print(f"latency of one due time                 p50 {p50:.1f} us   p99 {p99:.1f} us")
    print(f"disagreements (reference, record)       {disagreements}")


if __name__ == "__main__":
    main()
