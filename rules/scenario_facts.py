"""The facts of scenario files, read field by field (each error names its exact field).

The readers are shared by every question of the registry (`rules.questions`): a partner, a deal,
its items and holdings, exchange rates, the viewer, claims, a region's calendar, absences and
extensions are read the same way whichever question carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rules.answers import HUBSPOT, Viewer
from rules.calendars import DEFAULT_WORKWEEK, CalendarError, RegionCalendar, RegionSpec
from rules.clocks import Absence, Extension
from rules.facts import Claim, Deal, Holding, LineItem, Partner
from rules.facts_reader import FactError, Fields
from rules.money import MoneyError, check_currency
from rules.regions import RegionDirectory
from rules.vocabulary import Edition, LineCredit, Motion, PartnerKind, ProductCatalog, Role, Tier

__all__ = [
    "Context",
    "read_absences",
    "read_claims",
    "read_deal",
    "read_edition",
    "read_extensions",
    "read_fx",
    "read_holding",
    "read_item",
    "read_line",
    "read_partner",
    "read_region",
    "read_viewer",
]


@dataclass(frozen=True, slots=True)
class Context:
    """What a question needs beyond its facts: the product catalog and the viewer."""

    catalog: ProductCatalog
    viewer: Viewer



def read_partner(f: Fields) -> Partner:
    """The `partner` facts (missing booleans default as the contract says)."""
    accreditations = f.each("accreditations", _text_item, default=[])
    return Partner(
        kind=f.choice("kind", PartnerKind, PartnerKind.SOLUTIONS_PARTNER),
        tier=f.choice("tier", Tier, Tier.PARTNER),
        good_standing=f.flag("good_standing", True),
        accreditations=frozenset(accreditations),
        local_language_exception=f.flag("local_language_exception", False),
    )


def _text_item(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise FactError(path, "expected a string")
    return value


def read_line(f: Fields, catalog: ProductCatalog) -> str:
    line: str = f.text("line")
    if not catalog.knows(line):
        known = ", ".join(catalog.lines())
        raise FactError(f.path("line"), f"unknown product line {line!r} (known: {known})")
    return line


def read_edition(f: Fields, line: str, catalog: ProductCatalog, key: str = "edition") -> Edition | None:
    if catalog.is_hub(line):
        edition: Edition = f.choice(key, Edition)
        return edition
    if f.has(key):
        raise FactError(f.path(key), f"{line!r} has no editions; leave {key} out")
    return None


def read_item(f: Fields, catalog: ProductCatalog) -> LineItem:
    """One line item: line, edition (hubs only), MRR and currency."""
    line = read_line(f, catalog)
    edition = read_edition(f, line, catalog)
    return LineItem(line=line, edition=edition, mrr=f.money("mrr"))


def read_holding(f: Fields, catalog: ProductCatalog) -> Holding:
    """A product line the customer already holds."""
    line = read_line(f, catalog)
    edition = read_edition(f, line, catalog)
    credited = f.choice("credited_partner", LineCredit, LineCredit.NONE)
    return Holding(line=line, edition=edition, credited_partner=credited)


def read_deal(f: Fields, catalog: ProductCatalog) -> Deal:
    """The `deal` facts. All items share one currency."""
    items = tuple(read_item(i, catalog) for i in f.objects("items"))
    for index, item in enumerate(items):
        if item.mrr.currency != items[0].mrr.currency:
            raise FactError(f.path("items") + f"[{index}].currency",
                            "all items of a deal share one currency "
                            f"({items[0].mrr.currency}), got {item.mrr.currency}")
    holdings = tuple(read_holding(h, catalog) for h in f.objects("customer_holdings", []))
    return Deal(
        motion=f.choice("motion", Motion),
        items=items,
        customer_holdings=holdings,
        poi_signed=f.flag("poi_signed", False),
        poi_signed_on=f.day("poi_signed_on", None),
        close_date=f.day("close_date", None),
    )


def read_fx(f: Fields) -> dict[str, Decimal]:
    """`fx`: units of USD per unit of each currency, e.g. {"JPY": "0.0067"}."""
    table: Fields | None = f.obj("fx", None)
    if table is None:
        return {}
    rates: dict[str, Decimal] = {}
    for code in table.read_keys():
        try:
            check_currency(code)
        except MoneyError as error:
            raise FactError(table.path(code), str(error)) from None
        rate = table.decimal(code)
        if rate <= 0:
            raise FactError(table.path(code), "an exchange rate must be positive")
        rates[code] = rate
    return rates


def read_viewer(f: Fields) -> Viewer:
    """Who reads the answer: `{"role": "partner", "partner": "Acme"}`; HubSpot staff by default."""
    spec: Fields | None = f.obj("viewer", None)
    if spec is None:
        return HUBSPOT
    role: Role = spec.choice("role", Role)
    if role is Role.PARTNER:
        return Viewer(role, spec.text("partner"))
    return Viewer(role)


def read_claims(f: Fields) -> list[Claim]:
    claims: list[Claim] = []
    for c in f.objects("claims"):
        mrr = c.money("onboarding_mrr") if c.has("onboarding_mrr") else None
        if mrr is None and c.has("currency"):
            c.currency()
        claims.append(Claim(
            partner=c.text("partner"),
            poi_signed=c.flag("poi_signed", False),
            sourced=c.flag("sourced", False),
            referred_by=c.text("referred_by", None),
            onboarding_mrr=mrr,
            acknowledged_secondary=c.flag("acknowledged_in_writing", None),
        ))
    names = [c.partner for c in claims]
    for index, claim in enumerate(claims):
        if names.index(claim.partner) != index:
            raise FactError(f.path("claims") + f"[{index}].partner",
                            f"{claim.partner!r} appears twice")
        if claim.referred_by is not None and claim.referred_by not in names:
            raise FactError(f.path("claims") + f"[{index}].referred_by",
                            f"{claim.referred_by!r} is not one of the claims' partners")
    if not claims:
        raise FactError(f.path("claims"), "at least one claim is required")
    return claims

_CALENDARS: dict[tuple[object, ...], RegionCalendar] = {}
_DIRECTORY = RegionDirectory()


def read_region(f: Fields) -> RegionCalendar:
    """`region`: a code of the default table ("JP", "US-CA") or a table of its own.

    Calendars are cached per distinct definition, so a thousand scenarios in one region build
    one calendar.
    """
    value = f.raw("region")
    if isinstance(value, str):
        try:
            return _DIRECTORY.calendar(value)
        except CalendarError as error:
            raise FactError(f.path("region"), error.message) from None
    spec_fields: Fields = f.obj("region")
    country = spec_fields.text("country")
    default = _DIRECTORY.spec(country) if country in _DIRECTORY.codes() else None
    timezone = spec_fields.text("timezone", default.timezone if default else None)
    if timezone is None:
        raise FactError(spec_fields.path("timezone"), "is required for a country without a "
                                                      "default region")
    workweek = spec_fields.each("workweek", _weekday, default=None)
    closures = spec_fields.each("closures", _closure_day, default=[])
    subdiv = spec_fields.text("subdiv", None)
    key = (country, subdiv, timezone, tuple(sorted(workweek)) if workweek is not None else None,
           tuple(sorted(closures)))
    if key not in _CALENDARS:
        spec = RegionSpec(code=country if subdiv is None else f"{country}-{subdiv}",
                          country=country, timezone=timezone, subdiv=subdiv,
                          workweek=frozenset(workweek) if workweek is not None
                          else DEFAULT_WORKWEEK,
                          closures=dict.fromkeys(closures, ""))
        try:
            _CALENDARS[key] = RegionCalendar(spec)
        except CalendarError as error:
            raise FactError(spec_fields.path(error.field), error.message) from None
    return _CALENDARS[key]


def _weekday(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise FactError(path, "expected a day number, 0 (Monday) to 6 (Sunday)")
    return value


def _closure_day(value: object, path: str) -> date:
    if not isinstance(value, str):
        raise FactError(path, "expected a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FactError(path, f"{value!r} is not a date (YYYY-MM-DD)") from None


def read_absences(f: Fields) -> list[Absence]:
    found: list[Absence] = []
    for a in f.objects("absences", []):
        start, end = a.instant("start"), a.instant("end")
        if end <= start:
            raise FactError(a.path("end"), "the absence ends before it starts")
        found.append(Absence(start=start, end=end, registered_at=a.instant("registered_at"),
                             delegate=a.text("delegate", None)))
    return found


def read_extensions(f: Fields) -> list[Extension]:
    found: list[Extension] = []
    for e in f.objects("extensions", []):
        hours = e.decimal("extra_hours") if e.has("extra_hours") else None
        new_due = e.instant("new_due", None)
        if (hours is None) == (new_due is None):
            raise FactError(e.path("extra_hours"), "give either extra_hours or new_due")
        reason_text = e.text("reason")
        if not reason_text.strip():
            raise FactError(e.path("reason"), "an extension needs a reason")
        granted_by = e.text("granted_by")
        if not granted_by.strip():
            raise FactError(e.path("granted_by"), "an extension needs the name of who granted it")
        if hours is not None and hours <= 0:
            raise FactError(e.path("extra_hours"), "extra time must be positive")
        found.append(Extension(granted_by=granted_by, reason=reason_text,
                               granted_at=e.instant("granted_at"), new_due=new_due,
                               extra=None if hours is None else timedelta(hours=float(hours))))
    return found
