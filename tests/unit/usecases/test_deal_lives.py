"""Deal lives: random sequences of what happens to a shared deal (messages both ways, questions
to the bot, out-of-office with and without a stand-in, extensions asked and granted on running
and on breached clocks, BANT updates moving the close date, POIs signed and not, closing won or
lost) with time moved and the sweep run, on the fake world. After every step the clocks must
still follow the deal: one running reply clock per side, every due time the rules' own answer
for the same facts, no reminder after a clock stopped, at most one breach per clock and none for
a reply made in time, no message to a stand-in outside the absence."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.messages import Refused
from bot.usecases.absences import RegisterAbsence, register_absence
from bot.usecases.bant import BantFields, RecordBant, record_bant
from bot.usecases.clock_store import RESPONSE, rebuild
from bot.usecases.closing import CloseDeal, RecordPoi, close_deal, record_poi
from bot.usecases.deal_support import DealRef
from bot.usecases.extensions import FileExtension, file_extension
from bot.usecases.periodic import ensure_clocks
from bot.usecases.response_clocks import ThreadMessage, on_thread_message
from bot.usecases.sweep import sweep
from rules.clocks import poi_clock
from storage.models import Absence, Breach, Clock, ClockState, DealStatus, Party, PoiStatus

from .world import TEAM, World, utc

_ts = count(1)
SIDES = {"aiko": Party.PARTNER, "ren": Party.PARTNER, "hiro": Party.GS}


class DealLife(RuleBasedStateMachine):
    """One deal of Sakura Digital (Japan) with Hiroshi as its GS, lived at random."""

    def __init__(self) -> None:
        super().__init__()
        self.world = World.make(now=utc(2025, 12, 19, 0))  # a Friday, 09:00 in Tokyo
        self.deal = self.world.deal(expected_close=date(2026, 1, 30))
        with self.world.services.uow("test") as uow:
            thread = uow.deals.thread(self.deal.id)
            assert thread is not None and thread.thread_ts is not None
            self.thread_ts = thread.thread_ts

    # -- events ---------------------------------------------------------------------------

    def _message(self, who: str, *, to_bot: bool = False) -> None:
        on_thread_message(self.world.services, ThreadMessage(
            TEAM, "C0DEALS", self.thread_ts, f"1766000000.{next(_ts):06d}",
            self.world.people[who].slack_user_id, to_bot=to_bot))

    @rule(who=st.sampled_from(sorted(SIDES)))
    def message(self, who: str) -> None:
        self._message(who)

    @rule(who=st.sampled_from(sorted(SIDES)))
    def question_to_the_bot(self, who: str) -> None:
        before = self._snapshot()
        self._message(who, to_bot=True)
        assert self._snapshot() == before, "a question to the bot moved a clock"

    @rule(hours=st.sampled_from([1, 3, 8, 20, 30, 50, 75]))
    def time_passes(self, hours: int) -> None:
        self.world.clock.now += timedelta(hours=hours)
        report = sweep(self.world.services, now=self.world.clock.now)
        if report.breaches:
            event("a breach")
        if report.acted:
            event("a reminder or breach")

    @rule()
    def morning_jobs(self) -> None:
        ensure_clocks(self.world.services)

    @rule(start_in=st.sampled_from([0, 5, 30]), days=st.integers(1, 5),
          delegate=st.sampled_from([None, "ren"]))
    def out_of_office(self, start_in: int, days: int, delegate: str | None) -> None:
        start = self.world.clock.now + timedelta(hours=start_in)
        with suppress(Refused):
            register_absence(self.world.services, self.world.actor("aiko"), RegisterAbsence(
                start, start + timedelta(days=days),
                self.world.people[delegate].slack_user_id if delegate else None))

    @rule(hours=st.sampled_from([4, 16, 48]))
    def extension_granted(self, hours: int) -> None:
        with suppress(Refused):
            file_extension(self.world.services, self.world.actor("hiro"), FileExtension(
                DealRef(self.deal.id), "customer travelling", extra=timedelta(hours=hours)))

    @rule(weeks=st.integers(-2, 8))
    def bant_update(self, weeks: int) -> None:
        close = date(2026, 1, 30) + timedelta(weeks=weeks)
        with suppress(Refused):
            record_bant(self.world.services, self.world.actor("aiko"), RecordBant(
                self.deal.id, BantFields("1M JPY", "CMO", "CRM", "Q1", expected_close=close)))

    @rule(signed=st.booleans())
    def poi(self, signed: bool) -> None:
        status = PoiStatus.SIGNED if signed else PoiStatus.SENT
        with suppress(Refused):
            record_poi(self.world.services, self.world.actor("hiro"),
                       RecordPoi(DealRef(self.deal.id), status))

    @rule(won=st.booleans())
    def close(self, won: bool) -> None:
        with suppress(Refused):
            close_deal(self.world.services, self.world.actor("hiro"),
                       CloseDeal(DealRef(self.deal.id), won))

    # -- what must hold after every step --------------------------------------------------

    def _clocks(self) -> list[Clock]:
        with self.world.services.uow("check") as uow:
            return sorted(uow.clocks.for_deal(self.deal.id), key=lambda c: c.id)

    def _snapshot(self) -> list[tuple[Any, ...]]:
        return [(c.id, c.state, c.due_at, c.next_action_at) for c in self._clocks()]

    @invariant()
    def one_running_reply_clock_per_side(self) -> None:
        for side in Party:
            running = [c for c in self._clocks()
                       if c.state is ClockState.RUNNING and c.kind == RESPONSE
                       and c.owed_by is side]
            assert len(running) <= 1, f"{side}: {len(running)} running reply clocks"

    @invariant()
    def due_times_are_the_rules_answer(self) -> None:
        with self.world.services.uow("check") as uow:
            deal = uow.deals.get(self.deal.id)
            for row in uow.clocks.for_deal(deal.id):
                if row.state is not ClockState.RUNNING or row.kind not in (RESPONSE, "bant"):
                    continue
                clock, _ = rebuild(uow, self.world.services.regions, row, deal)
                assert row.due_at == clock.due_at, (row.id, row.due_at, clock.due_at)

    @invariant()
    def the_poi_is_due_by_the_close_date_the_deal_has_now(self) -> None:
        with self.world.services.uow("check") as uow:
            deal = uow.deals.get(self.deal.id)
            calendar = self.world.services.regions.calendar(deal.region_code)
            for row in uow.clocks.running(deal.id, "poi"):
                assert deal.expected_close is not None
                due = poi_clock(deal.expected_close, calendar, opened_at=row.started_at).due_at
                assert row.due_at == due, (row.due_at, deal.expected_close)

    @invariant()
    def no_reminder_after_a_clock_stopped(self) -> None:
        stopped = {c.id: c.stopped_at for c in self._clocks() if c.stopped_at is not None}
        for row in self.world.outbox():
            key = row.idempotency_key
            if not key.startswith("clock:"):
                continue
            clock_id = int(key.split(":")[1])
            at = stopped.get(clock_id)
            assert at is None or row.created_at <= at, f"{key} queued after its clock stopped"

    @invariant()
    def breaches_are_real_and_single(self) -> None:
        clocks = {c.id: c for c in self._clocks()}
        ids = [b.clock_id for b in self.world.store.rows(Breach) if b.deal_id == self.deal.id]
        assert len(ids) == len(set(ids)), "a clock breached twice"
        for clock_id in ids:
            if clock_id is None:
                continue
            row = clocks[clock_id]
            assert row.state is ClockState.BREACHED, f"clock {clock_id} on record but {row.state}"
        notices = [r.idempotency_key for r in self.world.outbox()
                   if r.idempotency_key.startswith("clock:") and ":breach" in r.idempotency_key
                   and ":dm:" not in r.idempotency_key]
        assert len(notices) == len(set(notices))

    @invariant()
    def stand_ins_told_only_during_the_absence(self) -> None:
        absences = [a for a in self.world.store.rows(Absence) if a.delegate_id is not None]
        for message in self.world.queued():
            if not any(line.key == "reminder.delegate" for line in message.lines):
                continue
            at = message.at or self._queued_at(message.key)
            assert any(a.starts_at <= at < a.ends_at for a in absences), message.key

    def _queued_at(self, key: str) -> datetime:
        return next(r.created_at for r in self.world.outbox() if r.idempotency_key == key)

    @invariant()
    def closed_deals_run_no_reply_clock(self) -> None:
        with self.world.services.uow("check") as uow:
            status = uow.deals.get(self.deal.id).status
        if status in (DealStatus.WON, DealStatus.LOST):
            running = [c for c in self._clocks()
                       if c.state is ClockState.RUNNING and c.kind == RESPONSE]
            assert not running, "a closed deal still runs a reply clock"

    @invariant()
    def a_breach_is_owed_by_its_clocks_side(self) -> None:
        """Issue 11: a GS's breach names the GS and is on no partner organisation's record."""
        clocks = {c.id: c for c in self._clocks()}
        for breach in self.world.store.rows(Breach):
            row = clocks.get(breach.clock_id or -1)
            if breach.deal_id != self.deal.id or row is None:
                continue
            assert breach.owed_by is row.owed_by, (breach.id, breach.owed_by, row.owed_by)
            if breach.owed_by is Party.GS:
                assert breach.partner_org_id is None and breach.person_id is not None


DealLife.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_deal_lives = pytest.mark.filterwarnings("ignore")(DealLife.TestCase)
