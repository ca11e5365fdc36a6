"""What a row becomes at send time: a typed message rendered for the reader where it lands, the
deal card drawn as the deal is now, or a raw call; `NotReady` while its thread has no card."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from bot.installations import team_of
from bot.members import channel_members
from bot.messages import Recipient, decode
from bot.usecases.audience import Destination, NoThreadYet, destination
from bot.usecases.cards import card_facts
from bot.usecases.channels import check_post
from bot.usecases.channels import check_thread as check_thread_channel
from bot.usecases.recipients import check_message, check_person, check_place, check_thread
from bot.views.deal_card import card_message
from bot.views.messages import message_args
from storage.models import DealThread, OutboxMessage

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)
METADATA_EVENT = "coseller_outbox"  # Slack message metadata carrying the idempotency key


Renderer = Callable[["Services", "AbstractUnitOfWork", dict[str, Any]], tuple[str, dict[str, Any]]]


RENDERERS: dict[str, Renderer] = {}


class NotReady(Exception):  # noqa: N818 - a signal, not an error
    """The message depends on one not sent yet (its thread's card); try again shortly."""


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register a function that turns a payload into (Web API method, arguments) at send time."""
    def register(function: Renderer) -> Renderer:
        RENDERERS[name] = function
        return function
    return register


RENDERER_MODULES: tuple[str, ...] = ()  # modules registering further renderers on import


def _load_renderers() -> None:
    """Import the modules that register renderers (a process may deliver without listeners)."""
    import importlib

    for name in RENDERER_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            log.debug("no renderer module %s", name)


@renderer("deal_card")
def render_deal_card(services: Services, uow: AbstractUnitOfWork, payload: dict[str, Any]
                     ) -> tuple[str, dict[str, Any]]:
    """The deal card as it is now: its facts (`bot.usecases.cards.card_facts`) drawn by the
    card view; posted the first time, then edited in place."""
    return card_message(card_facts(uow, int(payload["deal_id"])),
                        default_channel=services.settings.deal_channel)


def _thread(uow: AbstractUnitOfWork, deal_id: int) -> DealThread:
    thread = uow.deals.thread(deal_id)
    if thread is None or thread.thread_ts is None:
        raise NotReady(f"deal {deal_id} has no thread yet")
    return thread


Destinations = dict[Recipient, Destination]


def _typed(services: Services, uow: AbstractUnitOfWork, message: OutboxMessage,
           client: WebClient, known: Destinations) -> tuple[str, dict[str, Any]]:
    """A typed message (`bot.messages`): where it goes and its text for the reader there.
    `known` remembers destinations for one delivery round (a burst of reminders to one thread
    looks its thread and language up once)."""
    typed = decode(message.idempotency_key, message.payload)
    check_message(uow, typed)  # the recipient door: before anything is opened or sent
    where = known.get(typed.to)
    if where is None:
        try:
            where = known[typed.to] = destination(uow, typed.to)
        except NoThreadYet as waiting:
            raise NotReady(str(waiting)) from None
    args = message_args(typed, where.reader)
    if where.dm_user is not None:
        args["channel"] = services.dms.channel(uow, client, where.team_id, where.dm_user)
    else:
        args["channel"] = where.channel
        if where.thread_ts:
            args["thread_ts"] = where.thread_ts
    return "chat.postMessage", args


def _raw_door(uow: AbstractUnitOfWork, message: OutboxMessage, payload: dict[str, Any],
              args: dict[str, Any]) -> None:
    """The recipient door for a row that is not a typed message: the card (read in its deal's
    thread), or a raw call about a deal (`deal_id` or `thread_of` in its payload) to a person
    (`dm`, a view's or an ephemeral message's `user_id`), a deal's thread or a channel."""
    if payload.get("render") == "deal_card":
        deal_id = int(payload["deal_id"])
        check_thread(uow, deal_id, deal_id, str(args.get("channel") or "") or None)
        return
    about = payload.get("deal_id", payload.get("thread_of"))
    if about is None:
        return
    deal_id = int(about)
    user = str(payload.get("dm") or args.get("user") or args.get("user_id") or "")
    if user:
        check_person(uow, deal_id, uow.directory.person(message.team_id or "", user), user)
    elif "thread_of" in payload:
        thread = uow.deals.thread(int(payload["thread_of"]))
        check_thread(uow, deal_id, int(payload["thread_of"]),
                     thread.channel_id if thread is not None else None)
    else:
        check_place(uow, deal_id, str(args.get("channel") or message.channel),
                    str(args.get("thread_ts") or "") or None)


def prepare(services: Services, uow: AbstractUnitOfWork, message: OutboxMessage,
            client: WebClient, known: Destinations | None = None) -> tuple[str, dict[str, Any]]:
    """The Web API method and arguments of a row, rendered now (`NotReady` while it waits;
    `bot.usecases.recipients.Unseen` when someone it would reach may not see its deal;
    `HeldBack` when it is about a deal and its channel has another partner's member)."""
    payload = dict(message.payload)
    members = channel_members(client)
    check_thread_channel(uow, members, payload)
    if payload.get("render") == "message":
        method, args = _typed(services, uow, message, client, {} if known is None else known)
    elif "render" in payload:
        if payload["render"] not in RENDERERS:
            _load_renderers()
        method, args = RENDERERS[payload["render"]](services, uow, payload)
        _raw_door(uow, message, payload, args)
    else:
        method, args = payload["method"], dict(payload.get("args") or {})
        _raw_door(uow, message, payload, args)
    if "thread_of" in payload:
        thread = _thread(uow, int(payload["thread_of"]))
        args.setdefault("channel", thread.channel_id)
        args.setdefault("thread_ts", thread.thread_ts)
    if "dm" in payload and "channel" not in args:
        args["channel"] = services.dms.channel(uow, client, team_of(uow, message),
                                               str(payload["dm"]))
    if method == "chat.postMessage":
        args.setdefault("channel", message.channel)
        args["metadata"] = {"event_type": METADATA_EVENT,
                            "event_payload": {"key": message.idempotency_key}}
    check_post(uow, members, payload, method, args)
    return method, args
