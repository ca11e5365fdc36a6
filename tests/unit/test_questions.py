"""Free-text questions in English and Japanese: their topic and the facts in them."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from bot.usecases.questions import TOPICS, classify, clean_mention, is_japanese, question_lang
from rules.revenue_share import YearMonth
from rules.sections import Section
from rules.vocabulary import Edition, LineCredit, Motion

REGIONS = ("JP", "US", "US-CA", "GB", "DE")


@pytest.mark.parametrize(("question", "topic"), [
    ("is a starter-only deal eligible?", "eligibility"),
    ("Starterだけの取引は対象ですか?", "eligibility"),
    ("Does a deal with only Starter qualify?", "eligibility"),
    ("how long do I have to reply?", "due"),
    ("返信期限は?", "due"),
    ("The GS messaged me on a holiday, when must I respond?", "due"),
    ("祝日に連絡を受けた場合、いつまでに返信すればいいですか?", "due"),
    ("can we waive onboarding?", "waive"),
    ("導入支援サービスを免除できますか?", "waive"),
    ("what is the revenue share on 800 USD?", "revenue_share"),
    ("96,000円のレベニューシェアはいくらですか?", "revenue_share"),
    ("what does a partner sourced deal earn?", "earnings"),
    ("コミッションはどのくらい獲得できますか?", "earnings"),
    ("are we in the upmarket referral program?", "upmarket"),
    ("Upmarketリファーラルプログラムの条件は?", "upmarket"),
    ("two partners are working the same customer, who wins?", "bpw"),
    ("複数のパートナーが同じ顧客に競合している場合は?", "bpw"),
    ("can we upsell a starter customer to professional?", "upsell"),
    ("アップセルでクレジットをもらえますか?", "upsell"),
    ("can we cross-sell the service hub?", "cross_sell"),
    ("can I mention a discount to the customer?", "discount"),
    ("割引を顧客に伝えてもいいですか?", "discount"),
    ("can we send the GS a gift card?", "incentive"),
    ("HubSpot担当者に謝礼を渡してもいいですか?", "incentive"),
    ("what is the proof of involvement?", "poi"),
    ("関与の証明とは何ですか?", "poi"),
    ("when must onboarding start?", "onboarding"),
    ("we have 72 hours to accept an offered deal?", "collaboration"),
    ("do shared deals expire?", "registration"),
    ("does logging in count for managed mrr?", "managed_mrr"),
    ("what happens after a breach?", "review"),
    ("規則違反の措置は?", "review"),
    ("who is my PDM?", "account_team"),
])
def test_topics_in_both_languages(question: str, topic: str) -> None:
    found = classify(question, regions=REGIONS)
    assert found.topic is not None and found.topic.name == topic, found.scores


def test_nothing_matched() -> None:
    found = classify("hello there", regions=REGIONS)
    assert found.topic is None and found.scores == ()


def test_mentions_and_links_are_removed() -> None:
    assert clean_mention("<@U0COSELLBOT> is <https://x.io|this> eligible?") == "is this eligible?"
    assert classify("<@U0COSELLBOT|coseller> eligible?").topic is not None


def test_closest_sections_come_from_the_best_topics() -> None:
    found = classify("can we waive onboarding?", regions=REGIONS)
    sections, commands = found.closest()
    assert sections[0] is Section.WAIVE_ONBOARDING
    assert Section.ONBOARDING in sections and len(sections) <= 4
    assert commands[0].startswith("/roe waive")


def test_every_topic_has_sections_and_phrases_in_both_languages() -> None:
    for topic in TOPICS:
        assert topic.sections
        assert any(is_japanese(p) for p, _ in topic.phrases), topic.name
        assert any(not is_japanese(p) for p, _ in topic.phrases), topic.name


def test_facts_products_and_amounts() -> None:
    facts = classify("is marketing professional 800 USD plus sales hub starter 20 USD eligible?")\
        .facts
    assert facts.products == [("marketing", Edition.PROFESSIONAL), ("sales", Edition.STARTER)]
    assert [a.amount for a in facts.amounts] == [Decimal(800), Decimal(20)]
    ja = classify("Marketing Hub Professionalを96,000円で販売した場合のレベニューシェアは?").facts
    assert ja.products == [("marketing", Edition.PROFESSIONAL)]
    assert ja.amounts[0].currency == "JPY" and ja.amounts[0].amount == Decimal(96000)
    assert classify("revenue share on $1,200.50?").facts.amounts[0].amount == Decimal("1200.50")
    assert classify("3,000米ドル以上").facts.amounts[0].currency == "USD"


def test_facts_starter_only() -> None:
    assert classify("is a starter-only deal eligible?").facts.starter_only
    assert classify("Starterだけの取引は対象ですか?").facts.starter_only
    assert classify("Starter製品のみの取引は?").facts.starter_only
    assert classify("is a deal with just sales starter eligible?").facts.starter_only
    assert not classify("is marketing professional eligible?").facts.starter_only


def test_facts_dates_times_months_and_regions() -> None:
    facts = classify("message received 2025-11-21 16:00 in JP, when is it due?",
                     regions=REGIONS).facts
    assert (facts.day, facts.at, facts.region) == (date(2025, 11, 21), time(16), "JP")
    ja = classify("2025年11月24日 10時に受信した連絡の返信期限は?", regions=REGIONS).facts
    assert (ja.day, ja.at) == (date(2025, 11, 24), time(10))
    assert classify("received in US-CA at 9:30", regions=REGIONS).facts.region == "US-CA"
    assert classify("can us reply later?", regions=REGIONS).facts.region is None
    assert classify("日本の祝日", regions=REGIONS).facts.region == "JP"
    assert classify("revenue share of 800 USD from 2025-08").facts.month == YearMonth(2025, 8)
    assert classify("2025年8月から96,000円").facts.month == YearMonth(2025, 8)
    assert classify("due 2025-11-21 16:00").facts.month is None


def test_facts_motion_poi_provider_credit() -> None:
    facts = classify("a partner assisted deal with a signed POI, we are a provider").facts
    assert facts.motion is Motion.PARTNER_ASSISTED and facts.poi is True and facts.provider
    assert classify("without a POI").facts.poi is False
    assert classify("署名済みのPOIがあります").facts.poi is True
    assert classify("the POI names us for onboarding").facts.poi_names_onboarding
    assert classify("upsell, no other partner is credited").facts.credit is LineCredit.NONE
    assert classify("another partner is credited on it").facts.credit is LineCredit.OTHER
    assert classify("upsell on marketing from starter to professional").facts.editions == [
        Edition.STARTER, Edition.PROFESSIONAL]
    assert classify("upsell on marketing from starter to professional").facts.line == "marketing"


@pytest.mark.parametrize(("text", "fallback", "lang"), [
    ("Starterだけの取引は対象ですか?", "en", "ja"),
    ("is a starter-only deal eligible?", "ja", "en"),
    ("POI?", "ja", "ja"),
    ("POI?", "en", "en"),
])
def test_answer_language(text: str, fallback: str, lang: str) -> None:
    assert question_lang(text, fallback) == lang
