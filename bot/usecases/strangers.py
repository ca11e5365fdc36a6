"""People the bot does not know: Slack users who speak in a deal channel without being in the
directory. The bot answers nobody it does not know, so they are remembered (once per channel,
with when first and last seen and how often) for the admins' Home tab.

    heard_stranger(services, SpokeIn(team_id="T1", channel="C0DEALS", user_id="U0NEW"))

A deal channel is one where a partner organisation's deals are posted: the configured deal
channel, an organisation's own channel (the directory's `channel`), or one holding an open
deal's thread. Someone added to the directory later drops off the list by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.usecases.channels import is_channel
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["SpokeIn", "heard_stranger", "is_deal_channel"]


@dataclass(frozen=True)
class SpokeIn:
    """A person's message in a channel (from a `message` event): the event's workspace and,
    for a Slack Connect member, the speaker's own."""

    team_id: str
    channel: str
    user_id: str
    user_team: str | None = None


def is_deal_channel(uow: AbstractUnitOfWork, deal_channel: str, channel: str) -> bool:
    """Whether partner organisations' deals are posted in `channel`."""
    if channel == deal_channel:
        return True
    if any(org.channel_id == channel for org in uow.directory.orgs()):
        return True
    return bool(uow.channels.deal_orgs([channel]))


def heard_stranger(services: Services, spoke: SpokeIn) -> bool:
    """Remember a speaker the directory does not know, in a deal channel; True the first time
    they are seen there."""
    if not is_channel(spoke.channel) or not spoke.user_id:
        return False
    with services.uow(actor="slack") as uow:
        teams = dict.fromkeys(t for t in (spoke.user_team, spoke.team_id) if t)
        if any(uow.directory.person(team, spoke.user_id) is not None for team in teams):
            return False
        if not is_deal_channel(uow, services.settings.deal_channel, spoke.channel):
            return False
        first = uow.channels.seen_unknown(spoke.channel, spoke.user_id,
                                          spoke.user_team or spoke.team_id or None, uow.now())
        uow.commit()
    return first
