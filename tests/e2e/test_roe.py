"""`/roe` over real HTTP: every subcommand in English and Japanese, usage lines for bad text,
Best Partner Wins refused to partners."""

from __future__ import annotations

import pytest

from tests.e2e.roe_support import ADMIN, AIKO, DANA, HIRO, KEN, MAYA, NORTHWIND, SAKURA, roe
from tests.e2e.support import Harness


def test_help_lists_every_subcommand_with_an_example_in_both_languages(harness: Harness) -> None:
    english = roe(harness, "help", DANA)["text"]
    for command in ("eligibility", "earnings", "revenue-share", "upmarket", "bpw", "upsell",
                    "waive", "due", "deal"):
        assert f"`/roe {command}" in english
    assert english.count("for example `/roe") == 9
    japanese = roe(harness, "help", AIKO)["text"]
    assert japanese.count("例:`/roe") == 9 and "販売に関する規則" in japanese
    assert roe(harness, "", DANA)["text"] == english  # /roe alone, outside a deal's thread


@pytest.mark.parametrize(("user", "text", "expected"), [
    (DANA, "eligibility marketing/professional 800 USD + sales/starter 20 USD",
     ["Eligible", "Marketing Hub Professional", "Sales Hub Starter", "Deal Eligibility"]),
    (DANA, "eligibility sales/starter 20 USD", ["Not eligible", "Deal Eligibility"]),
    (DANA, "eligibility marketing/professional 800 USD holds marketing/starter",
     ["Needs review", "Upsell"]),
    (AIKO, "eligibility marketing/professional 96000 JPY + sales/starter 3000 JPY assisted",
     ["対象", "対象となる取引の条件"]),
    (AIKO, "eligibility sales/starter 3000 JPY", ["対象外", "対象となる取引の条件"]),
    (AIKO, "eligibility marketing/enterprise 96000 JPY holds marketing/starter:other",
     ["対象外", "アップセル"]),
])
def test_eligibility(harness: Harness, user: str, text: str, expected: list[str]) -> None:
    answer = roe(harness, text, user)
    for fragment in expected:
        assert fragment in answer["text"], (fragment, answer["text"])
    assert answer["blocks"], "an answer comes as Block Kit too"


def test_earnings(harness: Harness) -> None:
    dana = roe(harness, "earnings marketing/professional 800 USD poi", DANA)["text"]
    assert dana.startswith("Eligible") and "$160.00" in dana and "3 years" in dana
    assert "Revenue Share" in dana and "Solutions Partner, Gold tier" in dana
    provider = roe(harness, "earnings marketing/professional 800 USD poi provider", DANA)["text"]
    assert "12 months" in provider and "Solutions Provider" in provider
    assisted = roe(harness, "earnings marketing/professional 800 USD poi assisted", DANA)["text"]
    assert "HubSpot Upmarket Referral Program" in assisted
    no_poi = roe(harness, "earnings marketing/professional 800 USD", DANA)["text"]
    assert no_poi.startswith("Not eligible") and "Proof of Involvement" in no_poi
    aiko = roe(harness, "earnings marketing/professional 96000 JPY poi", AIKO)["text"]
    assert aiko.startswith("対象") and "19,200" in aiko and "レベニューシェア" in aiko
    assert "Diamondティア" in aiko and "CRM Implementation" in aiko


def test_revenue_share(harness: Harness) -> None:
    dana = roe(harness, "revenue-share 800 USD from 2025-08", DANA)["text"]
    assert "$160.00" in dana and "$5,760.00" in dana and "3 years" in dana
    assert "2025-Q3 $320.00" in dana and "2028-Q3 $160.00" in dana
    until = roe(harness, "revenue-share 800 USD from 2025-08 provider until 2026-03-15",
                DANA)["text"]
    assert "$1,280.00" in until and "8 months" in until
    aiko = roe(harness, "revenue-share 96000 JPY from 2025-08", AIKO)["text"]
    assert "19,200" in aiko and "57,600" in aiko and "レベニューシェア" in aiko
    assert "四半期" in aiko


def test_upmarket_uses_the_askers_organisation_unless_told_otherwise(harness: Harness) -> None:
    sakura = roe(harness, "upmarket marketing/enterprise 450000 JPY poi fx JPY=0.0067", AIKO)
    assert sakura["text"].startswith("対象") and "HubSpot Upmarket Referralプログラム" in \
        sakura["text"]
    no_rate = roe(harness, "upmarket marketing/enterprise 450000 JPY poi", AIKO)["text"]
    assert no_rate.startswith("要確認")
    northwind = roe(harness, "upmarket marketing/enterprise 3000 USD poi", DANA)["text"]
    assert northwind.startswith("Not eligible") and "Gold" in northwind
    told = roe(harness, "upmarket marketing/enterprise 3000 USD poi tier=platinum crm", DANA)
    assert told["text"].startswith("Eligible")


def test_best_partner_wins_for_staff_only(harness: Harness) -> None:
    text = f'bpw "{SAKURA}:poi:sourced" "{NORTHWIND}:poi:referred-by-{SAKURA}"'
    for user in (MAYA, KEN, ADMIN):
        answer = roe(harness, text, user)["text"]
        assert answer.startswith("Decided") and SAKURA in answer and NORTHWIND in answer
    hiro = roe(harness, "bpw A:poi B", HIRO)["text"]
    assert hiro.startswith("決定") and "Best Partner Winsのプロセス" in hiro
    for user, words in ((DANA, "only HubSpot staff"), (AIKO, "HubSpotの担当者のみ")):
        refused = roe(harness, text, user)
        assert words in refused["text"]
        assert SAKURA not in str(refused) and NORTHWIND not in str(refused)


@pytest.mark.parametrize(("user", "text", "outcome"), [
    (DANA, "upsell marketing starter professional credit=none", "Eligible"),
    (DANA, "upsell sales professional enterprise credit=none", "Not eligible"),
    (DANA, "upsell marketing starter professional", "Needs review"),
    (AIKO, "upsell marketing starter enterprise credit=none", "対象"),
    (AIKO, "upsell marketing starter professional credit=other", "対象外"),
])
def test_upsell(harness: Harness, user: str, text: str, outcome: str) -> None:
    answer = roe(harness, text, user)["text"]
    assert answer.split("\n")[0] == outcome
    assert ("Upsell" if user == DANA else "アップセル") in answer


@pytest.mark.parametrize(("user", "text", "outcome"), [
    (DANA, "waive poi onboarding", "Eligible"),
    (DANA, "waive poi", "Not eligible"),
    (DANA, "waive poi onboarding provider", "Not eligible"),
    (AIKO, "waive poi onboarding", "対象"),
    (AIKO, "waive", "対象外"),
])
def test_waive(harness: Harness, user: str, text: str, outcome: str) -> None:
    answer = roe(harness, text, user)["text"]
    assert answer.split("\n")[0] == outcome
    assert ("Waive Onboarding" if user == DANA else "導入支援サービスの免除") in answer


def test_due_in_the_region_asked_about_and_in_the_readers_zone(harness: Harness) -> None:
    # Dana's organisation is in the US: its calendar is the default.
    us = roe(harness, "due 2025-07-03 15:00", DANA)["text"]
    assert "Tue 8 Jul 15:00 EDT" in us and "Communication" in us
    holiday = roe(harness, "due 2025-07-04 10:00 US", DANA)["text"]
    assert "public holiday" in holiday and "Mon 7 Jul 17:00 EDT" in holiday
    japan = roe(harness, "due 2025-11-24 10:00 JP", DANA)["text"]
    assert "Tue 25 Nov 17:00 JST" in japan and "In your time zone: Tue 25 Nov 03:00 EST" in japan
    aiko = roe(harness, "due 2025-11-21 16:00", AIKO)["text"]
    assert "11月26日(水) 16:00 JST" in aiko and "コミュニケーション" in aiko
    golden = roe(harness, "期限 2025-05-02 18:00 JP", AIKO)["text"]
    assert "5月8日(木) 18:00 JST" in golden
    now = roe(harness, "due", AIKO)["text"]  # received now: Fri 21 Nov 16:00 JST
    assert "11月26日(水) 16:00 JST" in now


@pytest.mark.parametrize(("user", "text", "fragments"), [
    (DANA, "eligibility marketing/pro 800 USD",
     ["`pro` is not an edition", "Usage: `/roe eligibility", "for example"]),
    (AIKO, "eligibility marketing/pro 800 USD",
     ["`pro` はエディションではありません", "使い方:`/roe eligibility", "例:"]),
    (DANA, "eligibility marketing/professional 800 USD asisted",
     ["I don't understand `asisted`", "Usage: `/roe eligibility"]),
    (DANA, "earnings marketing/professional 800 poi", ["`800` needs a currency", "/roe earnings"]),
    (AIKO, "earnings marketing/professional 800 poi", ["`800` には通貨コード", "使い方:`/roe earnings"]),
    (DANA, "revenue-share 800 USD from August", ["`August` is not a month",
                                                  "Usage: `/roe revenue-share"]),
    (AIKO, "revenue-share 800 USD from August", ["`August` はYYYY-MM形式", "/roe revenue-share"]),
    (DANA, "upmarket marketing/enterprise 3000 USD tier=silver",
     ["`silver` is not a tier", "Usage: `/roe upmarket"]),
    (AIKO, "upmarket marketing/enterprise 3000 USD tier=silver",
     ["`silver` はティアではありません", "使い方:`/roe upmarket"]),
    (MAYA, "bpw A:poi:winner", ["I don't understand `winner`", "Usage: `/roe bpw"]),
    (HIRO, "bpw A:poi:winner", ["`winner` を理解できません", "使い方:`/roe bpw"]),
    (DANA, "upsell marketing professional starter", ["downgrade", "Usage: `/roe upsell"]),
    (AIKO, "upsell marketing professional starter", ["ダウングレード", "使い方:`/roe upsell"]),
    (DANA, "waive poi later", ["`later`", "Usage: `/roe waive"]),
    (AIKO, "waive poi later", ["`later`", "使い方:`/roe waive"]),
    (DANA, "due 2025-11-21 16:00 XX", ["`XX` is not a region", "Usage: `/roe due"]),
    (AIKO, "due 2025-11-21", ["現地時間を追加", "使い方:`/roe due"]),
    (DANA, "deal twelve", ["`twelve` is not a deal number", "Usage: `/roe deal"]),
    (AIKO, "deal twelve", ["取引番号ではありません", "使い方:`/roe deal"]),
    (DANA, "frobnicate", ["I don't know the question `frobnicate`", "Usage: `/roe &lt;question&gt;"]),
    (AIKO, "frobnicate", ["`frobnicate` という質問はありません", "使い方:`/roe &lt;質問&gt;"]),
])
def test_malformed_text_gets_the_usage_line_and_an_example(harness: Harness, user: str, text: str,
                                                           fragments: list[str]) -> None:
    answer = roe(harness, text, user)["text"]
    for fragment in fragments:
        assert fragment in answer, (fragment, answer)


def test_strangers_are_told_to_ask_an_admin(harness: Harness) -> None:
    assert "admin" in roe(harness, "eligibility sales/starter 20 USD", "U0NOBODY")["text"]
