"""The recipient door: who may see a deal, and who a message about a deal would reach.

Partners compete for the same customers, so nothing about a deal may reach anyone but people
of the deal's partner organisation and HubSpot staff. The outbox asks here once per row, at
send time (`bot.outbox.rendering.prepare`), whatever the row is: a typed message to a thread, a
person or a channel, the deal card, or a raw Web API call (`bot.outbox.queueing.enqueue`,
about a deal when its payload names `deal_id` or `thread_of`). A row it refuses is never sent.

Staff: a GS, an admin and *any* PDM may receive a deal's messages. `bot.permissions` scopes a
PDM's digests and Home tab to its own partners because that is what is useful to them; it is
not a trust boundary (every PDM is a HubSpot employee under the same confidentiality as a GS,
and a GS routinely hears of deals of partners it does not look after). The boundary this door
keeps is between partner organisations.

Where several people read (a thread, a channel) the door asks `thread_readers` or
`channel_readers`: the one seam that knows which organisations are in a Slack conversation.
For now a deal's thread is read by its partner organisation, a partner organisation's own
channel by that organisation, and any other channel by every organisation (membership unknown:
nothing about a deal goes there). Slack Connect membership checks extend these two functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.messages import Outgoing, ToChannel, ToPerson, ToThread
from rules.vocabulary import Role
from storage.errors import NotFoundError
from storage.models import Deal, Person
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["ANY_ORG", "Readers", "Unseen", "channel_readers", "check_message", "check_person",
           "check_place", "check_thread", "may_see", "thread_readers"]

STAFF = frozenset({Role.GS, Role.PDM, Role.ADMIN})


@dataclass(frozen=True)
class Readers:
    """The partner organisations that read a conversation (staff may read any): `orgs`, or
    every organisation when `orgs` is None (a channel whose members are not known)."""

    orgs: frozenset[int] | None

    def may_see(self, deal: Deal) -> bool:
        """Whether every reader may see `deal`."""
        if self.orgs is None:
            return False
        return all(org == deal.partner_org_id for org in self.orgs)


ANY_ORG = Readers(None)


class Unseen(Exception):  # noqa: N818 - a refusal the outbox records, not a failure
    """A message would reach someone who may not see its deal: `reason` is a catalog key
    (`outbox.refused.*`) and `who` names the recipient for the admins (never the content)."""

    def __init__(self, reason: str, who: str, deal_id: int) -> None:
        super().__init__(f"{reason}: {who} (deal {deal_id})")
        self.reason = reason
        self.who = who
        self.deal_id = deal_id

    @classmethod
    def recorded(cls, text: str | None) -> Unseen | None:
        """The refusal an outbox row keeps as its `last_error` (`str(unseen)`), read back for
        the admins' Home tab; None when the text is not one (or was cut)."""
        found = _RECORDED.fullmatch(text or "")
        if found is None:
            return None
        return cls(found.group(1), found.group(2), int(found.group(3)))


_RECORDED = re.compile(r"(outbox\.refused\.[a-z_]+): (.*) \(deal (\d+)\)", re.DOTALL)


def may_see(person: Person, deal: Deal) -> bool:
    """Whether `person` may see `deal`: HubSpot staff, or a person of its partner organisation."""
    if person.role in STAFF:
        return True
    return person.role is Role.PARTNER and deal.partner_org_id is not None \
        and person.partner_org_id == deal.partner_org_id


def thread_readers(uow: AbstractUnitOfWork, deal: Deal, channel: str | None) -> Readers:
    """Who reads `deal`'s thread (its card and the replies under it) in `channel`: for now its
    partner organisation (staff only for a deal with none). The seam for Slack Connect
    membership: a channel with members of other organisations widens this."""
    del uow, channel  # membership of the channel: Slack Connect awareness (another change)
    return Readers(frozenset() if deal.partner_org_id is None else frozenset({deal.partner_org_id}))


def channel_readers(uow: AbstractUnitOfWork, channel: str) -> Readers:
    """Who reads a channel outside any deal's thread: the organisation whose own channel it is
    (the directory's `channel_id`), else every organisation (its members are not known)."""
    owners = frozenset(org.id for org in uow.directory.orgs() if org.channel_id == channel)
    return Readers(owners) if owners else ANY_ORG


def _deal(uow: AbstractUnitOfWork, deal_id: int) -> Deal:
    deal = uow.deals.find(deal_id)
    if deal is None:
        raise Unseen("outbox.refused.no_deal", str(deal_id), deal_id)
    return deal


def check_person(uow: AbstractUnitOfWork, deal_id: int, person: Person | None,
                 user: str = "") -> None:
    """A direct message (or a view, an ephemeral message) to one person: `Unseen` unless they
    may see the deal (someone not in the directory may see none)."""
    deal = _deal(uow, deal_id)
    if person is None:
        raise Unseen("outbox.refused.stranger", user or "-", deal_id)
    if not may_see(person, deal):
        org = uow.directory.find_org(person.partner_org_id)
        raise Unseen("outbox.refused.person", f"{person.name} ({org.name if org else '-'})",
                      deal_id)


def check_thread(uow: AbstractUnitOfWork, deal_id: int, thread_deal_id: int,
                 channel: str | None) -> None:
    """A post in a deal's thread (or its card): `Unseen` unless its readers may see the deal
    the message is about."""
    deal = _deal(uow, deal_id)
    thread_deal = deal if thread_deal_id == deal_id else _deal(uow, thread_deal_id)
    if not thread_readers(uow, thread_deal, channel).may_see(deal):
        raise Unseen("outbox.refused.place", f"#{thread_deal.id} ({channel or '-'})", deal_id)


def check_place(uow: AbstractUnitOfWork, deal_id: int, channel: str,
                thread_ts: str | None = None) -> None:
    """A post in a channel, or a reply in one of its threads: a deal's thread is read as the
    thread, anything else as the channel."""
    thread_deal = uow.deals.by_thread(channel, thread_ts) if thread_ts else None
    if thread_deal is not None:
        check_thread(uow, deal_id, thread_deal.id, channel)
        return
    deal = _deal(uow, deal_id)
    if not channel_readers(uow, channel).may_see(deal):
        raise Unseen("outbox.refused.place", channel, deal_id)


def check_message(uow: AbstractUnitOfWork, message: Outgoing) -> None:
    """A typed message: `Unseen` when it is about a deal and would reach someone who may not
    see it."""
    if message.deal_id is None:
        return
    to = message.to
    if isinstance(to, ToPerson):
        try:
            person: Person | None = uow.directory.person_by_id(to.person_id)
        except NotFoundError:
            person = None
        check_person(uow, message.deal_id, person, str(to.person_id))
    elif isinstance(to, ToThread):
        thread = uow.deals.thread(to.deal_id)
        check_thread(uow, message.deal_id, to.deal_id, thread.channel_id if thread else None)
    elif isinstance(to, ToChannel):
        check_place(uow, message.deal_id, to.channel, to.thread_ts)
