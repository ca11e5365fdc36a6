"""The Slack-like fake itself behaves like Slack, so the chaos tests and the delivery benchmark
measure Coseller and not the fake: workspaces by token, Slack's limits with 429 and
`Retry-After`, paged history with metadata on request, faults after a store, counts per key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakes.slack_like import SlackLike


class Time:
    """The fake's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def time_() -> Time:
    return Time()


@pytest.fixture
def fake(time_: Time) -> Iterator[SlackLike]:
    with SlackLike(("T1", "T2"), clock=time_, page_size=3) as slack:
        slack.place("C1", "T1")
        slack.place("C2", "T2")
        yield slack


def _client(fake: SlackLike, team: str = "T1") -> WebClient:
    client = WebClient(token=fake.token_of(team), base_url=fake.api_url, timeout=2)
    client.retry_handlers = []  # see every answer as it is
    return client


def _meta(key: str) -> dict[str, Any]:
    return {"event_type": "coseller_outbox", "event_payload": {"key": key}}


def _error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


def test_tokens_belong_to_workspaces(fake: SlackLike) -> None:
    client = _client(fake)
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert _error(lambda: client.chat_postMessage(channel="C2", text="x")).response["error"] \
        == "channel_not_found"
    stranger = WebClient(token="xoxb-nobody", base_url=fake.api_url)
    assert _error(stranger.auth_test).response["error"] == "not_authed"
    fake.accept_everywhere("xoxb-single")
    single = WebClient(token="xoxb-single", base_url=fake.api_url)
    assert single.chat_postMessage(channel="C2", text="y")["ok"]
    assert fake.counts.refused == {"channel_not_found": 1, "not_authed": 1}


def test_a_channel_takes_about_a_post_a_second_after_a_small_burst(
        fake: SlackLike, time_: Time) -> None:
    client = _client(fake)
    for _ in range(2):  # the burst
        client.chat_postMessage(channel="C1", text="x")
    limited = _error(lambda: client.chat_postMessage(channel="C1", text="x"))
    assert limited.response.status_code == 429
    assert limited.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C3", text="x")["ok"]  # another channel goes on
    time_.now += 1.0
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert fake.rate_limited() == 1


def test_tier_3_methods_are_limited_per_workspace(fake: SlackLike, time_: Time) -> None:
    one, two = _client(fake, "T1"), _client(fake, "T2")
    for n in range(5):  # Tier 3's burst
        one.chat_update(channel="C1", ts=f"1.{n}", text="x")
    assert _error(lambda: one.chat_update(channel="C1", ts="1.9", text="x")) \
        .response.status_code == 429
    assert two.chat_update(channel="C2", ts="2.0", text="x")["ok"]  # the other workspace
    time_.now += 1.2  # 50 a minute: one more after 1.2 s
    assert one.chat_update(channel="C1", ts="1.9", text="x")["ok"]
    assert fake.counts.updates[("C1", "1.9")] == 1


def test_replies_are_paged_by_cursor_with_metadata_only_on_request(fake: SlackLike) -> None:
    client = _client(fake)
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    fake.add_replies("C1", parent, 4)
    client.chat_postMessage(channel="C1", text="mine", thread_ts=parent, metadata=_meta("k"))
    seen, cursor, pages = [], None, 0
    while True:
        page = client.conversations_replies(channel="C1", ts=parent, limit=200, cursor=cursor,
                                            include_all_metadata=True)
        seen += page["messages"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 2 and len(seen) == 6 and seen[-1]["metadata"]["event_payload"]["key"] == "k"
    bare = client.conversations_replies(channel="C1", ts=parent, cursor="at:3")
    assert all("metadata" not in m for m in bare["messages"])


def test_history_is_newest_first_top_level_only(fake: SlackLike) -> None:
    client = _client(fake)
    parent = client.chat_postMessage(channel="C1", text="old")["ts"]
    client.chat_postMessage(channel="C1", text="reply", thread_ts=parent)
    client.chat_postMessage(channel="C3", text="elsewhere")
    page = client.conversations_history(channel="C1", include_all_metadata=True)
    assert [m["text"] for m in page["messages"]] == ["old"]


@pytest.mark.parametrize("kind", ["500", "reset"])
def test_a_fault_after_the_store_keeps_the_post(fake: SlackLike, kind: str) -> None:
    client = _client(fake)
    fake.after_store("chat.postMessage", kind)
    with pytest.raises((SlackApiError, OSError)):
        client.chat_postMessage(channel="C1", text="x", metadata=_meta("once"))
    assert fake.posted() == {"once": 1}
    assert client.chat_postMessage(channel="C3", text="y", metadata=_meta("next"))["ok"]
    assert fake.posted() == {"once": 1, "next": 1}


def test_a_held_answer_comes_after_the_clients_timeout(fake: SlackLike) -> None:
    client = _client(fake)
    client.timeout = 1
    fake.after_store("chat.postMessage", "hang", hold=1.5)
    with pytest.raises(OSError):
        client.chat_postMessage(channel="C1", text="x", metadata=_meta("held"))
    assert fake.posted() == {"held": 1} and fake.held == 1
