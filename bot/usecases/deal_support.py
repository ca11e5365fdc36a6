"""What every deal use case shares: the deal a command names, the deal's own words in a
message, stopping its clocks, and the refusals they all give the same way.

    deal = named_deal(uow, actor, DealRef(number, channel, thread_ts), usage="close")

A command names its deal by a `DealRef`: the thread it was typed in wins, else the number; with
neither, the person is asked which deal (and shown their open ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.messages import Mention, Param, Refused, Reply, Text, Typed
from bot.usecases.policy import seen_deal
from rules.vocabulary import Role
from storage.errors import ChangedMeanwhileError, NotFoundError
from storage.models import ClockState, Deal, DealStatus, Party, Person

if TYPE_CHECKING:
    from bot.context import Actor
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = [
    "DealDone",
    "DealRef",
    "already_decided",
    "check_version",
    "commit",
    "deal_args",
    "get_deal",
    "mention",
    "named_deal",
    "not_open",
    "open_deals",
    "person_of",
    "settle_overdue",
    "status_text",
    "stop_clocks",
    "usage_refusal",
]


@dataclass(frozen=True)
class DealRef:
    """How a command names a deal: a number (`#12`), the thread it was typed in, or neither
    (then the person's own open deals decide, or they are asked which one)."""

    number: int | None = None
    channel: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class DealDone:
    """A deal use case's result: the deal it worked on and what its author is told."""

    deal_id: int
    reply: Reply


def deal_args(deal: Deal) -> dict[str, Param]:
    """The deal's number, company (as typed) and domain, for a message."""
    return {"deal": deal.id, "company": Typed(deal.company), "domain": deal.customer_domain}


def status_text(status: DealStatus) -> Text:
    """A status's name, in the reader's language."""
    return Text(f"deals.status.{status.value}")


def mention(person: Person | None) -> Mention | str:
    """A Slack mention of a person, `-` for nobody."""
    return Mention(person.slack_user_id) if person is not None else "-"


def already_decided(deal: Deal) -> Refused:
    """The deal is no longer waiting for the answer someone clicked."""
    return Refused(Reply.refusal("deals.error.already_decided", deal=deal.id,
                                 status=status_text(deal.status)))


def not_open(deal: Deal) -> Refused:
    """The deal is closed, declined or lapsed: nothing more to do on it."""
    return Refused(Reply.refusal("deals.error.not_open", deal=deal.id,
                                 status=status_text(deal.status)))


def usage_refusal(usage: str, problem: str, **params: Param) -> Refused:
    """A `/deal <usage>` typed wrongly: the problem and the command's usage."""
    return Refused(Reply.refusal("deals.usage_error", problem=Text(problem, params),
                                 usage=Text(f"deals.usage.{usage}")))


def get_deal(uow: AbstractUnitOfWork, deal_id: int, actor: Actor | None = None) -> Deal:
    """The deal, or a refusal saying there is none with that number; for a partner `actor`,
    a deal of another organisation is refused in the very words of a missing one."""
    try:
        deal = uow.deals.get(deal_id)
    except NotFoundError:
        if actor is not None:
            seen_deal(actor, deal_id, None)
        raise Refused(Reply.refusal("deals.error.not_found", deal=deal_id)) from None
    if actor is not None:
        seen_deal(actor, deal_id, deal)
    return deal


def open_deals(uow: AbstractUnitOfWork, actor: Actor, limit: int = 10
               ) -> Sequence[tuple[int, str]]:
    """The actor's open deals (a partner: its organisation's; a GS: theirs), for a hint."""
    if actor.role is Role.PARTNER and actor.partner_org_id is not None:
        deals = uow.deals.for_partner(actor.partner_org_id, limit=limit)
    elif actor.person_id is not None and actor.role is Role.GS:
        deals = uow.deals.for_gs(actor.person_id, limit=limit)
    else:
        deals = []
    return [(d.id, d.customer_domain) for d in deals]


def named_deal(uow: AbstractUnitOfWork, actor: Actor, ref: DealRef, *, usage: str) -> Deal:
    """The deal a command means: its thread's, else the number given; else the person is asked
    which one (`usage` names the command whose usage they are shown)."""
    if ref.channel and ref.thread_ts:
        found = uow.deals.by_thread(ref.channel, ref.thread_ts)
        if found is not None:
            return found
    if ref.number is None:
        mine = open_deals(uow, actor)
        listed = ", ".join(f"#{i} {domain}" for i, domain in mine)
        raise usage_refusal(usage, "deals.problem.which_deal" if mine else
                            "deals.problem.which_deal_none", deals=listed)
    return get_deal(uow, ref.number, actor)


def check_version(uow: AbstractUnitOfWork, deal_id: int, version: int | None) -> None:
    """Refuse when the deal changed since the card the person clicked was rendered."""
    if version is None:
        return
    try:
        uow.deals.get(deal_id, expected_version=version)
    except ChangedMeanwhileError:
        raise Refused(Reply.refusal("error.changed_meanwhile")) from None


def commit(uow: AbstractUnitOfWork) -> None:
    """Commit; someone else's change in the meantime is a refusal to retry."""
    try:
        uow.commit()
    except ChangedMeanwhileError:
        raise Refused(Reply.refusal("error.changed_meanwhile")) from None


def person_of(uow: AbstractUnitOfWork, actor: Actor) -> Person:
    """The directory's row of the person acting."""
    person = uow.directory.person(actor.team_id, actor.user_id)
    if person is None:
        raise Refused(Reply.refusal("error.unknown_user"))
    return person


def stop_clocks(uow: AbstractUnitOfWork, deal: Deal, now: datetime, state: ClockState, *,
                kinds: Sequence[str] | None = None, owed_by: Party | None = None) -> None:
    """Stop the deal's running clocks (of `kinds`, owed by `owed_by`) in `state`."""
    for clock in uow.clocks.running(deal.id):
        if kinds is not None and clock.kind not in kinds:
            continue
        if owed_by is not None and clock.owed_by is not owed_by:
            continue
        clock.state = state
        clock.stopped_at = now
        clock.next_action_at = None


def settle_overdue(uow: AbstractUnitOfWork, deal: Deal, now: datetime) -> None:
    """A deal closed or lost its partner: the GS owes no reply on it any more, so an overdue
    one (breached, unanswered) is overdue no more; its breach stays on the GS's record."""
    for clock in uow.clocks.for_deal(deal.id):
        if clock.owed_by is Party.GS and clock.state is ClockState.BREACHED \
                and clock.stopped_at is None:
            clock.stopped_at = now
