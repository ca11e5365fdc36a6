"""The follow-up commands' text, the thread-message filter and the notices (pure, no Slack)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.listeners.events.messages import thread_message
from bot.messages import Reader, Reply
from bot.permissions import Action
from bot.syntax import UsageError, parse_discount, parse_extend, parse_ref, split_ref
from bot.usecases.policy import roles
from bot.views.text import render_reply, render_text, slack_date

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "ref", "extra", "reason"), [
    ("24h The CFO is travelling", None, timedelta(hours=24), "The CFO is travelling"),
    ("#12 8h sick", 12, timedelta(hours=8), "sick"),
    ("12 8h sick", 12, timedelta(hours=8), "sick"),
    ("48 hours waiting for legal", None, timedelta(hours=48), "waiting for legal"),
    ("24時間 顧客が出張中", None, timedelta(hours=24), "顧客が出張中"),
    ("16H reason", None, timedelta(hours=16), "reason"),
])
def test_extend_with_hours(text: str, ref: int | None, extra: timedelta, reason: str) -> None:
    command = parse_extend(text, TOKYO, NOW)
    assert (command.ref, command.extra, command.new_due, command.reason) == \
        (ref, extra, None, reason)


@pytest.mark.parametrize("text", ["2025-11-28 18:00 legal review", "2025/11/28 18:00 legal review",
                                  "2025-11-28T18:00 legal review", "11/28 6pm legal review",
                                  "11月28日 18時 legal review", "11月28日18時 legal review",
                                  "2025-11-28 18:00 on legal review"])
def test_extend_to_a_time_in_the_users_zone(text: str) -> None:
    command = parse_extend(text, TOKYO, NOW)
    assert command.new_due == datetime(2025, 11, 28, 9, 0, tzinfo=UTC)
    assert command.extra is None
    assert command.reason == ("on legal review" if " on " in text else "legal review")


def test_extend_to_tomorrow_in_the_users_zone() -> None:
    assert parse_extend("friday 6pm ok", TOKYO, NOW).new_due == datetime(2025, 11, 21, 9, 0, tzinfo=UTC)
    command = parse_extend("tomorrow 5pm the CFO is back", ZoneInfo("America/New_York"), NOW)
    assert command.new_due == datetime(2025, 11, 22, 22, 0, tzinfo=UTC)   # Sat 17:00 EST
    assert command.reason == "the CFO is back"
    command = parse_extend("明日 17時 顧客が出張中", TOKYO, NOW)
    assert command.new_due == datetime(2025, 11, 22, 8, 0, tzinfo=UTC)
    assert command.reason == "顧客が出張中"


def test_a_poi_signed_on_a_day_as_typed() -> None:
    from bot.syntax import parse_poi
    assert parse_poi("signed 11/20 onboarding", TOKYO, NOW).signed_on == date(2025, 11, 20)
    assert parse_poi("signed 11月20日", TOKYO, NOW).signed_on == date(2025, 11, 20)
    assert parse_poi("signed 12/20", TOKYO, NOW).signed_on == date(2024, 12, 20)  # the last one
    assert parse_poi("signed yesterday", TOKYO, NOW).signed_on == date(2025, 11, 20)
    assert parse_poi("signed 2025-11-19").signed_on == date(2025, 11, 19)
    with pytest.raises(UsageError) as problem:
        parse_poi("signed someday", TOKYO, NOW)
    assert problem.value.problem == "word"


@pytest.mark.parametrize(("text", "key"), [
    ("", "missing_time"), ("#3", "missing_time"), ("soon please", "bad_time"),
    ("24h", "no_reason"), ("0h nothing", "hours_range"), ("241h too much", "hours_range"),
    ("2025-02-30 10:00 no such day", "bad_time"), ("2025-11-21 09:00 past", "past"),
    ("2025-11-28 reason only a day", "bad_time"),
])
def test_extend_problems(text: str, key: str) -> None:
    with pytest.raises(UsageError) as problem:
        parse_extend(text, TOKYO, NOW)
    assert (problem.value.grammar, problem.value.problem) == ("followup", key)
    for lang, usage in (("en", "Usage: `/deal extend"), ("ja", "使い方:`/deal extend")):
        assert usage in problem.value.text(lang)


def test_discount_and_references() -> None:
    assert parse_discount("#7 15% off the first year") == (7, "15% off the first year")
    assert parse_discount("20 seats at 10% off") == (None, "20 seats at 10% off")
    with pytest.raises(UsageError):
        parse_discount("#7")
    # found by a fresh pair of eyes: `/deal discount 1` filed a request for a discount "1"
    for bare in ("1", "99", "１２"):
        with pytest.raises(UsageError) as raised:
            parse_discount(bare)
        assert raised.value.problem == "no_description"
    assert split_ref("#7") == (7, "")
    assert parse_ref("bant", "") is None and parse_ref("bant", "12") == 12
    with pytest.raises(UsageError):
        parse_ref("bant", "12 more")


def _event(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {"type": "message", "channel": "C1", "user": "U1", "ts": "2.0",
                               "thread_ts": "1.0", "team": "T1"}
    base.update(fields)
    return base


def test_only_peoples_new_thread_messages_count() -> None:
    body = {"team_id": "T1"}
    counted = thread_message(body, _event(), "UBOT")
    assert counted is not None and (counted.channel, counted.thread_ts, counted.ts) == \
        ("C1", "1.0", "2.0")
    assert thread_message(body, _event(subtype="thread_broadcast"), "UBOT") is not None
    assert not counted.to_bot
    asked = thread_message(body, _event(text="<@UBOT> is this deal eligible?"), "UBOT")
    assert asked is not None and asked.to_bot  # a question to the bot: it moves no clock
    for ignored in (_event(subtype="message_changed"), _event(subtype="message_deleted"),
                    _event(bot_id="B1"), _event(user="UBOT"), _event(thread_ts=None),
                    _event(ts="1.0"), _event(type="app_mention"), _event(user=None)):
        assert thread_message(body, ignored, "UBOT") is None


def test_dates_roles_and_notices() -> None:
    due = datetime(2025, 11, 26, 7, 0, tzinfo=UTC)
    token = slack_date(due, "ja", TOKYO)
    assert token.startswith(f"<!date^{int(due.timestamp())}^{{date_short_pretty}} {{time}}|")
    assert "16:00" in token
    assert render_text(roles(Action.GRANT_EXTENSION), Reader("en", TOKYO)) == \
        "Growth Specialists or admins"
    assert "管理者" in render_text(roles(Action.GRANT_EXTENSION), Reader("ja", TOKYO))
    reply = Reply.of("followup.extend.requested", gs="Hiroshi", due=due)
    assert "Wed 26 Nov 16:00 JST" in render_reply(reply, Reader("en", TOKYO))
    assert "11月26日(水) 16:00" in render_reply(reply, Reader("ja", TOKYO))
