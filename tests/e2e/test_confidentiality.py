"""Two partners on one customer, in two languages, never learn of each other.

Sakura Digital (Aiko, Japanese) registers example.co.jp; Northwind Growth (Dana, English)
registers the same customer: a Best Partner Wins case. Both GSs accept, people talk in both
threads, clocks run, BANT and POIs are recorded, Dana asks for more time, Northwind's reply is
late and the breach notice comes, both partners ask `/deal status` and `/roe` on their deals,
mention the bot, and open their Home tabs; the scheduler's jobs run too. Then every payload the
fake Slack received that a partner can see is scanned: the deal channel (a deal's card and thread
are visible to that deal's partner), direct messages to a partner, ephemeral answers to a partner,
modals opened for a partner, a partner's Home tab, and the answers the app gave Slack directly
(a modal's acknowledgement). Neither partner ever sees the other organisation's name, its people,
its deal, or that another partner is on the customer at all (no Best Partner Wins wording); the
GSs and the PDM are told both names.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.usecases.clock_store import RESPONSE, start_clock
from bot.usecases.periodic import bant_prompts, ensure_clocks, gs_digests, pdm_digests
from bot.usecases.sweep import sweep
from rules.vocabulary import Edition, Motion
from storage.models import (
    Clock,
    ClockState,
    Deal,
    DealMessage,
    DealStatus,
    DealThread,
    LineItem,
    PartnerOrg,
    Party,
    Person,
    ProductLineAssociation,
)
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.deals_support import form, only_deal, settle, submit
from tests.e2e.followup_support import block_action, moment, thread_event, view_submission
from tests.e2e.followup_support import text as text_state
from tests.e2e.support import TEAM, Harness

AIKO, DANA, HIRO, MAYA, KEN, ADMIN = ("U0AIKO01", "U0DANA01", "U0GSHIRO", "U0GSMAYA",
                                      "U0PDMKEN", "U0ADMIN1")
SAKURA, NORTHWIND = "Sakura Digital KK", "Northwind Growth LLC"
CHANNEL = "C0DEALS"
# each partner organisation's own channel, as the README asks (in a channel shared by two
# partners, each one's messages are held back, rightly: both would read every thread there)
OWN_CHANNELS = {SAKURA: "C0SAKURA", NORTHWIND: "C0NORTH"}
DEAL_CHANNELS = {CHANNEL, *OWN_CHANNELS.values()}
DOMAIN = "example.co.jp"
COMPANY = {AIKO: "Example Japan KK", DANA: "Example Americas Inc"}
ORG = {AIKO: SAKURA, DANA: NORTHWIND}
PARTNERS = (AIKO, DANA)

# What tells a partner that another partner is on the customer (English and Japanese).
BPW_WORDS = (
    "best partner wins", "ベストパートナー", "bpw case", "case #", "案件 #",
    "other partners also", "also on this customer", "この顧客の他の取引", "他のパートナーの進行中",
    "another partner", "other partner", "他のパートナー", "別のパートナー",
)
# Methods that show nothing to anybody (the bot asking Slack).
SILENT = {"auth.test", "users.info", "conversations.open", "conversations.history",
          "conversations.replies", "conversations.members"}


@dataclass
class Story:
    """The harness, the clock, and what the app answered Slack directly (modal acks)."""

    harness: Harness
    clock: FakeClock
    acks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    # -- moving on -------------------------------------------------------------------------

    def later(self, **delta: float) -> None:
        self.clock.now = self.clock.now + timedelta(**delta)

    def settle(self) -> None:
        settle(self.harness)

    def trigger(self, user: str) -> str:
        """A trigger id that says whose it is (modals are opened with it)."""
        return f"trigger-{user}-{time.monotonic_ns()}"

    # -- as Slack sends it ------------------------------------------------------------------

    def command(self, user: str, name: str, text: str, **extra: Any) -> dict[str, Any]:
        """A slash command; the one ephemeral answer (waited for)."""
        before = len(self.harness.responses(user))
        reply = self.harness.command(name, text, user=user, trigger_id=self.trigger(user),
                                     **extra)
        assert reply.status == 200, reply
        found = self.harness.wait_for(lambda: self.harness.responses(user)[before:])
        answer: dict[str, Any] = found[0]
        return answer

    def open_modal(self, user: str, name: str, text: str, callback_id: str,
                   **extra: Any) -> dict[str, Any]:
        """A slash command that opens a modal; the modal."""
        trigger = self.trigger(user)
        reply = self.harness.command(name, text, user=user, trigger_id=trigger, **extra)
        assert reply.status == 200, reply
        call = self.harness.wait_for(lambda: next(
            (c for c in self.harness.slack.calls_of("views.open")
             if c.args.get("trigger_id") == trigger), None))
        view: dict[str, Any] = call.args["view"]
        assert view["callback_id"] == callback_id, view
        return view

    def submit(self, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> None:
        reply = self.harness.interaction(view_submission(
            user, view["callback_id"], values, private_metadata=view["private_metadata"]))
        assert reply.status == 200, reply
        self.acks.append((user, json.loads(reply.body) if reply.body else {}))

    def register(self, user: str, **fields: Any) -> int:
        """A partner registers a deal through the modal; its id once the card is posted."""
        self.open_modal(user, "/deal", "register", "deal_register")
        answer = submit(self.harness, user, "deal_register", form(**fields))
        self.acks.append((user, answer))
        assert answer.get("response_action") == "update", answer
        deal_id = only_deal(self.harness, DOMAIN, ORG[user])
        self.harness.wait_for(lambda: self.thread(deal_id))
        self.settle()
        self.later(minutes=5)
        return deal_id

    def click(self, user: str, action_id: str, value: str, *, channel: str = CHANNEL) -> None:
        payload = block_action(self.harness, user, action_id, value, channel=channel)
        payload["trigger_id"] = self.trigger(user)
        assert self.harness.interaction(payload).status == 200

    def say(self, user: str, deal_id: int, text: str) -> None:
        """A person's message in the deal's thread (the clocks follow it)."""
        event = thread_event(user, self.thread(deal_id), text=text,
                             channel=self.channel(deal_id))
        assert self.harness.event(event).status == 200

        def recorded() -> bool:
            with self.harness.services.uow() as uow:
                return uow.session.scalar(select(DealMessage.id).where(
                    DealMessage.deal_id == deal_id, DealMessage.slack_ts == event["ts"])) \
                    is not None
        self.harness.wait_for(recorded)
        self.settle()
        self.later(minutes=30)

    def mention(self, user: str, deal_id: int, question: str) -> dict[str, Any]:
        """@Coseller in the deal's thread; the bot's reply there."""
        thread, channel = self.thread(deal_id), self.channel(deal_id)
        ts = f"{int(time.time())}.{time.monotonic_ns() % 1_000_000:06d}"
        event = {"type": "app_mention", "user": user, "text": f"<@U0COSELLBOT> {question}",
                 "ts": ts, "event_ts": ts, "channel": channel, "team": TEAM,
                 "thread_ts": thread, "client_msg_id": f"m-{ts}"}
        assert self.harness.event(event).status == 200

        def replied() -> dict[str, Any] | None:
            for call in self.harness.slack.calls_of("chat.postMessage"):
                key = ((call.args.get("metadata") or {}).get("event_payload") or {}).get("key")
                if key == f"mention:{TEAM}:{channel}:{ts}":
                    return call.args
            return None
        found: dict[str, Any] = self.harness.wait_for(replied)
        return found

    def home(self, user: str) -> dict[str, Any]:
        before = len(self.harness.slack.calls_of("views.publish"))
        event = {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home",
                 "event_ts": f"{int(time.time())}.000100"}
        assert self.harness.event(event).status == 200
        call = self.harness.wait_for(lambda: next(
            (c for c in self.harness.slack.calls_of("views.publish")[before:]
             if c.args.get("user_id") == user), None))
        view: dict[str, Any] = call.args["view"]
        return view

    # -- the ledger -------------------------------------------------------------------------

    def thread(self, deal_id: int) -> str:
        with self.harness.services.uow() as uow:
            row = uow.session.get(DealThread, deal_id)
            return str(row.thread_ts) if row is not None and row.thread_ts else ""

    def channel(self, deal_id: int) -> str:
        """The channel the deal's card and thread are in."""
        with self.harness.services.uow() as uow:
            row = uow.session.get(DealThread, deal_id)
            return str(row.channel_id) if row is not None else CHANNEL

    def status(self, deal_id: int) -> DealStatus:
        with self.harness.services.uow() as uow:
            return uow.deals.get(deal_id).status

    def clock_state(self, deal_id: int) -> ClockState | None:
        """The state of the partner's latest response clock on the deal."""
        with self.harness.services.uow() as uow:
            state: ClockState | None = uow.session.scalar(select(Clock.state).where(
                Clock.deal_id == deal_id, Clock.kind == "response",
                Clock.owed_by == Party.PARTNER).order_by(Clock.id.desc()).limit(1))
            return state

    def wait_status(self, deal_id: int, status: DealStatus) -> None:
        self.harness.wait_for(lambda: self.status(deal_id) is status)

    def wait_dm(self, user: str, words: str) -> None:
        self.harness.wait_for(lambda: words.lower() in staff_dms(self, user).lower())

    def wait_answers(self, user: str, count: int) -> None:
        self.harness.wait_for(lambda: len(self.harness.responses(user)) >= count)

    def run_scheduler(self) -> None:
        """What the scheduler runs, at the story's time: the jobs, then the sweep."""
        services = self.harness.services
        ensure_clocks(services)
        for region in ("JP", "US"):
            bant_prompts(services, region)
            gs_digests(services, region)
        pdm_digests(services)
        sweep(services)
        self.harness.services.wake()
        self.settle()


# -- who sees what ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seen:
    """A payload and the partner users who can see it (empty: staff only)."""

    method: str
    payload: dict[str, Any]
    partners: tuple[str, ...]
    where: str


def marks(harness: Harness, user: str, deal_id: int) -> list[str]:
    """What would tell another partner that `user`'s organisation is on the customer: its
    name, its people's names and Slack ids, its deal's company name and its deal's card."""
    with harness.services.uow() as uow:
        org = uow.directory.partner(ORG[user])
        assert org is not None
        people = uow.session.scalars(select(Person).where(Person.partner_org_id == org.id)).all()
        thread = uow.session.get(DealThread, deal_id)
        found = [org.name, COMPANY[user]]
        found += [p.name for p in people] + [p.slack_user_id for p in people]
        if thread is not None and thread.thread_ts:
            found.append(thread.thread_ts)
    return found


def visibility(harness: Harness, deal_partner: dict[int, str], threads: dict[str, int]
               ) -> list[Seen]:
    """Every call the fake Slack received, with who among the partners can see it."""
    seen: list[Seen] = []
    for method, args in harness.slack.iter_payloads():
        if method in SILENT:
            continue
        channel = str(args.get("channel") or "")
        if method in ("chat.postMessage", "chat.update") and channel in DEAL_CHANNELS:
            key = str(((args.get("metadata") or {}).get("event_payload") or {}).get("key") or "")
            deal = threads.get(str(args.get("thread_ts") or args.get("ts") or ""))
            number = re.match(r"deal:(\d+):", key)
            if deal is None and number is not None:
                deal = int(number.group(1))
            # a deal's card and thread: its partner; anything else in the channel: everyone
            partners = (deal_partner[deal],) if deal in deal_partner else PARTNERS
            seen.append(Seen(method, args, partners, f"deal channel (deal {deal})"))
        elif method == "chat.postMessage" and channel.startswith("D"):
            user = channel[1:]
            seen.append(Seen(method, args, (user,) if user in PARTNERS else (), f"DM {user}"))
        elif method == "response_url":
            user = str(args.get("response_url_id") or "")[:8]
            seen.append(Seen(method, args, (user,) if user in PARTNERS else (),
                             f"ephemeral answer to {user}"))
        elif method == "views.open":
            user = str(args.get("trigger_id") or "").split("-")[1]
            seen.append(Seen(method, args, (user,) if user in PARTNERS else (),
                             f"modal for {user}"))
        elif method == "views.publish":
            user = str(args.get("user_id") or "")
            seen.append(Seen(method, args, (user,) if user in PARTNERS else (), f"Home of {user}"))
        else:
            raise AssertionError(f"a call the scan does not know: {method} {args}")
    return seen


def scan(story: Story, deals: dict[str, int]) -> dict[str, int]:
    """Check every partner-visible payload; how many each partner was shown."""
    harness = story.harness
    deal_partner = {deal_id: user for user, deal_id in deals.items()}
    threads = {story.thread(deal_id): deal_id for deal_id in deals.values()}
    forbidden = {AIKO: marks(harness, DANA, deals[DANA]), DANA: marks(harness, AIKO, deals[AIKO])}
    payloads = visibility(harness, deal_partner, threads)
    payloads += [Seen("view_submission ack", answer, (user,) if user in PARTNERS else (),
                      f"modal ack to {user}")
                 for user, answer in story.acks]
    shown = dict.fromkeys(PARTNERS, 0)
    for item in payloads:
        text = json.dumps(item.payload, ensure_ascii=False).casefold()
        for partner in item.partners:
            shown[partner] += 1
            for word in [*forbidden[partner], *BPW_WORDS]:
                assert word.casefold() not in text, (
                    f"{partner} ({ORG[partner]}) can see {word!r} in {item.method} "
                    f"({item.where}): {text[:600]}")
    return shown


def kinds(story: Story, user: str) -> set[str]:
    """The kinds of partner-visible places `user` was shown something in."""
    found = set()
    for method, args in story.harness.slack.iter_payloads():
        if method == "response_url" and str(args.get("response_url_id", "")).startswith(user):
            found.add("ephemeral")
        elif method == "chat.postMessage" and args.get("channel") == f"D{user}":
            found.add("dm")
        elif method == "views.open" and f"-{user}-" in str(args.get("trigger_id")):
            found.add("modal")
        elif method == "views.publish" and args.get("user_id") == user:
            found.add("home")
    return found


def staff_dms(story: Story, user: str) -> str:
    return "\n".join(json.dumps(c.args, ensure_ascii=False)
                     for c in story.harness.slack.calls_of("chat.postMessage")
                     if c.args.get("channel") == f"D{user}")


# -- the story -------------------------------------------------------------------------------------

def bant(budget: str, authority: str, need: str, timing: str) -> dict[str, dict[str, Any]]:
    return {"bant_budget": text_state(budget), "bant_authority": text_state(authority),
            "bant_need": text_state(need), "bant_timing": text_state(timing),
            "bant_next_step": text_state(""),
            "bant_close": {"type": "datepicker", "selected_date": None}}


def step_until(story: Story, done: Callable[[], bool], limit: int = 8) -> None:
    """Run the scheduler at each next step of the running clocks until `done`."""
    for _ in range(limit):
        if done():
            return
        with story.harness.services.uow() as uow:
            due = uow.session.scalar(select(Clock.next_action_at).where(
                Clock.state == ClockState.RUNNING, Clock.next_action_at.is_not(None))
                .order_by(Clock.next_action_at).limit(1))
        assert due is not None, "no clock has a next step"
        story.clock.now = max(story.clock.now, due.replace(tzinfo=due.tzinfo or UTC)) + \
            timedelta(minutes=1)
        story.run_scheduler()
    assert done(), "the story did not get there"


def test_two_partners_on_one_customer_never_learn_of_each_other(harness: Harness,
                                                               clock: FakeClock) -> None:
    story = Story(harness, clock)
    services = harness.services
    with services.uow(actor="setup") as uow:
        for name, channel in OWN_CHANNELS.items():
            org = uow.directory.partner(name)
            assert org is not None
            org.channel_id = channel
        uow.commit()
    # Northwind sold Marketing Hub to the customer last year: it holds that line's association
    with services.uow(actor="history") as uow:
        northwind = uow.directory.partner(NORTHWIND)
        assert northwind is not None
        uow.session.add(ProductLineAssociation(
            customer_domain=DOMAIN, line="marketing", partner_org_id=northwind.id,
            established_at=datetime(2024, 10, 1, tzinfo=UTC)))
        uow.commit()

    # 1. two partners register the same customer: a Best Partner Wins case, told to staff only
    sakura_deal = story.register(AIKO, domain=DOMAIN, company=COMPANY[AIKO], region="JP",
                                 currency="JPY", items=[("marketing", "professional", "96000"),
                                                        ("sales", "professional", "48000")])
    northwind_deal = story.register(DANA, domain=f"https://www.{DOMAIN}/contact",
                                    company=COMPANY[DANA], region="US", currency="USD",
                                    items=[("sales", "enterprise", "3000")])
    deals = {AIKO: sakura_deal, DANA: northwind_deal}
    with services.uow() as uow:
        case = uow.deals.get(sakura_deal).bpw_case_id
        assert case is not None and uow.deals.get(northwind_deal).bpw_case_id == case
    for staff in (HIRO, MAYA, KEN):
        story.wait_dm(staff, "Best Partner Wins")
        told = staff_dms(story, staff)
        assert SAKURA in told and NORTHWIND in told, (staff, told)

    # 2. the GSs accept, from the cards' buttons
    for gs, user in ((HIRO, AIKO), (MAYA, DANA)):
        deal_id = deals[user]
        with services.uow() as uow:
            version = uow.deals.get(deal_id).version
        story.click(gs, "deal_accept", f"{deal_id}:{version}")
        story.wait_status(deal_id, DealStatus.ACCEPTED)
        story.settle()
        story.later(minutes=10)

    # 3. people talk in both threads: the GS's message starts the partner's clock
    story.say(HIRO, sakura_deal, "田中様、先方の決裁者とのミーティング日程をご共有ください。")
    story.say(AIKO, sakura_deal, "承知しました。来週火曜日で調整中です。")
    story.say(MAYA, northwind_deal, "Dana, can you share the customer's timeline?")
    assert story.clock_state(sakura_deal) is ClockState.MET
    assert story.clock_state(northwind_deal) is ClockState.RUNNING

    # 4. BANT, from the threads, in each partner's language
    for user, values in ((AIKO, bant("年間600万円", "CFOの佐藤様", "営業とサービスのCRM統合",
                                      "2026年1月")),
                         (DANA, bant("$36k a year", "The VP Sales", "One CRM for the US team",
                                     "Q1 2026"))):
        view = story.open_modal(user, "/deal", "bant", "followup_bant",
                                thread_ts=story.thread(deals[user]))
        story.submit(user, view, values)
        story.wait_answers(user, 1)
        story.settle()
        story.later(minutes=10)

    # 5. POIs, in the threads
    story.command(AIKO, "/deal", "poi signed onboarding", thread_ts=story.thread(sakura_deal))
    story.command(DANA, "/deal", "poi sent", thread_ts=story.thread(northwind_deal))
    story.settle()

    # 6. Dana asks for more time; Maya declines from the DM's button
    asked = story.command(DANA, "/deal", f"extend #{northwind_deal} 24h The customer is at a "
                          "trade show")
    assert "Maya Brooks" in asked["text"]
    request = harness.wait_for(lambda: [c.args for c in harness.slack.calls_of("chat.postMessage")
                                        if c.args.get("channel") == f"D{MAYA}"
                                        and "extension_decline" in json.dumps(c.args)])
    extension = re.search(r'"action_id": "extension_decline".*?"value": "(\d+)"',
                          json.dumps(request[-1]["blocks"]))
    assert extension is not None
    story.click(MAYA, "extension_decline", extension.group(1), channel=f"D{MAYA}")
    story.wait_dm(DANA, "declined")
    story.settle()

    # 7. the scheduler: BANT prompts, digests, reminders, then Northwind's reply is late
    story.run_scheduler()
    step_until(story, lambda: story.clock_state(northwind_deal) is ClockState.BREACHED)
    breach = harness.wait_for(lambda: [m for m in harness.slack.messages.get(
                                           story.channel(northwind_deal), [])
                                       if m.get("thread_ts") == story.thread(northwind_deal)
                                       and "breach_dismiss" in json.dumps(m.get("blocks"))])
    assert "<@U0GSMAYA>" in breach[0]["text"]

    # 8. Aiko will be out tomorrow (her BANT clock moves, said in her thread); she asks for a
    #    discount, which Hiro approves in writing
    view = story.open_modal(AIKO, "/deal", "ooo", "followup_ooo")
    story.submit(AIKO, view, {
        "ooo_start": moment(story.clock.now + timedelta(hours=1)),
        "ooo_end": moment(story.clock.now + timedelta(hours=25)),
        "ooo_delegate": {"type": "users_select", "selected_user": None}})
    harness.wait_for(lambda: any("不在" in r["text"] for r in harness.responses(AIKO)))
    story.settle()
    story.command(AIKO, "/deal", "discount 初年度のみ10%の割引",
                  thread_ts=story.thread(sakura_deal))
    request = harness.wait_for(lambda: [c.args for c in harness.slack.calls_of("chat.postMessage")
                                        if c.args.get("channel") == f"D{HIRO}"
                                        and "discount_approve" in json.dumps(c.args)])
    discount = re.search(r'"action_id": "discount_approve".*?"value": "(\d+)"',
                         json.dumps(request[-1]["blocks"]))
    assert discount is not None
    trigger = story.trigger(HIRO)
    payload = block_action(harness, HIRO, "discount_approve", discount.group(1),
                           channel=f"D{HIRO}")
    payload["trigger_id"] = trigger
    assert harness.interaction(payload).status == 200
    approval = harness.wait_for(lambda: next((c.args["view"] for c in harness.slack.calls_of(
        "views.open") if c.args.get("trigger_id") == trigger), None))
    story.submit(HIRO, approval, {"discount_wording": text_state(
        "HubSpotは初年度のみ10%の割引を承認します。")})
    harness.wait_for(lambda: [m for m in harness.slack.messages.get(story.channel(sakura_deal), [])
                              if m.get("thread_ts") == story.thread(sakura_deal)
                              and "初年度のみ10%" in m["text"] and "HubSpotは" in m["text"]])
    story.settle()

    # 9. each side asks about its own deal (and tries the other's), the staff about both
    for user in PARTNERS:
        story.command(user, "/deal", "status", thread_ts=story.thread(deals[user]))
        story.command(user, "/deal", f"status {deals[user]}")
        story.command(user, "/roe", "", thread_ts=story.thread(deals[user]))
        story.command(user, "/roe", f"deal {deals[user]}")
        story.command(user, "/roe", "eligibility marketing/professional 96000 JPY")
    for user, name, text in ((DANA, "/deal", f"status {sakura_deal}"),
                             (DANA, "/roe", f"deal {sakura_deal}"),
                             (AIKO, "/deal", f"status {northwind_deal}"),
                             (AIKO, "/deal", f"poi #{northwind_deal} signed")):
        other = story.command(user, name, text)     # not theirs: not a word of it
        number = int(re.findall(r"\d+", text)[0])
        missing = story.command(user, name, text.replace(str(number), "9999"))
        assert other["text"] == missing["text"].replace("9999", str(number)), (other, missing)
        assert other["text"] in (f"None of your organisation's deals is #{number}. Check the "
                                 "number, or ask in your deal's thread.",
                                 f"貴社の取引に #{number} はありません。番号をご確認いただくか、"
                                 "取引のスレッドでお尋ねください。"), other
    for staff, deal_id in ((HIRO, sakura_deal), (MAYA, northwind_deal), (KEN, sakura_deal)):
        summary = story.command(staff, "/deal", f"status {deal_id}")
        shown = json.dumps(summary, ensure_ascii=False)
        assert "Best Partner Wins" in shown and (SAKURA in shown or NORTHWIND in shown)

    # 10. mentions in both threads (a GS's question is answered for the deal's partner too)
    story.mention(AIKO, sakura_deal, "この取引は対象になりますか? Marketing Hub Professional 96000 JPY")
    story.mention(DANA, northwind_deal, "When is my reply due if the GS wrote on a US holiday?")
    story.mention(HIRO, sakura_deal, "Sales Hub Professional 48000 JPYの収益は?")
    story.mention(MAYA, northwind_deal, "Is Sales Hub Enterprise 3000 USD eligible?")
    story.settle()

    # 11. the Home tabs
    for user in (AIKO, DANA, HIRO, MAYA, KEN):
        story.home(user)
    ken_home = json.dumps(story.home(KEN), ensure_ascii=False)
    assert SAKURA in ken_home and NORTHWIND in ken_home
    story.settle()

    # every place a partner can see, both partners, in both languages
    counted = scan(story, deals)
    assert counted[AIKO] >= 25 and counted[DANA] >= 25, counted
    for user in PARTNERS:
        assert kinds(story, user) == {"ephemeral", "dm", "modal", "home"}, kinds(story, user)
    with services.uow() as uow:
        orgs = {o.name for o in uow.session.scalars(select(PartnerOrg))}
        statuses = {d.id: d.status for d in uow.session.scalars(select(Deal))}
    assert orgs == {SAKURA, NORTHWIND}
    assert statuses == {sakura_deal: DealStatus.ACCEPTED, northwind_deal: DealStatus.ACCEPTED}


def test_reminders_falling_due_together_are_not_pooled_across_partners(
        harness: Harness, clock: FakeClock) -> None:
    services = harness.services
    companies: dict[str, list[str]] = {AIKO: [], DANA: []}
    with services.uow(actor="setup") as uow:
        hiro = uow.directory.person(TEAM, HIRO)
        assert hiro is not None
        for n in range(3):
            for user in PARTNERS:
                org = uow.directory.partner(ORG[user])
                assert org is not None
                company = f"{'Hinode' if user == AIKO else 'Bluebird'} {n} KK"
                deal = Deal(customer_domain=f"customer{n}-{user.lower()}.co.jp", company=company,
                            currency="JPY", motion=Motion.PARTNER_SOURCED,
                            status=DealStatus.ACCEPTED, region_code="JP", gs_id=hiro.id,
                            partner_org_id=org.id)
                deal.items = [LineItem(line="marketing", edition=Edition.PROFESSIONAL,
                                       mrr=Decimal("96000"))]
                uow.deals.add(deal, at=services.now())
                uow.session.add(DealThread(deal_id=deal.id, team_id=TEAM, channel_id=CHANNEL,
                                           thread_ts=f"1763700000.{deal.id:06d}",
                                           card_ts=f"1763700000.{deal.id:06d}"))
                uow.session.flush()
                start_clock(uow, services.regions, deal, kind=RESPONSE, owed_by=Party.PARTNER,
                            at=services.now())
                companies[user].append(company)
        uow.commit()
    # Fri 16:00 JST + 48 business hours (Mon 24 Nov is a holiday): due Wed 26 Nov 16:00 JST;
    # on Tue 25 Nov 18:00 JST every clock has passed its 24-hours-left reminder
    clock.now = datetime(2025, 11, 25, 9, 0, tzinfo=UTC)
    sweep(services)
    harness.services.wake()
    settle(harness)
    with services.uow() as uow:
        names = {org.id: org.name for org in uow.session.scalars(select(PartnerOrg))}
        owner = {row.thread_ts: names[uow.deals.get(row.deal_id).partner_org_id or -1]
                 for row in uow.session.scalars(select(DealThread))}
    posted = [c.args for c in harness.slack.calls_of("chat.postMessage")
              if c.args.get("channel") == CHANNEL]
    assert posted
    for args in posted:
        text = json.dumps(args, ensure_ascii=False)
        readers = [user for user in PARTNERS if owner.get(str(args.get("thread_ts")))
                   in (None, ORG[user])]
        for user in readers:
            other = DANA if user == AIKO else AIKO
            for company in companies[other]:
                assert company not in text, (f"{ORG[user]} can see {company}", text[:500])


# -- three partners on overlapping customers, through time --------------------------------------

KENJI, REN = "U0KENJI1", "U0REN001"
KAZE = "Kaze Marketing GK"
THREE = (AIKO, DANA, KENJI)
ORG3 = {AIKO: SAKURA, DANA: NORTHWIND, KENJI: KAZE, REN: SAKURA}
SECOND = "hinode.co.jp"  # a second customer Sakura and Kaze both work


def _add_kaze_and_ren(harness: Harness) -> None:
    """A third partner organisation (Kaze Marketing, Kenji) and Aiko's colleague Ren."""
    with harness.services.uow(actor="setup") as uow:
        pdm = uow.directory.person(TEAM, KEN)
        assert pdm is not None
        kaze = uow.directory.add(PartnerOrg(name=KAZE, kind="solutions_partner", tier="gold",
                                            accreditations=[], region_code="JP",
                                            pdm_id=pdm.id))
        sakura = uow.directory.partner(SAKURA)
        assert sakura is not None
        for user, name, org in ((KENJI, "Kenji Mori", kaze.id), (REN, "Ren Kobayashi",
                                                                  sakura.id)):
            uow.directory.add(Person(slack_team_id=TEAM, slack_user_id=user, name=name,
                                     role="partner", partner_org_id=org, locale="ja",
                                     timezone="Asia/Tokyo"))
        uow.commit()


def _register3(story: Story, user: str, domain: str, company: str, region: str = "JP") -> int:
    story.open_modal(user, "/deal", "register", "deal_register")
    answer = submit(story.harness, user, "deal_register", form(
        domain=domain, company=company, region=region, currency="JPY" if region == "JP"
        else "USD", items=[("marketing", "professional", "96000" if region == "JP" else "900")]))
    story.acks.append((user, answer))
    assert answer.get("response_action") == "update", answer
    deal_id = only_deal(story.harness, domain, ORG3[user])
    story.harness.wait_for(lambda: story.thread(deal_id))
    story.settle()
    story.later(minutes=5)
    return deal_id


def _forbidden(harness: Harness, org: str, companies: list[str]) -> list[str]:
    """What names `org` to others: its name, its people (names, Slack ids), its customers'
    company names as it registered them."""
    with harness.services.uow() as uow:
        row = uow.directory.partner(org)
        assert row is not None
        people = uow.session.scalars(select(Person).where(Person.partner_org_id == row.id)).all()
        return [row.name, *companies, *(p.name for p in people),
                *(p.slack_user_id for p in people)]


def scan_three(story: Story, deal_org: dict[int, str], companies: dict[str, list[str]]
               ) -> dict[str, int]:
    """Every payload the fake Slack received (and every modal ack) that a partner can see: no
    partner sees another organisation's name, people, customers or a Best Partner Wins hint.
    A deal's card and thread are seen by its organisation; DMs, answers, modals and Home tabs
    by their person (and their organisation); anything else in the channel by everyone."""
    harness = story.harness
    threads = {story.thread(deal_id): deal_id for deal_id in deal_org}
    user_org = dict(ORG3)
    shown: dict[str, int] = {org: 0 for org in (SAKURA, NORTHWIND, KAZE)}
    forbidden = {org: [word for other in shown if other != org
                       for word in _forbidden(harness, other, companies[other])]
                 for org in shown}
    seen: list[tuple[str, dict[str, Any], tuple[str, ...]]] = []
    for method, args in harness.slack.iter_payloads():
        if method in SILENT:
            continue
        channel = str(args.get("channel") or "")
        if method in ("chat.postMessage", "chat.update") and channel in DEAL_CHANNELS:
            key = str(((args.get("metadata") or {}).get("event_payload") or {}).get("key") or "")
            deal = threads.get(str(args.get("thread_ts") or args.get("ts") or ""))
            number = re.match(r"deal:(\d+):", key)
            if deal is None and number is not None:
                deal = int(number.group(1))
            readers = (deal_org[deal],) if deal in deal_org else tuple(shown)
            seen.append((f"{method} in the channel (deal {deal})", args, readers))
        elif method == "chat.postMessage" and channel.startswith("D"):
            user = channel[1:]
            seen.append((f"DM {user}", args, (user_org[user],) if user in user_org else ()))
        elif method == "response_url":
            user = str(args.get("response_url_id") or "")[:8]
            seen.append((f"answer to {user}", args, (user_org[user],) if user in user_org
                         else ()))
        elif method == "views.open":
            user = str(args.get("trigger_id") or "").split("-")[1]
            seen.append((f"modal for {user}", args, (user_org[user],) if user in user_org
                         else ()))
        elif method == "views.publish":
            user = str(args.get("user_id") or "")
            seen.append((f"Home of {user}", args, (user_org[user],) if user in user_org
                         else ()))
        else:
            raise AssertionError(f"a call the scan does not know: {method} {args}")
    seen += [(f"modal ack to {user}", answer, (user_org[user],) if user in user_org else ())
             for user, answer in story.acks]
    for where, payload, readers in seen:
        text = json.dumps(payload, ensure_ascii=False).casefold()
        for org in readers:
            shown[org] += 1
            for word in [*forbidden[org], *BPW_WORDS]:
                assert word.casefold() not in text, (
                    f"{org} can see {word!r} in {where}: {text[:600]}")
    return shown


def test_three_partners_on_overlapping_customers_through_time(harness: Harness,
                                                              clock: FakeClock) -> None:
    _add_kaze_and_ren(harness)
    story = Story(harness, clock)
    services = harness.services
    companies = {SAKURA: ["Example Japan KK", "Hinode Sakura Team"],
                 NORTHWIND: ["Example Americas Inc"],
                 KAZE: ["Example Nihon GK", "Hinode Kaze Account"]}
    # three organisations on one customer, two of them on a second one too
    deals = {
        _register3(story, AIKO, DOMAIN, companies[SAKURA][0]): SAKURA,
        _register3(story, DANA, f"https://{DOMAIN}", companies[NORTHWIND][0], "US"): NORTHWIND,
        _register3(story, KENJI, f"www.{DOMAIN}", companies[KAZE][0]): KAZE,
        _register3(story, AIKO, SECOND, companies[SAKURA][1]): SAKURA,
        _register3(story, KENJI, f"{SECOND}/about", companies[KAZE][1]): KAZE,
    }
    by_org = {org: [d for d, o in deals.items() if o == org] for org in (SAKURA, NORTHWIND,
                                                                          KAZE)}
    for deal_id, org in deals.items():  # the GSs accept, from the cards' buttons
        gs = MAYA if org == NORTHWIND else HIRO
        with services.uow() as uow:
            version = uow.deals.get(deal_id).version
        story.click(gs, "deal_accept", f"{deal_id}:{version}")
        story.wait_status(deal_id, DealStatus.ACCEPTED)
        story.settle()

    # Aiko will be away: she first names Kenji of Kaze (a forged submission: the modal does not
    # offer him) and is refused beside the field; then Ren, her colleague, stands in
    view = story.open_modal(AIKO, "/deal", "ooo", "followup_ooo")
    offered = json.dumps(view, ensure_ascii=False)
    assert "Ren Kobayashi" in offered and "Kenji" not in offered and "Dana" not in offered
    away = {"ooo_start": moment(story.clock.now + timedelta(minutes=30)),
            "ooo_end": moment(story.clock.now + timedelta(days=5))}
    reply = harness.interaction(view_submission(AIKO, "followup_ooo", {
        **away, "ooo_delegate": {"type": "users_select", "selected_user": KENJI}},
        private_metadata=view["private_metadata"]))
    refusal = json.loads(reply.body)
    assert refusal["response_action"] == "errors" and "ooo_delegate" in refusal["errors"]
    story.acks.append((AIKO, refusal))
    story.submit(AIKO, view, {**away, "ooo_delegate": {
        "type": "static_select", "selected_option": {"value": REN}}})
    harness.wait_for(lambda: any("Ren Kobayashi" in r["text"]
                                 for r in harness.responses(AIKO)))
    story.settle()
    story.later(hours=1)

    # the GSs write in every thread: every partner owes a reply; nobody answers
    for deal_id, org in deals.items():
        story.say(MAYA if org == NORTHWIND else HIRO, deal_id, "Any news from the customer?")
    for user in THREE:  # each partner tries the others' deals: the answer of a missing one
        for deal_id, org in deals.items():
            if org != ORG3[user]:
                story.command(user, "/deal", f"status {deal_id}")
    story.run_scheduler()
    step_until(story, lambda: all(story.clock_state(d) is ClockState.BREACHED for d in deals),
               limit=20)
    story.run_scheduler()
    for user in (*THREE, REN, HIRO, MAYA, KEN):
        story.home(user)
    story.settle()

    shown = scan_three(story, deals, companies)
    assert min(shown.values()) >= 10, shown
    # Ren stood in: reminded about Sakura's deals (the scan saw they name no one else's)
    ren = json.dumps([c.args for c in harness.slack.calls_of("chat.postMessage")
                      if c.args.get("channel") == f"D{REN}"], ensure_ascii=False)
    assert "代理" in ren and any(company in ren for company in companies[SAKURA]), ren[:400]
    # nothing was held back by the recipient door: the use cases never address a stranger
    with services.uow() as uow:
        assert uow.outbox.refused() == []
    assert len(by_org[KAZE]) == 2
