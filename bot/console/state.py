"""A console session's state and the doors it shares: who you are (an `Actor`, resolved from the
directory as the bot resolves a Slack user), where you are, what the bot may show you, and the
one way requests reach the Bolt app.

The layers above it: `output` prints what the bot sent to Slack, `interactions` clicks buttons
and submits modals, `repl` reads commands. What a person may see is decided by the bot's own
code: the Home tab's data (`bot.usecases.home.home_data`) for `/deals`, and the same rule
(`bot.usecases.home.follows_deal`) for reading a deal's thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.console.executor import TrackingExecutor
from bot.console.local_slack import LocalSlack
from bot.console.render import BlockText, Clickable
from bot.console.requests import SlackRequest
from bot.console.time_travel import ConsoleClock, TimeMachine
from bot.context import Actor, LocaleCache, resolve_actor
from bot.demo.seed import DEMO_TEAM, demo_people
from bot.i18n import t
from bot.services import Services
from bot.usecases.home import DealLine, follows_deal, home_data
from rules.vocabulary import Role
from storage.errors import NotFoundError
from storage.models import OPEN_DEAL_STATUSES
from storage.unit_of_work import AbstractUnitOfWork, utc_now

__all__ = ["ConsoleState", "Read", "Shown", "Surface", "Thread", "Write", "deal_of_card"]

Read = Callable[[str], "str | None"]
Write = Callable[[str], None]


@dataclass
class Thread:
    """The deal thread the console speaks in."""

    deal_id: int
    company: str
    channel: str
    ts: str


@dataclass
class Surface:
    """Where a clickable element was seen."""

    kind: str                               # message, ephemeral, view
    channel: str | None = None
    ts: str | None = None
    message: dict[str, Any] | None = None
    view: dict[str, Any] | None = None


@dataclass
class Shown:
    """A printed message (its number is what `/click N` names): where it is and its buttons;
    `current` until a later print of the same message (a card update, a modal update)."""

    number: int
    surface: Surface
    clickables: list[Clickable]
    current: bool = True

    @property
    def key(self) -> tuple[str, str] | None:
        """What identifies the message in Slack (a later print with the same key replaces it)."""
        if self.surface.kind == "view" and self.surface.view is not None:
            return ("view", str(self.surface.view.get("id") or ""))
        if self.surface.ts:
            return (str(self.surface.channel or ""), self.surface.ts)
        return None


def deal_of_card(uow: AbstractUnitOfWork, channel: str, card_ts: str) -> int | None:
    """The deal whose card message this is (to label a card update with its deal)."""
    deal = uow.deals.by_card(channel, card_ts)
    return deal.id if deal is not None else None


@dataclass
class ConsoleState:
    """One console session over a running app (see `bot.console.session.open_console`)."""

    app: App
    services: Services
    slack: LocalSlack
    executor: TrackingExecutor
    clock: ConsoleClock
    write: Write
    database: str = ""
    settle_timeout: float = 15.0
    slash_commands: set[str] = field(default_factory=lambda: {"/roe", "/deal"})
    user: Actor | None = None
    thread: Thread | None = None
    modals: list[dict[str, Any]] = field(default_factory=list)
    shown: dict[int, Shown] = field(default_factory=dict)
    waiting: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    read: dict[str, set[str]] = field(default_factory=dict)   # user id -> thread message ts seen
    time_machine: TimeMachine = field(init=False)
    _calls_seen: int = 0
    _counter: int = 0

    def __post_init__(self) -> None:
        self.time_machine = TimeMachine(self.services, self.clock)

    # -- small helpers ------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        """The console's language: the chosen user's."""
        return self.user.lang if self.user is not None else "en"

    def say(self, key: str, **params: Any) -> None:
        """A console message in the user's language."""
        self.write(t(key, self.lang, **params))

    def save_time(self) -> None:
        """Keep the console's now with its database (a restart resumes there)."""
        with self.services.uow(actor="console") as uow:
            uow.console_time.save(self.clock(), at=utc_now())
            uow.commit()

    def next_serial(self) -> int:
        """A number never handed out before in this session (ids, trigger ids, ts)."""
        self._counter += 1
        return self._counter

    def new_ts(self) -> str:
        """A Slack message timestamp at the console's now."""
        return f"{int(self.clock().timestamp())}.{self.next_serial():06d}"

    def response_url(self, user_id: str) -> str:
        """A fresh response URL on the local Slack, naming whom it answers."""
        return f"{self.slack.url}/respond/{user_id}-{self.next_serial()}"

    def channel(self) -> str:
        """Where the console speaks: the current thread's channel, else the deal channel."""
        return self.thread.channel if self.thread else self.services.settings.deal_channel

    def mark_read(self, ts: str | None, user_id: str | None = None) -> None:
        """A thread message the current user (or `user_id`) has now seen."""
        who = user_id or (self.user.user_id if self.user is not None else None)
        if ts and who:
            self.read.setdefault(who, set()).add(ts)

    # -- people -------------------------------------------------------------------------------

    def people(self) -> list[Actor]:
        """The demo directory's people as the bot sees them, in the order `/users` lists them
        (language and zone from the directory: the console has no Slack profiles)."""
        locales = LocaleCache()
        with self.services.uow() as uow:
            return [resolve_actor(uow, locales, None, team_id=DEMO_TEAM,
                                  user_id=person.slack_user_id) for person in demo_people(uow)]

    def find_user(self, who: str) -> Actor | None:
        """A person by number (as `/users` lists them), Slack user id or part of the name."""
        people = self.people()
        who = who.strip().lstrip("@")
        if who.isdigit() and 1 <= int(who) <= len(people):
            return people[int(who) - 1]
        lowered = who.lower()
        for person in people:
            if person.user_id.lower() == lowered:
                return person
        matches = [p for p in people if lowered and lowered in p.name.lower()]
        return matches[0] if len(matches) == 1 else None

    def names(self) -> dict[str, str]:
        """Slack user id -> name, for rendering mentions."""
        names = {p.user_id: p.name for p in self.people()}
        names[self.slack.bot_user_id] = "Coseller"
        return names

    def renderer(self) -> BlockText:
        """Block Kit as text for the current user."""
        tz = self.user.tz if self.user is not None else None
        return BlockText(lang=self.lang, tz=tz, names=self.names(), channels=self.channel_names())

    def channel_names(self) -> dict[str, str]:
        """Slack channel id -> name: the deal channel, and each partner's own (`sakura-deals`)."""
        names = {self.services.settings.deal_channel: "deals"}
        with self.services.uow() as uow:
            for org in uow.directory.orgs():
                if org.channel_id:
                    names[org.channel_id] = f"{org.name.split()[0].lower()}-deals"
        return names

    def user_object(self) -> dict[str, Any]:
        """The `user` object of an interaction payload."""
        assert self.user is not None
        handle = self.user.name.lower().replace(" ", ".")
        return {"id": self.user.user_id, "username": handle, "name": handle, "team_id": DEMO_TEAM}

    # -- what the user may see: the bot's own rules -------------------------------------------

    def visible_deals(self) -> list[DealLine]:
        """The deals the bot shows the current user on their Home tab (a partner: its
        organisation's open deals; a GS: theirs; a PDM: its partners'; an admin: every open
        deal), each once."""
        assert self.user is not None
        data = home_data(self.services, self.user)
        found: dict[int, DealLine] = {}
        lines = [*data.deals, *(line for org in data.orgs for line in org.deals)]
        if self.user.role is Role.ADMIN:
            with self.services.uow(actor=self.user.user_id) as uow:
                lines += [DealLine(d.id, d.company, d.customer_domain, d.status, d.motion)
                          for d in uow.deals.every() if d.status in OPEN_DEAL_STATUSES]
        for line in lines:
            found.setdefault(line.id, line)
        return [found[ident] for ident in sorted(found)]

    def may_see(self, deal_id: int, who: Actor | None = None) -> bool:
        """Whether the current user (or `who`) reads this deal's thread: one of their deals as
        `/deals` counts them (`bot.usecases.home.follows_deal`), open or not."""
        who = who or self.user
        if who is None:
            return False
        with self.services.uow(actor=who.user_id) as uow:
            try:
                deal = uow.deals.get(deal_id)
            except NotFoundError:
                return False
            return follows_deal(uow, who, deal)

    # -- the app ------------------------------------------------------------------------------

    def dispatch(self, request: SlackRequest) -> BoltResponse:
        """Hand one Slack-shaped request to the Bolt app in process (unsigned: the console's
        settings have no signing secret)."""
        return self.app.dispatch(BoltRequest(body=request.body, headers={
            "content-type": [request.content_type],
            "x-slack-request-timestamp": [str(int(time.time()))]}))
