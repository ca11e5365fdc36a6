"""The pure parts of the deal lifecycle: reading the deal modal, finding a domain in a message,
button values, the deals message catalog, and the card as a function of its rows."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

import bot
from bot.listeners.actions.deal_actions import parse_value
from bot.usecases.deal_opening import SEGMENTS, ItemInput
from bot.views.deal_card import CardFacts, card_blocks
from bot.views.deal_modals import domain_in, offer_modal, read_form, register_modal
from bot.views.text import slack_date
from rules.answers import Viewer
from rules.vocabulary import Edition, Motion, Role
from storage.mapping import deal_facts, partner_facts
from storage.models import Deal, DealStatus, LineItem, PartnerOrg

REGIONS = ["JP", "US", "US-CA"]
TODAY = date(2025, 11, 21)
LOCALE = Path(bot.__file__).parent / "locale"


def _values(**fields: Any) -> dict[str, Any]:
    def select(value: str | None) -> dict[str, Any]:
        return {"value": {"type": "static_select",
                          "selected_option": None if value is None else {"value": value}}}

    def text(value: str | None) -> dict[str, Any]:
        return {"value": {"type": "plain_text_input", "value": value}}

    base = {"domain": text("acme.co.jp"), "company": text("Acme"), "region": select("JP"),
            "segment": select("smb"), "currency": text("jpy"),
            "qualified": {"value": {"type": "checkboxes", "selected_options": [
                {"value": "relationship"}, {"value": "need"}]}},
            "item1_line": select("marketing"), "item1_edition": select("professional"),
            "item1_mrr": text("96,000"),
            "expected_close": {"value": {"type": "datepicker", "selected_date": "2025-12-01"}}}
    base.update(fields)
    return base


def test_a_good_form_is_read_exactly() -> None:
    form, errors = read_form(_values(), kind="register", lang="en", regions=REGIONS, today=TODAY)
    assert errors == {}
    assert form is not None
    assert (form.domain, form.currency, form.region, form.segment) == ("acme.co.jp", "JPY", "JP",
                                                                        "smb")
    assert form.items == (ItemInput("marketing", Edition.PROFESSIONAL, Decimal("96000")),)
    assert form.expected_close == date(2025, 12, 1) and form.subscription_start is None


@pytest.mark.parametrize("typed", ["gmail.com", "https://www.Gmail.com/", "yahoo.co.jp",
                                   "hubspot.com"])
def test_a_free_mail_or_shared_domain_is_refused_with_the_reason(typed: str) -> None:
    """A user story: registering on a domain anyone can have an address at is refused, and the
    partner is told why, in their language."""
    for lang, words in (("en", "free-mail"), ("ja", "フリーメール")):
        form, errors = read_form(_values(domain={"value": {"type": "plain_text_input",
                                                           "value": typed}}),
                                 kind="register", lang=lang, regions=REGIONS, today=TODAY)
        assert form is None and words in errors["domain"]


def test_offers_need_a_known_partner_and_no_qualification() -> None:
    values = _values(qualified={"value": {"type": "checkboxes", "selected_options": []}})
    form, errors = read_form(values, kind="offer", lang="ja", regions=REGIONS, today=TODAY,
                             partner_ids=[4])
    assert form is None and list(errors) == ["partner"] and "パートナー企業" in errors["partner"]
    values["partner"] = {"value": {"type": "static_select", "selected_option": {"value": "4"}}}
    form, errors = read_form(values, kind="offer", lang="ja", regions=REGIONS, today=TODAY,
                             partner_ids=[4])
    assert errors == {} and form is not None and form.partner_org_id == 4


def test_credits_and_agnostic_lines_take_no_edition() -> None:
    values = _values(item1_line={"value": {"type": "static_select",
                                           "selected_option": {"value": "credits"}}},
                     item1_edition={"value": {"type": "static_select",
                                              "selected_option": None}},
                     item1_mrr={"value": {"type": "plain_text_input", "value": "100"}})
    form, errors = read_form(values, kind="register", lang="en", regions=REGIONS, today=TODAY)
    assert errors == {} and form is not None and form.items[0].edition is None


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["domain", "company", "region", "segment", "currency", "qualified",
                     "item1_line", "item1_edition", "item1_mrr", "item2_line", "item2_mrr",
                     "expected_close", "subscription_start", "partner"]),
    st.one_of(
        st.none(),
        st.builds(lambda v: {"value": {"type": "plain_text_input", "value": v}}, st.text()),
        st.builds(lambda v: {"value": {"type": "static_select", "selected_option": {"value": v}}},
                  st.sampled_from(["marketing", "credits", "starter", "JP", "smb", "x", "4", ""])),
        st.builds(lambda v: {"value": {"type": "datepicker", "selected_date": v}}, st.text()),
        st.just({"value": "not a mapping"}),
    )), st.sampled_from(["register", "offer"]), st.sampled_from(["en", "ja"]))
def test_any_submission_gets_a_form_or_errors_never_an_exception(
        values: dict[str, Any], kind: str, lang: str) -> None:
    form, errors = read_form(values, kind=kind, lang=lang, regions=REGIONS, today=TODAY,
                             partner_ids=[4])
    assert (form is None) == bool(errors)
    assert all(isinstance(message, str) and message for message in errors.values())


def test_a_domain_is_found_in_a_message() -> None:
    assert domain_in("Register <https://www.Acme.co.jp/about|acme.co.jp> please") == "acme.co.jp"
    assert domain_in("contact taro@globex.com (cc: me@gmail.com)") == "globex.com"
    assert domain_in("<mailto:bill@initech.io|bill@initech.io>") == "initech.io"
    assert domain_in("version 3.5 of the deck") is None
    assert domain_in("just gmail.com here") is None


@given(st.text())
def test_finding_a_domain_never_fails(text: str) -> None:
    found = domain_in(text)
    assert found is None or "." in found


def test_button_values() -> None:
    assert parse_value("12:3") == (12, 3)
    assert parse_value("12") == (12, None)
    assert parse_value("x:1") is None and parse_value("12:y") is None and parse_value("") is None


def test_modals_build_in_both_languages() -> None:
    for lang in ("en", "ja"):
        view = register_modal(lang, regions=REGIONS, region="JP", domain="acme.co.jp")
        blocks = {b.get("block_id") for b in view["blocks"]}
        assert {"domain", "company", "region", "segment", "currency", "qualified", "item1_line",
                "item3_mrr", "expected_close", "subscription_start"} <= blocks
        assert len(view["title"]["text"]) <= 24
        offer = offer_modal(lang, regions=REGIONS, region=None, partners=[(1, "A"), (2, "B")])
        assert "partner" in {b.get("block_id") for b in offer["blocks"]}
    segment = next(b for b in register_modal("en", regions=REGIONS, region=None)["blocks"]
                   if b.get("block_id") == "segment")
    assert [o["value"] for o in segment["element"]["options"]] == list(SEGMENTS)


def _po(lang: str) -> dict[str, str]:
    with (LOCALE / lang / "LC_MESSAGES" / "deals.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_deals_catalogs_are_in_step() -> None:
    en, ja = _po("en"), _po("ja")
    assert set(en) == set(ja)
    for key in en:
        assert key.startswith("deals."), key
        assert _fields(en[key]) == _fields(ja[key]), key
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    assert sum(1 for key in ja if japanese.search(ja[key])) > len(ja) * 0.8
    dynamic = ({f"deals.status.{s.value}" for s in DealStatus}
               | {f"deals.card.decided.{s}" for s in ("accepted", "declined", "lapsed", "won",
                                                      "lost", "removed")}
               | {f"deals.clock.{k}" for k in ("response", "collaboration", "onboarding", "poi")}
               | {f"deals.party.{p}" for p in ("partner", "gs", "bot")}
               | {f"deals.poi.{p}" for p in ("sent", "signed", "rejected")}
               | {f"deals.done.poi.{p}" for p in ("sent", "signed", "rejected")}
               | {f"deals.segment.{s}" for s in SEGMENTS}
               | {f"deals.usage.{c}" for c in ("status", "close", "remove", "poi")}
               | {f"deals.bant.{b}" for b in ("budget", "authority", "need", "timing",
                                              "next_step")})
    assert dynamic <= set(en)


def test_the_card_is_a_function_of_its_rows() -> None:
    at = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)
    deal = Deal(id=7, customer_domain="acme.co.jp", company="Acme <&> KK", currency="JPY",
                motion=Motion.PARTNER_SOURCED, status=DealStatus.REGISTERED, segment="smb",
                region_code="JP", version=3, created_at=at, updated_at=at,
                items=[LineItem(line="sales", edition=Edition.STARTER, mrr=Decimal("2400"))])
    partner = PartnerOrg(id=1, name="Sakura Digital KK")
    facts = CardFacts(deal=deal, items=tuple(deal.items), partner=partner, gs=None, clocks=(),
                      bant=None, poi=None, decision=None, thread=None, lang="en",
                      rules_deal=deal_facts(deal), rules_partner=partner_facts(partner))
    text, blocks = card_blocks(facts, lang="en", viewer=Viewer(Role.PARTNER, partner.name),
                               when=lambda moment: slack_date(moment, "en"))
    assert "Acme &lt;&amp;&gt; KK" in text
    flat = str(blocks)
    assert "Not eligible" in flat and "7:3" in flat and "<!date^1763708400^" in flat
    again = card_blocks(facts, lang="en", viewer=Viewer(Role.PARTNER, partner.name),
                        when=lambda moment: slack_date(moment, "en"))
    assert again == (text, blocks)


def test_every_clock_kind_has_its_name_on_the_card_in_both_languages() -> None:
    """Issue 11: a Japanese card read `bant(パートナー)`: every kind of clock the bot stores is
    named by the catalogs, never by its internal key."""
    from bot.i18n import MESSAGES
    from bot.usecases.clock_store import BANT, RESPONSE

    for kind in (RESPONSE, BANT, "collaboration", "onboarding", "poi"):
        for lang in ("en", "ja"):
            assert MESSAGES.text(f"deals.clock.{kind}", lang) != f"deals.clock.{kind}", (kind, lang)
