"""Response clocks from thread messages: a GS's message in a deal thread starts the partner's
response clock (the thread is told when the reply is due, and why), a partner's reply stops it;
a partner's message starts the GS's clock, held to the same rules (reminded, breached: see
`bot.usecases.sweep`), and the GS's reply stops it, an overdue one (breached, unanswered) too.
Questions to the bot, slash commands and the bot's own posts move nothing.

    outcome = on_thread_message(services, ThreadMessage(team, channel, thread_ts, ts, user))

Each message counts once (by its Slack `ts`), whatever Slack delivers twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Text, ToThread, queue
from bot.usecases.audience import thread_lang
from bot.usecases.clock_store import (
    RESPONSE,
    RESPONSE_KINDS,
    running_owed,
    start_clock,
    stop_clock,
)
from bot.usecases.followup_shared import ACTIVE_STATUSES, refresh, retrying
from rules import clocks as rc
from rules.answers import Viewer, render_reason
from rules.calendars import RegionCalendar
from rules.response_clock import reasons_at
from rules.vocabulary import Role
from storage.models import Clock, Deal, DealMessage, Party, Person
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["ThreadMessage", "announce_due", "on_thread_message", "partner_clock"]


@dataclass(frozen=True)
class ThreadMessage:
    """A person's message in a channel thread (from a `message` event)."""

    team_id: str
    channel: str
    thread_ts: str
    ts: str
    user: str
    user_team: str | None = None
    to_bot: bool = False  # it mentions Coseller: a question to the bot, not to the other side


def partner_clock(uow: AbstractUnitOfWork, deal: Deal) -> Clock | None:
    """The partner's running response clock on a deal (the oldest); else the one a breach
    notice is about (breached by the sweep, never answered), which a GS may still extend."""
    rows = running_owed(uow, deal.id, Party.PARTNER)
    if rows:
        return rows[0]
    return uow.clocks.latest_breached(deal.id, owed_by=Party.PARTNER, kinds=RESPONSE_KINDS)


def _reasons(uow: AbstractUnitOfWork, deal: Deal, clock: rc.Clock, calendar: RegionCalendar
             ) -> tuple[Text, ...]:
    """Why the reply is due then, one line each. The reasons are the rulebook's messages
    (`rules` catalogs), so they are worded here, in the thread's language, for the partner."""
    org = uow.directory.find_org(deal.partner_org_id)
    viewer = Viewer(Role.PARTNER, org.name if org is not None else "")
    lang = thread_lang(uow, deal)
    return tuple(Text("followup.clock.reason", {"reason": render_reason(r, lang, viewer, calendar.tz)})
                 for r in reasons_at(clock, uow.now()) if r.key != "clock.due")


def announce_due(uow: AbstractUnitOfWork, deal: Deal, row: Clock, *, clock: rc.Clock,
                 calendar: RegionCalendar, key: str, headline: str) -> None:
    """Tell the deal's thread when the partner's reply is now due, and why."""
    queue(uow, Outgoing(key, ToThread(deal.id),
                        (Text(headline, {"due": row.due_at}),
                         *_reasons(uow, deal, clock, calendar))))


def _author(uow: AbstractUnitOfWork, message: ThreadMessage) -> Person | None:
    for team in dict.fromkeys(x for x in (message.user_team, message.team_id) if x):
        person = uow.directory.person(team, message.user)
        if person is not None:
            return person if person.active else None
    return None


def on_thread_message(services: Services, message: ThreadMessage) -> str:
    """Start or stop response clocks for a message in a deal thread; what happened:
    `not_a_deal`, `to_bot` (a question to Coseller moves no clock), `ignored`, `duplicate` or
    `recorded` (with `+stopped`/`+started`)."""
    def work() -> str:
        with services.uow(actor=message.user) as uow:
            outcome = _on_thread_message(services, uow, message)
            if outcome.startswith("recorded"):
                uow.commit()
            return outcome
    return retrying(work)


def _side(deal: Deal, author: Person) -> Party | None:
    if author.role in (Role.GS, Role.ADMIN):
        return Party.GS
    if author.role is Role.PARTNER and deal.partner_org_id is not None and \
            author.partner_org_id == deal.partner_org_id:
        return Party.PARTNER
    return None


def _on_thread_message(services: Services, uow: AbstractUnitOfWork, message: ThreadMessage
                       ) -> str:
    deal = uow.deals.by_thread(message.channel, message.thread_ts)
    if deal is None:
        return "not_a_deal"
    if message.to_bot:
        return "to_bot"  # only messages between the parties start or stop their clocks
    author = _author(uow, message)
    side = _side(deal, author) if author is not None else None
    if author is None or side is None:
        return "ignored"
    now = services.now()
    record = DealMessage(deal_id=deal.id, slack_ts=message.ts, author_id=author.id, side=side,
                         received_at=now)
    if not uow.messages.record(record):
        return "duplicate"
    outcome = "recorded"
    other = Party.PARTNER if side is Party.GS else Party.GS
    # a reply in the thread stops every response clock of that side, a BANT prompt's included
    for row in running_owed(uow, deal.id, side, kinds=RESPONSE_KINDS):
        stop_clock(row, at=now)
        record.stops_clock = True
    if side is Party.GS:
        # the GS's overdue reply has come at last: it stays a breach, but is overdue no more
        for row, _ in uow.clocks.unanswered(Party.GS, deal_ids=[deal.id]):
            row.stopped_at = now
            record.stops_clock = True
    if record.stops_clock:
        outcome += "+stopped"
    owes = deal.status in ACTIVE_STATUSES and (
        deal.partner_org_id is not None if other is Party.PARTNER else deal.gs_id is not None)
    if owes and not running_owed(uow, deal.id, other, kinds=(RESPONSE,)):
        row, clock, calendar = start_clock(uow, services.regions, deal, kind=RESPONSE,
                                           owed_by=other, at=now)
        record.starts_clock = True
        outcome += "+started"
        if other is Party.PARTNER:
            announce_due(uow, deal, row, clock=clock, calendar=calendar,
                         key=f"deal:{deal.id}:clock:{row.id}:due",
                         headline="followup.clock.started")
    if record.starts_clock or record.stops_clock:
        refresh(uow, deal.id)
    return outcome
