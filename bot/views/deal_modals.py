"""The deal modals: registering a Partner Sourced deal, offering a HubSpot-owned deal, and
reading (validating) what was submitted.

Block ids (each input's action id is `value`), so that anyone can fill the form in a test or the
console: `domain`, `company`, `region`, `segment`, `currency`, `qualified` (registration only:
`relationship` and `need` both ticked), `item1_line` / `item1_edition` / `item1_mrr` and the same
for rows 2 and 3, `expected_close`, `subscription_start`, and `partner` (offers only: a partner
organisation's id). Callback ids: `deal_register`, `deal_offer`.

    view = register_modal("ja", regions=["JP", "US"], region="JP")
    form, errors = read_form(view_state_values, kind="register", lang="ja", ...)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import get_territory_currencies
from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import t
from bot.syntax.tokens import number
from bot.usecases.deal_opening import SEGMENTS, DealInput, ItemInput
from bot.views.deal_card import line_name
from bot.views.text import HEADER_TEXT, OPTION_TEXT, SECTION_TEXT, clip
from rules import i18n as rules_i18n
from rules.domains import DomainError, normalise_domain
from rules.money import MoneyError, check_currency, minor_unit
from rules.vocabulary import Edition, ProductCatalog

__all__ = [
    "ITEM_ROWS",
    "OFFER_CALLBACK",
    "REGISTER_CALLBACK",
    "domain_in",
    "done_view",
    "metadata",
    "offer_modal",
    "parse_metadata",
    "read_form",
    "register_modal",
]

REGISTER_CALLBACK = "deal_register"
OFFER_CALLBACK = "deal_offer"
ITEM_ROWS = 3
_CATALOG = ProductCatalog()
_DOMAIN_LIKE = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,63}(?![\w-])", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@((?:[\w-]+\.)+[a-z]{2,63})", re.IGNORECASE)
# domains nobody buys HubSpot with: free mail (anyone can have an address there) and the two
# companies whose people are on every deal
_FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.jp", "ymail.com", "outlook.com",
    "outlook.jp", "hotmail.com", "hotmail.co.jp", "live.com", "live.jp", "msn.com", "icloud.com",
    "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.net",
    "mail.com", "zoho.com", "yandex.com", "docomo.ne.jp", "ezweb.ne.jp", "au.com",
    "softbank.ne.jp", "i.softbank.jp", "hubspot.com", "slack.com"})


def _text(value: str) -> PlainTextObject:
    return PlainTextObject(text=clip(value, HEADER_TEXT, mrkdwn=False), emoji=True)


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=clip(label, OPTION_TEXT, mrkdwn=False))  # a partner's name


def _currency_for(region: str | None) -> str:
    if not region:
        return "USD"
    try:
        found = get_territory_currencies(region.split("-", 1)[0])
    except Exception:  # babel raises plain errors for unknown territories
        return "USD"
    return str(found[0]) if found else "USD"


def domain_in(text: str) -> str | None:
    """The first customer domain in a message (an e-mail's domain counts; free mail does not)."""
    text = re.sub(r"<(?:mailto:)?([^|>]+)(?:\|[^>]*)?>", r" \1 ", text or "")
    candidates = [m.group(1) for m in _EMAIL.finditer(text)]
    candidates += [m.group(0) for m in _DOMAIN_LIKE.finditer(_EMAIL.sub(" ", text))]
    for candidate in candidates:
        try:
            domain = normalise_domain(candidate)
        except DomainError:
            continue
        if domain not in _FREE_MAIL:
            return domain
    return None


def _input(block_id: str, label: str, element: Any, *, optional: bool = False,
           hint: str | None = None) -> InputBlock:
    return InputBlock(block_id=block_id, label=_text(label), element=element, optional=optional,
                      hint=_text(hint) if hint else None)


def _select(options: Sequence[tuple[str, str]], initial: str | None, placeholder: str
            ) -> StaticSelectElement:
    choices = [_option(value, label) for value, label in options]
    chosen = next((o for o in choices if o.value == initial), None)
    return StaticSelectElement(action_id="value", options=choices, initial_option=chosen,
                               placeholder=_text(placeholder))


def _common_blocks(lang: str, *, regions: Sequence[str], region: str | None,
                   domain: str | None, company: str | None) -> list[Block]:
    choose = t("deals.field.choose", lang)
    return [
        _input("domain", t("deals.field.domain", lang), PlainTextInputElement(
            action_id="value", initial_value=domain or None, max_length=253,
            placeholder=_text(t("deals.field.domain_placeholder", lang))),
            hint=t("deals.field.domain_hint", lang)),
        _input("company", t("deals.field.company", lang), PlainTextInputElement(
            action_id="value", initial_value=company or None, max_length=200)),
        _input("region", t("deals.field.region", lang),
               _select([(code, code) for code in regions][:100], region, choose)),
        _input("segment", t("deals.field.segment", lang),
               _select([(s, t(f"deals.segment.{s}", lang)) for s in SEGMENTS], "smb", choose)),
        _input("currency", t("deals.field.currency", lang), PlainTextInputElement(
            action_id="value", initial_value=_currency_for(region), max_length=3, min_length=3),
            hint=t("deals.field.currency_hint", lang)),
    ]


def _item_blocks(lang: str) -> list[Block]:
    lines = [(line, line_name(line, lang)) for line in _CATALOG.lines()]
    editions = [(e.value, rules_i18n.text(f"term.edition.{e.value}", lang)) for e in Edition]
    blocks: list[Block] = []
    for row in range(1, ITEM_ROWS + 1):
        optional = row > 1
        blocks += [
            _input(f"item{row}_line", t("deals.field.item_line", lang, n=row),
                   _select(lines, None, t("deals.field.choose", lang)), optional=optional),
            _input(f"item{row}_edition", t("deals.field.item_edition", lang, n=row),
                   _select(editions, None, t("deals.field.choose", lang)), optional=True,
                   hint=t("deals.field.edition_hint", lang) if row == 1 else None),
            _input(f"item{row}_mrr", t("deals.field.item_mrr", lang, n=row),
                   PlainTextInputElement(action_id="value", max_length=24,
                                         placeholder=_text("800")), optional=optional),
        ]
    return blocks


def _date_blocks(lang: str) -> list[Block]:
    return [
        _input("expected_close", t("deals.field.expected_close", lang),
               DatePickerElement(action_id="value")),
        _input("subscription_start", t("deals.field.subscription_start", lang),
               DatePickerElement(action_id="value"), optional=True),
    ]


def register_modal(lang: str, *, regions: Sequence[str], region: str | None,
                   domain: str | None = None, company: str | None = None,
                   private_metadata: str = "{}") -> dict[str, Any]:
    """The registration modal (Partner Sourced), in `lang`."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=t("deals.modal.register_intro", lang))),
        *_common_blocks(lang, regions=regions, region=region, domain=domain, company=company),
        _input("qualified", t("deals.field.qualified", lang), CheckboxesElement(
            action_id="value", options=[
                _option("relationship", t("deals.qualified.relationship", lang)),
                _option("need", t("deals.qualified.need", lang))])),
        *_item_blocks(lang),
        *_date_blocks(lang),
    ]
    view = View(type="modal", callback_id=REGISTER_CALLBACK, title=_text(
        t("deals.modal.register_title", lang)[:24]), submit=_text(t("deals.modal.register", lang)),
        close=_text(t("deals.modal.cancel", lang)), blocks=blocks,
        private_metadata=private_metadata)
    return view.to_dict()


def offer_modal(lang: str, *, regions: Sequence[str], region: str | None,
                partners: Sequence[tuple[int, str]], private_metadata: str = "{}"
                ) -> dict[str, Any]:
    """The offer modal (a HubSpot-owned deal offered to a partner), in `lang`."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=t("deals.modal.offer_intro", lang))),
        _input("partner", t("deals.field.partner", lang),
               _select([(str(i), name) for i, name in partners][:100], None,
                       t("deals.field.choose", lang))),
        *_common_blocks(lang, regions=regions, region=region, domain=None, company=None),
        *_item_blocks(lang),
        *_date_blocks(lang),
    ]
    view = View(type="modal", callback_id=OFFER_CALLBACK, title=_text(
        t("deals.modal.offer_title", lang)[:24]), submit=_text(t("deals.modal.offer", lang)),
        close=_text(t("deals.modal.cancel", lang)), blocks=blocks,
        private_metadata=private_metadata)
    return view.to_dict()


def done_view(lang: str, text: str) -> dict[str, Any]:
    """What the modal turns into after a successful submission."""
    view = View(type="modal", title=_text(t("deals.modal.done_title", lang)[:24]),
                close=_text(t("deals.modal.close", lang)),
                blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_TEXT))),
                        ContextBlock(elements=[MarkdownTextObject(
                            text=t("deals.modal.done_hint", lang))])])
    return view.to_dict()


# -- reading a submission --------------------------------------------------------------------


def _value(values: Mapping[str, Any], block: str) -> Any:
    element = (values.get(block) or {}).get("value") or {}
    if not isinstance(element, Mapping):
        return None
    kind = element.get("type")
    if kind in ("static_select", "external_select"):
        option = element.get("selected_option") or {}
        return option.get("value") if isinstance(option, Mapping) else None
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "checkboxes":
        return [o.get("value") for o in element.get("selected_options") or []
                if isinstance(o, Mapping)]
    value = element.get("value")
    return value.strip() if isinstance(value, str) else value


def _date(text: Any) -> date | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _amount(text: str, currency: str | None, lang: str) -> tuple[Decimal | None, str | None]:
    value = number(text)
    if value is None:
        return None, t("deals.error.mrr_invalid", lang, text=text[:40])
    if value <= 0:
        return None, t("deals.error.mrr_positive", lang)
    if currency is not None:
        quantum = minor_unit(currency)
        if value != value.quantize(quantum):
            exponent = quantum.as_tuple().exponent
            places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            return None, t("deals.error.mrr_precision", lang, currency=currency, places=places)
    return value, None


def _items(values: Mapping[str, Any], lang: str, currency: str | None,
           errors: dict[str, str]) -> list[ItemInput]:
    items: list[ItemInput] = []
    seen: set[str] = set()
    for row in range(1, ITEM_ROWS + 1):
        line = _value(values, f"item{row}_line")
        edition_text = _value(values, f"item{row}_edition")
        mrr_text = _value(values, f"item{row}_mrr")
        if not line and not edition_text and not mrr_text:
            continue
        if not line or not _CATALOG.knows(str(line)):
            errors[f"item{row}_line"] = t("deals.error.item_line", lang)
            continue
        line = str(line)
        product = line_name(line, lang)
        edition: Edition | None = None
        if line in seen:
            errors[f"item{row}_line"] = t("deals.error.item_duplicate", lang, product=product)
        seen.add(line)
        if _CATALOG.is_hub(line):
            try:
                edition = Edition(str(edition_text)) if edition_text else None
            except ValueError:
                edition = None
            if edition is None:
                errors[f"item{row}_edition"] = t("deals.error.edition_required", lang,
                                                 product=product)
        elif edition_text:
            errors[f"item{row}_edition"] = t("deals.error.edition_not_allowed", lang,
                                             product=product)
        if not mrr_text:
            errors[f"item{row}_mrr"] = t("deals.error.mrr_missing", lang, product=product)
            continue
        amount, problem = _amount(str(mrr_text), currency, lang)
        if problem is not None or amount is None:
            errors[f"item{row}_mrr"] = problem or t("deals.error.mrr_positive", lang)
            continue
        items.append(ItemInput(line=line, edition=edition, mrr=amount))
    if not items and not any(key.startswith("item") for key in errors):
        errors["item1_line"] = t("deals.error.item_missing", lang)
    return items


def _read_domain(values: Mapping[str, Any], lang: str, errors: dict[str, str]) -> str:
    """The customer's purchasing domain, normalised ("" with the reason in `errors`)."""
    raw = str(_value(values, "domain") or "")
    if not raw:
        errors["domain"] = t("deals.error.domain_required", lang)
        return ""
    try:
        domain = normalise_domain(raw)
    except DomainError:
        errors["domain"] = t("deals.error.domain_invalid", lang, text=raw[:80])
        return ""
    if domain in _FREE_MAIL:
        errors["domain"] = t("deals.error.domain_free_mail", lang, domain=domain)
    return domain


def read_form(values: Mapping[str, Any], *, kind: str, lang: str, regions: Sequence[str],
              today: date, partner_ids: Sequence[int] = ()
              ) -> tuple[DealInput | None, dict[str, str]]:
    """The submitted form, or the errors to show beside each field (in `lang`).

    `values` is `view.state.values`. Nothing is written here: a form with any error is refused.
    """
    errors: dict[str, str] = {}
    domain = _read_domain(values, lang, errors)
    company = str(_value(values, "company") or "")
    if not company:
        errors["company"] = t("deals.error.company", lang)
    region = _value(values, "region")
    if region not in regions:
        errors["region"] = t("deals.error.region", lang)
    segment = _value(values, "segment")
    if segment not in SEGMENTS:
        errors["segment"] = t("deals.error.segment", lang)
    currency_text = str(_value(values, "currency") or "").upper()
    currency: str | None = None
    try:
        currency = check_currency(currency_text)
    except MoneyError:
        errors["currency"] = t("deals.error.currency", lang, text=currency_text[:10] or "-")
    if kind == "register":
        ticked = set(_value(values, "qualified") or [])
        if not {"relationship", "need"} <= ticked:
            errors["qualified"] = t("deals.error.not_qualified", lang)
    partner_id: int | None = None
    if kind == "offer":
        chosen = _value(values, "partner")
        partner_id = int(chosen) if isinstance(chosen, str) and chosen.isdigit() else None
        if partner_id is None or partner_id not in partner_ids:
            errors["partner"] = t("deals.error.partner", lang)
    items = _items(values, lang, currency, errors)
    expected_close = _date(_value(values, "expected_close"))
    if expected_close is None:
        errors["expected_close"] = t("deals.error.expected_close_missing", lang)
    elif expected_close < today:
        errors["expected_close"] = t("deals.error.expected_close_past", lang)
    start_text = _value(values, "subscription_start")
    subscription_start = _date(start_text)
    if start_text and subscription_start is None:
        errors["subscription_start"] = t("deals.error.date", lang)
    if errors:
        return None, errors
    assert currency is not None and isinstance(region, str) and isinstance(segment, str)
    return DealInput(domain=domain, company=company[:200], region=region, segment=segment,
                     currency=currency, items=tuple(items), expected_close=expected_close,
                     subscription_start=subscription_start, partner_org_id=partner_id), {}


def metadata(**values: object) -> str:
    """private_metadata for a modal (JSON, Slack's 3000-character limit)."""
    return json.dumps(values)[:3000]


def parse_metadata(text: str | None) -> dict[str, Any]:
    """A modal's private_metadata, {} when missing or not ours."""
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
