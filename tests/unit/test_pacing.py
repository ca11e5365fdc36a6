"""Coseller's own pace (`bot.pacing`): token buckets per channel for posts and per workspace and
method for the tiered methods; a round's places counted when its calls go."""

from __future__ import annotations

from bot.pacing import MARGIN, POSTS, TIERS, Pacer, slack_pacer


class Ticks:
    """Seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_posts_to_a_channel_go_in_a_burst_of_two_then_a_little_slower_than_one_a_second() -> None:
    ticks = Ticks()
    pacer = slack_pacer(ticks)
    assert pacer.take("C1") == 0 and pacer.take("C1") == 0      # the burst
    wait = pacer.take("C1")
    assert 1.0 < wait <= 1.0 / MARGIN + 1e-9                     # under Slack's one a second
    assert pacer.take("C2") == 0                                  # another channel: its own
    ticks.now += wait
    assert pacer.take("C1") == 0


def test_tiered_methods_are_paced_per_workspace_and_method() -> None:
    ticks = Ticks()
    pacer = slack_pacer(ticks)
    burst = int(TIERS["chat.update"].burst)
    for _ in range(burst):
        assert pacer.take("C1", team="T1", method="chat.update") == 0
    assert pacer.take("C9", team="T1", method="chat.update") > 0  # any channel of T1
    assert pacer.take("C1", team="T2", method="chat.update") == 0  # another workspace
    assert pacer.take("C1", team="T1", method="conversations.members") == 0  # another method


def test_a_refused_place_takes_nothing() -> None:
    ticks = Ticks()
    pacer = Pacer(1.0, burst=1, clock=ticks)
    assert pacer.take("C1") == 0
    assert pacer.take("C1") > 0 and pacer.take("C1") > 0
    ticks.now += 1.0
    assert pacer.take("C1") == 0


def test_no_pacing_at_all_with_interval_zero() -> None:
    pacer = Pacer(0.0)
    assert all(pacer.take("C1", team="T", method=m) == 0
               for m in ("chat.postMessage", "chat.update") for _ in range(100))


def test_a_rounds_places_count_from_when_its_calls_go() -> None:
    """Planned while the round is prepared, taken at `commit`: a round that took a second to
    prepare does not leave its calls counted a second early (Slack would see a burst)."""
    ticks = Ticks()
    pacer = Pacer(1.0, burst=1, clock=ticks)
    first = pacer.round()
    assert first.take("C1") == 0
    assert first.take("C1") > 0                 # the round counts its own places
    assert first.wait("C1") > 0
    assert pacer.wait_for("C1") == 0            # nothing taken yet
    ticks.now += 5.0                            # the round took long to prepare
    first.commit()
    assert pacer.take("C1") > 0                 # counted from the commit, not from the plan
    ticks.now += 1.0
    assert pacer.take("C1") == 0


def test_the_published_limits() -> None:
    assert (POSTS.per_minute, POSTS.burst) == (60.0, 2.0)
    assert TIERS["chat.update"].per_minute == 50.0 and TIERS["conversations.members"].per_minute == 100.0


def test_a_bad_number_of_senders_is_a_configuration_error_naming_the_variable() -> None:
    import pytest

    from bot.config import ConfigError
    from bot.outbox.sending import DEFAULT_SENDERS, senders_from_env

    assert senders_from_env({}) == DEFAULT_SENDERS
    assert senders_from_env({"COSELLER_OUTBOX_SENDERS": "8"}) == 8
    for wrong in ("abc", "0", "-3", "513"):
        with pytest.raises(ConfigError, match="COSELLER_OUTBOX_SENDERS"):
            senders_from_env({"COSELLER_OUTBOX_SENDERS": wrong})
