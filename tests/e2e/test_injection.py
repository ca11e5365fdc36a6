"""Hostile and careless text through every field a partner (or its GS) can type, over signed
HTTP, in both languages: nothing typed ever pings a channel, mentions someone or links somewhere,
and the deal card keeps its layout.

One story per language (Aiko of Sakura Digital, Japanese; Dana of Northwind, English), told
three times on three customers: with plain text, with the injection corpus in every field, and
with very long text. Each time the partner registers a deal (company name), its GS accepts and
writes in the thread, the partner updates BANT (budget, authority, need, timing, next step),
asks for a discount (description) that the GS approves in writing (wording), asks for more time
(reason), mentions the bot (question), asks `/deal status` and `/roe deal`, opens the Home tab;
the scheduler's jobs run (prompts, digests, reminders); the GS removes the partner (reason).
Every payload the fake Slack received, and every answer the app gave Slack directly, is then
scanned: the only `<...>` tokens in mrkdwn are the bot's own (Slack date tokens, mentions of
staff, the deal channel). The three cards have the same blocks, of the same types.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from bot.views.text import escape
from storage.models import Deal, DealStatus, OutboxMessage, OutboxState, PartnerOrg
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.deals_support import card, form, submit
from tests.e2e.followup_support import block_action, query
from tests.e2e.followup_support import text as text_state
from tests.e2e.support import TEAM, Harness
from tests.e2e.test_confidentiality import (
    ADMIN,
    AIKO,
    DANA,
    HIRO,
    KEN,
    MAYA,
    NORTHWIND,
    SAKURA,
    Story,
    bant,
)

CORPUS = ("<!channel>", "<!here>", "<!everyone>", "<@U0AIKO01>", "<@U0DANA01>", "<#C0DEALS>",
          "<#C0OTHER>", "<https://evil.example|click>", "<mailto:a@evil.example>",
          "&lt;!channel&gt;", "*bold*", "＜！ｃｈａｎｎｅｌ＞", "שלום", "🎉👍🏽", "a & b > c")
HOSTILE = " ".join(CORPUS)
NAMES = " <!channel> <@U0AIKO01> <https://evil.example|x> & Co"  # names in the directory
LONG = ("＜！ｃｈａｎｎｅｌ＞ 長い説明 " + HOSTILE + " ") * 40   # over 5,000 characters
STAFF = {HIRO, MAYA, KEN, ADMIN}
TOKEN = re.compile(r"<([^<>]*)>")
# What is never shown as mrkdwn: plain_text objects, inputs' values, ids and metadata.
UNSHOWN = {"initial_value", "value", "private_metadata", "action_id", "block_id", "callback_id",
           "trigger_id", "response_url", "response_url_id", "ts", "thread_ts", "channel",
           "user_id", "user", "metadata", "external_id", "hash", "view_id", "errors"}


@dataclass(frozen=True)
class Partner:
    user: str
    org: str
    gs: str
    region: str
    currency: str


PARTNERS = {"ja": Partner(AIKO, SAKURA, HIRO, "JP", "JPY"),
            "en": Partner(DANA, NORTHWIND, MAYA, "US", "USD")}


def shown_strings(value: Any, where: str = "") -> list[tuple[str, str]]:
    """Every string of a payload that Slack shows as mrkdwn (with where it is)."""
    if isinstance(value, dict):
        if value.get("type") == "plain_text":
            return []
        found = []
        for key, item in value.items():
            if key not in UNSHOWN:
                found += shown_strings(item, f"{where}.{key}")
        return found
    if isinstance(value, list):
        return [s for i, item in enumerate(value) for s in shown_strings(item, f"{where}[{i}]")]
    return [(where, value)] if isinstance(value, str) else []


def foreign_tokens(text: str) -> list[str]:
    """`<...>` tokens in a mrkdwn text that the bot did not put there on purpose."""
    found = []
    for token in TOKEN.findall(text):
        if token.startswith("!date^") and token.count("|") == 1:
            continue
        if token.startswith("@") and token[1:] in STAFF:
            continue
        if token == "#C0DEALS":
            continue
        found.append(token)
    return found


def field(text: str, limit: int) -> str:
    return text[:limit]


def rename(harness: Harness, who: Partner, suffix: str) -> None:
    """Names from the directory (the partner organisation, its person, the GS) end in `suffix`
    (an administrator typed them); an empty suffix gives the names back."""
    with harness.services.uow(actor="test") as uow:
        org = uow.session.scalar(select(PartnerOrg).where(PartnerOrg.name.startswith(who.org)))
        assert org is not None
        org.name = who.org + suffix
        for user in (who.user, who.gs):
            person = uow.directory.person(TEAM, user)
            assert person is not None
            person.name = person.name.split(" <", 1)[0] + suffix
        uow.commit()


def story_for(story: Story, who: Partner, domain: str, typed: str, names: str = "") -> int:
    """The whole story on one customer, every typed field saying `typed` (the directory's names
    ending in `names`); the deal's id."""
    harness = story.harness
    rename(harness, who, names)
    # registration: the company's name
    story.open_modal(who.user, "/deal", "register", "deal_register")
    answer = submit(harness, who.user, "deal_register", form(
        domain=domain, company=field(typed, 200), region=who.region, currency=who.currency,
        items=[("marketing", "professional", "96000" if who.currency == "JPY" else "900")]))
    story.acks.append((who.user, answer))
    assert answer.get("response_action") == "update", answer
    deal_id = harness.wait_for(lambda: query(harness, lambda uow: uow.session.scalar(
        select(Deal.id).where(Deal.customer_domain == domain))))
    harness.wait_for(lambda: story.thread(deal_id))
    story.settle()
    story.later(minutes=5)
    # the GS accepts, and writes in the thread (the partner's response clock starts)
    with harness.services.uow() as uow:
        version = uow.deals.get(deal_id).version
    story.click(who.gs, "deal_accept", f"{deal_id}:{version}")
    story.wait_status(deal_id, DealStatus.ACCEPTED)
    story.settle()
    story.say(who.gs, deal_id, "Please share the timeline.")
    # BANT: every field
    view = story.open_modal(who.user, "/deal", f"bant #{deal_id}", "followup_bant")
    values = bant(*(field(typed, 2000),) * 4)
    values["bant_next_step"] = text_state(field(typed, 2000))
    before = len(harness.responses(who.user))
    story.submit(who.user, view, values)
    story.wait_answers(who.user, before + 1)
    story.settle()
    story.later(minutes=10)
    # a discount, approved in writing
    def requests() -> list[dict[str, Any]]:
        return [c.args for c in harness.slack.calls_of("chat.postMessage")
                if c.args.get("channel") == f"D{who.gs}" and "discount_approve" in json.dumps(c.args)]
    before = len(requests())
    story.command(who.user, "/deal", f"discount #{deal_id} {typed}")
    request = harness.wait_for(lambda: requests()[before:])
    discount = re.search(r'"action_id": "discount_approve".*?"value": "(\d+)"',
                         json.dumps(request[-1]["blocks"]))
    assert discount is not None
    trigger = story.trigger(who.gs)
    payload = block_action(harness, who.gs, "discount_approve", discount.group(1),
                           channel=f"D{who.gs}")
    payload["trigger_id"] = trigger
    assert harness.interaction(payload).status == 200
    approval = harness.wait_for(lambda: next((c.args["view"] for c in harness.slack.calls_of(
        "views.open") if c.args.get("trigger_id") == trigger), None))
    story.submit(who.gs, approval, {"discount_wording": text_state(field(typed, 2000))})
    story.settle()
    # more time, with a reason
    story.command(who.user, "/deal", f"extend #{deal_id} 24h {typed}")
    story.settle()
    # a question to the bot in the thread, the deal's status and answer, the Home tabs
    story.mention(who.user, deal_id, f"is this eligible? {typed}")
    story.command(who.user, "/deal", f"status #{deal_id}")
    story.command(who.user, "/roe", f"deal {deal_id}")
    for user in (who.user, who.gs, KEN):
        story.home(user)
    # the scheduler: prompts, digests, reminders, over a few days
    for hours in (2, 26, 50):
        story.later(hours=hours)
        story.run_scheduler()
    # the GS removes the partner, with a reason
    story.command(who.gs, "/deal", f"remove {deal_id} {typed}")
    story.settle()
    rename(harness, who, "")
    return deal_id


def block_types(message: dict[str, Any]) -> list[str]:
    return [block["type"] for block in message.get("blocks") or []]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_typed_text_never_pings_mentions_or_links(harness: Harness, clock: FakeClock,
                                                  lang: str) -> None:
    who = PARTNERS[lang]
    story = Story(harness, clock)
    cards: dict[str, list[str]] = {}
    deals: dict[str, int] = {}
    for name, typed, names in (("plain", "Hinode Foods 日の出食品", ""),
                               ("hostile", HOSTILE, NAMES), ("long", LONG, NAMES)):
        deal_id = deals[name] = story_for(story, who, f"{name}-{lang}.example.com", typed,
                                          names)
        cards[name] = block_types(card(harness, deal_id))
        story.later(hours=1)
    assert cards["hostile"] == cards["plain"] and cards["long"] == cards["plain"], cards

    payloads = [(method, args) for method, args in harness.slack.iter_payloads()]
    payloads += [("view_submission ack", answer) for _, answer in story.acks]
    methods = {method for method, _ in payloads}
    assert {"chat.postMessage", "chat.update", "response_url", "views.open",
            "views.publish", "view_submission ack"} <= methods, methods
    escaped_seen, leaks = 0, set()
    for method, args in payloads:
        for where, text in shown_strings(args):
            if foreign_tokens(text):
                leaks.add((method, re.sub(r"\[\d+\]", "[]", where)))
            escaped_seen += text.count("&lt;!channel&gt;")
    assert not leaks, sorted(leaks)
    assert escaped_seen > 20  # the corpus did reach the messages, escaped
    assert any(escape(NAMES) in text for _, args in payloads for _, text in shown_strings(args))
    # already-escaped text stays as typed: `&lt;` is shown as `&lt;`, never as `<`
    assert any("&amp;lt;!channel&amp;gt;" in text for _, args in payloads
               for _, text in shown_strings(args))
    # the card, the thread and the DMs carry the text (not only a refusal)
    hostile_card = json.dumps(card(harness, deals["hostile"]), ensure_ascii=False)
    assert "&lt;!channel&gt;" in hostile_card and "＜！ｃｈａｎｎｅｌ＞" in hostile_card
    assert "🎉👍🏽" in hostile_card and "שלום" in hostile_card


def test_slack_limits_hold_for_long_text(harness: Harness, clock: FakeClock) -> None:
    """Every section, field, context element, header, button and option the long story sent
    keeps within Slack's limits (Slack would refuse the whole message)."""
    story = Story(harness, clock)
    story_for(story, PARTNERS["en"], "long-limits.example.com", LONG, NAMES)
    limits = {"section": 3000, "header": 150}

    def check(value: Any, where: str) -> None:
        if isinstance(value, dict):
            kind = value.get("type")
            if kind in limits and isinstance(value.get("text"), dict):
                assert len(value["text"]["text"]) <= limits[kind], (where, kind)
            if kind == "section":
                for item in value.get("fields") or []:
                    assert len(item["text"]) <= 2000, where
            if kind == "button":
                assert len(value["text"]["text"]) <= 75 and len(value.get("value", "")) <= 2000
            if "options" in value:
                assert all(len(o["text"]["text"]) <= 75 for o in value["options"]), where
            for key, item in value.items():
                check(item, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                check(item, f"{where}[{i}]")

    for method, args in harness.slack.iter_payloads():
        check(args, method)
    for _, answer in story.acks:
        check(answer, "ack")
    assert not [c for c in harness.slack.calls_of("chat.postMessage")
                if c.args.get("blocks") is not None and len(c.args["blocks"]) > 50]
    with harness.services.uow() as uow:
        dead = uow.session.query(OutboxMessage).filter(
            OutboxMessage.state == OutboxState.DEAD).all()
        assert not dead, [(m.idempotency_key, m.last_error) for m in dead]


@pytest.mark.parametrize("typed", ["status <!channel>", "poi 3 <!channel>", "close won <!here>",
                                   "<!channel>", "extend #3 <@U0AIKO01>",
                                   "bant #3 budget=<https://evil.example|x> <#C123>"])
def test_a_usage_error_echoes_what_was_typed_as_text(harness: Harness, typed: str) -> None:
    """Found by a fresh pair of eyes: `/deal` usage errors repeated the typed words raw (only
    to the person who typed them, but mentions and links rendered live)."""
    before = len(harness.responses(DANA))
    harness.command("/deal", typed, user=DANA)
    answer = harness.wait_for(lambda: harness.responses(DANA)[before:])[0]
    assert not [t for _, text in shown_strings(answer) for t in foreign_tokens(text)], answer
    assert "&lt;" in answer["text"]
