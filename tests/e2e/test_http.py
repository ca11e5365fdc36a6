"""The app over real HTTP: signatures, health, metrics, a first rule answer in both languages."""

from __future__ import annotations

import time

from tests.e2e.support import Harness


def test_unsigned_and_stale_requests_are_refused(harness: Harness) -> None:
    body = b"command=%2Froe&text=help&user_id=U0DANA01&team_id=T0COSELL"
    assert harness.post(body, "application/x-www-form-urlencoded", signed=False).status == 401
    stale = int(time.time()) - 10 * 60
    assert harness.post(body, "application/x-www-form-urlencoded", timestamp=stale).status == 401
    assert harness.responses() == []


def test_health_and_metrics(harness: Harness) -> None:
    assert harness.get("/healthz").status == 200
    harness.command("/roe", "help", user="U0DANA01")
    metrics = harness.get("/metrics")
    assert metrics.status == 200
    assert "coseller_slack_requests_total" in metrics.body
    assert harness.get("/nope").status == 404


def test_roe_eligibility_in_english_and_japanese(harness: Harness) -> None:
    reply = harness.command("/roe", "eligibility marketing/professional 800 USD + sales/starter 20 USD",
                            user="U0DANA01")
    assert reply.status == 200
    [answer] = harness.wait_for(lambda: harness.responses("U0DANA01"))
    assert answer["response_type"] == "ephemeral"
    assert "Eligible" in answer["text"] and "Deal Eligibility" in answer["text"]
    harness.command("/roe", "eligibility sales/starter 20 USD", user="U0AIKO01")
    [answer] = harness.wait_for(lambda: harness.responses("U0AIKO01"))
    assert "対象外" in answer["text"] and "対象となる取引の条件" in answer["text"]


def test_unknown_users_are_told_to_ask_an_admin(harness: Harness) -> None:
    harness.command("/roe", "help", user="U0STRANGER")
    [answer] = harness.wait_for(lambda: harness.responses("U0STRANGER"))
    assert "admin" in answer["text"]


def test_malformed_roe_gets_a_usage_line(harness: Harness) -> None:
    harness.command("/roe", "eligibility marketing/pro 800 USD", user="U0DANA01")
    [answer] = harness.wait_for(lambda: harness.responses("U0DANA01"))
    assert "Usage:" in answer["text"] and "`pro` is not an edition" in answer["text"]
