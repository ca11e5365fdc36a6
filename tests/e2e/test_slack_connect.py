"""Slack Connect awareness over signed HTTP against the fake Slack: a partner's deals are posted
to a channel only while no member of another partner organisation is in it.

Sakura Digital KK's deals live in its own Slack Connect channel. Its members are read with
`conversations.members` (paged: the fake answers two users a page); Northwind's Dana joining
holds Sakura's deals back there, and the admins are told, each in their own language; her
leaving lets the held messages out, in order.
"""

from __future__ import annotations

import json
import time
from typing import Any

from rules.vocabulary import Role
from storage.models import OutboxMessage, OutboxState, Person
from tests.e2e.deals_support import (
    ADMIN,
    AIKO,
    DANA,
    HIRO,
    KEN,
    SAKURA,
    button,
    card_ts,
    click,
    form,
    later,
    only_deal,
    settle,
    submit,
)
from tests.e2e.support import TEAM, Harness

CHANNEL = "C0SAKURA"
ADMIN_JA = "U0ADMJA1"
BOT = "U0COSELLBOT"


def _sakura_channel(harness: Harness) -> None:
    """Sakura posts in its own channel; a second admin reads Japanese."""
    harness.slack.add_user(ADMIN_JA, locale="ja-JP", tz="Asia/Tokyo")
    with harness.services.uow(actor="e2e") as uow:
        org = uow.directory.partner(SAKURA)
        assert org is not None
        org.channel_id = CHANNEL
        uow.directory.add(Person(slack_team_id=TEAM, slack_user_id=ADMIN_JA, name="Yuki Mori",
                                 role=Role.ADMIN, locale="ja", timezone="Asia/Tokyo"))
        uow.commit()


def _posts(harness: Harness, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [c.args for c in harness.slack.calls_of("chat.postMessage")
            if c.args.get("channel") == channel]


def _dm_texts(harness: Harness, user: str) -> list[str]:
    return [json.dumps(c.args.get("blocks"), ensure_ascii=False) + str(c.args.get("text"))
            for c in harness.slack.calls_of("chat.postMessage")
            if c.args.get("channel") == f"D{user}"]


def _membership(harness: Harness, kind: str, user: str) -> None:
    reply = harness.event({"type": kind, "user": user, "channel": CHANNEL, "channel_type": "C",
                           "team": TEAM, "event_ts": f"{time.time():.6f}"})
    assert reply.status == 200


def _rows(harness: Harness, state: OutboxState) -> list[OutboxMessage]:
    with harness.services.uow() as uow:
        return list(uow.session.query(OutboxMessage).filter(OutboxMessage.state == state)
                    .order_by(OutboxMessage.id).all())


def _register(harness: Harness, domain: str, company: str) -> int:
    answer = submit(harness, AIKO, "deal_register", form(domain=domain, company=company))
    assert answer.get("response_action") == "update", answer
    return int(only_deal(harness, domain, SAKURA))


def test_a_channel_of_the_partner_and_staff_gets_its_cards_members_read_page_by_page(
        harness: Harness, clock: Any) -> None:
    _sakura_channel(harness)
    harness.slack.set_members(CHANNEL, [AIKO, HIRO, KEN, ADMIN, BOT])  # 3 pages of 2
    deal = _register(harness, "acme.co.jp", "Acme KK")
    card_ts(harness, deal)
    settle(harness)
    [posted] = [a for a in _posts(harness) if "blocks" in a and "Acme" in str(a["blocks"])]
    assert posted["channel"] == CHANNEL
    pages = harness.slack.calls_of("conversations.members")
    assert [c.args.get("cursor") for c in pages] == [None, "page:2", "page:4"]
    with harness.services.uow() as uow:
        assert sorted(m.user_id for m in uow.channels.members(CHANNEL)) == \
            sorted([AIKO, HIRO, KEN, ADMIN, BOT])
    assert _rows(harness, OutboxState.HELD) == []


def test_another_partners_member_joining_holds_the_partners_deals_and_tells_the_admins(
        harness: Harness, clock: Any) -> None:
    _sakura_channel(harness)
    harness.slack.set_members(CHANNEL, [AIKO, HIRO, BOT])
    first = _register(harness, "acme.co.jp", "Acme KK")
    card_ts(harness, first)
    settle(harness)
    later(clock, minutes=5)

    # Northwind's Dana is invited into Sakura's channel (the event: Slack says she joined)
    harness.slack.set_members(CHANNEL, [AIKO, HIRO, BOT, DANA])
    _membership(harness, "member_joined_channel", DANA)
    english = harness.wait_for(lambda: _dm_texts(harness, ADMIN))
    japanese = harness.wait_for(lambda: _dm_texts(harness, ADMIN_JA))
    assert "holding back" in english[0] and "Dana Reyes (Northwind Growth LLC)" in english[0]
    assert f"#{first} Acme KK" in english[0] and f"<#{CHANNEL}>" in english[0]
    assert "保留" in japanese[0] and "Dana Reyes (Northwind Growth LLC)" in japanese[0]
    assert "holding" not in japanese[0]
    posted_before = len(_posts(harness))

    # the next card of Sakura for that channel, and the first deal's card update, are held
    later(clock, minutes=5)
    second = _register(harness, "bluebird.co.jp", "Bluebird KK")
    value = button(harness.slack.messages[CHANNEL][0], "deal_accept")
    assert value is not None
    click(harness, HIRO, "deal_accept", value, channel=CHANNEL)
    harness.wait_for(lambda: len(_rows(harness, OutboxState.HELD)) >= 2)
    settle(harness)
    assert len(_posts(harness)) == posted_before
    assert not [c for c in harness.slack.calls_of("chat.update")
                if c.args.get("channel") == CHANNEL]
    assert not [c for c in harness.slack.calls_of("chat.postMessage")
                if "Bluebird" in json.dumps(c.args) and c.args.get("channel") != f"D{AIKO}"
                and not str(c.args.get("channel")).startswith(("DU0ADM", f"D{HIRO}"))]
    held = harness.wait_for(lambda: [t for t in _dm_texts(harness, ADMIN) if "Bluebird" in t])
    assert f"#{second} Bluebird KK" in held[0]
    assert all("Bluebird" not in t for t in _dm_texts(harness, DANA))

    # Dana leaves: the held messages go out, in order
    harness.slack.set_members(CHANNEL, [AIKO, HIRO, BOT])
    _membership(harness, "member_left_channel", DANA)
    harness.wait_for(lambda: not _rows(harness, OutboxState.HELD))
    settle(harness)
    card_ts(harness, second)
    assert any("Bluebird" in json.dumps(a.get("blocks")) for a in _posts(harness))
    assert [c for c in harness.slack.calls_of("chat.update") if c.args.get("channel") == CHANNEL]


def test_a_channel_shared_with_another_organisation_is_read_again(
        harness: Harness, clock: Any) -> None:
    _sakura_channel(harness)
    harness.slack.set_members(CHANNEL, [AIKO, HIRO])
    first = _register(harness, "acme.co.jp", "Acme KK")
    card_ts(harness, first)
    settle(harness)
    reads = len(harness.slack.calls_of("conversations.members"))
    harness.slack.set_members(CHANNEL, [AIKO, HIRO, DANA])   # Northwind's workspace connected
    reply = harness.event({"type": "channel_shared", "channel": CHANNEL,
                           "connected_team_id": "T0NORTH", "event_ts": f"{time.time():.6f}"})
    assert reply.status == 200
    english = harness.wait_for(lambda: _dm_texts(harness, ADMIN))
    assert "Dana Reyes" in english[0]
    assert len(harness.slack.calls_of("conversations.members")) > reads


def test_another_partners_member_speaking_in_the_channel_counts_as_joining(
        harness: Harness, clock: Any) -> None:
    """Found by a fresh pair of eyes: with the join event missed, a competitor posting in the
    channel went on receiving the partner's deal messages. Speaking there is proof enough."""
    _sakura_channel(harness)
    harness.slack.set_members(CHANNEL, [AIKO, HIRO, BOT])
    first = _register(harness, "acme.co.jp", "Acme KK")
    thread = card_ts(harness, first)
    settle(harness)
    later(clock, minutes=5)
    reply = harness.event({"type": "message", "user": DANA, "channel": CHANNEL, "text": "hello",
                           "ts": f"{time.time():.6f}", "thread_ts": thread, "team": TEAM,
                           "channel_type": "channel"})
    assert reply.status == 200
    english = harness.wait_for(lambda: _dm_texts(harness, ADMIN))
    assert "Dana Reyes (Northwind Growth LLC)" in english[0]
    posted_before = len(_posts(harness))
    second = _register(harness, "bluebird.co.jp", "Bluebird KK")
    harness.wait_for(lambda: _rows(harness, OutboxState.HELD))
    settle(harness)
    assert len(_posts(harness)) == posted_before
    assert second != first
