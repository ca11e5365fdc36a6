"""A reminder sent long after it was queued (a backlog, a person's many direct messages at
Slack's pace) must not say what no longer holds. Found by a fresh pair of eyes: "3 hours left"
direct messages reached a partner after the thread's breach notice for the same deadline."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.outbox.attempts import STALE
from bot.services import Services
from bot.usecases.response_clocks import ThreadMessage, on_thread_message
from bot.usecases.sweep import sweep
from storage.models import Clock as ClockRow
from storage.models import OutboxState
from tests.fakes.slack import FakeSlack
from tests.integration.support import FakeClock

from .support import AIKO, TEAM, deliver_all, outbox, posted, seed_due_clocks, utc


def _queued_reminder(services: Services, clock: FakeClock) -> int:
    """One clock whose 4-hour reminder (a direct message to its partner) is due now, swept:
    the reminder is queued, not sent."""
    clock.now = utc(2025, 12, 1, 4, 0)                 # Mon 13:00 in Tokyo: due at 17:00
    seeded = seed_due_clocks(services, instants=[clock.now], steps=["remind_4h"])
    assert sweep(services).acted == 1
    (clock_id,) = seeded.expected
    assert outbox(services)[f"clock:{clock_id}:remind_4h:dm:{AIKO}"].state is OutboxState.PENDING
    return clock_id


def test_a_reminder_still_true_is_sent(services: Services, client: WebClient,
                                       slack: FakeSlack, clock: FakeClock) -> None:
    clock_id = _queued_reminder(services, clock)
    clock.now += timedelta(minutes=30)                 # late, but its deadline is still ahead
    deliver_all(services, client)
    assert posted(slack)[f"clock:{clock_id}:remind_4h:dm:{AIKO}"] == 1


def test_a_reminder_overtaken_by_the_breach_is_not_sent(services: Services, client: WebClient,
                                                        slack: FakeSlack,
                                                        clock: FakeClock) -> None:
    clock_id = _queued_reminder(services, clock)
    clock.now += timedelta(hours=5)                    # past due: the breach is swept
    assert sweep(services).breaches == 1
    deliver_all(services, client)
    keys = posted(slack)
    assert keys[f"clock:{clock_id}:breach"] == 1
    assert not [k for k in keys if ":remind_" in k]
    row = outbox(services)[f"clock:{clock_id}:remind_4h:dm:{AIKO}"]
    assert row.state is OutboxState.SENT and row.slack_ts is None
    assert (row.last_error or "").startswith(f"{STALE}: its clock is breached")


def test_a_reminder_of_a_clock_answered_meanwhile_is_not_sent(
        services: Services, client: WebClient, slack: FakeSlack, clock: FakeClock) -> None:
    clock_id = _queued_reminder(services, clock)
    with services.uow() as uow:                        # the partner replies in the thread
        row = uow.session.scalar(select(ClockRow).where(ClockRow.id == clock_id))
        assert row is not None
        thread = uow.deals.thread(row.deal_id)
        assert thread is not None and thread.thread_ts is not None
        where = (thread.channel_id, thread.thread_ts)
    outcome = on_thread_message(services, ThreadMessage(TEAM, *where, "1764200000.000001", AIKO))
    assert "stopped" in outcome
    deliver_all(services, client)
    assert not [k for k in posted(slack) if k.startswith(f"clock:{clock_id}:")]
    assert (outbox(services)[f"clock:{clock_id}:remind_4h:dm:{AIKO}"].last_error or "") \
        .startswith(f"{STALE}: its clock is met")


def test_a_reminder_past_its_deadline_is_not_sent_even_before_the_sweep_breaches(
        services: Services, client: WebClient, slack: FakeSlack, clock: FakeClock) -> None:
    clock_id = _queued_reminder(services, clock)
    clock.now += timedelta(hours=5)                    # due, not swept yet
    deliver_all(services, client)
    assert not [k for k in posted(slack) if k.startswith(f"clock:{clock_id}:")]
    assert (outbox(services)[f"clock:{clock_id}:remind_4h:dm:{AIKO}"].last_error or "") \
        .startswith(f"{STALE}: its clock is past due")


def test_the_sweeps_step_keys_are_what_the_check_reads() -> None:
    from bot.usecases.reminder_currency import _REMINDER, step_key

    for extensions in (0, 2):
        for suffix in ("", ":dm:U0AIKO01"):
            found = _REMINDER.match(step_key(7, "remind_4h", extensions) + suffix)
            assert found is not None
            assert (found["id"], found["step"], int(found["ext"] or 0)) == ("7", "remind_4h",
                                                                           extensions)
