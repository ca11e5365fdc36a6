"""Mentions: free-text questions in English and Japanese, answered in the thread with citations,
or the closest sections with the command that would answer them."""

from __future__ import annotations

import json
import time

from bot.outbox import pending_count
from tests.e2e.roe_support import AIKO, DANA, HIRO, MAYA, NORTHWIND, SAKURA, make_deal, mention
from tests.e2e.support import TEAM, Harness

THREAD = "1763700000.000200"


def test_starter_only_in_english_and_japanese(harness: Harness) -> None:
    english = mention(harness, "is a starter-only deal eligible?", DANA)
    assert english["text"].startswith("Not eligible")
    assert "Rules of Engagement: Deal Eligibility" in english["text"]
    assert english["blocks"]
    japanese = mention(harness, "Starterだけの取引は対象ですか?", AIKO)
    assert japanese["text"].startswith("対象外")
    assert "販売に関する規則:対象となる取引の条件" in japanese["text"]


def test_the_answer_follows_the_questions_language(harness: Harness) -> None:
    # Dana's Slack is in English, Aiko's in Japanese: each asks in the other language.
    assert mention(harness, "Starterだけの取引は対象ですか?", DANA)["text"].startswith("対象外")
    assert mention(harness, "is a starter-only deal eligible?", AIKO)["text"].startswith(
        "Not eligible")


def test_reply_deadlines(harness: Harness) -> None:
    # now: Fri 21 Nov 2025 16:00 JST; Dana's organisation is in the US (Fri 02:00 EST).
    english = mention(harness, "how long do I have to reply?", DANA)["text"]
    assert "Communication" in english and "received now, in region US" in english
    assert "<!date^" in english  # every reader of the thread sees their own zone
    japanese = mention(harness, "返信期限は?", AIKO)["text"]
    assert "コミュニケーション" in japanese and "11月26日(水) 16:00 JST" in japanese
    dated = mention(harness, "2025年11月24日 10時に受信した連絡の返信期限は?", AIKO)["text"]
    assert "勤労感謝の日" in dated and "11月25日(火) 17:00 JST" in dated
    us = mention(harness, "message received 2025-07-03 15:00 in US, when is my reply due?",
                 DANA)["text"]
    assert "Tue 8 Jul 15:00 EDT" in us


def test_revenue_share_and_earnings(harness: Harness) -> None:
    english = mention(harness, "what is the revenue share on 800 USD?", DANA)["text"]
    assert "$160.00" in english and "Revenue Share" in english and "Gold tier" in english
    japanese = mention(harness, "Marketing Hub Professionalを96,000円で販売した場合のレベニューシェアは?",
                       AIKO)["text"]
    assert "￥19,200" in japanese and "レベニューシェア" in japanese
    earned = mention(harness, "what does marketing professional 800 USD earn?", DANA)["text"]
    assert earned.startswith("Eligible") and "Assuming a customer-signed POI" in earned


def test_a_question_without_enough_facts_gets_the_closest_sections(harness: Harness) -> None:
    english = mention(harness, "can we waive onboarding?", DANA)
    text = english["text"]
    assert text.startswith("I need more facts")
    assert "*Waive Onboarding*: Only Solutions Partners" in text
    assert "*Onboarding Requirements*" in text and "`/roe waive poi onboarding`" in text
    japanese = mention(harness, "導入支援サービスを免除できますか?", AIKO)["text"]
    assert japanese.startswith("判断するには条件が足りません")
    assert "*導入支援サービスの免除*" in japanese and "`/roe waive poi onboarding`" in japanese
    discount = mention(harness, "割引を顧客に伝えてもいいですか?", AIKO)["text"]
    assert "*割引*" in discount and "書面による承認" in discount
    unknown = mention(harness, "hello there", DANA)["text"]
    assert "couldn't tell which rule" in unknown and "`/roe help`" in unknown


def test_a_provider_asking_about_waiving_gets_a_decision(harness: Harness) -> None:
    text = mention(harness, "we are a provider, can we waive onboarding?", DANA)["text"]
    assert text.startswith("Not eligible") and "Waive Onboarding" in text


def test_the_reply_goes_to_the_mentions_thread(harness: Harness) -> None:
    make_deal(harness, org=NORTHWIND, company="Contoso Inc", domain="contoso.com",
              items=[("marketing", "professional", "800")], gs=MAYA, thread_ts=THREAD)
    reply = mention(harness, "is a starter-only deal eligible?", MAYA, thread_ts=THREAD)
    assert reply["thread_ts"] == THREAD and reply["channel"] == "C0DEALS"
    assert reply["text"].startswith("Not eligible")


def test_a_retried_mention_is_answered_once(harness: Harness) -> None:
    ts = f"{int(time.time())}.000999"
    event = {"type": "app_mention", "user": DANA, "text": "<@U0COSELLBOT> is starter only eligible?",
             "ts": ts, "event_ts": ts, "channel": "C0DEALS", "team": TEAM}
    harness.event(event, event_id="EvMENTION1")
    harness.wait_for(lambda: [c for c in harness.slack.calls_of("chat.postMessage")
                              if c.args.get("thread_ts") == ts])
    harness.event(event, event_id="EvMENTION1", retry=1)
    harness.event(event, event_id="EvMENTION2")  # the same message again: the outbox key holds

    def settled() -> bool:
        with harness.services.uow() as uow:
            return pending_count(uow) == 0 and uow.outbox.by_key(
                f"mention:{TEAM}:C0DEALS:{ts}") is not None

    harness.wait_for(settled)
    posted = [c for c in harness.slack.calls_of("chat.postMessage") if c.args.get("thread_ts") == ts]
    assert len(posted) == 1


def test_strangers_are_told_to_ask_an_admin(harness: Harness) -> None:
    assert "admin" in mention(harness, "is a starter-only deal eligible?", "U0NOBODY")["text"]


def test_a_partners_mentions_never_name_another_partner(harness: Harness) -> None:
    make_deal(harness, org=SAKURA, company="Shared KK", domain="shared.example",
              items=[("marketing", "professional", "96000")], currency="JPY", region="JP", gs=HIRO)
    make_deal(harness, org=NORTHWIND, company="Shared Inc", domain="shared.example",
              items=[("marketing", "professional", "800")], gs=MAYA)
    for question in ("two partners on the same customer, who wins?",
                     "is marketing professional 800 USD eligible?",
                     "best partner wins on shared.example?"):
        mention(harness, question, DANA)
    for call in harness.slack.calls_of("chat.postMessage"):
        body = json.dumps(call.args, ensure_ascii=False)
        assert SAKURA not in body and "Shared KK" not in body
