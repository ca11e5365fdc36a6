"""`/roe` text parsed into rule questions: every subcommand, the partner defaults, and each bad
input naming the word at fault (with messages in both languages)."""

from __future__ import annotations

import ast
import re
import string
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

import bot
from bot.syntax import (
    COMMANDS,
    Context,
    DealAsk,
    Question,
    UsageError,
    parse_items,
    parse_roe,
    usage_key,
)
from rules.answers import Viewer, render
from rules.facts import Partner
from rules.vocabulary import Edition, Outcome, PartnerKind, Role, Tier

BOT_DIR = Path(bot.__file__).parent
NOW = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)
CTX = Context(now=NOW)


def ask(text: str, ctx: Context = CTX) -> Question:
    question = parse_roe(text, ctx)
    assert isinstance(question, Question), question
    return question


def problem(text: str, ctx: Context = CTX) -> UsageError:
    with pytest.raises(UsageError) as caught:
        parse_roe(text, ctx)
    return caught.value


# -- every subcommand ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "outcome"), [
    ("eligibility marketing/professional 800 USD + sales/starter 20 USD", Outcome.ELIGIBLE),
    ("eligibility sales/starter 20 USD", Outcome.NOT_ELIGIBLE),
    ("eligibility credits 100 USD", Outcome.ELIGIBLE),
    ("eligibility core_seats 50 USD assisted", Outcome.ELIGIBLE),
    ("eligibility marketing/professional 800 USD holds marketing/starter:none", Outcome.ELIGIBLE),
    ("eligibility marketing/professional 800 USD holds marketing/starter:other", Outcome.NOT_ELIGIBLE),
    ("eligibility marketing/professional 800 USD holds marketing/starter", Outcome.NEEDS_REVIEW),
    ("eligibility marketing/professional 800 USD holds marketing/starter:other,sales/starter:none",
     Outcome.NOT_ELIGIBLE),
    ("marketing/professional 800 USD", Outcome.ELIGIBLE),
    ("対象 sales/starter 20 USD", Outcome.NOT_ELIGIBLE),
    ("ELIGIBILITY Marketing/Professional ８００ ＵＳＤ", Outcome.ELIGIBLE),
])
def test_eligibility(text: str, outcome: Outcome) -> None:
    assert ask(text).decide().outcome is outcome


def test_amounts_in_several_spellings() -> None:
    for text in ("marketing/professional 1,000 USD", "marketing/professional 1000USD",
                 "marketing/professional $1000", "marketing/professional 1_000 usd"):
        answer = ask(f"earnings {text} poi").decide()
        assert answer.fields["monthly"].amount == Decimal("200.00"), text
    answer = ask("earnings marketing/professional 96,000円 poi").decide()
    assert answer.fields["monthly"].currency == "JPY"
    assert answer.fields["monthly"].amount == Decimal("19200")


def test_earnings_sourced_assisted_provider_and_poi() -> None:
    sourced = ask("earnings marketing/professional 800 USD poi").decide()
    assert sourced.outcome is Outcome.ELIGIBLE and sourced.fields["months"] == 36
    assert sourced.fields["revenue_share"] is True
    provider = ask("earnings marketing/professional 800 USD poi provider").decide()
    assert provider.fields["months"] == 12 and provider.fields["sold_mrr_credit"] is False
    assisted = ask("earnings marketing/professional 800 USD poi assisted").decide()
    assert assisted.fields["revenue_share"] is False and assisted.fields["sold_mrr_credit"] is True
    no_poi = ask("earnings marketing/professional 800 USD").decide()
    assert no_poi.outcome is Outcome.NOT_ELIGIBLE and no_poi.fields["months"] == 0


def test_partner_facts_default_to_the_askers_organisation_and_words_override_them() -> None:
    sakura = Context(now=NOW, partner=Partner(tier=Tier.DIAMOND,
                                              accreditations=frozenset({"crm_implementation"})))
    text = "upmarket marketing/enterprise 3000 USD poi"
    assert ask(text, sakura).decide().outcome is Outcome.ELIGIBLE
    assert ask(text).decide().outcome is Outcome.NOT_ELIGIBLE  # default: Partner tier, no CRM
    assert ask(text + " tier=platinum crm").decide().outcome is Outcome.ELIGIBLE
    assert ask(text + " platinum crm").decide().outcome is Outcome.ELIGIBLE
    assert ask(text + " provider", sakura).decide().outcome is Outcome.NOT_ELIGIBLE
    assert ask(text, sakura).partner == sakura.partner
    assert ask("upmarket marketing/enterprise 3000 USD poi tier=gold crm local-language")\
        .partner == Partner(tier=Tier.GOLD, accreditations=frozenset({"crm_implementation"}),
                            local_language_exception=True)


def test_upmarket_with_an_exchange_rate() -> None:
    text = "upmarket marketing/enterprise 450000 JPY poi tier=platinum crm"
    assert ask(text).decide().outcome is Outcome.NEEDS_REVIEW  # no rate
    answer = ask(text + " fx JPY=0.0067").decide()
    assert answer.outcome is Outcome.ELIGIBLE and answer.fields["mrr_usd"] == "3015.00"
    configured = Context(now=NOW, fx={"JPY": Decimal("0.0060")})
    assert ask(text, configured).decide().outcome is Outcome.NOT_ELIGIBLE
    assert ask(text + " JPY=0.0067", configured).decide().outcome is Outcome.ELIGIBLE
    assert ask(text + " sourced fx JPY=0.0067").decide().outcome is Outcome.NOT_ELIGIBLE


def test_revenue_share() -> None:
    answer = ask("revenue-share 800 USD from 2025-08").decide()
    assert answer.fields["monthly"].amount == Decimal("160.00")
    assert answer.fields["months"] == 36
    assert answer.fields["payouts"][0] == {"quarter": "2025-Q3",
                                           "amount": answer.fields["payouts"][0]["amount"],
                                           "months": 2}
    assert answer.fields["total"].amount == Decimal("5760.00")
    until = ask("revenue_share 800 USD from 2025-08 until 2026-03-15").decide()
    assert until.fields["months"] == 8
    provider = ask("revshare 96000 JPY from 2025-08 provider").decide()
    assert provider.fields["months"] == 12 and provider.fields["monthly"].amount == 19200
    this_month = ask("revenue-share 800 USD").decide()
    assert this_month.fields["accruals"][0]["month"] == "2025-11"


def test_bpw_is_staff_only_and_decides_by_the_five_rules() -> None:
    question = ask("bpw A:poi:sourced B:poi:referred-by-A")
    assert question.staff_only
    answer = question.decide()
    assert answer.outcome is Outcome.DECIDED and answer.fields["rule"] == 3
    assert render(answer)["winner"] == "A"
    higher = ask("bpw Acme:poi:mrr=900USD Beta:poi:mrr=500USD").decide()
    assert higher.fields["rule"] == 4 and render(higher)["winner"] == "Acme"
    assert ask("bpw A B").decide().outcome is Outcome.NO_WINNER
    quoted = ask('bpw "Sakura Digital KK:poi" "Northwind Growth LLC"').decide()
    assert render(quoted)["winner"] == "Sakura Digital KK"


@pytest.mark.parametrize(("text", "outcome"), [
    ("upsell marketing starter professional credit=none", Outcome.ELIGIBLE),
    ("upsell marketing/starter enterprise credit=none", Outcome.ELIGIBLE),
    ("upsell marketing starter->professional credit=other", Outcome.NOT_ELIGIBLE),
    ("upsell marketing starter professional", Outcome.NEEDS_REVIEW),
    ("upsell sales professional enterprise credit=none", Outcome.NOT_ELIGIBLE),
    ("upsell sales professional enterprise self", Outcome.ELIGIBLE),
    ("upsell sales professional credit=self", Outcome.ELIGIBLE),
    ("upsell core_seats credit=self", Outcome.ELIGIBLE),
    ("upsell core_seats credit=none", Outcome.NOT_ELIGIBLE),
])
def test_upsell(text: str, outcome: Outcome) -> None:
    assert ask(text).decide().outcome is outcome


@pytest.mark.parametrize(("text", "outcome"), [
    ("waive poi onboarding", Outcome.ELIGIBLE),
    ("waive poi", Outcome.NOT_ELIGIBLE),
    ("waive", Outcome.NOT_ELIGIBLE),
    ("waive poi onboarding provider", Outcome.NOT_ELIGIBLE),
])
def test_waive(text: str, outcome: Outcome) -> None:
    assert ask(text).decide().outcome is outcome


@pytest.mark.parametrize(("text", "due"), [
    ("due 2025-11-21 16:00 JP", "2025-11-26T16:00:00+09:00"),
    ("due 2025-11-24 10:00 JP", "2025-11-25T17:00:00+09:00"),
    ("due 2025-05-02 18:00", "2025-05-08T18:00:00+09:00"),  # default region JP
    ("due 2025-07-03 15:00 US", "2025-07-08T15:00:00-04:00"),
    ("due 2025-07-04 10:00 us", "2025-07-07T17:00:00-04:00"),
    ("due 2025-07-04T10:00 US", "2025-07-07T17:00:00-04:00"),
    ("due 2025/07/04 at 10:00 in US", "2025-07-07T17:00:00-04:00"),
    ("期限 2025-11-21 16:00", "2025-11-26T16:00:00+09:00"),
])
def test_due(text: str, due: str) -> None:
    question = ask(text)
    answer = question.decide()
    assert answer.fields["due_at"] == datetime.fromisoformat(due)
    assert question.tz is not None


def test_due_defaults_to_now_in_the_askers_region() -> None:
    us = Context(now=NOW, region="US")
    answer = ask("due", us).decide()
    assert answer.fields["region"] == "US" and answer.fields["received_at"] == NOW
    assert ask("due", us).tz == ZoneInfo("America/New_York")


def test_help_and_deal() -> None:
    assert parse_roe("", CTX) is None
    assert parse_roe("help", CTX) is None
    assert parse_roe("ヘルプ", CTX) is None
    assert parse_roe("deal", CTX) == DealAsk()
    assert parse_roe("deal 12", CTX) == DealAsk(12)
    assert parse_roe("deal #12", CTX) == DealAsk(12)


def test_parse_items_keeps_its_contract() -> None:
    items = parse_items("eligibility", "marketing/professional 800 USD + sales/starter 20 USD")
    assert [(i.line, i.edition) for i in items] == [("marketing", Edition.PROFESSIONAL),
                                                     ("sales", Edition.STARTER)]
    assert parse_items("x", "marketing/professional 800", "JPY")[0].mrr.currency == "JPY"


# -- bad input names the word at fault ------------------------------------------------------------


@pytest.mark.parametrize(("text", "command", "key", "params"), [
    ("frob", "help", "unknown_command", {"name": "frob"}),
    ("eligibility marketing/pro 800 USD", "eligibility", "edition", {"edition": "pro"}),
    ("eligibility marketting/professional 800 USD", "eligibility", "line",
     {"line": "marketting"}),
    ("eligibility marketing 800 USD", "eligibility", "edition_missing", {"line": "marketing"}),
    ("eligibility credits/professional 800 USD", "eligibility", "edition_extra",
     {"line": "credits"}),
    ("eligibility marketing/professional 800", "eligibility", "currency_missing",
     {"amount": "800"}),
    ("eligibility marketing/professional 800 XYZ", "eligibility", "currency",
     {"currency": "XYZ"}),
    ("eligibility marketing/professional USD", "eligibility", "money",
     {"item": "marketing/professional"}),
    ("eligibility marketing/professional 800 USD asisted", "eligibility", "word",
     {"word": "asisted"}),
    ("eligibility", "eligibility", "no_items", {}),
    ("eligibility marketing/professional 800 USD + sales/starter 20 JPY", "eligibility",
     "currencies", {}),
    ("eligibility marketing/professional 800 USD holds", "eligibility", "value_missing",
     {"word": "holds"}),
    ("eligibility marketing/professional 800 USD holds marketing/starter:maybe", "eligibility",
     "credit", {"credit": "maybe"}),
    ("earnings marketing/professional 800 USD poi tier=silver", "earnings", "tier",
     {"tier": "silver"}),
    ("earnings marketing/professional 800 JPY fx JPY=abc", "earnings", "fx", {"fx": "JPY=abc"}),
    ("revenue-share from 2025-08", "revenue-share", "one_amount", {}),
    ("revenue-share 800 USD from August", "revenue-share", "month", {"month": "August"}),
    ("revenue-share 800 USD from 2025-08 until soon", "revenue-share", "date", {"date": "soon"}),
    ("revenue-share 800 USD from", "revenue-share", "value_missing", {"word": "from"}),
    ("upsell", "upsell", "upsell_line", {}),
    ("upsell marketing professional starter", "upsell", "downgrade",
     {"start": "professional", "end": "starter"}),
    ("upsell marketing", "upsell", "upsell_editions", {"line": "marketing"}),
    ("upsell marketing starter pro", "upsell", "edition", {"edition": "pro"}),
    ("upsell marketing starter professional credit=maybe", "upsell", "credit",
     {"credit": "maybe"}),
    ("upsell core_seats starter professional", "upsell", "edition_extra", {"line": "core_seats"}),
    ("bpw", "bpw", "claims_none", {}),
    ("bpw A:poi:winner", "bpw", "claim_attr", {"attr": "winner", "claim": "A"}),
    ("bpw A:poi A", "bpw", "claim_twice", {"name": "A"}),
    ("bpw A:poi B:poi:referred-by-C", "bpw", "referred_unknown", {"name": "C", "claim": "B"}),
    ('bpw "A:poi', "bpw", "quotes", {}),
    ("waive poi later", "waive", "word", {"word": "later"}),
    ("due 2025-11-21", "due", "time_missing", {"date": "2025-11-21"}),
    ("due 2025-11-21 16:00 XX", "due", "region", {"region": "XX"}),
    ("due 2025-13-21 16:00", "due", "date", {"date": "2025-13-21"}),
    ("due 2025-11-21 25:00", "due", "time", {"time": "25:00"}),
    ("due tomorrow", "due", "word", {"word": "tomorrow"}),
    ("deal twelve", "deal", "deal_id", {"value": "twelve"}),
])
def test_bad_input_names_the_word_at_fault(text: str, command: str, key: str,
                                           params: dict[str, str]) -> None:
    found = problem(text)
    assert (found.grammar, found.command, found.problem) == ("roe", command, key)
    assert found.key == f"roe.problem.{key}"
    for name, value in params.items():
        assert found.params[name] == value
    for lang in ("en", "ja"):
        message = found.text(lang)
        for value in params.values():
            assert value in message


# -- the catalogs -----------------------------------------------------------------------------------


def catalog(lang: str, name: str) -> dict[str, str]:
    path = BOT_DIR / "locale" / lang / "LC_MESSAGES" / f"{name}.po"
    with path.open("rb") as handle:
        po = read_po(handle)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str)}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("name", ["roe", "answers", "home"])
def test_catalogs_have_the_same_keys_and_placeholders(name: str) -> None:
    en, ja = catalog("en", name), catalog("ja", name)
    assert set(en) == set(ja)
    for key in en:
        assert placeholders(en[key]) == placeholders(ja[key]), key
        assert ja[key].strip() and en[key].strip(), key


def test_every_problem_and_usage_the_parser_names_exists() -> None:
    keys = set()
    for name in ("roe.py", "roe_words.py", "tokens.py"):
        tree = ast.parse((BOT_DIR / "syntax" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id == "UsageError":
                key = node.args[0]
                assert isinstance(key, ast.Constant)
                keys.add(f"roe.problem.{key.value}")
    assert len(keys) > 25
    usages = {usage_key(c) for c in COMMANDS}
    for lang in ("en", "ja"):
        messages = catalog(lang, "roe")
        assert keys - set(messages) == set()
        assert usages - set(messages) == set()


def test_usage_lines_carry_an_example_in_both_languages() -> None:
    for command in COMMANDS:
        assert "for example `/roe" in catalog("en", "roe")[usage_key(command)]
        assert "例:`/roe" in catalog("ja", "roe")[usage_key(command)]


def test_bpw_rendered_for_a_partner_never_names_the_other() -> None:
    question = ask("bpw A:poi:sourced B:poi:referred-by-A",
                   Context(now=NOW, viewer=Viewer(Role.PARTNER, "B")))
    body = render(question.decide(), "en", Viewer(Role.PARTNER, "B"))
    assert not re.search(r"\bA\b", " ".join(body["reasons"]))


def test_partner_kind_words() -> None:
    provider = Context(now=NOW, partner=Partner(kind=PartnerKind.PROVIDER))
    assert ask("waive poi onboarding", provider).decide().outcome is Outcome.NOT_ELIGIBLE
    assert ask("waive poi onboarding partner", provider).decide().outcome is Outcome.ELIGIBLE


def test_huge_questions_are_refused_and_echoes_are_cut() -> None:
    many = "eligibility " + " + ".join(["marketing/professional 800 USD"] * 21)
    assert problem(many).problem == "too_many"
    assert problem("bpw " + " ".join(f"P{n}:poi" for n in range(21))).problem == "too_many"
    long = problem("eligibility marketing/professional 800 USD " + "x" * 5000)
    assert long.problem == "word" and len(long.params["word"]) == 60
    assert len(problem("x" * 20_000).text("en")) < 400
