"""Queueing a raw Web API call (typed messages use `bot.messages.queue`): in the unit of
work's transaction, once per idempotency key, in its conversation."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.lanes import ANSWER_METHODS

if TYPE_CHECKING:
    from storage.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)


def conversation_of(payload: dict[str, Any], channel: str = "") -> str:
    """The conversation a message belongs to, in which messages go out in order: a deal's
    thread (`deal:<id>`, the card included), a person's DM, or a channel; an answer to a person
    (an ephemeral reply, a view) in that person's own, apart from background work."""
    args = payload.get("args") or {}
    if payload.get("method") in ANSWER_METHODS:  # in order per person and place
        user = args.get("user") or args.get("user_id") or "-"
        return f"a:{args.get('channel') or channel or '-'}:{user}"[:32]
    if "thread_of" in payload:
        return f"deal:{payload['thread_of']}"
    if payload.get("render") == "deal_card":
        return f"deal:{payload['deal_id']}"
    if payload.get("dm"):
        return f"dm:{payload['dm']}"
    return channel or str(args.get("channel") or payload.get("user_id") or "-")


def enqueue(uow: AbstractUnitOfWork, *, key: str, payload: dict[str, Any], channel: str = "",
            thread_ts: str | None = None, team_id: str | None = None,
            at: datetime | None = None) -> bool:
    """Queue a message in the unit of work's transaction; False if `key` was already queued.

    `payload` is either {"method": ..., "args": {...}} with optional "thread_of" (a deal id whose
    thread receives it) or "dm" (a user id), or {"render": name, ...} for a registered renderer.
    """
    return uow.outbox.enqueue(key=key, channel=conversation_of(payload, channel),
                              payload=payload, at=at or uow.now(), thread_ts=thread_ts,
                              team_id=team_id)
