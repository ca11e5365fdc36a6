"""The follow-up modals (BANT, out of office, extension, written discount approval): builders and
the parsers of their submissions.

    view = bant_modal("ja", deal_id=12, company="Acme", latest=None, metadata={...})
    fields, errors = parse_bant(body["view"]["state"]["values"], "ja", today)

A parser returns the typed values, or Slack's inline errors (`{block_id: message}`) in the
user's language; nothing is written when there are errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import t
from bot.usecases.bant import BantFields
from bot.views.text import SECTION_TEXT, clip, escape

__all__ = [
    "BANT_CALLBACK",
    "DISCOUNT_CALLBACK",
    "EXTENSION_CALLBACK",
    "OOO_CALLBACK",
    "ExtensionInput",
    "OooInput",
    "bant_modal",
    "discount_modal",
    "extension_modal",
    "metadata_of",
    "ooo_modal",
    "parse_bant",
    "parse_extension",
    "parse_ooo",
    "parse_wording",
]

BANT_CALLBACK = "followup_bant"
OOO_CALLBACK = "followup_ooo"
EXTENSION_CALLBACK = "followup_extension"
DISCOUNT_CALLBACK = "followup_discount_approval"

VALUE = "value"  # the action id of every input in these modals
TEXT_LIMIT = 2000
MAX_EXTENSION_HOURS = 240  # ten business days
MAX_ABSENCE = timedelta(days=183)

Values = Mapping[str, Mapping[str, Mapping[str, Any]]]
Errors = dict[str, str]


def metadata_of(view: Mapping[str, Any]) -> dict[str, Any]:
    """A modal's private metadata (JSON), or {} when missing or unreadable."""
    try:
        data = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _modal(callback_id: str, lang: str, title_key: str, blocks: list[Any], *,
           metadata: Mapping[str, Any], submit_key: str = "followup.modal.submit"
           ) -> dict[str, Any]:
    view = View(type="modal", callback_id=callback_id, title=t(title_key, lang),
                submit=t(submit_key, lang), close=t("followup.modal.cancel", lang),
                blocks=blocks, private_metadata=json.dumps(dict(metadata)))
    return view.to_dict()


def _text_input(block_id: str, label: str, *, initial: str | None = None, optional: bool = False,
                multiline: bool = True, placeholder: str | None = None) -> InputBlock:
    return InputBlock(block_id=block_id, label=label, optional=optional, element=PlainTextInputElement(
        action_id=VALUE, multiline=multiline, initial_value=initial or None,
        max_length=TEXT_LIMIT, placeholder=placeholder))


def _value(values: Values, block_id: str) -> Mapping[str, Any]:
    return values.get(block_id, {}).get(VALUE, {}) or {}


def _text(values: Values, block_id: str) -> str:
    return str(_value(values, block_id).get("value") or "").strip()


def _instant(values: Values, block_id: str) -> datetime | None:
    stamp = _value(values, block_id).get("selected_date_time")
    if stamp in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(int(stamp), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


# -- BANT -----------------------------------------------------------------------------------

BANT_BLOCKS = ("bant_budget", "bant_authority", "bant_need", "bant_timing")


def bant_modal(lang: str, *, deal_id: int, company: str, latest: BantFields | None,
               metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The BANT modal, filled with the latest update so that a change is a small edit."""
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(
        text=clip(t("followup.bant.intro", lang, company=escape(company), ref=deal_id),
                  SECTION_TEXT)))]
    for block_id in BANT_BLOCKS:
        name = block_id.removeprefix("bant_")
        initial = getattr(latest, name) if latest is not None else None
        blocks.append(_text_input(block_id, t(f"followup.bant.{name}", lang), initial=initial,
                                  placeholder=t(f"followup.bant.{name}_hint", lang)))
    blocks.append(_text_input("bant_next_step", t("followup.bant.next_step", lang),
                              initial=latest.next_step if latest is not None else None,
                              optional=True))
    close = latest.expected_close if latest is not None else None
    blocks.append(InputBlock(block_id="bant_close", label=t("followup.bant.expected_close", lang),
                             optional=True, element=DatePickerElement(
                                 action_id=VALUE,
                                 initial_date=close.isoformat() if close else None)))
    return _modal(BANT_CALLBACK, lang, "followup.bant.title", blocks,
                  metadata={**metadata, "deal_id": deal_id})


def parse_bant(values: Values, lang: str, today: date) -> tuple[BantFields | None, Errors]:
    """The BANT fields, or inline errors: the four are required, the close date not past."""
    errors: Errors = {}
    texts = {}
    for block_id in (*BANT_BLOCKS, "bant_next_step"):
        texts[block_id] = _text(values, block_id)
        if len(texts[block_id]) > TEXT_LIMIT:
            errors[block_id] = t("followup.error.too_long", lang, limit=TEXT_LIMIT)
    for block_id in BANT_BLOCKS:
        if not texts[block_id]:
            errors[block_id] = t("followup.error.required", lang)
    close: date | None = None
    raw = str(_value(values, "bant_close").get("selected_date") or "")
    if raw:
        try:
            close = date.fromisoformat(raw)
        except ValueError:
            errors["bant_close"] = t("followup.error.date", lang)
        else:
            if close < today:
                errors["bant_close"] = t("followup.bant.error_close_past", lang)
    if errors:
        return None, errors
    return BantFields(budget=texts["bant_budget"], authority=texts["bant_authority"],
                      need=texts["bant_need"], timing=texts["bant_timing"],
                      next_step=texts["bant_next_step"] or None, expected_close=close), {}


# -- out of office --------------------------------------------------------------------------

@dataclass(frozen=True)
class OooInput:
    """An out-of-office as entered."""

    start: datetime
    end: datetime
    delegate_user: str | None


def ooo_modal(lang: str, *, now: datetime, metadata: Mapping[str, Any],
              colleagues: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """The out-of-office modal: start, end (date and time, in the user's own zone as Slack
    shows it) and an optional delegate, chosen among `colleagues` (Slack user id, name): a
    static select of the people who may stand in, not a user picker, which would offer every
    member of a shared workspace, people of other partner organisations included (the use
    case still checks whoever a submission names). Slack lists at most 100 options."""
    start = int((now + timedelta(days=1)).timestamp())
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=t("followup.ooo.intro", lang))),
        InputBlock(block_id="ooo_start", label=t("followup.ooo.start", lang),
                   element=DateTimePickerElement(action_id=VALUE, initial_date_time=start)),
        InputBlock(block_id="ooo_end", label=t("followup.ooo.end", lang),
                   element=DateTimePickerElement(action_id=VALUE,
                                                 initial_date_time=start + 86400)),
    ]
    if colleagues:
        blocks.append(InputBlock(
            block_id="ooo_delegate", label=t("followup.ooo.delegate", lang), optional=True,
            hint=t("followup.ooo.delegate_hint", lang),
            element=StaticSelectElement(
                action_id=VALUE, placeholder=t("followup.ooo.delegate_pick", lang),
                options=[Option(value=user, text=PlainTextObject(text=name[:75]))
                         for user, name in colleagues[:100]])))
    return _modal(OOO_CALLBACK, lang, "followup.ooo.title", blocks, metadata=metadata)


def parse_ooo(values: Values, lang: str, now: datetime) -> tuple[OooInput | None, Errors]:
    """Start and end (end after start, not over already), and the delegate's user id."""
    errors: Errors = {}
    start = _instant(values, "ooo_start")
    end = _instant(values, "ooo_end")
    if start is None:
        errors["ooo_start"] = t("followup.error.required", lang)
    if end is None:
        errors["ooo_end"] = t("followup.error.required", lang)
    if start is not None and end is not None:
        if end <= start:
            errors["ooo_end"] = t("followup.ooo.error_order", lang)
        elif end <= now:
            errors["ooo_end"] = t("followup.ooo.error_over", lang)
        elif end - start > MAX_ABSENCE:
            errors["ooo_end"] = t("followup.ooo.error_long", lang)
    chosen = _value(values, "ooo_delegate")
    delegate = str((chosen.get("selected_option") or {}).get("value")
                   or chosen.get("selected_user") or "") or None
    if errors or start is None or end is None:
        return None, errors
    return OooInput(start, end, delegate), {}


# -- extensions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ExtensionInput:
    """More business hours, or a new due time, and the reason."""

    extra: timedelta | None
    new_due: datetime | None
    reason: str


def extension_modal(lang: str, *, deal_id: int, company: str, due: datetime | None,
                    granting: bool, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Ask for (a partner) or grant (a GS) more time on the deal's running clock."""
    intro = t("followup.extend.modal_intro_grant" if granting else
              "followup.extend.modal_intro_request", lang, company=escape(company), ref=deal_id)
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=clip(intro, SECTION_TEXT))),
        InputBlock(block_id="ext_hours", label=t("followup.extend.hours", lang), optional=True,
                   element=NumberInputElement(action_id=VALUE, is_decimal_allowed=False,
                                              min_value=1, max_value=MAX_EXTENSION_HOURS)),
        InputBlock(block_id="ext_until", label=t("followup.extend.until", lang), optional=True,
                   element=DateTimePickerElement(
                       action_id=VALUE,
                       initial_date_time=None if due is None else int(due.timestamp()))),
        _text_input("ext_reason", t("followup.extend.reason", lang)),
    ]
    return _modal(EXTENSION_CALLBACK, lang, "followup.extend.title", blocks,
                  metadata={**metadata, "deal_id": deal_id},
                  submit_key="followup.modal.grant" if granting else "followup.modal.submit")


def parse_extension(values: Values, lang: str, now: datetime, due: datetime | None = None
                    ) -> tuple[ExtensionInput | None, Errors]:
    """Hours (1 to 240) or a new due time (later than now and than `due`), and a reason.

    A date-time left at the current due time (the picker's initial value) with hours given
    counts as hours."""
    errors: Errors = {}
    raw_hours = str(_value(values, "ext_hours").get("value") or "").strip()
    until = _instant(values, "ext_until")
    reason = _text(values, "ext_reason")
    hours: int | None = None
    if raw_hours:
        try:
            hours = int(raw_hours)
        except ValueError:
            errors["ext_hours"] = t("followup.extend.error_hours", lang,
                                    limit=MAX_EXTENSION_HOURS)
        else:
            if not 1 <= hours <= MAX_EXTENSION_HOURS:
                errors["ext_hours"] = t("followup.extend.error_hours", lang,
                                        limit=MAX_EXTENSION_HOURS)
    if hours is not None and until is not None and due is not None and \
            int(until.timestamp()) == int(due.timestamp()):
        until = None
    if not errors:
        if hours is None and until is None:
            errors["ext_hours"] = t("followup.extend.error_either", lang)
        elif hours is not None and until is not None:
            errors["ext_until"] = t("followup.extend.error_both", lang)
        elif until is not None and (until <= now or (due is not None and until <= due)):
            errors["ext_until"] = t("followup.extend.error_until", lang)
    if not reason:
        errors["ext_reason"] = t("followup.error.required", lang)
    elif len(reason) > TEXT_LIMIT:
        errors["ext_reason"] = t("followup.error.too_long", lang, limit=TEXT_LIMIT)
    if errors:
        return None, errors
    return ExtensionInput(timedelta(hours=hours) if hours is not None else None, until,
                          reason), {}


# -- written discount approval --------------------------------------------------------------

def discount_modal(lang: str, *, description: str, company: str, deal_id: int,
                   metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The GS writes the approval wording, kept on the deal."""
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=clip(t(
            "followup.discount.modal_intro", lang, company=escape(company), ref=deal_id,
            description=escape(description)), SECTION_TEXT))),
        _text_input("discount_wording", t("followup.discount.wording", lang),
                    initial=t("followup.discount.wording_default", lang,
                              description=description)[:TEXT_LIMIT]),
    ]
    return _modal(DISCOUNT_CALLBACK, lang, "followup.discount.title", blocks,
                  metadata=metadata, submit_key="followup.modal.approve")


def parse_wording(values: Values, lang: str) -> tuple[str | None, Errors]:
    """The written approval (required)."""
    wording = _text(values, "discount_wording")
    if not wording:
        return None, {"discount_wording": t("followup.error.required", lang)}
    if len(wording) > TEXT_LIMIT:
        return None, {"discount_wording": t("followup.error.too_long", lang, limit=TEXT_LIMIT)}
    return wording, {}
