"""The admin's Home tab over signed HTTP against the fake Slack: after a message the recipient
door refused, a message Slack would not take (given up on), a breach, a member of another
partner organisation joining a partner's channel and someone not in the directory speaking in a
deal thread, an admin sees each, in their language and zone; Retry sends the dead message; a
partner, a GS and a PDM never see any of it."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from typing import Any

import pytest

from bot.messages import Outgoing, Text, ToChannel, ToPerson, queue
from bot.outbox.attempts import MAX_ATTEMPTS
from rules.vocabulary import Role
from storage.models import OutboxMessage, OutboxState, Person
from tests.e2e.conftest import Clock
from tests.e2e.deals_support import settle
from tests.e2e.followup_support import next_ts, thread_event
from tests.e2e.roe_support import (
    AIKO,
    DANA,
    HIRO,
    KEN,
    NORTHWIND,
    SAKURA,
    add_breach,
    make_deal,
    open_home,
)
from tests.e2e.support import TEAM, Harness
from tests.e2e.test_japanese_complete import _english_in

ADMIN = "U0ADMIN1"
ADMIN_JA = "U0ADMJA1"
SAKURA_CHANNEL = "C0SAKURA"
STRANGER = "U0NOBODY7"
THREAD = "1763700000.000900"


def _text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def _row(harness: Harness, key: str) -> OutboxMessage:
    with harness.services.uow() as uow:
        row = uow.outbox.by_key(key)
        assert row is not None
        uow.session.expunge(row)
        return row


@pytest.fixture
def trouble(harness: Harness, clock: Clock) -> dict[str, int]:
    """Everything an admin must hear of, made the way it happens."""
    harness.slack.add_user(ADMIN_JA, locale="ja-JP", tz="Asia/Tokyo")
    deal = make_deal(harness, org=SAKURA, company="Acme <KK> & Co", domain="acme.co.jp",
                     items=[("marketing", "professional", "96000")], currency="JPY",
                     region="JP", gs=HIRO, thread_ts=THREAD)
    with harness.services.uow(actor="e2e") as uow:
        org = uow.directory.partner(SAKURA)
        dana = uow.directory.person(TEAM, DANA)
        assert org is not None and dana is not None
        org.channel_id = SAKURA_CHANNEL
        uow.directory.add(Person(slack_team_id=TEAM, slack_user_id=ADMIN_JA, name="Yuki Mori",
                                 role=Role.ADMIN, locale="ja", timezone="Asia/Tokyo"))
        # a direct message about Sakura's deal to Northwind's Dana: the door refuses it
        queue(uow, Outgoing("e2e:leak", ToPerson(dana.id), (Text("home.title"),),
                            deal_id=deal))
        uow.commit()
    settle(harness)
    assert _row(harness, "e2e:leak").state is OutboxState.REFUSED
    assert not [c for c in harness.slack.calls_of("chat.postMessage")
                if c.args.get("channel") in (DANA, f"D{DANA}")]

    # a channel post Slack fails on its last try: given up on
    clock.now += timedelta(minutes=5)
    harness.slack.fail("chat.postMessage", status=500, times=1)
    with harness.services.uow(actor="e2e") as uow:
        queue(uow, Outgoing("e2e:doomed", ToChannel("C0ANNOUNCE"), (Text("home.title"),)))
        row = uow.outbox.by_key("e2e:doomed")
        assert row is not None
        row.attempts = MAX_ATTEMPTS - 1
        uow.commit()
    harness.wait_for(lambda: _row(harness, "e2e:doomed").state is OutboxState.DEAD)

    add_breach(harness, deal, org=SAKURA, kind="response", at=clock.now - timedelta(days=2))

    # Northwind's Dana joins Sakura's own channel
    clock.now += timedelta(minutes=5)
    harness.slack.set_members(SAKURA_CHANNEL, [AIKO, HIRO, DANA])
    assert harness.event({"type": "member_joined_channel", "user": DANA,
                          "channel": SAKURA_CHANNEL, "channel_type": "C", "team": TEAM,
                          "event_ts": f"{time.time():.6f}"}).status == 200

    def joined() -> bool:
        with harness.services.uow() as uow:
            return any(m.user_id == DANA for m in uow.channels.members(SAKURA_CHANNEL))
    harness.wait_for(joined)  # the event is handled after its ack: before the clock moves on

    # someone not in the directory speaks in the deal's thread
    clock.now += timedelta(minutes=5)
    harness.slack.add_user(STRANGER, locale="en-US", tz="UTC")
    assert harness.event(thread_event(STRANGER, THREAD, ts=next_ts())).status == 200

    def recorded() -> bool:
        with harness.services.uow() as uow:
            return uow.channels.unknown_users(5)[0] == 1
    harness.wait_for(recorded)
    settle(harness)
    return {"deal": deal, "dead": _row(harness, "e2e:doomed").id}


def test_the_admin_sees_what_needs_attention(harness: Harness, trouble: dict[str, int]) -> None:
    view = open_home(harness, ADMIN)
    text = _text(view)
    deal = trouble["deal"]
    assert text.index("What needs your attention") < text.index("Open deals routed to you")
    assert "Refused: 1 · gave up on: 1" in text
    assert f"about #{deal} Acme &lt;KK&gt; &amp; Co · for a direct message to Dana Reyes" in text
    assert "It would have reached Dana Reyes (Northwind Growth LLC)" in text
    assert "Fri 21 Nov 07:00 UTC" in text  # the admin's zone
    assert "about no deal · for <#C0ANNOUNCE> · after 8 tries" in text
    [retry] = [b["accessory"] for b in view["blocks"]
               if (b.get("accessory") or {}).get("action_id") == "admin_retry_message"]
    assert retry["value"] == str(trouble["dead"])
    assert f"1 breach in the last 90 days ({SAKURA}: 1)" in text
    assert f"{SAKURA}: reply not sent in time (#{deal} Acme &lt;KK&gt; &amp; Co)" in text
    assert f"<#{SAKURA_CHANNEL}>, where the deals of {SAKURA} are posted: " \
           f"Dana Reyes ({NORTHWIND}) since Fri 21 Nov 07:10 UTC" in text
    assert f"<@{STRANGER}> in <#C0DEALS>: once, Fri 21 Nov 07:15 UTC" in text
    assert "The directory" in text and "Acme <KK>" not in text
    assert len(view["blocks"]) <= 100


def test_a_japanese_admin_reads_japanese_only(harness: Harness,
                                              trouble: dict[str, int]) -> None:
    view = open_home(harness, ADMIN_JA)
    text = _text(view)
    assert "対応が必要な事項" in text and "拒否:1件 · 送信を断念:1件" in text
    assert "11月21日(金) 16:00 JST" in text  # Tokyo
    assert "再送する" in text and f"<@{STRANGER}>(<#C0DEALS>)" in text
    names = {w.lower() for w in re.findall(r"[A-Za-z]+", " ".join(
        [SAKURA, NORTHWIND, "Operations Admin", "Dana Reyes", "Yuki Mori", "Acme KK Co"]))}
    assert _english_in(view) - names == set(), _english_in(view)
    assert "Refused" not in text and "Retry" not in text


def test_partners_gss_and_pdms_never_see_the_admin_sections(
        harness: Harness, trouble: dict[str, int]) -> None:
    for user in (AIKO, DANA, HIRO, KEN):
        text = _text(open_home(harness, user))
        for shown in ("What needs your attention", "対応が必要な事項", "admin_retry_message",
                      STRANGER, "C0ANNOUNCE", "e2e:leak"):
            assert shown not in text, (user, shown)


def _home_click(harness: Harness, user: str, value: str) -> None:
    """A button on the Home tab: a view container, no response_url."""
    payload = {
        "type": "block_actions", "api_app_id": "A0COSELL", "token": "unused",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "team": {"id": TEAM, "domain": "coseller"}, "trigger_id": f"trigger-{time.monotonic_ns()}",
        "container": {"type": "view", "view_id": "V0HOME"},
        "view": {"id": "V0HOME", "type": "home", "blocks": []},
        "actions": [{"action_id": "admin_retry_message", "block_id": "b1", "value": value,
                     "type": "button", "text": {"type": "plain_text", "text": "Retry"},
                     "action_ts": str(time.time())}]}
    assert harness.interaction(payload).status == 200


def test_retry_sends_a_dead_message_and_shows_the_tab_again(
        harness: Harness, trouble: dict[str, int]) -> None:
    dead = str(trouble["dead"])
    before = len(harness.slack.calls_of("views.publish"))
    _home_click(harness, DANA, dead)  # not an admin: nothing moves
    _home_click(harness, ADMIN, dead)
    harness.wait_for(lambda: _row(harness, "e2e:doomed").state is OutboxState.SENT)
    attempts = [c for c in harness.slack.calls_of("chat.postMessage")
                if c.args.get("channel") == "C0ANNOUNCE"]
    assert len(attempts) == 2  # the try that failed, and the retry
    assert len(harness.slack.messages["C0ANNOUNCE"]) == 1  # in the channel once
    published = harness.wait_for(lambda: [c.args for c in
                                          harness.slack.calls_of("views.publish")[before:]
                                          if c.args.get("user_id") == ADMIN])
    assert "gave up on: 0" in _text(published[-1]["view"])  # published after the re-queue
    assert not [c for c in harness.slack.calls_of("views.publish")[before:]
                if c.args.get("user_id") == DANA and "What needs" in _text(c.args)]
