"""Reminders and escalations in injected time (nothing sleeps): a deal's whole life from its
registration through the BANT prompt, the 24-hour thread reminder, the 4-hour DM and the breach
notice, to the PDM told at the third breach in 90 days; catch-up after downtime; a sweep run twice;
the 72-hour offer lapsing; onboarding and POI reminders; a digest; an extension moving the next
reminder. The sweep is called at the very instants the rules name."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import select

from bot.context import Actor
from bot.services import Services
from bot.usecases.closing import CloseDeal, close_deal
from bot.usecases.deal_support import DealRef
from bot.usecases.extensions import FileExtension, file_extension
from bot.usecases.periodic import bant_prompts, ensure_clocks
from bot.usecases.sweep import sweep
from rules.vocabulary import Role
from storage.models import Breach, ClockState, DealStatus, Party
from tests.e2e.deals_support import (
    button,
    card,
    card_text,
    click,
    form,
    only_deal,
    org_id,
    register,
    settle,
    submit,
    wait_status,
)
from tests.e2e.followup_support import block_action, thread_event
from tests.e2e.support import Harness
from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import (
    AIKO,
    CHANNEL,
    HIRO,
    KEN,
    SAKURA,
    TEAM,
    action_ids,
    add_deal,
    clocks_of,
    deliver_all,
    dms,
    outbox,
    partner_clock,
    people,
    posted,
    posts,
    say,
    utc,
)

REMINDER_BUTTONS = ["bant_open", "ooo_open", "extension_open"]
BREACH_BUTTONS = ["breach_extend", "breach_remove", "breach_dismiss", "breach_timeline"]


def _sweep_and_wait(harness: Harness, key: str) -> list[dict[str, object]]:
    """Sweep at the clock's instant, let the pump deliver, return what went out under `key`."""
    sweep(harness.services)
    harness.services.wake()
    settle(harness)
    return [m for channel in list(harness.slack.messages.values()) for m in channel
            if ((m.get("metadata") or {}).get("event_payload") or {}).get("key", "")
            .startswith(key)]


def _no_doubles(slack: FakeSlack) -> None:
    doubled = {k: n for k, n in posted(slack).items() if n > 1}
    assert not doubled, doubled


def test_life_of_a_deal_from_registration_to_the_pdm(harness: Harness, clock: Clock) -> None:
    services = harness.services
    slack = harness.slack
    # Mon 1 Dec 2025 10:00 in Tokyo: Aiko registers, Hiroshi accepts
    deal_id = register(harness, clock, AIKO, domain="kumo-logistics.co.jp",
                       company="Kumo Logistics KK", expected_close="2026-01-30")
    first = card(harness, deal_id)
    click(harness, HIRO, "deal_accept", str(button(first, "deal_accept")), message_ts=first["ts"])
    wait_status(harness, deal_id, DealStatus.ACCEPTED)
    thread = first["ts"]

    # Tue 2 Dec 09:30 in Tokyo: the morning BANT prompts; the first one for this deal
    clock.now = utc(2025, 12, 2, 0, 30)
    assert bant_prompts(services, "JP").prompts == 1
    assert bant_prompts(services, "JP").prompts == 0          # once a day, whatever runs it
    harness.services.wake()
    settle(harness)
    [prompt] = posts(slack, CHANNEL, thread_ts=thread, key=f"bant:{deal_id}:2025-12-02")
    assert "BANT" in str(prompt["text"]) and action_ids(prompt) == ["bant_open"]
    [bant] = clocks_of(services, deal_id, "bant")
    assert bant.owed_by is Party.PARTNER and bant.state is ClockState.RUNNING

    # Aiko answers in the thread (the BANT clock is met); at 11:00 Hiroshi asks something
    clock.now = utc(2025, 12, 2, 1, 0)
    harness.event(thread_event(AIKO, thread, text="予算は確保済みです"))
    harness.wait_for(lambda: clocks_of(services, deal_id, "bant")[0].state is ClockState.MET)
    clock.now = utc(2025, 12, 2, 2, 0)
    harness.event(thread_event(HIRO, thread, text="決裁者はどなたですか?"))
    harness.wait_for(lambda: len(clocks_of(services, deal_id, "response")) == 2)
    reply = partner_clock(services, deal_id)
    assert reply.kind == "response" and reply.started_at == clock.now
    assert reply.due_at == utc(2025, 12, 4, 2, 0)             # 48 business hours: Thu 11:00
    remind_24h, remind_4h, breach_at = (utc(2025, 12, 3, 2, 0), utc(2025, 12, 3, 22, 0),
                                        reply.due_at)
    assert reply.next_action_at == remind_24h
    key = f"clock:{reply.id}"

    clock.now = remind_24h - timedelta(seconds=1)
    assert _sweep_and_wait(harness, key) == []
    clock.now = remind_24h
    [reminder] = _sweep_and_wait(harness, f"{key}:remind_24h")
    assert reminder["thread_ts"] == thread
    assert "営業日のみを数えて残り24時間" in str(reminder["text"])
    assert action_ids(reminder) == REMINDER_BUTTONS

    clock.now = remind_4h
    [direct] = _sweep_and_wait(harness, f"{key}:remind_4h")
    assert direct in dms(slack, AIKO) and "営業日のみを数えて残り4時間" in str(direct["text"])
    assert action_ids(direct) == REMINDER_BUTTONS

    clock.now = breach_at
    [notice] = _sweep_and_wait(harness, f"{key}:breach")
    assert notice["thread_ts"] == thread and str(notice["text"]).startswith(f"<@{HIRO}>")
    assert action_ids(notice) == BREACH_BUTTONS
    sakura = org_id(harness, SAKURA)
    with services.uow() as uow:
        [record] = uow.session.scalars(select(Breach)).all()
        assert (record.deal_id, record.clock_id, record.kind) == (deal_id, reply.id, "response")
        assert record.partner_org_id == sakura
    assert partner_clock(services, deal_id).state is ClockState.BREACHED
    assert dms(slack, KEN) == []                               # one breach: no PDM yet

    # Hiroshi asks twice more, and the replies never come: the third breach reaches the PDM
    for breach_number in (2, 3):
        clock.now += timedelta(hours=1)
        harness.event(thread_event(HIRO, thread, text=f"ご確認ください ({breach_number})"))
        harness.wait_for(lambda n=breach_number: len(clocks_of(services, deal_id, "response"))
                         == n + 1)                     # the GS's measured clock, and n of theirs
        again = partner_clock(services, deal_id)
        assert again.state is ClockState.RUNNING
        clock.now = again.due_at
        [notice] = _sweep_and_wait(harness, f"clock:{again.id}:breach")
        assert action_ids(notice) == BREACH_BUTTONS
        told = dms(slack, KEN)
        assert len(told) == (breach_number == 3), told
    [pdm] = dms(slack, KEN)
    assert "Sakura Digital KK has 3 breaches recorded in the last 90 days" in str(pdm["text"])
    # the card shows the deal as it is; nothing was posted twice
    assert "Kumo Logistics KK" in card_text(card(harness, deal_id))
    _no_doubles(slack)


def test_catch_up_after_downtime_acts_once_on_the_latest_step(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 12, 2, 2, 0)                         # Tue 11:00 in Tokyo
    deals = [add_deal(services, company=f"Gone {i} KK") for i in range(3)]
    for deal in deals:
        say(services, deal, HIRO)
    clock.now = utc(2025, 12, 2, 3, 0)
    say(services, deals[0], HIRO)                              # the clock runs from the first
    deliver_all(services, client)
    rows = [partner_clock(services, deal.id) for deal in deals]
    assert {row.due_at for row in rows} == {utc(2025, 12, 4, 2, 0)}

    # down from before the 24-hour reminder until after the 4-hour one: only the DM goes out
    clock.now = utc(2025, 12, 3, 23, 0)
    assert sweep(services).acted == 3
    deliver_all(services, client)
    keys = {k for k in outbox(services) if k.startswith("clock:")}
    assert keys == {f"clock:{row.id}:remind_4h:dm:{AIKO}" for row in rows}
    # down again until a day after the breach: the breach notice only, once
    clock.now = utc(2025, 12, 5, 2, 0)
    first = sweep(services)
    again = sweep(services)
    assert (first.acted, first.breaches, again.claimed, again.acted) == (3, 3, 0, 0)
    deliver_all(services, client)
    counts = posted(slack)
    for row in rows:
        assert counts[f"clock:{row.id}:breach"] == 1
        assert counts[f"clock:{row.id}:remind_24h"] == 0       # nothing stale
        assert partner_clock(services, row.deal_id).escalation_step == "breach"
    with services.uow() as uow:
        breaches = uow.session.scalars(select(Breach)).all()
        # the breach happened when it was due, not when the bot came back
        assert [b.occurred_at for b in breaches] == [row.due_at for row in rows]
    # three breaches at once: the PDM hears once, with the count
    [pdm] = dms(slack, KEN)
    assert "3 breaches" in str(pdm["text"])
    assert all(n == 1 for n in counts.values()), counts


def test_a_sweep_run_twice_or_in_two_threads_at_one_instant_sends_nothing_twice(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 12, 2, 2, 0)
    deals = [add_deal(services, company=f"Twice {i} KK", channel=f"C0TWICE{i % 4}")
             for i in range(12)]
    for deal in deals:
        say(services, deal, HIRO)
    deliver_all(services, client)
    before = len(outbox(services))
    clock.now = utc(2025, 12, 3, 2, 0)                          # every 24-hour reminder
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(sweep(services)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(r.acted for r in reports) == 12
    assert sweep(services).claimed == 0
    deliver_all(services, client)
    assert sweep(services).claimed == 0
    deliver_all(services, client)
    assert len(outbox(services)) == before + 12
    counts = posted(slack)
    assert [counts[f"clock:{partner_clock(services, d.id).id}:remind_24h"] for d in deals] \
        == [1] * 12
    assert all(n == 1 for n in counts.values()), counts


def test_the_offer_lapses_after_72_hours_and_both_are_told(harness: Harness,
                                                           clock: Clock) -> None:
    services = harness.services
    sakura = org_id(harness, SAKURA)
    answer = submit(harness, HIRO, "deal_offer", form(domain="sora-bank.co.jp",
                                                      company="Sora Bank", qualified=(),
                                                      partner=sakura))
    assert answer["response_action"] == "update"
    deal_id = only_deal(harness, "sora-bank.co.jp", SAKURA)
    settle(harness)
    offered = clock.now
    [row] = clocks_of(services, deal_id, "collaboration")
    assert row.due_at == offered + timedelta(hours=72)
    key = f"clock:{row.id}"

    clock.now = offered + timedelta(hours=48)                  # 24 hours left: Aiko is reminded
    [reminder] = _sweep_and_wait(harness, f"{key}:remind_24h")
    assert reminder in dms(harness.slack, AIKO)

    clock.now = offered + timedelta(hours=72) - timedelta(seconds=1)
    assert _sweep_and_wait(harness, f"{key}:lapse") == []
    clock.now = offered + timedelta(hours=72)
    lapsed = _sweep_and_wait(harness, f"{key}:lapse")
    wait_status(harness, deal_id, DealStatus.LAPSED)
    told = {str(m["channel"]) if "channel" in m else "" for m in lapsed}
    assert len(lapsed) == 3, lapsed                            # the thread, Aiko, Hiroshi
    assert any("失効" in str(m["text"]) for m in dms(harness.slack, AIKO))
    assert any("失効" in str(m["text"]) for m in dms(harness.slack, HIRO))
    thread = card(harness, deal_id)["ts"]
    assert posts(harness.slack, CHANNEL, thread_ts=thread, key=f"{key}:lapse"), told
    # an offer not answered lapses: not a breach on the partner's record
    assert [c.state for c in clocks_of(services, deal_id, "collaboration")] == \
        [ClockState.LAPSED]
    _no_doubles(harness.slack)


def test_onboarding_reminders_on_business_days_5_and_8_and_the_breach_at_10(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    # the spec's example: JP, a subscription starting Thu 2025-11-20 is due by the end of
    # Fri 2025-12-05 (Mon 24 Nov is a substitute holiday)
    clock.now = utc(2025, 11, 20, 1, 0)
    deal = add_deal(services, company="Onboard KK", status=DealStatus.WON,
                    subscription_start=date(2025, 11, 20))
    assert ensure_clocks(services).clocks == 1
    assert ensure_clocks(services).clocks == 0
    [row] = clocks_of(services, deal.id, "onboarding")
    assert row.due_at == utc(2025, 12, 5, 15, 0)               # Sat 6 Dec 00:00 in Tokyo
    day_5, day_8 = utc(2025, 11, 28, 0, 0), utc(2025, 12, 3, 0, 0)   # 09:00 in Tokyo
    assert row.next_action_at == day_5
    key = f"clock:{row.id}"

    clock.now = day_5 - timedelta(minutes=1)
    assert sweep(services).acted == 0
    clock.now = day_5
    sweep(services)
    deliver_all(services, client)
    [thread_reminder] = posts(slack, CHANNEL, thread_ts=deal.thread_ts, key=f"{key}:day_5")
    assert "導入支援" in str(thread_reminder["text"])
    # due by the end of the 10th business day, Fri 5 Dec, never "Sat 6 Dec 00:00"
    assert "12月5日(金)終了時" in str(thread_reminder["text"]), thread_reminder["text"]
    assert "00:00" not in str(thread_reminder["text"]) and "12月6日" not in str(thread_reminder["text"])

    clock.now = day_8
    sweep(services)
    deliver_all(services, client)
    assert [m for m in dms(slack, AIKO) if str(m.get("metadata")).find(f"{key}:day_8") >= 0]

    clock.now = row.due_at
    report = sweep(services)
    deliver_all(services, client)
    assert report.breaches == 1
    [notice] = posts(slack, CHANNEL, thread_ts=deal.thread_ts, key=f"{key}:breach")
    assert str(notice["text"]).startswith(f"<@{HIRO}>") and action_ids(notice) == BREACH_BUTTONS
    [pdm] = [m for m in dms(slack, KEN) if f"{key}:breach" in str(m.get("metadata"))]
    assert "Sakura Digital KK: onboarding for *Onboard KK* had not begun" in str(pdm["text"])
    with services.uow() as uow:
        assert [b.kind for b in uow.session.scalars(select(Breach))] == ["onboarding"]
    assert all(n == 1 for n in posted(slack).values())


def test_poi_reminders_5_2_and_1_business_days_before_the_month_ends(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    # February 2026 in Japan: Mon 23 Feb is the Emperor's Birthday, so the last business days
    # are Fri 27, Thu 26, Wed 25, Tue 24 and Fri 20
    clock.now = utc(2026, 2, 2, 1, 0)
    deal = add_deal(services, company="Month End KK", expected_close=date(2026, 2, 27))
    assert ensure_clocks(services).clocks == 1
    [row] = clocks_of(services, deal.id, "poi")
    assert row.due_at == utc(2026, 2, 27, 15, 0)               # the end of the close date
    key = f"clock:{row.id}"
    steps = [(utc(2026, 2, 20, 0, 0), "month_end_5@2026-02"),
             (utc(2026, 2, 26, 0, 0), "month_end_2@2026-02"),
             (utc(2026, 2, 27, 0, 0), "month_end_1@2026-02")]
    assert row.next_action_at == steps[0][0]
    for at, step in steps:
        clock.now = at - timedelta(minutes=1)
        assert sweep(services).acted == 0, step
        clock.now = at
        assert sweep(services).acted == 1, step
        deliver_all(services, client)
    counts = posted(slack)
    assert counts[f"{key}:month_end_5@2026-02"] == 1                   # in the thread
    assert posts(slack, CHANNEL, thread_ts=deal.thread_ts, key=f"{key}:month_end_5@2026-02")
    assert counts[f"{key}:month_end_2@2026-02:dm:{AIKO}"] == 1
    assert counts[f"{key}:month_end_1@2026-02:dm:{AIKO}"] == 1
    assert counts[f"{key}:month_end_1@2026-02:dm:{HIRO}"] == 1         # the last day: the GS too
    clock.now = row.due_at
    assert sweep(services).breaches == 1
    deliver_all(services, client)
    assert posted(slack)[f"{key}:breach"] == 1
    assert all(n == 1 for n in posted(slack).values())


def test_many_reminders_due_at_once_in_one_channel_become_one_digest(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 12, 2, 2, 0)
    with services.uow(actor="test") as uow:  # a digest goes only to the partner's own channel
        org = uow.directory.partner(SAKURA)
        assert org is not None
        org.channel_id = CHANNEL
        uow.commit()
    crowded = [add_deal(services, company=f"Crowd {i} KK") for i in range(10)]
    quiet = [add_deal(services, company=f"Quiet {i} KK", channel="C0QUIET") for i in range(4)]
    for deal in (*crowded, *quiet):
        say(services, deal, HIRO)
    deliver_all(services, client)
    clock.now = utc(2025, 12, 3, 2, 0)                          # all ten 24-hour reminders
    report = sweep(services)
    deliver_all(services, client)
    assert report.acted == 14
    [digest] = posts(slack, CHANNEL, key="digest:")
    assert digest["thread_ts"] is None                          # the channel, not ten threads
    assert all(f"Crowd {i} KK" in str(digest["text"]) for i in range(10))
    assert "10件" in str(digest["text"])                     # in the thread's language
    assert posts(slack, CHANNEL, key="clock:") == []
    # four in another channel stay four thread reminders
    assert len(posts(slack, "C0QUIET", key="clock:")) == 4
    assert sweep(services).claimed == 0


def test_an_extension_moves_the_next_reminder(services: Services, client: WebClient,
                                              slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 12, 2, 2, 0)
    deal = add_deal(services, company="Later KK")
    say(services, deal, HIRO)
    row = partner_clock(services, deal.id)
    key = f"clock:{row.id}"
    clock.now = utc(2025, 12, 3, 2, 0)
    sweep(services)
    deliver_all(services, client)
    assert posted(slack)[f"{key}:remind_24h"] == 1

    clock.now = utc(2025, 12, 3, 3, 0)
    notice = file_extension(services, _gs(services), FileExtension(
        DealRef(deal.id), "customer travelling", extra=timedelta(hours=24)))
    assert notice.ok, notice
    extended = partner_clock(services, deal.id)
    assert extended.due_at == utc(2025, 12, 5, 2, 0)           # Fri 11:00 in Tokyo
    # the old 4-hour reminder and the old breach come and go: nothing is sent; the steps are
    # planned again from the new due time (keyed by the extension): 24 hours before it, the
    # thread is reminded of the new time
    clock.now = utc(2025, 12, 3, 22, 0)
    assert sweep(services).acted == 0
    clock.now = utc(2025, 12, 4, 2, 0)
    assert sweep(services).acted == 1
    deliver_all(services, client)
    assert not [k for k in posted(slack) if k.startswith(f"{key}:remind_4h")]
    assert posted(slack)[f"{key}:remind_24h:ext1"] == 1
    # the 4-hour reminder moved to 4 business hours before the new due time
    clock.now = utc(2025, 12, 4, 22, 0) - timedelta(seconds=1)
    assert sweep(services).acted == 0
    clock.now = utc(2025, 12, 4, 22, 0)
    assert sweep(services).acted == 1
    deliver_all(services, client)
    [direct] = [m for m in dms(slack, AIKO) if f"{key}:remind_4h" in str(m.get("metadata"))]
    # a direct message shows the new due time in the reader's own zone (Fri 11:00 in Tokyo)
    assert "12月5日(金) 11:00" in str(direct["text"])
    assert "営業日のみを数えて残り4時間" in str(direct["text"])
    clock.now = extended.due_at
    assert sweep(services).breaches == 1
    deliver_all(services, client)
    counts = posted(slack)
    assert counts[f"{key}:breach:ext1"] == 1 and counts[f"{key}:remind_24h"] == 1
    assert all(n == 1 for n in counts.values())


def test_extend_on_a_breach_notice_opens_the_extension(harness: Harness, clock: Clock) -> None:
    services = harness.services
    clock.now = utc(2025, 12, 2, 2, 0)
    deal = add_deal(services, company="Too Late KK")
    say(services, deal, HIRO)
    clock.now = partner_clock(services, deal.id).due_at
    [notice] = _sweep_and_wait(harness, f"clock:{partner_clock(services, deal.id).id}:breach")
    assert "breach_extend" in action_ids(notice)
    harness.interaction(block_action(harness, HIRO, "breach_extend", str(deal.id)))
    harness.wait_for(lambda: [c for c in harness.slack.calls_of("views.open")
                              if c.args["view"]["callback_id"] == "followup_extension"], 5)


def test_a_closed_deal_gets_no_more_reminders(services: Services, client: WebClient,
                                              slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 12, 2, 0, 30)                        # Tue 09:30 in Tokyo
    deal = add_deal(services, company="Lost Cause KK", expected_close=date(2025, 12, 26))
    assert bant_prompts(services, "JP").prompts == 1           # a BANT clock runs
    assert ensure_clocks(services).clocks == 1                 # and the POI clock
    deliver_all(services, client)
    before = set(posted(slack))
    clock.now = utc(2025, 12, 2, 4, 0)
    done = close_deal(services, _gs(services), CloseDeal(DealRef(deal.id), won=False))
    assert done.reply.lines[0].key == "deals.done.closed"
    for day in range(1, 30):                                    # a month of sweeps
        clock.now = utc(2025, 12, 2, 0, 30) + timedelta(days=day)
        sweep(services)
    deliver_all(services, client)
    assert not [k for k in set(posted(slack)) - before if k.startswith("clock:")]
    assert {c.kind: c.state for c in clocks_of(services, deal.id)} == {
        "bant": ClockState.CANCELLED, "poi": ClockState.CANCELLED}


def _gs(services: Services) -> Actor:
    hiro = people(services)[HIRO]
    return Actor(team_id=TEAM, user_id=HIRO, lang="ja", tz=ZoneInfo("Asia/Tokyo"),
                 person_id=hiro.id, name=hiro.name, role=Role.GS)
