"""`/deal` subcommands of a deal's life: register, offer, status, close, remove, poi, onboarding.

    /deal register                                   a modal (partners)
    /deal offer                                      a modal (GSs, admins)
    /deal status [deal]                              the deal, ephemerally
    /deal close won|lost [deal]                      GSs, admins
    /deal remove [deal] <reason>                     GSs, admins; the partner is told the reason
    /deal poi [deal] signed|sent|rejected [date] [onboarding] [link]
    /deal onboarding [deal] started [date]           onboarding began (today by default)

In a deal's thread the deal is that thread's; elsewhere its number names it (`12` or `#12`).
The arguments are read by `bot.syntax.deal`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.listeners.commands.subcommand import Subcommand
from bot.listeners.common import say_private, say_usage
from bot.messages import Refused
from bot.syntax import UsageError, parse_close, parse_onboarding, parse_poi, parse_status
from bot.syntax.tokens import split_ref
from bot.usecases.closing import CloseDeal, RecordPoi, RemovePartner, close_deal, record_poi, remove_partner
from bot.usecases.deal_queries import OpenDealForm, ShowDeal, deal_form, deal_summary
from bot.usecases.deal_support import DealDone, DealRef
from bot.usecases.onboarding import RecordOnboarding, record_onboarding
from bot.views.deal_answers import reply_text, status_answer
from bot.views.deal_modals import metadata, offer_modal, register_modal
from storage.models import PoiStatus

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["open_register", "subcommands"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Request:
    services: Services
    actor: Actor
    body: dict[str, Any]
    respond: Any

    def deal(self, number: int | None) -> DealRef:
        """The deal the command names: its thread's, else `number`."""
        return DealRef(number, channel=str(self.body.get("channel_id") or "") or None,
                       thread_ts=str(self.body.get("thread_ts") or "") or None)

    def answer(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        say_private(self.respond, text, blocks)


def _run(function: Any) -> Any:
    """Wrap a subcommand: refusals and usage problems become ephemeral answers."""
    def run(services: Services, actor: Actor, rest: str,
            body: dict[str, Any], client: Any, respond: Any) -> None:
        del client
        request = _Request(services, actor, body, respond)
        try:
            done = function(request, rest)
        except UsageError as usage:
            say_usage(respond, actor, usage)
            return
        except Refused as refused:
            request.answer(reply_text(actor, refused.reply))
            return
        if isinstance(done, DealDone):
            request.answer(reply_text(actor, done.reply))
    run.__name__ = function.__name__
    return run


def _status(request: _Request, rest: str) -> None:
    summary = deal_summary(request.services, request.actor,
                           ShowDeal(request.deal(parse_status(rest))))
    request.answer(*status_answer(request.actor, summary))


def _close(request: _Request, rest: str) -> DealDone:
    args = parse_close(rest)
    return close_deal(request.services, request.actor, CloseDeal(request.deal(args.ref), args.won))


def _remove(request: _Request, rest: str) -> DealDone:
    number, reason = split_ref(rest)  # the use case says who may remove before asking why
    return remove_partner(request.services, request.actor,
                          RemovePartner(request.deal(number), reason))


def _poi(request: _Request, rest: str) -> DealDone:
    args = parse_poi(rest, request.actor.tz, request.services.now())
    return record_poi(request.services, request.actor, RecordPoi(
        request.deal(args.ref), PoiStatus(args.status), signed_on=args.signed_on,
        names_partner_onboarding=args.names_partner_onboarding, url=args.url))


def _onboarding(request: _Request, rest: str) -> DealDone:
    args = parse_onboarding(rest, request.actor.tz, request.services.now())
    return record_onboarding(request.services, request.actor, RecordOnboarding(
        request.deal(args.ref), args.started_on))


def open_register(services: Services, actor: Actor, client: Any, trigger_id: str, respond: Any,
                  *, domain: str | None = None, source: dict[str, Any] | None = None) -> None:
    """Open the registration modal (pre-filled with `domain`), or say why not."""
    try:
        form = deal_form(services, actor, OpenDealForm("register"))
    except Refused as refused:
        if respond is not None:
            say_private(respond, reply_text(actor, refused.reply))
        return
    view = register_modal(actor.lang, regions=services.regions.codes(), region=form.region,
                          domain=domain, private_metadata=metadata(source=source or {}))
    client.views_open(trigger_id=trigger_id, view=view)


def _open_register(services: Services, actor: Actor, rest: str,
                   body: dict[str, Any], client: Any, respond: Any) -> None:
    del rest
    open_register(services, actor, client, str(body.get("trigger_id") or ""), respond)


def _open_offer(services: Services, actor: Actor, rest: str,
                body: dict[str, Any], client: Any, respond: Any) -> None:
    del rest
    try:
        form = deal_form(services, actor, OpenDealForm("offer"))
    except Refused as refused:
        say_private(respond, reply_text(actor, refused.reply))
        return
    view = offer_modal(actor.lang, regions=services.regions.codes(), region=form.region,
                       partners=form.partners, private_metadata=metadata())
    client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)


def subcommands(table: dict[str, Subcommand]) -> None:
    """Add this module's subcommands to `table`."""

    table["register"] = Subcommand(_open_register, opens_modal=True)
    table["offer"] = Subcommand(_open_offer, opens_modal=True)
    table["status"] = Subcommand(_run(_status))
    table["close"] = Subcommand(_run(_close))
    table["remove"] = Subcommand(_run(_remove))
    table["poi"] = Subcommand(_run(_poi))
    table["onboarding"] = Subcommand(_run(_onboarding))
