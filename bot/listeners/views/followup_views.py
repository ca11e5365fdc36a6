"""Submissions of the follow-up modals: BANT, out of office, extension, written discount approval.

The acknowledgement checks every field and answers Slack's inline errors in the user's language
(nothing is written then); the work runs in a lazy listener, and the person is told how it went
where they started (the response URL kept in the modal), else by direct message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.listeners.common import actor_of, polite
from bot.listeners.followup_support import notice_text, post_response, tell
from bot.usecases.followup import (
    Notice,
    decide_discount,
    file_extension,
    partner_clock,
    record_bant,
    register_absence,
)
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
from storage.errors import NotFoundError

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


def _deal_id(body: dict[str, Any]) -> int | None:
    value = _meta(body).get("deal_id")
    return value if isinstance(value, int) else None


def _running_due(services: Services, deal_id: int | None) -> datetime | None:
    if deal_id is None:
        return None
    with services.uow() as uow:
        try:
            deal = uow.deals.get(deal_id)
        except NotFoundError:  # removed meanwhile: the use case will say so
            return None
        row = partner_clock(uow, deal)
        return row.due_at if row is not None else None


def _delegate_error(services: Services, actor: Actor, user: str | None) -> Errors:
    if not user:
        return {}
    if user == actor.user_id:
        return {"ooo_delegate": Notice("followup.ooo.error_delegate_self").text(actor.lang)}
    with services.uow() as uow:
        person = uow.directory.person(actor.team_id, user)
        if person is None or not person.active:
            return {"ooo_delegate": Notice("followup.ooo.error_delegate_unknown").text(
                actor.lang)}
    return {}


def _reject(ack: Any, errors: Errors) -> None:
    ack(response_action="errors", errors=errors)


def _done(services: Services, actor: Actor, body: dict[str, Any], notice: Notice) -> None:
    url = _meta(body).get("response_url")
    tell(services, actor, url if isinstance(url, str) else None, notice)


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
            _done(services, actor, body, record_bant(services, actor, deal_id, fields))
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
            errors = _delegate_error(services, actor, entered.delegate_user)
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
            _done(services, actor, body, register_absence(
                services, actor, start=entered.start, end=entered.end,
                delegate_user=entered.delegate_user))
    return save_ooo


# -- extension ------------------------------------------------------------------------------

def _extension_ack() -> Handler:
    def ack_extension(services: Services, ack: Any, body: dict[str, Any], context: Any) -> None:
        actor = _person_of(context)
        if actor is None:
            _stranger(ack, context, "ext_hours")
            return
        due = _running_due(services, _deal_id(body))
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
        due = _running_due(services, deal_id)
        entered, _ = parse_extension(_values(body), actor.lang, services.now(), due)
        if entered is not None:
            _done(services, actor, body, file_extension(
                services, actor, deal_id, extra=entered.extra, new_due=entered.new_due,
                reason=entered.reason))
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
        notice = decide_discount(services, actor, discount_id, approve=True,
                                 written=wording)
        url = meta.get("response_url")
        if notice.ok and isinstance(url, str) and url and \
                post_response(url, notice_text(notice, actor), replace=True):
            return
        tell(services, actor, url if isinstance(url, str) else None, notice)
    return approve_discount


def register(app: App) -> None:
    """Register the follow-up modal submissions."""
    app.view(BANT_CALLBACK)(ack=_bant_ack(), lazy=[polite(_bant_work())])
    app.view(OOO_CALLBACK)(ack=_ooo_ack(), lazy=[polite(_ooo_work())])
    app.view(EXTENSION_CALLBACK)(ack=_extension_ack(), lazy=[polite(_extension_work())])
    app.view(DISCOUNT_CALLBACK)(ack=_discount_ack, lazy=[polite(_discount_work())])
