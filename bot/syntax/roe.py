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
    /roe deal [#id]                                     (the deal of this thread)

The subcommands and their aliases are the registry's (`rules.questions`). A problem is a
`UsageError` of the `roe` grammar naming the word at fault; partner facts default to the
asker's organisation and words override them (`provider`, `tier=gold`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal

from bot.syntax.errors import UsageError, within
from bot.syntax.roe_words import MAX_ITEMS, PARTNER_FLAGS, Spec, motion, partner, read
from bot.syntax.tokens import (
    CATALOG,
    CREDITS,
    amount,
    clock_time,
    deal_ref,
    edition,
    first_day,
    month,
    normalise,
    stamp,
)
from rules.answers import HUBSPOT, Answer, Viewer
from rules.best_partner_wins import best_partner_wins
from rules.calendars import CalendarError
from rules.clock_answers import due_answer
from rules.conduct import waive_onboarding
from rules.earnings import earnings
from rules.eligibility import eligibility
from rules.facts import Claim, Deal, LineItem, Partner
from rules.money import Money
from rules.product_lines import upsell
from rules.questions import REGISTRY, by_command
from rules.regions import RegionDirectory
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.upmarket import upmarket_referral
from rules.vocabulary import Edition, Motion

__all__ = ["ALIASES", "COMMANDS", "Context", "DealAsk", "Question", "command_of", "parse_items",
           "parse_roe", "usage_key"]

COMMANDS: tuple[str, ...] = (*(q.command for q in REGISTRY if q.command), "deal", "help")
ALIASES: dict[str, str] = {
    **{alias: q.command for q in REGISTRY if q.command for alias in q.aliases},
    "?": "help", "取引": "deal", "ヘルプ": "help",
}


def usage_key(command: str) -> str:
    """The catalog key of a subcommand's usage line."""
    return f"roe.usage.{command.replace('-', '_')}"


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
    """`/roe` about a stored deal: the thread's deal, or the one named by number."""

    deal_id: int | None = None


def parse_items(command: str, text: str, default_currency: str | None = None) -> list[LineItem]:
    """`marketing/professional 800 USD + sales/starter 20 USD` as line items of one currency."""
    if default_currency:
        text = re.sub(r"(?<![A-Za-z])([0-9][0-9,_.]*)(?=\s*(?:\+|,\s|$))", rf"\1 {default_currency}",
                      text)
    with within("roe", command):
        return read(Spec(command, items=True), text).items


def _eligibility(rest: str, ctx: Context) -> Question:
    found = read(Spec("eligibility", items=True, flags=frozenset({"assisted", "sourced"}),
                      holds=True), rest)
    deal = Deal(motion=motion(found), items=tuple(found.items),
                customer_holdings=tuple(found.holdings))
    asker = ctx.partner
    return Question("eligibility", lambda: eligibility(deal, asker))


def _deal_spec(command: str) -> Spec:
    """The words of a question about a deal's earnings: items, holdings, rates, partner words."""
    return Spec(command, items=True, holds=True, fx=True, options=frozenset({"tier"}),
                flags=frozenset({"assisted", "sourced", "poi"}) | PARTNER_FLAGS)


def _earnings(rest: str, ctx: Context) -> Question:
    found = read(_deal_spec("earnings"), rest)
    who = partner(ctx.partner, found)
    deal = Deal(motion=motion(found), items=tuple(found.items),
                customer_holdings=tuple(found.holdings), poi_signed="poi" in found.flags)
    fx = {**ctx.fx, **found.fx}
    return Question("earnings", lambda: earnings(deal, who, fx=fx), partner=who)


def _revenue_share(rest: str, ctx: Context) -> Question:
    found = read(Spec("revenue-share", amounts=True, flags=frozenset({"provider", "partner"}),
                      takes_value=frozenset({"from", "until", "to"})), rest)
    if len(found.amounts) != 1:
        raise UsageError("one_amount", field="amount")
    mrr = found.amounts[0]
    start = month(found.values["from"]) if "from" in found.values else \
        YearMonth.of(ctx.now.astimezone(ctx.tz).date())
    until_text = found.values.get("until") or found.values.get("to")
    until = first_day(until_text) if until_text else None
    who = partner(ctx.partner, found)
    return Question("revenue-share",
                    lambda: revenue_share_schedule(mrr, who, start, terminated_on=until),
                    partner=who)


def _upmarket(rest: str, ctx: Context) -> Question:
    found = read(_deal_spec("upmarket"), rest)
    who = partner(ctx.partner, found)
    deal = Deal(motion=motion(found, Motion.PARTNER_ASSISTED), items=tuple(found.items),
                customer_holdings=tuple(found.holdings), poi_signed="poi" in found.flags)
    fx = {**ctx.fx, **found.fx}
    return Question("upmarket", lambda: upmarket_referral(deal, who, fx=fx), partner=who)


def _claim(word: str) -> Claim:
    """`Acme:poi:sourced`, `Beta:poi:referred-by-Acme:mrr=500USD:ack`."""
    name, *attrs = [part.strip() for part in word.split(":")]
    if not name:
        raise UsageError("claim", field="claims", claim=word)
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
                raise UsageError("claim_attr", field="claims", attr=attr, claim=name)
        elif low.startswith("mrr="):
            found = amount(attr[4:], None)
            if found is None:
                raise UsageError("claim_attr", field="claims", attr=attr, claim=name)
            mrr = found[0]
        else:
            raise UsageError("claim_attr", field="claims", attr=attr, claim=name)
    return Claim(partner=name, poi_signed=poi, sourced=sourced, referred_by=referred,
                 onboarding_mrr=mrr, acknowledged_secondary=ack)


def _bpw(rest: str, ctx: Context) -> Question:
    try:
        parts = shlex.split(normalise(rest))
    except ValueError:
        raise UsageError("quotes", field="claims") from None
    if len(parts) > MAX_ITEMS:
        raise UsageError("too_many", field="claims", limit=str(MAX_ITEMS))
    claims = [_claim(part) for part in parts]
    if not claims:
        raise UsageError("claims_none", field="claims")
    names = [c.partner for c in claims]
    for name in names:
        if names.count(name) > 1:
            raise UsageError("claim_twice", field="claims", name=name)
    for claim in claims:
        if claim.referred_by is not None and claim.referred_by not in names:
            raise UsageError("referred_unknown", field="claims", name=claim.referred_by,
                             claim=claim.partner)
    viewer = ctx.viewer
    return Question("bpw", lambda: best_partner_wins(claims, viewer), staff_only=True)


def _upsell(rest: str, ctx: Context) -> Question:
    found = read(Spec("upsell", options=frozenset({"credit"}),
                      flags=frozenset({"provider", "partner", *CREDITS}), rest=True),
                 rest.replace("->", " ").replace(">", " "))
    if not found.rest:
        raise UsageError("upsell_line", field="line")
    first, *edition_words = found.rest
    line, _, first_edition = first.lower().partition("/")
    if not CATALOG.knows(line):
        raise UsageError("line", field="line", line=line, known=", ".join(CATALOG.lines()))
    texts = ([first_edition] if first_edition else []) + [e.lower() for e in edition_words]
    editions: list[Edition] = [edition(text) for text in texts]
    hub = CATALOG.is_hub(line)
    if not hub and editions:
        raise UsageError("edition_extra", field="edition", line=line)
    if hub and not 1 <= len(editions) <= 2:
        raise UsageError("upsell_editions", field="edition", line=line)
    start = editions[0] if editions else None
    end = editions[-1] if editions else None
    if start is not None and end is not None and end.rank < start.rank:
        raise UsageError("downgrade", field="edition", start=start.value, end=end.value)
    credit_text = found.options.get("credit") or next((c for c in CREDITS if c in found.flags),
                                                      "unknown")
    credit = CREDITS.get(credit_text)
    if credit is None:
        raise UsageError("credit", field="credit", credit=credit_text)
    who = partner(ctx.partner, found)
    return Question("upsell", lambda: upsell(who, line, start, end, credit))


def _waive(rest: str, ctx: Context) -> Question:
    found = read(Spec("waive", flags=frozenset({"poi", "onboarding", "provider", "partner"})), rest)
    who = partner(ctx.partner, found)
    poi, names = "poi" in found.flags, "onboarding" in found.flags
    return Question("waive", lambda: waive_onboarding(who, poi_signed=poi,
                                                      poi_names_partner_onboarding=names),
                    partner=who)


_FILLER = frozenset({"at", "in", "on", "received", "receipt"})


def _due(rest: str, ctx: Context) -> Question:
    found = read(Spec("due", rest=True), rest)
    day: date | None = None
    at: time | None = None
    region = ctx.region
    codes = {code.upper(): code for code in ctx.regions.codes()}
    known = ", ".join(ctx.regions.codes())
    for word in found.rest:
        if (when := stamp(word)) is not None:
            day, at = when[0], when[1] if when[1] is not None else at
        elif day is not None and (moment := clock_time(word)) is not None:
            at = moment
        elif word.upper() in codes:
            region = codes[word.upper()]
        elif word.lower() == "now":
            day, at = None, None
        elif word.lower() in _FILLER:
            continue
        elif re.fullmatch(r"[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?", word):
            raise UsageError("region", field="region", region=word, known=known)
        else:
            raise UsageError("word", word=word)
    try:
        calendar = ctx.regions.calendar(region)
    except CalendarError:
        raise UsageError("region", field="region", region=region, known=known) from None
    if day is None:
        received = ctx.now
    elif at is None:
        raise UsageError("time_missing", field="time", date=day.isoformat())
    else:
        received = calendar.local_time(day, at)
    regions = ctx.regions
    return Question("due", lambda: due_answer(received, region, regions), tz=calendar.tz)


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
    """The question in `/roe` text; None asks for help. Raises `UsageError` (grammar `roe`)."""
    ctx = context or Context()
    command, rest = command_of(text)
    if command in ("", "help"):
        return None
    if command == "deal":
        if not rest:
            return DealAsk()
        number = deal_ref(rest)
        if number is None:
            raise UsageError("deal_id", grammar="roe", command="deal", field="deal", value=rest)
        return DealAsk(number)
    parser = PARSERS.get(command)
    if parser is None or by_command(command) is None:
        if product_like(command):
            with within("roe", "eligibility"):
                return _eligibility(normalise(text), ctx)  # `/roe marketing/professional 800 USD`
        raise UsageError("unknown_command", grammar="roe", command="help", field="command",
                         name=command, known=", ".join(c for c in COMMANDS if c != "help"))
    with within("roe", command):
        return parser(rest, ctx)


def product_like(word: str) -> bool:
    """Whether a first word reads as a product (`marketing/professional`), not a subcommand."""
    return re.match(r"^[a-z][a-z0-9_]*/[a-z]*$", word) is not None
