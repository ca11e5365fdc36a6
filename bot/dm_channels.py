"""Direct-message channels, opened once: `conversations.open` (about 50 calls a minute per
workspace) is asked only for a person whose channel is neither in this process's cache nor
remembered in the database (`dm_channels`)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["DmChannels"]


class DmChannels:
    """Each person's direct-message channel by (team, user): cached, stored, else opened."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def channel(self, uow: AbstractUnitOfWork, client: Any, team_id: str | None,
                user_id: str) -> str:
        """The channel id of `user_id`'s direct messages with the bot (opened if need be, and
        remembered in `uow`'s transaction)."""
        key = (team_id or "", user_id)
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        stored = uow.outbox.dm_channel(*key)
        if stored is None:
            opened = client.conversations_open(users=user_id)
            stored = str(opened["channel"]["id"])
            uow.outbox.remember_dm(*key, stored, uow.now())
        with self._lock:
            self._known[key] = stored
        return stored

    def forget(self) -> None:
        """Forget the cache (the database still remembers)."""
        with self._lock:
            self._known.clear()
