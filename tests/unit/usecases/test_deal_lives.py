"""Deal lives: random sequences of what happens to a shared deal (messages both ways, questions
and mentions to the bot, out-of-office with and without a stand-in, extensions granted on running
and on breached clocks (the breach notice's Extend button) and breaches dismissed, BANT updates
moving the close date, POIs signed and not, closing won or lost, a closure added to the region's
calendar) and to a HubSpot-owned deal offered beside it (accepted, declined, or left to lapse),
with time moved and the sweep run, on the fake world. After every step the clocks must still
follow the deals: one running reply clock per side, and the card shows each running clock with
its side and due time; every due time the rules' own answer for the same facts; no reminder
after a clock stopped; at most one breach per clock and none for a lapsed offer; no message to a
stand-in outside the absence; nothing a Japanese reader receives holds an English word."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.messages import EndOfDay, Reader, Refused, decode, due_param
from bot.usecases.absences import RegisterAbsence, register_absence
from bot.usecases.audience import NoThreadYet, destination
from bot.usecases.bant import BantFields, RecordBant, record_bant
from bot.usecases.breaches import DismissBreach, dismiss_breach
from bot.usecases.cards import card_facts
from bot.usecases.clock_store import BANT, RESPONSE, rebuild
from bot.usecases.closing import CloseDeal, RecordPoi, close_deal, record_poi
from bot.usecases.closures import ChangeClosure, change_closure
from bot.usecases.deal_support import DealRef
from bot.usecases.extensions import FileExtension, file_extension
from bot.usecases.mentions import AskMention, answer_mention
from bot.usecases.offers import AnswerOffer, OfferDeal, answer_offer, offer_deal
from bot.usecases.periodic import bant_prompts, ensure_clocks
from bot.usecases.response_clocks import ThreadMessage, on_thread_message
from bot.usecases.sweep import sweep
from bot.views.deal_card import card_blocks, card_viewer
from bot.views.messages import message_args
from bot.views.text import end_of_day, slack_date
from rules.clocks import poi_clock
from storage.models import (
    Absence,
    Breach,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    Party,
    PoiStatus,
)
from storage.unit_of_work import AbstractUnitOfWork
from tests.english_words import english_in, name_words

from .deal_helpers import form
from .world import PEOPLE, TEAM, World, utc

_ts = count(1)
SIDES = {"aiko": Party.PARTNER, "ren": Party.PARTNER, "hiro": Party.GS}
NAMES = name_words(*(name for _, name, *_ in PEOPLE.values()), "Sakura Digital KK",
                   "Hinode Foods KK", "customer1.example", "hinode.co.jp", "Coseller")


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
        self.offer: int | None = None   # the HubSpot-owned deal offered to Sakura, once offered
        self.read = 0                   # outbox rows already searched for English

    def _deals(self) -> list[int]:
        return [self.deal.id, *([self.offer] if self.offer is not None else [])]

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

    @rule(past=st.sampled_from([0, 1, 30]))
    def until_the_next_step(self, past: int) -> None:
        """Time runs to the next reminder, breach or lapse of any clock (so breaches happen)."""
        due = [c.next_action_at for d in self._deals() for c in self._clocks(d)
               if c.state is ClockState.RUNNING and c.next_action_at is not None]
        if not due:
            return
        self.world.clock.now = max(self.world.clock.now, min(due) + timedelta(minutes=past))
        if sweep(self.world.services, now=self.world.clock.now).breaches:
            event("a breach")

    @rule()
    def morning_jobs(self) -> None:
        ensure_clocks(self.world.services)
        bant_prompts(self.world.services, "JP")  # a business day's prompts (else nothing)

    @rule(start_in=st.sampled_from([0, 5, 30]), days=st.integers(1, 5),
          delegate=st.sampled_from([None, "ren"]))
    def out_of_office(self, start_in: int, days: int, delegate: str | None) -> None:
        start = self.world.clock.now + timedelta(hours=start_in)
        with suppress(Refused):
            register_absence(self.world.services, self.world.actor("aiko"), RegisterAbsence(
                start, start + timedelta(days=days),
                self.world.people[delegate].slack_user_id if delegate else None))

    @rule(who=st.sampled_from(sorted(SIDES)),
          text=st.sampled_from(["48時間ルールについて教えて", "what is the response time?"]))
    def mention_of_the_bot(self, who: str, text: str) -> None:
        before = self._snapshot()
        answer_mention(self.world.services, self.world.actor(who), AskMention(
            f"<@U0COSELLBOT> {text}", "C0DEALS", f"1766000000.{next(_ts):06d}",
            thread_ts=self.thread_ts))
        assert self._snapshot() == before, "a mention of the bot moved a clock"

    @rule(hours=st.sampled_from([4, 16, 48]))
    def extension_granted(self, hours: int) -> None:
        with suppress(Refused):
            file_extension(self.world.services, self.world.actor("hiro"), FileExtension(
                DealRef(self.deal.id), "顧客が出張中のため", extra=timedelta(hours=hours)))

    def _breached(self) -> Clock | None:
        found = [c for c in self._clocks() if c.state is ClockState.BREACHED
                 and c.kind == RESPONSE and c.owed_by is Party.PARTNER]
        return found[-1] if found else None

    @rule(hours=st.sampled_from([8, 48, 120]))
    def extension_on_the_breach_notice(self, hours: int) -> None:
        """The breach notice's Extend button: the breached clock is extended."""
        row = self._breached()
        if row is None:
            return
        before = row.due_at  # the fake's rows are live: this one changes under us
        with suppress(Refused):
            file_extension(self.world.services, self.world.actor("hiro"), FileExtension(
                DealRef(self.deal.id), "顧客の決算期のため", extra=timedelta(hours=hours),
                clock_id=row.id))
        event("an extension on a breached clock")
        after = next(c for c in self._clocks() if c.id == row.id)
        on_record = [b for b in self.world.store.rows(Breach) if b.clock_id == row.id]
        if after.state is not ClockState.BREACHED:
            event("a breach excused")
            assert on_record == [], "an excused breach stayed on the partner's record"
            assert after.due_at > before

    @rule()
    def breach_dismissed(self) -> None:
        row = self._breached()
        if row is None:
            return
        with suppress(Refused):
            dismiss_breach(self.world.services, self.world.actor("hiro"),
                           DismissBreach(self.deal.id, row.id))
        assert not [b for b in self.world.store.rows(Breach) if b.clock_id == row.id]

    @rule(days=st.integers(0, 6))
    def closure_added(self, days: int) -> None:
        day = self.world.clock.now.date() + timedelta(days=days)
        with suppress(Refused):
            change_closure(self.world.services, self.world.actor("ada"),
                           ChangeClosure("JP", day, "臨時休業"))

    @rule()
    def offer(self) -> None:
        if self.offer is not None:
            return
        self.offer = offer_deal(self.world.services, self.world.actor("hiro"), OfferDeal(form(
            partner_org_id=self.world.orgs["sakura"].id))).deal_id

    @rule(accept=st.booleans(), who=st.sampled_from(["aiko", "ren"]))
    def offer_answered(self, accept: bool, who: str) -> None:
        if self.offer is None:
            return
        with suppress(Refused):
            answer_offer(self.world.services, self.world.actor(who),
                         AnswerOffer(self.offer, None, accept))

    @rule(weeks=st.integers(-2, 8))
    def bant_update(self, weeks: int) -> None:
        close = date(2026, 1, 30) + timedelta(weeks=weeks)
        with suppress(Refused):
            record_bant(self.world.services, self.world.actor("aiko"), RecordBant(
                self.deal.id, BantFields("1M JPY", "CMO", "CRM", "Q1", expected_close=close)))
            # the partner's update answers every BANT prompt (none runs, none stays overdue)
            assert not [c for c in self._clocks() if c.kind == BANT and c.stopped_at is None
                        and c.state in (ClockState.RUNNING, ClockState.BREACHED)]

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

    def _clocks(self, deal_id: int | None = None) -> list[Clock]:
        # read from the fake's ledger, not through a unit of work (which restores the whole
        # ledger when it ends uncommitted: too slow for a check after every step)
        wanted = deal_id or self.deal.id
        return [c for c in self.world.store.rows(Clock) if c.deal_id == wanted]

    def _status(self, deal_id: int) -> DealStatus:
        deal = self.world.store.get(Deal, deal_id)
        assert deal is not None
        return deal.status

    def _snapshot(self) -> list[tuple[Any, ...]]:
        return [(c.id, c.state, c.due_at, c.next_action_at) for c in self._clocks()]

    @invariant()
    def one_running_reply_clock_per_side(self) -> None:
        for side in Party:
            running = [c for c in self._clocks()
                       if c.state is ClockState.RUNNING and c.kind == RESPONSE
                       and c.owed_by is side]
            assert len(running) <= 1, f"{side}: {len(running)} running reply clocks"
        prompts = [c for c in self._clocks() if c.state is ClockState.RUNNING and c.kind == BANT]
        assert len(prompts) <= 1, f"{len(prompts)} BANT clocks running"

    @invariant()
    def as_the_deal_shows_it(self) -> None:
        """The checks that read through a unit of work, in one."""
        with self.world.services.uow("check") as uow:
            self._due_times_are_the_rules_answer(uow)
            self._the_poi_is_due_by_the_close_date_the_deal_has_now(uow)
            self._the_card_shows_each_running_clock(uow)
            self._japanese_readers_read_no_english(uow)

    def _due_times_are_the_rules_answer(self, uow: AbstractUnitOfWork) -> None:
        deal = uow.deals.get(self.deal.id)
        for row in uow.clocks.for_deal(deal.id):
            if row.state is not ClockState.RUNNING or row.kind not in (RESPONSE, "bant"):
                continue
            clock, _ = rebuild(uow, self.world.services.regions, row, deal)
            assert row.due_at == clock.due_at, (row.id, row.due_at, clock.due_at)

    def _the_poi_is_due_by_the_close_date_the_deal_has_now(self, uow: AbstractUnitOfWork
                                                            ) -> None:
        deal = uow.deals.get(self.deal.id)
        calendar = self.world.services.regions.calendar(deal.region_code)
        for row in uow.clocks.running(deal.id, "poi"):
            assert deal.expected_close is not None
            due = poi_clock(deal.expected_close, calendar, opened_at=row.started_at).due_at
            assert row.due_at == due, (row.due_at, deal.expected_close)

    def _the_card_shows_each_running_clock(self, uow: AbstractUnitOfWork) -> None:
        """Each side's open clock is the one the card shows: its kind, side and due time."""
        for deal_id in self._deals():
            facts = card_facts(uow, deal_id)
            running = [c for c in facts.clocks if c.state is ClockState.RUNNING]
            _, blocks = card_blocks(facts, lang="en", viewer=card_viewer(facts),
                                    when=lambda moment: f"@{moment.isoformat()}@")
            shown = str(blocks)
            for row in running:
                side = "Growth Specialist" if row.owed_by is Party.GS else "partner"
                due = due_param(row.kind, row.due_at, facts.zone)
                # a POI or onboarding clock ends with a day: shown as that day, never 00:00
                text = end_of_day(due, Reader("en", ZoneInfo("UTC"), shared=True)) \
                    if isinstance(due, EndOfDay) else f"@{due.isoformat()}@"
                assert f"({side}): due {text}" in shown, (row.kind, side)
            assert shown.count(": due ") == len(running), "the card shows a clock not running"

    @invariant()
    def offers_lapse_and_are_never_breaches(self) -> None:
        if self.offer is None:
            return
        status = self._status(self.offer)
        [row] = [c for c in self._clocks(self.offer) if c.kind == "collaboration"]
        expected = {DealStatus.OFFERED: ClockState.RUNNING, DealStatus.ACCEPTED: ClockState.MET,
                    DealStatus.DECLINED: ClockState.CANCELLED,
                    DealStatus.LAPSED: ClockState.LAPSED}
        assert row.state is expected[status], (status, row.state)
        assert row.due_at == row.started_at + timedelta(hours=72)
        if status is DealStatus.OFFERED:
            assert self.world.clock.now < row.due_at or row.next_action_at is not None
        assert not [b for b in self.world.store.rows(Breach) if b.deal_id == self.offer]

    def _japanese_readers_read_no_english(self, uow: AbstractUnitOfWork) -> None:
        """Every message queued for a Japanese reader (the thread, Aiko, Ren, Hiroshi), and the
        card, rendered as they will read it: no English catalog word."""
        rows = self.world.outbox()
        for row in rows[self.read:]:
            if row.payload.get("render") != "message":
                continue
            typed = decode(row.idempotency_key, row.payload)
            try:
                reader = destination(uow, typed.to).reader
            except NoThreadYet:
                continue
            if reader.lang == "ja":
                english = english_in(message_args(typed, reader), NAMES)
                assert not english, (typed.key, english, message_args(typed, reader))
        for deal_id in self._deals():
            facts = card_facts(uow, deal_id)
            if facts.lang == "ja":
                text, blocks = card_blocks(facts, lang="ja", viewer=card_viewer(facts),
                                           when=lambda moment: slack_date(moment, "ja"))
                english = english_in({"text": text, "blocks": blocks}, NAMES)
                assert not english, (deal_id, english)
        self.read = len(rows)

    @invariant()
    def no_reminder_after_a_clock_stopped(self) -> None:
        stopped = {c.id: c.stopped_at for d in self._deals() for c in self._clocks(d)
                   if c.stopped_at is not None}
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
        status = self._status(self.deal.id)
        if status in (DealStatus.WON, DealStatus.LOST):
            running = [c for c in self._clocks()
                       if c.state is ClockState.RUNNING and c.kind in (RESPONSE, BANT)]
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
    max_examples=80, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_deal_lives = pytest.mark.filterwarnings("ignore")(DealLife.TestCase)


def test_extending_a_breach_is_not_met_by_the_message_the_clock_answers() -> None:
    """Found by the machine: Aiko writes, Hiroshi answers at the same instant (the console's
    clock stands still between commands), Aiko's clock breaches and Hiroshi extends it from the
    breach notice. Aiko's first message came before the clock started: it is not her reply,
    so the clock runs again to its new due time (it was wrongly marked met by that message)."""
    world = World.make(now=utc(2025, 12, 19, 0))
    deal = world.deal(expected_close=date(2026, 1, 30))
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(deal.id)
        assert thread is not None and thread.thread_ts is not None
    for who in ("aiko", "hiro"):
        on_thread_message(world.services, ThreadMessage(
            TEAM, "C0DEALS", thread.thread_ts, f"1766000000.{next(_ts):06d}",
            world.people[who].slack_user_id))
    [row] = [c for c in world.store.rows(Clock) if c.owed_by is Party.PARTNER]
    world.clock.now = row.due_at + timedelta(hours=1)
    assert sweep(world.services).breaches == 1
    file_extension(world.services, world.actor("hiro"), FileExtension(
        DealRef(deal.id), "顧客の決算期のため", extra=timedelta(hours=8), clock_id=row.id))
    assert row.state is ClockState.RUNNING and row.stopped_at is None
    assert row.due_at > world.clock.now
    assert [b for b in world.store.rows(Breach) if b.clock_id == row.id] == []
