"""`/roe` in a deal's thread (or `/roe deal <id>`): the deal's own facts decide, and a partner only
asks about its own organisation's deals."""

from __future__ import annotations

from rules.vocabulary import Motion
from storage.models import DealStatus, PoiStatus
from tests.e2e.roe_support import AIKO, DANA, HIRO, KEN, MAYA, NORTHWIND, SAKURA, make_deal, roe
from tests.e2e.support import Harness

THREAD = "1763700000.000100"


def test_roe_in_a_deal_thread_answers_from_the_deal(harness: Harness) -> None:
    deal = make_deal(harness, org=NORTHWIND, company="Contoso Inc", domain="contoso.com",
                     items=[("marketing", "professional", "800"), ("sales", "starter", "20")],
                     gs=MAYA, thread_ts=THREAD)
    answer = roe(harness, "", DANA, thread_ts=THREAD)
    text = answer["text"]
    assert f"Deal #{deal}: Contoso Inc" in text and "contoso.com" in text
    assert "Accepted" in text and "Partner Sourced" in text
    assert "*Eligibility*\nEligible" in text and "Deal Eligibility" in text
    assert "*What it earns*\nEligible" in text and "$164.00" in text  # 20% of 820 USD
    assert "Partner: Solutions Partner, Gold tier." in text
    assert "No customer-signed POI is on the deal yet" in text
    assert answer["blocks"]
    assert roe(harness, "deal", DANA, thread_ts=THREAD)["text"] == text
    assert roe(harness, f"deal {deal}", DANA)["text"] == text
    assert roe(harness, "", MAYA, thread_ts=THREAD)["text"] == text  # the GS of the deal


def test_a_signed_poi_and_an_assisted_motion_in_japanese(harness: Harness) -> None:
    make_deal(harness, org=SAKURA, company="Acme KK", domain="acme.co.jp",
              items=[("marketing", "enterprise", "450000")], currency="JPY",
              motion=Motion.PARTNER_ASSISTED, region="JP", gs=HIRO, thread_ts=THREAD,
              poi=PoiStatus.SIGNED)
    text = roe(harness, "", AIKO, thread_ts=THREAD)["text"]
    assert "Acme KK" in text and "Partner Assisted" in text
    assert "*対象となる取引の条件*\n対象" in text and "*獲得できるもの*" in text
    assert "HubSpot Upmarket Referralプログラム" in text  # assisted: revenue share only via Upmarket
    assert "まだ取引に添付されていません" not in text  # the POI is signed


def test_a_starter_only_deal_earns_nothing(harness: Harness) -> None:
    make_deal(harness, org=NORTHWIND, company="Tiny LLC", domain="tiny.example",
              items=[("marketing", "starter", "50")], gs=MAYA, thread_ts=THREAD)
    text = roe(harness, "", DANA, thread_ts=THREAD)["text"]
    assert "*Eligibility*\nNot eligible" in text and "*What it earns*\nNot eligible" in text


def test_a_partner_cannot_ask_about_another_organisations_deal(harness: Harness) -> None:
    deal = make_deal(harness, org=SAKURA, company="Secret KK", domain="secret.co.jp",
                     items=[("marketing", "professional", "96000")], currency="JPY", region="JP",
                     gs=HIRO, thread_ts=THREAD)
    for answer in (roe(harness, f"deal {deal}", DANA), roe(harness, "", DANA, thread_ts=THREAD)):
        assert "None of your organisation's deals" in answer["text"]
        assert "Secret" not in str(answer) and SAKURA not in str(answer)
    assert "Secret KK" in roe(harness, f"deal {deal}", KEN)["text"]  # the PDM may look


def test_outside_a_deal_thread(harness: Harness) -> None:
    assert "`/roe deal &lt;deal number&gt;`" in roe(harness, "deal", DANA)["text"]
    # a partner: a missing deal reads as another organisation's would
    assert roe(harness, "deal 999", DANA)["text"].startswith(
        "None of your organisation's deals is #999.")
    assert "can't find that deal" in roe(harness, "deal 999", MAYA)["text"]  # staff
    assert "`/roe eligibility" in roe(harness, "", DANA, thread_ts="1.000")["text"]  # no deal: help
    assert "貴社の取引に #999 はありません" in roe(harness, "deal 999", AIKO)["text"]


def test_a_closed_deal_without_poi_earned_nothing(harness: Harness) -> None:
    deal = make_deal(harness, org=NORTHWIND, company="Lost Co", domain="lost.example",
                     items=[("sales", "professional", "500")], gs=MAYA, status=DealStatus.WON)
    text = roe(harness, f"deal {deal}", DANA)["text"]
    assert "*Eligibility*\nEligible" in text and "*What it earns*\nNot eligible" in text
    assert "Closed won" in text
