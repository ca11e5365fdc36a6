"""Who reads what: the one place that decides a deal thread's language and where a typed
message goes (a thread, a person's direct messages, a channel) and for which reader.

The card, the reminders, the follow-up notices and the digests all ask here, so a thread
speaks one language whoever writes to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import lang_of
from bot.messages import Reader, Recipient, ToPerson, ToThread
from rules.vocabulary import Role
from storage.models import Deal, Person
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["Destination", "NoThreadYet", "destination", "person_reader", "thread_lang",
           "thread_lang_among", "zone"]


class NoThreadYet(Exception):  # noqa: N818 - a state to wait out, not a failure
    """The deal's thread has no message yet (its card is unsent)."""


def zone(name: str | None) -> ZoneInfo:
    """A person's or region's zone; UTC when the name is missing or unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _person(uow: AbstractUnitOfWork, person_id: int | None) -> Person | None:
    return uow.directory.person_by_id(person_id) if person_id is not None else None


def thread_lang(uow: AbstractUnitOfWork, deal: Deal) -> str:
    """The language of a deal's thread: the registering partner's, else that of the deal's
    partner (an offered deal), else the GS's, else English."""
    registrant = _person(uow, deal.registered_by_id)
    if registrant is not None and registrant.role is Role.PARTNER:
        return thread_lang_among(registrant, (), None)
    partners = uow.directory.partner_people(deal.partner_org_id) \
        if deal.partner_org_id is not None else ()
    return thread_lang_among(registrant, partners, _person(uow, deal.gs_id))


def thread_zone(uow: AbstractUnitOfWork, deal: Deal) -> ZoneInfo:
    """The zone a deal's thread shows times in where Slack cannot (a date token's fallback):
    its region's."""
    region = uow.directory.region(deal.region_code)
    return zone(region.timezone if region else None)


def thread_lang_among(registrant: Person | None, partners: Sequence[Person],
                      gs: Person | None) -> str:
    """`thread_lang` from people already loaded (the sweep's batches): the registrant when a
    partner, else the first of the deal's partner people (active partners, by id), else the
    GS, else English."""
    if registrant is not None and registrant.role is Role.PARTNER:
        return lang_of(registrant.locale)
    if partners:
        return lang_of(partners[0].locale)
    return lang_of(gs.locale) if gs is not None else "en"


def person_reader(person: Person) -> Reader:
    """A person reading alone: their language and zone."""
    return Reader(lang_of(person.locale), zone(person.timezone))


@dataclass(frozen=True)
class Destination:
    """Where a message goes in Slack, and who reads it there."""

    reader: Reader
    team_id: str | None
    channel: str | None = None      # a channel (a thread's, or a channel message)
    thread_ts: str | None = None
    dm_user: str | None = None      # a direct message to this Slack user


def destination(uow: AbstractUnitOfWork, to: Recipient) -> Destination:
    """Where `to` is now (`NoThreadYet` while a deal's card is unsent)."""
    if isinstance(to, ToThread):
        deal = uow.deals.get(to.deal_id)
        thread = uow.deals.thread(to.deal_id)
        if thread is None or thread.thread_ts is None:
            raise NoThreadYet(f"deal {to.deal_id} has no thread yet")
        reader = Reader(thread_lang(uow, deal), thread_zone(uow, deal), shared=True)
        return Destination(reader, thread.team_id, channel=thread.channel_id,
                           thread_ts=thread.thread_ts)
    if isinstance(to, ToPerson):
        person = uow.directory.person_by_id(to.person_id)
        return Destination(person_reader(person), person.slack_team_id,
                           dm_user=person.slack_user_id)
    return Destination(Reader(to.lang, ZoneInfo("UTC"), shared=True), None, channel=to.channel,
                       thread_ts=to.thread_ts)
