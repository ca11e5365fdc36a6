"""Submissions of the follow-up modals: BANT, out of office, extension, written discount approval.

The acknowledgement checks every field and answers Slack's inline errors in the user's language
(nothing is written then); the work runs in a lazy listener, and the person is told how it went
where they started (the response URL kept in the modal), else by direct message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.listeners.common import actor_of, polite
from bot.listeners.followup_support import post_response, reader, tell
from bot.messages import Refused, Reply
from bot.usecases.absences import RegisterAbsence, check_delegate, register_absence
from bot.usecases.bant import RecordBant, record_bant
from bot.usecases.deal_support import DealRef
from bot.usecases.discounts import DecideDiscount, decide_discount
from bot.usecases.extensions import FileExtension, current_due, file_extension
from bot.views.followup_modals import (
    BANT_CALLBACK,
    DISCOUNT_CALLBACK,
    EXTENSION_CALLBACK,
    OOO_CALLBACK,
    Errors,
    Values,
    metadata_of,
    parse_bant,
    parse_extension,
    parse_ooo,
    parse_wording,
)
from bot.views.text import render_reply

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import Actor
    from bot.services import Services

__all__ = ["register"]

Handler = Callable[..., None]


def _values(body: dict[str, Any]) -> Values:
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return values if isinstance(values, dict) else {}


def _meta(body: dict[str, Any]) -> dict[str, Any]:
    return metadata_of(body.get("view") or {})


def _deal_id(body: dict[str, Any], name: str = "deal_id") -> int | None:
    value = _meta(body).get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _reject(ack: Any, errors: Errors) -> None:
    ack(response_action="errors", errors=errors)


def _url(body: dict[str, Any]) -> str | None:
    url = _meta(body).get("response_url")
    return url if isinstance(url, str) and url else None


def _done(services: Services, actor: Actor, body: dict[str, Any],
          decide: Callable[[], Reply]) -> None:
    """Run the use case and tell the person how it went (or why not)."""
    try:
        reply = decide()
    except Refused as refused:
        reply = refused.reply
    tell(services, actor, _url(body), reply)


def _person_of(context: Any) -> Actor | None:
    actor = actor_of(context)
    return actor if actor is not None and actor.known else None


def _stranger(ack: Any, context: Any, block_id: str) -> bool:
    """True (after telling them, beside the modal's first field, to ask an admin) when the
    person submitting is not, or no longer, in the directory."""
    actor = actor_of(context)
    if actor is not None and actor.known:
        return False
    _reject(ack, {block_id: t("error.unknown_user", actor.lang if actor is not None else "en")})
    return True


# -- BANT -----------------------------------------------------------------------------------

def _bant_ack() -> Handler:
    def ack_bant(services: Services, ack: Any, body: dict[str, Any], context: Any) -> None:
        actor = _person_of(context)
        if actor is None:
            _stranger(ack, context, "bant_budget")
            return
        today = services.now().astimezone(actor.tz).date()
        _, errors = parse_bant(_values(body), actor.lang, today)
        if errors:
            _reject(ack, errors)
            return
        ack()
    return ack_bant


def _bant_work() -> Handler:
    def save_bant(services: Services, body: dict[str, Any], context: Any) -> None:
        actor = _person_of(context)
        deal_id = _deal_id(body)
        if actor is None or deal_id is None:
            return
        today = services.now().astimezone(actor.tz).date()
        fields, _ = parse_bant(_values(body), actor.lang, today)
        if fields is not None:
            command = RecordBant(deal_id, fields)
            _done(services, actor, body, lambda: record_bant(services, actor, command))
    return save_bant


# -- out of office --------------------------------------------------------------------------

def _ooo_ack() -> Handler:
    def ack_ooo(services: Services, ack: Any, body: dict[str, Any], context: Any) -> None:
        actor = _person_of(context)
        if actor is None:
            _stranger(ack, context, "ooo_start")
            return
        entered, errors = parse_ooo(_values(body), actor.lang, services.now())
        if entered is not None:
            try:
                check_delegate(services, actor, entered.delegate_user)
            except Refused as refused:
                errors = {refused.reply.field or "ooo_delegate":
                          render_reply(refused.reply, reader(actor))}
        if errors:
            _reject(ack, errors)
            return
        ack()
    return ack_ooo


def _ooo_work() -> Handler:
    def save_ooo(services: Services, body: dict[str, Any], context: Any) -> None:
        actor = _person_of(context)
        if actor is None:
            return
        entered, _ = parse_ooo(_values(body), actor.lang, services.now())
        if entered is not None:
            command = RegisterAbsence(entered.start, entered.end, entered.delegate_user)
            _done(services, actor, body, lambda: register_absence(services, actor, command))
    return save_ooo


# -- extension ------------------------------------------------------------------------------

def _extension_ack() -> Handler:
    def ack_extension(services: Services, ack: Any, body: dict[str, Any], context: Any) -> None:
        actor = _person_of(context)
        if actor is None:
            _stranger(ack, context, "ext_hours")
            return
        due = current_due(services, _deal_id(body), _deal_id(body, "clock_id"))
        _, errors = parse_extension(_values(body), actor.lang, services.now(), due)
        if errors:
            _reject(ack, errors)
            return
        ack()
    return ack_extension


def _extension_work() -> Handler:
    def save_extension(services: Services, body: dict[str, Any], context: Any) -> None:
        actor = _person_of(context)
        deal_id = _deal_id(body)
        if actor is None or deal_id is None:
            return
        clock_id = _deal_id(body, "clock_id")  # a breach notice's clock
        due = current_due(services, deal_id, clock_id)
        entered, _ = parse_extension(_values(body), actor.lang, services.now(), due)
        if entered is not None:
            command = FileExtension(DealRef(deal_id), entered.reason, extra=entered.extra,
                                    new_due=entered.new_due, clock_id=clock_id)
            _done(services, actor, body, lambda: file_extension(services, actor, command))
    return save_extension


# -- written discount approval --------------------------------------------------------------

def _discount_ack(ack: Any, body: dict[str, Any], context: Any) -> None:
    if _stranger(ack, context, "discount_wording"):
        return
    actor = actor_of(context)
    _, errors = parse_wording(_values(body), actor.lang if actor is not None else "en")
    if errors:
        _reject(ack, errors)
        return
    ack()


def _discount_work() -> Handler:
    def approve_discount(services: Services, body: dict[str, Any], context: Any) -> None:
        actor = _person_of(context)
        meta = _meta(body)
        discount_id = meta.get("discount_id")
        if actor is None or not isinstance(discount_id, int):
            return
        wording, _ = parse_wording(_values(body), actor.lang)
        if wording is None:
            return
        try:
            reply = decide_discount(services, actor,
                                    DecideDiscount(discount_id, approve=True, written=wording))
        except Refused as refused:
            reply = refused.reply
        url = _url(body)
        if reply.ok and url and post_response(url, render_reply(reply, reader(actor)),
                                              replace=True):
            return
        tell(services, actor, url, reply)
    return approve_discount


def register(app: App) -> None:
    """Register the follow-up modal submissions."""
    app.view(BANT_CALLBACK)(ack=_bant_ack(), lazy=[polite(_bant_work())])
    app.view(OOO_CALLBACK)(ack=_ooo_ack(), lazy=[polite(_ooo_work())])
    app.view(EXTENSION_CALLBACK)(ack=_extension_ack(), lazy=[polite(_extension_work())])
    app.view(DISCOUNT_CALLBACK)(ack=_discount_ack, lazy=[polite(_discount_work())])
