"""The local console: talk to the same Bolt listeners in a terminal, as a chosen demo user.

    coseller console [--as aiko]

Like Errbot's `-T` and Hubot's shell adapter. The console runs on SQLite (`./coseller-demo.db`
unless `DATABASE_URL` says otherwise) with the demo directory and a few demo deals, seeded
idempotently (`bot.demo.seed`). It starts the fake Slack Web API (`bot.fakeslack`) on loopback
in this process and points the app's client at it, and hands Slack-shaped requests (slash
commands, thread messages, mentions, button clicks, modal submissions) straight to the Bolt app
with `BoltRequest`: no HTTP server for the app itself, and request verification off (the
console's settings have no tokens). Whatever the bot then sends to Slack (ephemeral answers,
thread messages, direct messages, card updates, modals, the Home tab) is printed as text.

The outbox is delivered after every input, before anything is printed, so that what you see
is everything your input caused; `/advance` moves the injected clock forward and runs the work
that has come due (`after_advance`, then the outbox).

Input and output are functions (`read(prompt) -> str | None`, `write(text)`), so a test can
script a whole session.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy import or_, select

from bot.adapters.console_render import BlockText, Clickable, plain
from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.demo.seed import DEMO_TEAM, demo_people, seed_demo
from bot.fakeslack import FakeSlack
from bot.i18n import t
from bot.outbox import RENDERERS, deliver_due
from bot.services import Services
from bot.syntax.tokens import deal_ref, duration
from rules.i18n import format_datetime
from rules.vocabulary import Role
from storage.models import Deal, DealThread, OutboxMessage, OutboxState, Person
from storage.unit_of_work import utc_now

__all__ = [
    "DEMO_DATABASE_URL",
    "Console",
    "ConsoleClock",
    "TrackingExecutor",
    "after_advance",
    "open_console",
    "run_console",
]

log = logging.getLogger(__name__)

DEMO_DATABASE_URL = "sqlite:///coseller-demo.db"
APP_ID = "A0COSELL"
_QUIET_METHODS = {"auth.test", "users.info", "conversations.open", "conversations.history",
                  "conversations.replies", "conversations.info", "chat.getPermalink",
                  "users.lookupByEmail", "team.info", "bots.info"}

Read = Callable[[str], "str | None"]
Write = Callable[[str], None]


def after_advance(services: Services) -> None:
    """Work that comes due when the console moves the clock: the periodic jobs and the reminder
    sweep, as the scheduler would have run them meanwhile.

    Called after every `/advance`, before the outbox is delivered.
    """
    from bot.usecases.periodic import bant_prompts, ensure_clocks
    from bot.usecases.sweep import sweep

    ensure_clocks(services)
    for code in services.regions.codes():
        bant_prompts(services, code)
    sweep(services)


class ConsoleClock:
    """The injected clock: the real time (or a fixed `start`) plus how far `/advance` moved it."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the console clock needs an aware start time")
        self._start = start
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return (self._start or utc_now()) + self.offset

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta`; the new now."""
        self.offset += delta
        return self()


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, counting work in flight so the console can wait for it."""

    def __init__(self, max_workers: int = 5) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="console-listener")
        self._in_flight = 0
        self._changed = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._changed:
            self._in_flight += 1

        def tracked() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._changed:
                    self._in_flight -= 1
                    self._changed.notify_all()

        return super().submit(tracked)

    @property
    def idle(self) -> bool:
        """Nothing running or queued."""
        with self._changed:
            return self._in_flight == 0

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing runs; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout)


@dataclass
class _User:
    user_id: str
    name: str
    role: Role
    lang: str
    tz: ZoneInfo
    partner_org_id: int | None
    partner_name: str | None


@dataclass
class _Thread:
    deal_id: int
    company: str
    channel: str
    ts: str


@dataclass
class _Surface:
    """Where a clickable element was seen."""

    kind: str                               # message, ephemeral, view
    channel: str | None = None
    ts: str | None = None
    message: dict[str, Any] | None = None
    view: dict[str, Any] | None = None


@dataclass
class _Seen:
    clickable: Clickable
    surface: _Surface


@dataclass
class Console:
    """One console session over a running app (see `open_console`)."""

    app: App
    services: Services
    slack: FakeSlack
    executor: TrackingExecutor
    clock: ConsoleClock
    write: Write
    database: str = ""
    settle_timeout: float = 15.0
    slash_commands: set[str] = field(default_factory=lambda: {"/roe", "/deal"})
    user: _User | None = None
    thread: _Thread | None = None
    modals: list[dict[str, Any]] = field(default_factory=list)
    seen: list[_Seen] = field(default_factory=list)
    _calls_seen: int = 0
    _counter: int = 0

    # -- small helpers ------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        """The console's language: the chosen user's."""
        return self.user.lang if self.user is not None else "en"

    def say(self, key: str, **params: Any) -> None:
        """A console message in the user's language."""
        self.write(t(key, self.lang, **params))

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _ts(self) -> str:
        return f"{int(self.clock().timestamp())}.{self._next():06d}"

    def _response_url(self, user_id: str) -> str:
        return f"{self.slack.url}/respond/{user_id}-{self._next()}"

    def people(self) -> list[_User]:
        """The demo directory's people, in the order `/users` lists them."""
        with self.services.uow() as uow:
            return [self._user(p) for p in demo_people(uow)]

    @staticmethod
    def _user(person: Person) -> _User:
        try:
            tz = ZoneInfo(person.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            tz = ZoneInfo("UTC")
        org = person.partner_org
        return _User(user_id=person.slack_user_id, name=person.name, role=person.role,
                     lang="ja" if person.locale.lower().startswith("ja") else "en", tz=tz,
                     partner_org_id=person.partner_org_id,
                     partner_name=org.name if org is not None else None)

    def names(self) -> dict[str, str]:
        """Slack user id -> name, for rendering mentions."""
        names = {p.user_id: p.name for p in self.people()}
        names[self.slack.bot_user_id] = "Coseller"
        return names

    def _renderer(self) -> BlockText:
        tz = self.user.tz if self.user is not None else None
        return BlockText(lang=self.lang, tz=tz, names=self.names(),
                         channels={self.services.settings.deal_channel: "deals"})

    # -- the loop -----------------------------------------------------------------------------

    def run(self, read: Read, *, user: str | None = None) -> int:
        """Greet, become `user` (or ask who), then read and handle lines until `/quit` or the
        end of input; the exit status."""
        self.say("console.welcome", database=self.database)
        if user:
            self.choose(user)
        while self.user is None:
            self.list_users()
            line = read(t("console.choose_user", self.lang) + " ")
            if line is None:
                return 0
            line = line.strip()
            if line.startswith("/"):
                if not self.handle(line):
                    return 0
            elif line:
                self.choose(line)
        while True:
            line = read(self.prompt())
            if line is None:
                self.say("console.bye")
                return 0
            if not self.handle(line):
                return 0

    def prompt(self) -> str:
        """`Aiko Tanaka › ` or `Aiko Tanaka · deal 1 › `."""
        who = self.user.name if self.user is not None else "?"
        where = f" · {t('console.deal', self.lang, deal=self.thread.deal_id)}" if self.thread else ""
        return f"{who}{where} › "

    def handle(self, line: str) -> bool:
        """Handle one line; False when the session should end."""
        line = line.strip()
        if not line:
            return True
        try:
            return self._handle(line)
        except Exception as error:  # the console never dies on one bad line
            log.exception("console input failed: %s", line)
            self.say("console.failed", error=f"{type(error).__name__}: {error}")
            return True

    def _handle(self, line: str) -> bool:
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        command = word.lower()
        if self.user is None and command not in ("/as", "/users", "/help", "/quit", "/exit"):
            self.say("console.choose_first")
            return True
        if command in ("/quit", "/exit"):
            self.say("console.bye")
            return False
        local: dict[str, Callable[[str], None]] = {
            "/help": lambda _: self.say("console.help"),
            "/users": lambda _: self.list_users(),
            "/as": self.choose,
            "/deals": lambda _: self.list_deals(),
            "/thread": self.enter_thread,
            "/leave": lambda _: self.leave_thread(),
            "/advance": self.advance,
            "/click": self.click,
            "/submit": self.submit,
            "/cancel": lambda _: self.cancel(),
            "/home": lambda _: self.open_home(),
            "/now": lambda _: self.say("console.now", now=self._now_text()),
        }
        if command in local:
            local[command](rest)
        elif command in self.slash_commands:
            self.slash(command, rest)
        elif command.startswith("/"):
            self.say("console.unknown_command", command=word)
        else:
            self.message(line)
        return True

    # -- who and where ------------------------------------------------------------------------

    def list_users(self) -> None:
        """Print the demo directory's people with a number each."""
        self.say("console.users_header")
        for index, person in enumerate(self.people(), start=1):
            org = f", {person.partner_name}" if person.partner_name else ""
            role = t(f"console.role.{person.role.value}", self.lang)
            self.write(f"  {index}. {person.name} ({role}{org}) {person.user_id}")

    def find_user(self, who: str) -> _User | None:
        """A person by number, Slack user id or part of the name."""
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

    def choose(self, who: str) -> None:
        """`/as <user>`: become someone of the directory."""
        found = self.find_user(who) if who else None
        if found is None:
            self.say("console.unknown_user", who=who)
            return
        self.user = found
        self.modals.clear()
        if self.thread is not None and not self._may_see(self.thread.deal_id):
            self.thread = None
        role = t(f"console.role.{found.role.value}", self.lang)
        self.say("console.now_as", name=found.name, role=role, tz=str(found.tz))

    def _visible_deals(self) -> list[tuple[int, str, str, str]]:
        """(id, company, domain, status) of the deals the current user may see."""
        assert self.user is not None
        with self.services.uow() as uow:
            query = select(Deal.id, Deal.company, Deal.customer_domain, Deal.status).order_by(Deal.id)
            if self.user.role is Role.PARTNER:
                query = query.where(Deal.partner_org_id == self.user.partner_org_id)
            return [(row[0], row[1], row[2], row[3].value) for row in uow.session.execute(query)]

    def _may_see(self, deal_id: int) -> bool:
        if self.user is None:
            return False
        if self.user.role is not Role.PARTNER:
            return True
        return any(ident == deal_id for ident, *_ in self._visible_deals())

    def list_deals(self) -> None:
        """`/deals`: the deals the current user may see (a partner: its own)."""
        deals = self._visible_deals()
        if not deals:
            self.say("console.no_deals")
            return
        self.say("console.deals_header")
        for ident, company, domain, status in deals:
            self.write(f"  {ident}. {company} ({domain}) · {status}")

    def enter_thread(self, text: str) -> None:
        """`/thread <deal id>`: speak in that deal's thread from now on."""
        deal_id = deal_ref(text.strip())
        if deal_id is None:
            self.say("console.thread_usage")
            return
        if not self._may_see(deal_id):
            self.say("console.no_such_deal", deal=deal_id)
            return
        with self.services.uow() as uow:
            deal = uow.session.get(Deal, deal_id)
            thread = uow.session.get(DealThread, deal_id)
            if deal is None:
                self.say("console.no_such_deal", deal=deal_id)
                return
            if thread is None or thread.thread_ts is None:
                self.say("console.no_thread", deal=deal_id)
                return
            self.thread = _Thread(deal_id, deal.company, thread.channel_id, thread.thread_ts)
        self.say("console.in_thread", deal=deal_id, company=self.thread.company)
        self._show_card(deal_id)

    def _show_card(self, deal_id: int) -> None:
        card = RENDERERS.get("deal_card")
        if card is None:
            return
        try:
            with self.services.uow() as uow:
                _method, args = card(self.services, uow, {"render": "deal_card", "deal_id": deal_id})
        except Exception as error:  # a card that cannot be drawn must not stop the console
            log.info("card of deal %s not shown: %s", deal_id, error)
            return
        ts = self.thread.ts if self.thread else None
        message = {"ts": ts, "text": args.get("text"), "blocks": args.get("blocks")}
        self._print_surface(t("console.label.card", self.lang, deal=deal_id),
                            args.get("text"), args.get("blocks"),
                            _Surface("message", channel=self.thread.channel if self.thread else None,
                                     ts=ts, message=message))

    def leave_thread(self) -> None:
        """`/leave`: back to the deal channel itself."""
        self.thread = None
        self.say("console.left_thread")

    # -- time ---------------------------------------------------------------------------------

    def _now_text(self) -> str:
        tz = self.user.tz if self.user is not None else None
        return format_datetime(self.clock(), self.lang, tz)

    def advance(self, text: str) -> None:
        """`/advance 2h|3d`: move the clock, run what came due, deliver the outbox."""
        delta = duration(text)
        if delta is None:
            self.say("console.advance_usage")
            return
        self.clock.advance(delta)
        self.say("console.advanced", amount=text.strip(), now=self._now_text())
        after_advance(self.services)
        self.settle()
        self.show()

    # -- requests to the app ------------------------------------------------------------------

    def _channel(self) -> str:
        return self.thread.channel if self.thread else self.services.settings.deal_channel

    def dispatch(self, body: str, content_type: str) -> BoltResponse:
        """Hand one Slack-shaped request to the Bolt app in process, then settle and print."""
        request = BoltRequest(body=body, headers={"content-type": [content_type],
                                                  "x-slack-request-timestamp":
                                                      [str(int(time.time()))]})
        response = self.app.dispatch(request)
        return response

    def _user_object(self) -> dict[str, Any]:
        assert self.user is not None
        return {"id": self.user.user_id, "username": self.user.name.lower().replace(" ", "."),
                "name": self.user.name.lower().replace(" ", "."), "team_id": DEMO_TEAM}

    def slash(self, command: str, text: str) -> None:
        """A slash command, form-encoded as Slack sends it."""
        assert self.user is not None
        fields = {
            "token": "console", "team_id": DEMO_TEAM, "team_domain": "coseller-demo",
            "channel_id": self._channel(), "channel_name": "deals",
            "user_id": self.user.user_id, "user_name": self._user_object()["name"],
            "command": command, "text": text, "api_app_id": APP_ID,
            "is_enterprise_install": "false", "response_url": self._response_url(self.user.user_id),
            "trigger_id": f"console-trigger-{self._next()}",
        }
        response = self.dispatch(urlencode(fields), "application/x-www-form-urlencoded")
        self._answer(response)

    def _event(self, event: dict[str, Any]) -> BoltResponse:
        envelope = {"token": "console", "team_id": DEMO_TEAM, "api_app_id": APP_ID,
                    "event": event, "type": "event_callback",
                    "event_id": f"EvCONSOLE{int(time.time())}{self._next():06d}",
                    "event_time": int(self.clock().timestamp()),
                    "authorizations": [{"team_id": DEMO_TEAM, "user_id": self.slack.bot_user_id,
                                        "is_bot": True}]}
        return self.dispatch(json.dumps(envelope), "application/json")

    def message(self, text: str) -> None:
        """Plain text: a message in the current thread (a mention with `@coseller ...`)."""
        assert self.user is not None
        mention = re.match(r"^@coseller\b[:,]?\s*", text, re.IGNORECASE)
        if mention:
            text = f"<@{self.slack.bot_user_id}> {text[mention.end():]}"
        ts = self._ts()
        event: dict[str, Any] = {"type": "message", "channel": self._channel(),
                                 "user": self.user.user_id, "text": text, "ts": ts,
                                 "event_ts": ts, "channel_type": "channel", "team": DEMO_TEAM,
                                 "client_msg_id": f"console-{self._next()}"}
        if self.thread is not None:
            event["thread_ts"] = self.thread.ts
        responses = [self._event(event)]
        if mention:
            responses.append(self._event({**event, "type": "app_mention"}))
        for response in responses:
            self._answer(response, quiet=True)

    def open_home(self) -> None:
        """`/home`: open the app's Home tab (an `app_home_opened` event)."""
        assert self.user is not None
        self._answer(self._event({"type": "app_home_opened", "user": self.user.user_id,
                                  "channel": f"D{self.user.user_id}", "tab": "home",
                                  "event_ts": self._ts()}), quiet=True)

    def _find(self, action_id: str) -> _Seen | None:
        for seen in reversed(self.seen):
            if seen.clickable.action_id == action_id:
                return seen
        return None

    def click(self, text: str) -> None:
        """`/click <action_id> [value]`: press a button (or pick a menu value) that was shown."""
        assert self.user is not None
        action_id, _, value = text.strip().partition(" ")
        value = value.strip()
        seen = self._find(action_id) if action_id else None
        if seen is None:
            self.say("console.no_button", action=action_id or "?")
            return
        clickable, surface = seen.clickable, seen.surface
        action: dict[str, Any] = {"action_id": clickable.action_id, "block_id": clickable.block_id,
                                  "type": clickable.kind, "action_ts": self._ts()}
        chosen = value or clickable.value or ""
        if clickable.kind == "button":
            action["text"] = {"type": "plain_text", "text": clickable.label}
            action["value"] = chosen
        elif clickable.kind in ("users_select",):
            action["selected_user"] = self._user_id_of(chosen)
        elif clickable.kind == "datepicker":
            action["selected_date"] = chosen
        elif clickable.kind == "timepicker":
            action["selected_time"] = chosen
        elif clickable.kind in ("checkboxes", "multi_static_select"):
            action["selected_options"] = [self._option(clickable, v) for v in chosen.split(",")
                                          if v.strip()]
        else:
            action["selected_option"] = self._option(clickable, chosen)
        payload: dict[str, Any] = {
            "type": "block_actions", "user": self._user_object(), "api_app_id": APP_ID,
            "token": "console", "trigger_id": f"console-trigger-{self._next()}",
            "team": {"id": DEMO_TEAM, "domain": "coseller-demo"}, "enterprise": None,
            "is_enterprise_install": False, "actions": [action], "state": {"values": {}},
        }
        if surface.kind == "view" and surface.view is not None:
            payload["container"] = {"type": "view", "view_id": surface.view.get("id", "")}
            payload["view"] = {**surface.view, "state": {"values": self._values(surface.view, {})}}
        else:
            channel = surface.channel or self._channel()
            payload["container"] = {"type": "message", "message_ts": surface.ts or self._ts(),
                                    "channel_id": channel,
                                    "is_ephemeral": surface.kind == "ephemeral"}
            payload["channel"] = {"id": channel, "name": "deals"}
            payload["response_url"] = self._response_url(self.user.user_id)
            if surface.kind == "message" and surface.message is not None:
                payload["message"] = surface.message
        response = self.dispatch(urlencode({"payload": json.dumps(payload)}),
                                 "application/x-www-form-urlencoded")
        self._answer(response)

    @staticmethod
    def _option(clickable: Clickable, value: str) -> dict[str, Any]:
        value = value.strip()
        for option_value, text in clickable.options:
            if value in (option_value, text):
                return {"text": {"type": "plain_text", "text": text}, "value": option_value}
        return {"text": {"type": "plain_text", "text": value}, "value": value}

    def _user_id_of(self, who: str) -> str:
        found = self.find_user(who) if who else None
        return found.user_id if found is not None else who

    # -- modals -------------------------------------------------------------------------------

    def _inputs(self, view: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
        found = []
        for index, block in enumerate(view.get("blocks") or []):
            if isinstance(block, dict) and block.get("type") == "input":
                element = block.get("element") or {}
                block_id = str(block.get("block_id") or f"block{index}")
                action_id = str(element.get("action_id") or f"{block_id}_input")
                found.append((block_id, action_id, element))
        return found

    def _state(self, element: dict[str, Any], given: str | None) -> dict[str, Any]:
        kind = str(element.get("type") or "plain_text_input")
        state: dict[str, Any] = {"type": kind}
        options = _element_options(element)
        if kind in ("static_select", "external_select", "radio_buttons"):
            if given is None:
                state["selected_option"] = element.get("initial_option")
            else:
                state["selected_option"] = _pick(options, given)
        elif kind in ("multi_static_select", "checkboxes"):
            state["selected_options"] = element.get("initial_options") or [] if given is None \
                else [_pick(options, v) for v in given.split(",") if v.strip()]
        elif kind == "users_select":
            state["selected_user"] = element.get("initial_user") if given is None \
                else self._user_id_of(given)
        elif kind == "multi_users_select":
            state["selected_users"] = element.get("initial_users") or [] if given is None \
                else [self._user_id_of(v) for v in given.split(",") if v.strip()]
        elif kind in ("conversations_select", "channels_select"):
            key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
            state[key] = element.get(key.replace("selected", "initial")) if given is None else given
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date") if given is None else given
        elif kind == "timepicker":
            state["selected_time"] = element.get("initial_time") if given is None else given
        elif kind == "datetimepicker":
            state["selected_date_time"] = element.get("initial_date_time") if given is None \
                else int(given) if given.isdigit() else given
        else:
            state["value"] = element.get("initial_value") if given is None else given
        return state

    def _values(self, view: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for block_id, action_id, element in self._inputs(view):
            value = given.get(block_id, given.get(action_id))
            values[block_id] = {action_id: self._state(element, value)}
        return values

    def submit(self, text: str) -> None:
        """`/submit field=value ...`: submit the open modal (fields by block or action id)."""
        assert self.user is not None
        if not self.modals:
            self.say("console.no_modal")
            return
        view = self.modals[-1]
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        given: dict[str, str] = {}
        known = {name for block_id, action_id, _ in self._inputs(view)
                 for name in (block_id, action_id)}
        for word in words:
            name, sep, value = word.partition("=")
            if not sep or name not in known:
                fields = ", ".join(b for b, _, _ in self._inputs(view)) or "-"
                self.say("console.bad_field", field=name, fields=fields)
                return
            given[name] = value
        payload = {
            "type": "view_submission", "team": {"id": DEMO_TEAM, "domain": "coseller-demo"},
            "user": self._user_object(), "api_app_id": APP_ID, "token": "console",
            "trigger_id": f"console-trigger-{self._next()}", "is_enterprise_install": False,
            "enterprise": None, "response_urls": [],
            "view": {**view, "type": "modal", "team_id": DEMO_TEAM, "app_id": APP_ID,
                     "callback_id": view.get("callback_id", ""),
                     "private_metadata": view.get("private_metadata", ""),
                     "hash": f"console-{self._next()}", "root_view_id": view.get("id", ""),
                     "state": {"values": self._values(view, given)}},
        }
        response = self.dispatch(urlencode({"payload": json.dumps(payload)}),
                                 "application/x-www-form-urlencoded")
        if response.status >= 400:
            self.say("console.http_status", status=response.status)
        answer = _json(response.body)
        action = answer.get("response_action") if isinstance(answer, dict) else None
        if action == "errors":
            self.say("console.modal_errors")
            for block_id, message in (answer.get("errors") or {}).items():
                self.write(f"  ✗ {block_id}: {message}")
        elif action in ("update", "push") and isinstance(answer.get("view"), dict):
            if action == "update":
                self.modals.pop()
            self._open_modal(answer["view"], "console.label.modal")
        elif action == "clear":
            self.modals.clear()
            self.say("console.modal_closed")
        else:
            self.modals.pop()
            self.say("console.modal_closed")
        self.settle()
        self.show()

    def cancel(self) -> None:
        """`/cancel`: close the open modal without submitting it."""
        if not self.modals:
            self.say("console.no_modal")
            return
        view = self.modals.pop()
        if view.get("notify_on_close") and self.user is not None:
            payload = {"type": "view_closed", "team": {"id": DEMO_TEAM, "domain": "coseller-demo"},
                       "user": self._user_object(), "api_app_id": APP_ID, "token": "console",
                       "view": view, "is_cleared": False}
            self.dispatch(urlencode({"payload": json.dumps(payload)}),
                          "application/x-www-form-urlencoded")
        self.say("console.modal_closed")
        self.settle()
        self.show()

    def _open_modal(self, view: dict[str, Any], label_key: str) -> None:
        view = dict(view)
        view.setdefault("id", f"VCONSOLE{self._next():04d}")
        self.modals.append(view)
        title = plain(view.get("title"))
        blocks = view.get("blocks") or []
        self._print_surface(t(label_key, self.lang, title=title), None, blocks,
                            _Surface("view", view=view))
        fields = [b for b, _, _ in self._inputs(view)]
        if fields:
            submit = plain(view.get("submit")) or "Submit"
            example = " ".join(f"{name}=…" for name in fields)
            self.say("console.submit_hint", submit=submit, example=example)

    # -- output -------------------------------------------------------------------------------

    def _answer(self, response: BoltResponse, *, quiet: bool = False) -> None:
        """Print the immediate answer (the ack's body), then everything else the bot sent."""
        if response.status >= 400 and response.status != 404:
            self.say("console.http_status", status=response.status)
        elif response.status == 404 and not quiet:
            self.say("console.unhandled")
        body = _json(response.body)
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            self._print_surface(t("console.label.you", self.lang), body.get("text"),
                                body.get("blocks"), _Surface("ephemeral", channel=self._channel()))
        elif isinstance(body, str) and body.strip():
            self._print_surface(t("console.label.you", self.lang), body, None,
                                _Surface("ephemeral", channel=self._channel()))
        self.settle()
        self.show()

    def _due_outbox(self) -> bool:
        """Whether a message is due and free to send (one left claimed by a failed round
        waits for its lease, as it would in a server)."""
        now = self.clock()
        with self.services.uow() as uow:
            found = uow.session.scalar(select(OutboxMessage.id).where(
                OutboxMessage.state == OutboxState.PENDING, OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
                .limit(1))
        return found is not None

    def settle(self) -> None:
        """Wait for the listeners to finish and deliver the outbox, until all is quiet."""
        deadline = time.monotonic() + self.settle_timeout
        while time.monotonic() < deadline:
            self.executor.wait_idle(max(0.0, deadline - time.monotonic()))
            try:
                delivered = deliver_due(self.services, self.services.client)
            except Exception:  # a renderer that fails is logged; the console goes on
                log.exception("outbox delivery failed in the console")
                return
            if not delivered and self.executor.idle and not self._due_outbox():
                return
            if not delivered:
                time.sleep(0.01)
        log.warning("the console stopped waiting for the app after %.0f s", self.settle_timeout)

    def _new_calls(self) -> list[tuple[str, dict[str, Any]]]:
        calls = list(self.slack.iter_payloads())
        fresh = calls[self._calls_seen:]
        self._calls_seen = len(calls)
        return fresh

    def show(self) -> None:
        """Print what the bot sent to Slack since last time."""
        for method, args in self._new_calls():
            if method in _QUIET_METHODS:
                continue
            try:
                self._show_call(method, args)
            except Exception as error:  # an odd payload is shown raw rather than lost
                log.info("could not render %s: %s", method, error)
                self.write(f"[{method}] {json.dumps(args, ensure_ascii=False)[:2000]}")

    def _name(self, user_id: str) -> str:
        return self.names().get(user_id, user_id)

    def _deal_of(self, channel: str, ts: str | None, *, card: bool = False) -> int | None:
        if not ts:
            return None
        with self.services.uow() as uow:
            column = DealThread.card_ts if card else DealThread.thread_ts
            return uow.session.scalar(select(DealThread.deal_id).where(
                DealThread.channel_id == channel, column == ts))

    def _you(self) -> str:
        return self.user.user_id if self.user is not None else ""

    def _private_label(self, owner: str) -> str:
        if owner == self._you():
            return t("console.label.you", self.lang)
        return t("console.label.ephemeral_to", self.lang, name=self._name(owner))

    def _show_call(self, method: str, args: dict[str, Any]) -> None:
        shows: dict[str, Callable[[str, dict[str, Any]], None]] = {
            "response_url": self._show_response, "chat.postMessage": self._show_post,
            "chat.postEphemeral": self._show_post, "chat.scheduleMessage": self._show_post,
            "chat.update": self._show_update, "chat.delete": lambda *_: self.say("console.deleted"),
            "views.open": self._show_view, "views.push": self._show_view,
            "views.update": self._show_view, "views.publish": self._show_view,
        }
        show = shows.get(method)
        if show is None:
            self.write(f"[{method}] {json.dumps(args, ensure_ascii=False)[:500]}")
            return
        show(method, args)

    def _show_response(self, method: str, args: dict[str, Any]) -> None:
        owner = str(args.get("response_url_id", "")).rsplit("-", 1)[0]
        if args.get("delete_original") in (True, "true"):
            self.say("console.deleted")
            return
        label = self._private_label(owner)
        if args.get("response_type") == "in_channel":
            label = t("console.label.channel", self.lang, channel="deals")
        if args.get("replace_original") in (True, "true"):
            label = t("console.label.replaced", self.lang, label=label)
        self._print_surface(label, args.get("text"), args.get("blocks"),
                            _Surface("ephemeral", channel=self._channel()))

    def _show_post(self, method: str, args: dict[str, Any]) -> None:
        lang = self.lang
        channel = str(args.get("channel") or "")
        thread_ts = args.get("thread_ts")
        deal = self._deal_of(channel, str(thread_ts)) if thread_ts else None
        if method == "chat.postEphemeral":
            label = self._private_label(str(args.get("user") or ""))
        elif channel.startswith("D"):
            label = t("console.label.dm", lang, name=self._name(channel[1:]))
        elif deal is not None:
            label = t("console.label.thread", lang, deal=deal)
        else:
            label = t("console.label.channel", lang, channel=self._channel_name(channel))
        ts = self._message_ts(channel, args)
        message = {"ts": ts or "", "text": args.get("text", ""), "blocks": args.get("blocks")}
        kind = "ephemeral" if method == "chat.postEphemeral" else "message"
        self._print_surface(label, args.get("text"), args.get("blocks"),
                            _Surface(kind, channel=channel, ts=ts, message=message))

    def _show_update(self, method: str, args: dict[str, Any]) -> None:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        deal = self._deal_of(channel, ts, card=True)
        label = t("console.label.card", self.lang, deal=deal) if deal else \
            t("console.label.updated", self.lang, channel=self._channel_name(channel))
        message = {"ts": ts, "text": args.get("text"), "blocks": args.get("blocks")}
        self._print_surface(label, args.get("text"), args.get("blocks"),
                            _Surface("message", channel=channel, ts=ts, message=message))

    def _show_view(self, method: str, args: dict[str, Any]) -> None:
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict):
            return
        if method == "views.publish" or view.get("type") == "home":
            self._show_home(str(args.get("user_id") or self._you()), view)
            return
        if method == "views.update" and self.modals:
            view = {**view, "id": self.modals.pop().get("id")}
        elif method == "views.open":
            self.modals.clear()
        self._open_modal(view, "console.label.modal_updated" if method == "views.update"
                         else "console.label.modal")

    def _show_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._print_surface(t("console.label.home", self.lang, name=self._name(user_id)), None,
                            view.get("blocks") or [], _Surface("view", view=view))

    def _channel_name(self, channel: str) -> str:
        return "deals" if channel == self.services.settings.deal_channel else channel

    def _message_ts(self, channel: str, args: dict[str, Any]) -> str | None:
        """The ts the fake Slack gave a posted message (found again by its text and blocks)."""
        for message in reversed(self.slack.messages.get(channel, [])):
            if message.get("text") == args.get("text") and message.get("blocks") == args.get("blocks"):
                return str(message.get("ts"))
        return None

    def _print_surface(self, label: str, text: Any, blocks: Any, surface: _Surface) -> None:
        renderer = self._renderer()
        lines = renderer.blocks(blocks) if isinstance(blocks, list) and blocks else []
        if not lines and text:
            lines = renderer.mrkdwn(str(text)).splitlines()
        self.write(f"── {label} ──")
        for line in lines:
            self.write(f"  {line}" if line else "")
        self.seen += [_Seen(c, surface) for c in renderer.clickables]
        del self.seen[:-200]


def _json(body: str) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body


def _element_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _pick(options: list[dict[str, Any]], given: str) -> dict[str, Any]:
    given = given.strip()
    for option in options:
        if given in (str(option.get("value")), plain(option.get("text"))):
            return option
    for option in options:
        if plain(option.get("text")).lower() == given.lower():
            return option
    return {"text": {"type": "plain_text", "text": given}, "value": given}


@contextmanager
def open_console(settings: Settings, *, write: Write = print, clock: ConsoleClock | None = None,
                 database_url: str | None = None) -> Iterator[Console]:
    """A console session: the fake Slack started, the demo seeded, the app built.

        with open_console(Settings.from_env()) as console:
            console.run(read)
    """
    from bot.app import create_app

    clock = clock or ConsoleClock()
    url = database_url or settings.database_url or DEMO_DATABASE_URL
    with FakeSlack() as slack:
        local = replace(settings, bot_token=None, app_token=None, signing_secret=None,
                        client_id=None, client_secret=None, database_url=url,
                        slack_api_url=slack.api_url)
        services = bootstrap(local, clock=clock)
        executor = TrackingExecutor()
        try:
            with services.uow(actor="console:demo") as uow:
                seed_demo(uow, deal_channel=local.deal_channel)
                uow.commit()
            with services.uow() as uow:
                for person in demo_people(uow):
                    slack.add_user(person.slack_user_id, name=person.name, tz=person.timezone,
                                   locale="ja-JP" if person.locale.startswith("ja") else "en-US")
            app = create_app(services)
            runner = app.listener_runner
            runner.listener_executor = executor
            runner.lazy_listener_runner.executor = executor  # type: ignore[attr-defined]
            shown = services.engine.url.render_as_string(hide_password=True)
            yield Console(app=app, services=services, slack=slack, executor=executor, clock=clock,
                          write=write, database=shown)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
            services.engine.dispose()


def _stdin(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


def run_console(settings: Settings, *, user: str | None = None, read: Read = _stdin,
                write: Write = print, clock: ConsoleClock | None = None,
                database_url: str | None = None) -> int:
    """Run a whole console session (as `user` if given); the exit status."""
    with open_console(settings, write=write, clock=clock, database_url=database_url) as console:
        try:
            return console.run(read, user=user)
        except KeyboardInterrupt:
            console.say("console.bye")
            return 0
