"""Who is asking: the Slack user resolved to a person of the directory, with language and zone.

The language follows the user's Slack locale (`users.info` with `include_locale`), falling back to
the directory; the time zone likewise. Lookups are cached, so an acknowledgement never waits on
Slack for a user it has seen in the last hour; and a request's actor is looked up only when a
listener first asks (`ActorLookup`), which for most requests is in the lazy listener, after the
acknowledgement.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.i18n import lang_of
from rules.answers import Viewer
from rules.vocabulary import Role
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["Actor", "ActorLookup", "LocaleCache", "resolve_actor"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """A Slack user as the bot sees them. `role` is None for someone not in the directory."""

    team_id: str
    user_id: str
    lang: str
    tz: ZoneInfo
    person_id: int | None = None
    name: str = ""
    role: Role | None = None
    partner_org_id: int | None = None
    partner_name: str | None = None

    @property
    def known(self) -> bool:
        """In the directory."""
        return self.role is not None

    @property
    def is_staff(self) -> bool:
        """HubSpot staff: GS, PDM or admin."""
        return self.role in (Role.GS, Role.PDM, Role.ADMIN)

    @property
    def viewer(self) -> Viewer:
        """How rule answers are rendered for this person."""
        if self.role is Role.PARTNER:
            return Viewer(Role.PARTNER, self.partner_name)
        return Viewer(self.role or Role.PARTNER, None if self.role else "")

    def owns(self, partner_org_id: int | None) -> bool:
        """Whether a deal of `partner_org_id` is this partner's own."""
        return self.role is Role.PARTNER and partner_org_id == self.partner_org_id


class ActorLookup:
    """The actor of one request, looked up on first use (a database read, perhaps a Slack call)
    and then kept: the acknowledgement does not wait for it unless it needs the actor (a modal's
    validation). Bolt deep-copies a request's context for its lazy listeners; the copies share
    this one lookup."""

    def __init__(self, lookup: Callable[[], Actor]) -> None:
        self._lookup = lookup
        self._actor: Actor | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Actor:
        """The actor, looked up on first use. No lock is held while looking up: a thread
        holding the database's write lock must never wait for one waiting on the database (two
        first uses at once both look up; the first result is kept)."""
        actor = self._actor
        if actor is None:
            found = self._lookup()
            with self._lock:
                if self._actor is None:
                    self._actor = found
                actor = self._actor
        return actor

    def __deepcopy__(self, memo: dict[int, Any]) -> ActorLookup:
        return self


@dataclass(frozen=True)
class _SlackProfile:
    lang: str | None
    tz: str | None
    fetched: float


class LocaleCache:
    """Slack locale and time zone per user, for an hour."""

    def __init__(self, ttl_seconds: float = 3600.0) -> None:
        self._ttl = ttl_seconds
        self._profiles: dict[tuple[str, str], _SlackProfile] = {}
        self._lock = threading.Lock()

    def profile(self, client: WebClient | None, team_id: str, user_id: str) -> _SlackProfile:
        """The user's Slack locale and zone (None when Slack cannot say)."""
        key = (team_id, user_id)
        now = time.monotonic()
        with self._lock:
            cached = self._profiles.get(key)
        if cached is not None and now - cached.fetched < self._ttl:
            return cached
        lang = tz = None
        if client is not None:
            try:
                user = client.users_info(user=user_id, include_locale=True).get("user") or {}
                lang = lang_of(user.get("locale")) if user.get("locale") else None
                tz = user.get("tz")
            except (SlackApiError, SlackClientError, OSError) as error:
                log.info("users.info failed for %s: %s", user_id, error)
        profile = _SlackProfile(lang, tz, now)
        with self._lock:
            self._profiles[key] = profile
        return profile


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def resolve_actor(uow: AbstractUnitOfWork, locales: LocaleCache, client: WebClient | None, *,
                  team_id: str, user_id: str) -> Actor:
    """The actor behind a Slack user: directory role and organisation, Slack language and zone."""
    person = uow.directory.person(team_id, user_id)
    profile = locales.profile(client, team_id, user_id)
    fallback_lang = person.locale if person is not None else "en"
    fallback_tz = person.timezone if person is not None else "UTC"
    lang = profile.lang or fallback_lang
    tz = _zone(profile.tz) or _zone(fallback_tz) or ZoneInfo("UTC")
    if person is None or not person.active:
        return Actor(team_id=team_id, user_id=user_id, lang=lang, tz=tz)
    org = person.partner_org
    return Actor(team_id=team_id, user_id=user_id, lang=lang, tz=tz, person_id=person.id,
                 name=person.name, role=person.role, partner_org_id=person.partner_org_id,
                 partner_name=org.name if org is not None else None)
