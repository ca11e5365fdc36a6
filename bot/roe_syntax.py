"""The text of `/roe` commands: a subcommand and its facts, parsed into a rule question.

    /roe eligibility marketing/professional 800 USD + sales/starter 20 USD [assisted]
                     [holds sales/starter:none]
    /roe earnings marketing/professional 800 USD poi [assisted] [provider]
    /roe revenue-share 800 USD from 2025-08 [provider] [until 2026-03-15]
    /roe upmarket marketing/enterprise 3000 USD poi [tier=platinum crm] [fx JPY=0.0067]
    /roe bpw A:poi:sourced B:poi:referred-by-A          (HubSpot staff only)
    /roe upsell marketing starter professional credit=none
    /roe waive poi onboarding [provider]
    /roe due 2025-11-21 16:00 [JP]
    /roe deal [id]                                      (the deal of this thread)

Words are read one by one; a problem names the word at fault and comes with the subcommand's
usage line and an example, in the asker's language. Partner facts (kind, tier, accreditations)
default to the asker's own organisation and can be overridden by words (`provider`, `tier=gold`).
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation

from babel.numbers import is_currency

from bot.i18n import t
from rules.answers import HUBSPOT, Answer, Viewer
from rules.best_partner_wins import best_partner_wins
from rules.calendars import CalendarError
from rules.clocks import response_clock
from rules.conduct import waive_onboarding
from rules.earnings import earnings
from rules.eligibility import eligibility
from rules.facts import Claim, Deal, Holding, LineItem, Partner
from rules.money import Money, MoneyError, check_currency, parse_amount
from rules.product_lines import upsell
from rules.regions import RegionDirectory
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.sections import Section
from rules.upmarket import CRM_IMPLEMENTATION, upmarket_referral
from rules.vocabulary import Edition, LineCredit, Motion, Outcome, PartnerKind, ProductCatalog, Tier

__all__ = [
    "ALIASES",
    "COMMANDS",
    "Context",
    "DealAsk",
    "Question",
    "SyntaxProblem",
    "normalise",
    "parse_items",
    "parse_roe",
    "usage_key",
]

CATALOG = ProductCatalog()
COMMANDS: tuple[str, ...] = ("eligibility", "earnings", "revenue-share", "upmarket", "bpw", "upsell",
                             "waive", "due", "deal", "help")
ALIASES: dict[str, str] = {
    "eligible": "eligibility", "elig": "eligibility", "earn": "earnings", "earning": "earnings",
    "revenue_share": "revenue-share", "revshare": "revenue-share", "rs": "revenue-share",
    "upmarket-referral": "upmarket", "upmarket_referral": "upmarket",
    "best-partner-wins": "bpw", "waive-onboarding": "waive", "waiver": "waive",
    "response-due": "due", "reply": "due", "?": "help",
    "対象": "eligibility", "報酬": "earnings", "コミッション": "earnings",
    "レベニューシェア": "revenue-share", "アップセル": "upsell", "免除": "waive", "期限": "due",
    "返信期限": "due", "取引": "deal", "ヘルプ": "help",
}
_PRODUCT = re.compile(r"^(?P<line>[a-z][a-z0-9_]*)(?:/(?P<edition>[a-z]*))?$")
_AMOUNT = re.compile(r"^(?P<pre>[$¥€£])?(?P<num>[0-9][0-9,_]*(?:\.[0-9]+)?)"
                     r"(?P<cur>[A-Za-z]{3}|円|ドル)?$")
_SYMBOLS = {"$": "USD", "¥": "JPY", "€": "EUR", "£": "GBP", "円": "JPY", "ドル": "USD"}
_CREDITS = {c.value: c for c in LineCredit}
_SEPARATORS = ("+", ",")
_ECHO = 60  # a word at fault is shown back, cut to this length
MAX_ITEMS = 20  # products (or holdings, or claims) in one question


def normalise(text: str) -> str:
    """Full-width characters (a Japanese keyboard's `８００ ＵＳＤ`) read as their ASCII forms."""
    return unicodedata.normalize("NFKC", text).replace("→", "->").strip()


def usage_key(command: str) -> str:
    """The catalog key of a subcommand's usage line."""
    return f"roe.usage.{command.replace('-', '_')}"


class SyntaxProblem(ValueError):  # noqa: N818 - reads as what it is
    """Text that is not a command; `key` and `params` say why in either language."""

    def __init__(self, command: str, key: str, **params: str) -> None:
        super().__init__(key)
        self.command = command
        self.key = key
        self.params = {name: value if name == "known" or len(value) <= _ECHO else
                       value[:_ECHO - 1] + "…" for name, value in params.items()}

    def text(self, lang: str) -> str:
        """The problem in `lang`."""
        return t(f"roe.problem.{self.key}", lang, **self.params)


@dataclass(frozen=True)
class Context:
    """What a question may take for granted: the asker's organisation, region, zone and now."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    partner: Partner = field(default_factory=Partner)
    region: str = "JP"
    regions: RegionDirectory = field(default_factory=RegionDirectory)
    fx: Mapping[str, Decimal] = field(default_factory=dict)
    viewer: Viewer = HUBSPOT
    tz: tzinfo = UTC


@dataclass(frozen=True)
class Question:
    """A parsed question, decided on demand.

    `tz` is the zone its times are shown in (the region asked about) when not the reader's;
    `partner` is the partner the answer assumes, shown beside it.
    """

    command: str
    decide: Callable[[], Answer]
    staff_only: bool = False
    tz: tzinfo | None = None
    partner: Partner | None = None


@dataclass(frozen=True)
class DealAsk:
    """`/roe` about a stored deal: the thread's deal, or the one named by id."""

    deal_id: int | None = None


# -- words -----------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    """Words, with `+` and `,` (not inside a number such as 1,000) as separators of their own."""
    found: list[str] = []
    for word in normalise(text).replace("+", " + ").split():
        parts = re.split(r"(,)(?!\d{3}(?!\d))", word)
        found += [p for p in parts if p]
    return found


@dataclass
class _Words:
    """What the reader found in the text of one subcommand."""

    items: list[LineItem] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    options: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    fx: dict[str, Decimal] = field(default_factory=dict)
    amounts: list[Money] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Spec:
    """Which words a subcommand accepts."""

    command: str
    items: bool = False
    amounts: bool = False
    flags: frozenset[str] = frozenset()
    options: frozenset[str] = frozenset()
    takes_value: frozenset[str] = frozenset()
    holds: bool = False
    fx: bool = False
    rest: bool = False


_PARTNER_FLAGS = frozenset({"provider", "partner", "crm", "local-language", "gold", "platinum",
                            "diamond", "elite"})


def _amount(spec: _Spec, word: str, following: str | None) -> tuple[Money, bool] | None:
    """An amount with its currency (`800 USD`, `800USD`, `$800`, `96,000円`); whether it took the
    following word as its currency. None when `word` is not an amount."""
    match = _AMOUNT.match(word)
    if match is None:
        return None
    currency = _SYMBOLS.get(match["pre"] or "") or _SYMBOLS.get(match["cur"] or "") or \
        (match["cur"] or "").upper()
    took = False
    if not currency and following is not None and _is_currency(following) and \
            following.lower() not in spec.flags:
        currency, took = following.upper(), True
    if not currency:
        if following is not None and re.fullmatch(r"[A-Za-z]{3}", following) and \
                following.lower() not in spec.flags:
            raise SyntaxProblem(spec.command, "currency", currency=following)
        raise SyntaxProblem(spec.command, "currency_missing", amount=word)
    try:
        check_currency(currency)
        value = parse_amount(match["num"].replace(",", "").replace("_", ""))
    except MoneyError:
        raise SyntaxProblem(spec.command, "money", item=word) from None
    return Money(value, currency), took


def _is_currency(word: str) -> bool:
    return len(word) == 3 and word.isalpha() and word.isascii() and bool(is_currency(word.upper()))


def _product(spec: _Spec, word: str) -> tuple[str, Edition | None] | None:
    """`marketing/professional` as a line and edition; None when the word is not a product."""
    match = _PRODUCT.match(word.lower())
    if match is None:
        return None
    line = match["line"]
    if not CATALOG.knows(line):
        if match["edition"] is not None:
            raise SyntaxProblem(spec.command, "line", line=line, known=", ".join(CATALOG.lines()))
        return None
    edition = None
    if CATALOG.is_hub(line):
        if not match["edition"]:
            raise SyntaxProblem(spec.command, "edition_missing", line=line)
        try:
            edition = Edition(match["edition"])
        except ValueError:
            raise SyntaxProblem(spec.command, "edition", edition=match["edition"]) from None
    elif match["edition"]:
        raise SyntaxProblem(spec.command, "edition_extra", line=line)
    return line, edition


def _holding(spec: _Spec, word: str) -> Holding:
    """`marketing/starter:other`: a line the customer holds and who is credited on it (unknown
    when not said: the bot cannot know)."""
    product, _, credit = word.partition(":")
    found = _product(spec, product) if product else None
    if found is None:
        raise SyntaxProblem(spec.command, "holding", holding=word)
    line, edition = found
    value = _CREDITS.get(credit.lower() or "unknown")
    if value is None:
        raise SyntaxProblem(spec.command, "credit", credit=credit)
    return Holding(line=line, edition=edition, credited_partner=value)


def _rate(spec: _Spec, word: str) -> tuple[str, Decimal] | None:
    currency, sep, rate = word.partition("=")
    if not sep or not _is_currency(currency):
        return None
    try:
        value = Decimal(rate)
    except InvalidOperation:
        raise SyntaxProblem(spec.command, "fx", fx=word) from None
    if not value.is_finite() or value <= 0:
        raise SyntaxProblem(spec.command, "fx", fx=word)
    return currency.upper(), value


class _Reader:
    """Reads the words of one subcommand's text by its spec, one word at a time."""

    def __init__(self, spec: _Spec, text: str) -> None:
        self.spec = spec
        self.tokens = _tokens(text)
        self.index = 0
        self.words = _Words()

    def peek(self, offset: int = 0) -> str | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def read(self) -> _Words:
        spec = self.spec
        while self.index < len(self.tokens):
            word = self.tokens[self.index]
            self.index += 1
            if not self._word(word):
                raise SyntaxProblem(spec.command, "word", word=word)
        if spec.items:
            if not self.words.items:
                raise SyntaxProblem(spec.command, "no_items")
            if len({i.mrr.currency for i in self.words.items}) > 1:
                raise SyntaxProblem(spec.command, "currencies")
        return self.words

    def _word(self, word: str) -> bool:
        """Take one word (and what belongs to it); False when nothing here expects it."""
        spec, words, low = self.spec, self.words, word.lower()
        if low in _SEPARATORS:
            return True
        if low in spec.flags:
            words.flags.add(low)
            return True
        key, sep, value = low.partition("=")
        if sep and key in spec.options:
            if not value:
                raise SyntaxProblem(spec.command, "value_missing", word=word)
            words.options[key] = value
            return True
        if low in spec.takes_value:
            value_word = self.peek()
            if value_word is None or value_word in _SEPARATORS:
                raise SyntaxProblem(spec.command, "value_missing", word=word)
            words.values[low] = value_word
            self.index += 1
            return True
        if spec.holds and low == "holds":
            self._holds(word)
            return True
        if spec.fx and low == "fx":
            self._rates(word)
            return True
        if spec.fx and (rate := _rate(spec, word)) is not None:
            words.fx[rate[0]] = rate[1]
            return True
        if spec.items and (product := _product(spec, word)) is not None:
            self._item(word, *product)
            return True
        if spec.amounts and (found := _amount(spec, word, self.peek())) is not None:
            money, took = found
            self.index += 1 if took else 0
            words.amounts.append(money)
            return True
        if spec.rest:
            words.rest.append(word)
            return True
        return False

    def _holds(self, word: str) -> None:
        more = True
        taken = 0
        while more and (value_word := self.peek()) is not None:
            if len(self.words.holdings) >= MAX_ITEMS:
                raise SyntaxProblem(self.spec.command, "too_many", limit=str(MAX_ITEMS))
            self.words.holdings.append(_holding(self.spec, value_word))
            taken += 1
            self.index += 1
            more = self.peek() == ","
            self.index += 1 if more else 0
        if not taken:
            raise SyntaxProblem(self.spec.command, "value_missing", word=word)

    def _rates(self, word: str) -> None:
        taken = 0
        while (value_word := self.peek()) is not None and \
                (rate := _rate(self.spec, value_word)) is not None:
            self.words.fx[rate[0]] = rate[1]
            taken += 1
            self.index += 1
        if not taken:
            raise SyntaxProblem(self.spec.command, "value_missing", word=word)

    def _item(self, word: str, line: str, edition: Edition | None) -> None:
        amount_word = self.peek()
        found = _amount(self.spec, amount_word, self.peek(1)) if amount_word else None
        if found is None:
            raise SyntaxProblem(self.spec.command, "money", item=word)
        money, took = found
        self.index += 2 if took else 1
        if len(self.words.items) >= MAX_ITEMS:
            raise SyntaxProblem(self.spec.command, "too_many", limit=str(MAX_ITEMS))
        self.words.items.append(LineItem(line=line, edition=edition, mrr=money))


def _read(spec: _Spec, text: str) -> _Words:
    """Read the words of `text` by `spec`; the first word nobody expects is the problem."""
    return _Reader(spec, text).read()


def parse_items(command: str, text: str, default_currency: str | None = None) -> list[LineItem]:
    """`marketing/professional 800 USD + sales/starter 20 USD` as line items of one currency."""
    if default_currency:
        text = re.sub(r"(?<![A-Za-z])([0-9][0-9,_.]*)(?=\s*(?:\+|,\s|$))", rf"\1 {default_currency}",
                      text)
    return _read(_Spec(command, items=True), text).items


def _partner(spec: _Spec, base: Partner, words: _Words) -> Partner:
    """The asker's organisation, with the partner words of the question applied."""
    partner = base
    if "provider" in words.flags:
        partner = replace(partner, kind=PartnerKind.PROVIDER)
    if "partner" in words.flags:
        partner = replace(partner, kind=PartnerKind.SOLUTIONS_PARTNER)
    tier = words.options.get("tier") or next(
        (f for f in ("gold", "platinum", "diamond", "elite") if f in words.flags), None)
    if tier is not None:
        try:
            partner = replace(partner, tier=Tier(tier))
        except ValueError:
            raise SyntaxProblem(spec.command, "tier", tier=tier,
                                known=", ".join(t.value for t in Tier)) from None
    if "crm" in words.flags:
        partner = replace(partner, accreditations=partner.accreditations | {CRM_IMPLEMENTATION})
    if "local-language" in words.flags:
        partner = replace(partner, local_language_exception=True)
    return partner


def _motion(words: _Words, default: Motion = Motion.PARTNER_SOURCED) -> Motion:
    if "assisted" in words.flags:
        return Motion.PARTNER_ASSISTED
    if "sourced" in words.flags:
        return Motion.PARTNER_SOURCED
    return default


# -- subcommands -------------------------------------------------------------------------------


def _eligibility(rest: str, ctx: Context) -> Question:
    spec = _Spec("eligibility", items=True, flags=frozenset({"assisted", "sourced"}), holds=True)
    words = _read(spec, rest)
    deal = Deal(motion=_motion(words), items=tuple(words.items),
                customer_holdings=tuple(words.holdings))
    partner = ctx.partner
    return Question("eligibility", lambda: eligibility(deal, partner))


def _earnings(rest: str, ctx: Context) -> Question:
    spec = _Spec("earnings", items=True, holds=True, fx=True, options=frozenset({"tier"}),
                 flags=frozenset({"assisted", "sourced", "poi"}) | _PARTNER_FLAGS)
    words = _read(spec, rest)
    partner = _partner(spec, ctx.partner, words)
    deal = Deal(motion=_motion(words), items=tuple(words.items),
                customer_holdings=tuple(words.holdings), poi_signed="poi" in words.flags)
    fx = {**ctx.fx, **words.fx}
    return Question("earnings", lambda: earnings(deal, partner, fx=fx), partner=partner)


def _month(spec: _Spec, text: str) -> YearMonth:
    cleaned = text.replace("/", "-")
    try:
        return YearMonth.parse(cleaned)
    except ValueError:
        try:
            return YearMonth.of(date.fromisoformat(cleaned))
        except ValueError:
            raise SyntaxProblem(spec.command, "month", month=text) from None


def _day(spec: _Spec, text: str) -> date:
    cleaned = text.replace("/", "-")
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    try:
        month = YearMonth.parse(cleaned)
    except ValueError:
        raise SyntaxProblem(spec.command, "date", date=text) from None
    return date(month.year, month.month, 1)


def _revenue_share(rest: str, ctx: Context) -> Question:
    spec = _Spec("revenue-share", amounts=True, flags=frozenset({"provider", "partner"}),
                 takes_value=frozenset({"from", "until", "to"}))
    words = _read(spec, rest)
    if len(words.amounts) != 1:
        raise SyntaxProblem(spec.command, "one_amount")
    mrr = words.amounts[0]
    start = _month(spec, words.values["from"]) if "from" in words.values else \
        YearMonth.of(ctx.now.astimezone(ctx.tz).date())
    until_text = words.values.get("until") or words.values.get("to")
    until = _day(spec, until_text) if until_text else None
    partner = _partner(spec, ctx.partner, words)
    return Question("revenue-share",
                    lambda: revenue_share_schedule(mrr, partner, start, terminated_on=until),
                    partner=partner)


def _upmarket(rest: str, ctx: Context) -> Question:
    spec = _Spec("upmarket", items=True, holds=True, fx=True, options=frozenset({"tier"}),
                 flags=frozenset({"assisted", "sourced", "poi"}) | _PARTNER_FLAGS)
    words = _read(spec, rest)
    partner = _partner(spec, ctx.partner, words)
    deal = Deal(motion=_motion(words, Motion.PARTNER_ASSISTED), items=tuple(words.items),
                customer_holdings=tuple(words.holdings), poi_signed="poi" in words.flags)
    fx = {**ctx.fx, **words.fx}
    return Question("upmarket", lambda: upmarket_referral(deal, partner, fx=fx), partner=partner)


def _claim(spec: _Spec, word: str) -> Claim:
    """`Acme:poi:sourced`, `Beta:poi:referred-by-Acme:mrr=500USD:ack`."""
    name, *attrs = [part.strip() for part in word.split(":")]
    if not name:
        raise SyntaxProblem(spec.command, "claim", claim=word)
    poi = sourced = False
    ack: bool | None = None
    referred: str | None = None
    mrr: Money | None = None
    for attr in attrs:
        low = attr.lower()
        if low in ("poi", "signed"):
            poi = True
        elif low in ("nopoi", "no-poi", "unsigned"):
            poi = False
        elif low == "sourced":
            sourced = True
        elif low in ("ack", "acknowledged"):
            ack = True
        elif low.startswith(("referred-by-", "referred_by=", "referred-by=", "by=")):
            referred = re.split(r"[-=]", attr, maxsplit=2 if low.startswith("referred") else 1)[-1]
            if not referred:
                raise SyntaxProblem(spec.command, "claim_attr", attr=attr, claim=name)
        elif low.startswith("mrr="):
            found = _amount(spec, attr[4:], None)
            if found is None:
                raise SyntaxProblem(spec.command, "claim_attr", attr=attr, claim=name)
            mrr = found[0]
        else:
            raise SyntaxProblem(spec.command, "claim_attr", attr=attr, claim=name)
    return Claim(partner=name, poi_signed=poi, sourced=sourced, referred_by=referred,
                 onboarding_mrr=mrr, acknowledged_secondary=ack)


def _bpw(rest: str, ctx: Context) -> Question:
    spec = _Spec("bpw")
    try:
        parts = shlex.split(normalise(rest))
    except ValueError:
        raise SyntaxProblem(spec.command, "quotes") from None
    if len(parts) > MAX_ITEMS:
        raise SyntaxProblem(spec.command, "too_many", limit=str(MAX_ITEMS))
    claims = [_claim(spec, part) for part in parts]
    if not claims:
        raise SyntaxProblem(spec.command, "claims_none")
    names = [c.partner for c in claims]
    for name in names:
        if names.count(name) > 1:
            raise SyntaxProblem(spec.command, "claim_twice", name=name)
    for claim in claims:
        if claim.referred_by is not None and claim.referred_by not in names:
            raise SyntaxProblem(spec.command, "referred_unknown", name=claim.referred_by,
                                claim=claim.partner)
    viewer = ctx.viewer
    return Question("bpw", lambda: best_partner_wins(claims, viewer), staff_only=True)


def _upsell(rest: str, ctx: Context) -> Question:
    spec = _Spec("upsell", options=frozenset({"credit"}),
                 flags=frozenset({"provider", "partner", *_CREDITS}), rest=True)
    words = _read(spec, rest.replace("->", " ").replace(">", " "))
    if not words.rest:
        raise SyntaxProblem(spec.command, "upsell_line")
    first, *editions_text = words.rest
    line_text, _, first_edition = first.lower().partition("/")
    if not CATALOG.knows(line_text):
        raise SyntaxProblem(spec.command, "line", line=line_text, known=", ".join(CATALOG.lines()))
    texts = ([first_edition] if first_edition else []) + [e.lower() for e in editions_text]
    editions: list[Edition] = []
    for text in texts:
        try:
            editions.append(Edition(text))
        except ValueError:
            raise SyntaxProblem(spec.command, "edition", edition=text) from None
    hub = CATALOG.is_hub(line_text)
    if not hub and editions:
        raise SyntaxProblem(spec.command, "edition_extra", line=line_text)
    if hub and not 1 <= len(editions) <= 2:
        raise SyntaxProblem(spec.command, "upsell_editions", line=line_text)
    start = editions[0] if editions else None
    end = editions[-1] if editions else None
    if start is not None and end is not None and end.rank < start.rank:
        raise SyntaxProblem(spec.command, "downgrade", start=start.value, end=end.value)
    credit_text = words.options.get("credit") or next((c for c in _CREDITS if c in words.flags),
                                                      "unknown")
    credit = _CREDITS.get(credit_text)
    if credit is None:
        raise SyntaxProblem(spec.command, "credit", credit=credit_text)
    partner = _partner(spec, ctx.partner, words)
    return Question("upsell", lambda: upsell(partner, line_text, start, end, credit))


def _waive(rest: str, ctx: Context) -> Question:
    spec = _Spec("waive", flags=frozenset({"poi", "onboarding", "provider", "partner"}))
    words = _read(spec, rest)
    partner = _partner(spec, ctx.partner, words)
    poi, names = "poi" in words.flags, "onboarding" in words.flags
    return Question("waive", lambda: waive_onboarding(partner, poi_signed=poi,
                                                      poi_names_partner_onboarding=names),
                    partner=partner)


_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:T(\d{1,2}):?(\d{2})?)?$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_FILLER = frozenset({"at", "in", "on", "received", "receipt"})


def due_answer(received: datetime, region: str, regions: RegionDirectory) -> Answer:
    """The response due time of a message received at `received` in `region`, explained."""
    calendar = regions.calendar(region)
    clock = response_clock(received, calendar)
    return Answer("response_due", Outcome.DECIDED, clock.reasons, (Section.COMMUNICATION,),
                  {"due_at": clock.due_at, "basis": clock.basis.value, "region": region,
                   "received_at": received})


def _due(rest: str, ctx: Context) -> Question:
    spec = _Spec("due", rest=True)
    words = _read(spec, rest)
    day: date | None = None
    at: time | None = None
    region = ctx.region
    codes = {code.upper(): code for code in ctx.regions.codes()}
    for word in words.rest:
        if (match := _DATE.match(word)) is not None:
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise SyntaxProblem(spec.command, "date", date=word) from None
            if match[4] is not None:
                at = _clock_time(spec, match[4], match[5] or "0", word)
        elif (match := _TIME.match(word)) is not None and day is not None:
            at = _clock_time(spec, match[1], match[2] or "0", word)
        elif word.upper() in codes:
            region = codes[word.upper()]
        elif word.lower() == "now":
            day, at = None, None
        elif word.lower() in _FILLER:
            continue
        elif re.fullmatch(r"[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?", word):
            raise SyntaxProblem(spec.command, "region", region=word,
                                known=", ".join(ctx.regions.codes()))
        else:
            raise SyntaxProblem(spec.command, "word", word=word)
    try:
        calendar = ctx.regions.calendar(region)
    except CalendarError:
        raise SyntaxProblem(spec.command, "region", region=region,
                            known=", ".join(ctx.regions.codes())) from None
    if day is None:
        received = ctx.now
    elif at is None:
        raise SyntaxProblem(spec.command, "time_missing", date=day.isoformat())
    else:
        received = calendar.local_time(day, at)
    regions = ctx.regions
    return Question("due", lambda: due_answer(received, region, regions), tz=calendar.tz)


def _clock_time(spec: _Spec, hours: str, minutes: str, word: str) -> time:
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        raise SyntaxProblem(spec.command, "time", time=word) from None


PARSERS: dict[str, Callable[[str, Context], Question]] = {
    "eligibility": _eligibility,
    "earnings": _earnings,
    "revenue-share": _revenue_share,
    "upmarket": _upmarket,
    "bpw": _bpw,
    "upsell": _upsell,
    "waive": _waive,
    "due": _due,
}


def command_of(text: str) -> tuple[str, str]:
    """The subcommand (aliases resolved, lower case) and the rest of the text."""
    word, _, rest = normalise(text).partition(" ")
    low = word.lower()
    return ALIASES.get(low, ALIASES.get(word, low)), rest.strip()


def parse_roe(text: str, context: Context | None = None) -> Question | DealAsk | None:
    """The question in `/roe` text; None asks for help. Raises `SyntaxProblem`."""
    ctx = context or Context()
    command, rest = command_of(text)
    if command in ("", "help"):
        return None
    if command == "deal":
        if not rest:
            return DealAsk()
        number = rest.lstrip("#")
        if not number.isdigit():
            raise SyntaxProblem("deal", "deal_id", value=rest)
        return DealAsk(int(number))
    parser = PARSERS.get(command)
    if parser is None:
        if _PRODUCT.match(command) and "/" in command:
            return _eligibility(normalise(text), ctx)  # `/roe marketing/professional 800 USD`
        raise SyntaxProblem("help", "unknown_command", name=command,
                            known=", ".join(c for c in COMMANDS if c != "help"))
    return parser(rest, ctx)
