"""`/deal` subcommands of a deal's life: register, offer, status, close, remove, poi.

    /deal register                                   a modal (partners)
    /deal offer                                      a modal (GSs, admins)
    /deal status [deal]                              the deal, ephemerally
    /deal close won|lost [deal]                      GSs, admins
    /deal remove [deal] <reason>                     GSs, admins; the partner is told the reason
    /deal poi [deal] signed|sent|rejected [date] [onboarding] [link]

In a deal's thread the deal is that thread's; elsewhere its number names it (`12` or `#12`).
The arguments are read by `bot.syntax.deal`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.listeners.commands.subcommand import Subcommand
from bot.listeners.common import say_private
from bot.permissions import Action, allowed
from bot.syntax import UsageError, parse_close, parse_poi, parse_remove, parse_status
from bot.usecases.deals import (
    DealProblem,
    Done,
    close_deal,
    deal_summary,
    default_region,
    find_deal_id,
    metadata,
    open_deals,
    partner_choices,
    record_poi,
    remove_partner,
)
from bot.views.deal_modals import offer_modal, register_modal
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

    def deal(self, command: str, number: int | None) -> int:
        services = self.services
        found = find_deal_id(services, self.actor, deal_id=number,
                             channel=str(self.body.get("channel_id") or "") or None,
                             thread_ts=str(self.body.get("thread_ts") or "") or None)
        if found is None:
            mine = open_deals(services, self.actor)
            listed = ", ".join(f"#{i} {domain}" for i, domain in mine)
            raise UsageError("which_deal" if mine else "which_deal_none", grammar="deals",
                             command=command, field="deal", deals=listed)
        return found

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
            request.answer(usage.text(actor.lang))
            return
        except DealProblem as problem:
            request.answer(problem.text(actor.lang, actor.tz))
            return
        if isinstance(done, Done):
            request.answer(done.text(actor.lang, actor.tz))
    run.__name__ = function.__name__
    return run


def _status(request: _Request, rest: str) -> None:
    deal_id = request.deal("status", parse_status(rest))
    actor = request.actor
    text, blocks = deal_summary(request.services, actor, deal_id)
    request.answer(text, blocks)


def _close(request: _Request, rest: str) -> Done:
    args = parse_close(rest)
    if not allowed(request.actor.role, Action.CLOSE_DEAL):
        raise DealProblem("error.not_allowed", action=Action.CLOSE_DEAL)
    deal_id = request.deal("close", args.ref)
    return close_deal(request.services, request.actor, deal_id, won=args.won)


def _remove(request: _Request, rest: str) -> Done:
    if not allowed(request.actor.role, Action.REMOVE_PARTNER):
        raise DealProblem("error.not_allowed", action=Action.REMOVE_PARTNER)
    number, reason = parse_remove(rest)
    deal_id = request.deal("remove", number)
    return remove_partner(request.services, request.actor, deal_id, reason)


def _poi(request: _Request, rest: str) -> Done:
    args = parse_poi(rest)
    if not allowed(request.actor.role, Action.UPDATE_POI):
        raise DealProblem("error.not_allowed", action=Action.UPDATE_POI)
    deal_id = request.deal("poi", args.ref)
    return record_poi(request.services, request.actor, deal_id, PoiStatus(args.status),
                      signed_on=args.signed_on,
                      names_partner_onboarding=args.names_partner_onboarding, url=args.url)


def open_register(services: Services, actor: Actor, client: Any, trigger_id: str, respond: Any,
                  *, domain: str | None = None, source: dict[str, Any] | None = None) -> None:
    """Open the registration modal (pre-filled with `domain`), or say why not."""
    if not allowed(actor.role, Action.REGISTER_DEAL):
        if respond is not None:
            say_private(respond, DealProblem("error.not_allowed",
                                             action=Action.REGISTER_DEAL).text(actor.lang))
        return
    view = register_modal(actor.lang, regions=services.regions.codes(),
                          region=default_region(services, actor), domain=domain,
                          private_metadata=metadata(source=source or {}))
    client.views_open(trigger_id=trigger_id, view=view)


def _open_register(services: Services, actor: Actor, rest: str,
                   body: dict[str, Any], client: Any, respond: Any) -> None:
    del rest
    open_register(services, actor, client, str(body.get("trigger_id") or ""), respond)


def _open_offer(services: Services, actor: Actor, rest: str,
                body: dict[str, Any], client: Any, respond: Any) -> None:
    del rest
    if not allowed(actor.role, Action.OFFER_DEAL):
        say_private(respond, DealProblem("error.not_allowed",
                                         action=Action.OFFER_DEAL).text(actor.lang))
        return
    view = offer_modal(actor.lang, regions=services.regions.codes(),
                       region=default_region(services, actor),
                       partners=partner_choices(services, actor), private_metadata=metadata())
    client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)


def subcommands(table: dict[str, Subcommand]) -> None:
    """Add this module's subcommands to `table`."""

    table["register"] = Subcommand(_open_register, opens_modal=True)
    table["offer"] = Subcommand(_open_offer, opens_modal=True)
    table["status"] = Subcommand(_run(_status))
    table["close"] = Subcommand(_run(_close))
    table["remove"] = Subcommand(_run(_remove))
    table["poi"] = Subcommand(_run(_poi))
