"""What the bot knows of who is in a Slack channel: the people a deal card there would reach.

A Slack Connect channel is shared with partner organisations; a deal may be posted there only
while no member of another partner organisation is in it (`bot.usecases.channels`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

__all__ = ["ChannelMember", "KnownChannel", "UnknownUser"]


class KnownChannel(Base):
    """A channel whose members the bot has read in full (`conversations.members`) at
    `members_read_at`; None when they must be read again (the channel was just shared with
    another organisation)."""

    __tablename__ = "known_channels"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    members_read_at: Mapped[datetime | None]


class ChannelMember(Base):
    """A Slack user in a channel, since when the bot knows it (a join event or a full read)."""

    __tablename__ = "channel_members"
    __table_args__ = (UniqueConstraint("channel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[str] = mapped_column(ForeignKey("known_channels.channel_id",
                                                       ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    since: Mapped[datetime]


class UnknownUser(Base):
    """A Slack user who spoke in a channel where deals are posted without being in the
    directory: where, when first and last, how many times. The admins' Home tab lists them (the
    bot answers nobody it does not know, so someone must add them or ask why they are there)."""

    __tablename__ = "unknown_users"
    __table_args__ = (UniqueConstraint("channel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    times: Mapped[int] = mapped_column(Integer, default=1)
