"""The console's read-eval loop and its commands: choose who you are, list your deals, enter a
deal's thread, type slash commands, messages and mentions, move the clock.

    console.run(read, user="aiko")      # until /quit or the end of input; the exit status

Slack-shaped requests (`bot.console.requests`) go straight to the Bolt app in process; whatever
the bot then sends is printed (`bot.console.output`).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from typing import Any

from slack_bolt import BoltResponse

from bot.console import requests
from bot.console.interactions import Interactions
from bot.console.state import Read, Surface, Thread
from bot.demo.seed import DEMO_TEAM, seed_demo
from bot.i18n import t
from bot.outbox import RENDERERS
from bot.syntax.moments import moment, no_such_day
from bot.syntax.tokens import deal_ref, duration
from bot.usecases.closures import load_closures
from rules.i18n import format_datetime
from rules.regions import RegionDirectory
from storage.errors import NotFoundError
from storage.migrate import recreate

__all__ = ["Console"]

log = logging.getLogger(__name__)

_MENTION = re.compile(r"^@coseller\b[:,]?\s*", re.IGNORECASE)
_FARTHEST = timedelta(days=366)   # one /advance at most: a year of jobs runs in seconds
_DURATION_SHAPED = re.compile(r"^-?(\d+\s*[wdhm]\s*)+$", re.IGNORECASE)  # `0h`: not a time of day


class Console(Interactions):
    """One console session over a running app (see `bot.console.session.open_console`)."""

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
            "/reset": self.reset,
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
            role = t(f"console.role.{person.role.value if person.role else 'partner'}", self.lang)
            self.write(f"  {index}. {person.name} ({role}{org}) {person.user_id}")

    def choose(self, who: str) -> None:
        """`/as <user>`: become someone of the directory."""
        found = self.find_user(who) if who else None
        if found is None or found.role is None:
            self.say("console.unknown_user", who=who)
            return
        self.user = found
        self.modals.clear()
        if self.thread is not None and not self.may_see(self.thread.deal_id):
            self.thread = None
        role = t(f"console.role.{found.role.value}", self.lang)
        self.say("console.now_as", name=found.name, role=role, tz=str(found.tz))
        self.show_waiting()
        self.unread_summary()

    def list_deals(self) -> None:
        """`/deals`: the deals the bot shows this user (their Home tab's open deals)."""
        deals = self.visible_deals()
        if not deals:
            self.say("console.no_deals")
            return
        self.say("console.deals_header")
        for deal in deals:
            status = t(f"deals.status.{deal.status.value}", self.lang)  # the reader's words
            self.write(f"  {deal.id}. {deal.company} ({deal.domain}) · {status}")

    def enter_thread(self, text: str) -> None:
        """`/thread <deal id>`: speak in that deal's thread from now on."""
        deal_id = deal_ref(text.strip())
        if deal_id is None:
            self.say("console.thread_usage")
            return
        if not self.may_see(deal_id):
            self.say("console.no_such_deal", deal=deal_id)
            return
        with self.services.uow() as uow:
            try:
                deal = uow.deals.get(deal_id)
            except NotFoundError:
                self.say("console.no_such_deal", deal=deal_id)
                return
            thread = deal.thread
            if thread is None or thread.thread_ts is None:
                self.say("console.no_thread", deal=deal_id)
                return
            self.thread = Thread(deal_id, deal.company, thread.channel_id, thread.thread_ts)
        self.say("console.in_thread", deal=deal_id, company=self.thread.company)
        self._show_card(deal_id)
        self.thread_history(self.thread)

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
        self.print_surface(t("console.label.card", self.lang, deal=deal_id),
                           args.get("text"), args.get("blocks"),
                           Surface("message", channel=self.thread.channel if self.thread else None,
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
        """`/advance 2h|3d` or `/advance <date and time>` (`2026-12-07 09:00`, `monday 9am`, in
        your zone): move the clock forward, running the scheduler's jobs as they come due, and
        deliver the outbox. Never backwards."""
        text = text.strip()
        try:
            delta = by = duration(text)
        except OverflowError:  # more days than a date can hold
            self.say("console.advance_too_far", days=_FARTHEST.days)
            return
        if delta is None and text and not _DURATION_SHAPED.match(text):
            tz = self.user.tz if self.user is not None else UTC
            found = moment(text, tz=tz, now=self.clock())
            wrong = no_such_day(text, self.clock().astimezone(tz).year)
            if wrong is not None:
                self.say("console.no_such_date", date=wrong[0], days=wrong[1])
                return
            if found is None:
                self.say("console.advance_usage")
                return
            target = found.at if found.has_time else datetime.combine(found.day, dt_time(0), tz)
            if target <= self.clock():
                self.say("console.advance_backwards", when=format_datetime(target, self.lang, tz),
                         now=self._now_text())
                return
            delta = target - self.clock()
        if delta is None:
            self.say("console.advance_usage")
            return
        if delta > _FARTHEST:
            self.say("console.advance_too_far", days=_FARTHEST.days)
            return
        self.time_machine.advance(delta)
        self.save_time()
        if by is None:
            self.say("console.advanced_to", now=self._now_text())
        else:
            self.say("console.advanced", amount=text, now=self._now_text())
        self.settle()
        self.show()

    def reset(self, text: str) -> None:
        """`/reset yes`: the demo afresh: its data seeded again on an empty database, the clock
        back where it began, the local Slack and the console's memory emptied."""
        if text.strip().lower() not in ("yes", "はい"):
            self.say("console.reset_confirm")
            return
        self.settle()
        services = self.services
        recreate(services.engine)
        services.regions = RegionDirectory(services.settings.regions)
        self.clock.restart()
        with services.uow() as uow:
            uow.console_time.forget()
            uow.commit()
        with services.uow(actor="console:demo") as uow:
            seed_demo(uow, deal_channel=services.settings.deal_channel)
            uow.commit()
        load_closures(services)
        self.time_machine.restart()
        self.slack.reset()
        self._calls_seen = 0
        self.thread = None
        self.modals.clear()
        self.shown.clear()
        self.waiting.clear()
        self.read.clear()
        self.save_time()
        self.say("console.reset_done", now=self._now_text())

    # -- requests to the app ------------------------------------------------------------------

    def slash(self, command: str, text: str) -> None:
        """A slash command, form-encoded as Slack sends it; in a deal's thread with that thread
        (`thread_ts`), which the commands read the deal from, as in Slack."""
        assert self.user is not None
        where = {"thread_ts": self.thread.ts} if self.thread is not None else None
        request = requests.slash_command(
            command, text, team_id=DEMO_TEAM, user_id=self.user.user_id,
            channel_id=self.channel(), response_url=self.response_url(self.user.user_id),
            trigger_id=f"console-trigger-{self.next_serial()}",
            user_name=self.user_object()["name"], team_domain="coseller-demo", token="console",
            extra=where)
        self.answer(self.dispatch(request))

    def _event(self, event: dict[str, Any]) -> BoltResponse:
        return self.dispatch(requests.event_callback(
            event, team_id=DEMO_TEAM, token="console",
            event_id=f"EvCONSOLE{time.time_ns()}{self.next_serial():06d}",
            event_time=int(self.clock().timestamp()), bot_user_id=self.slack.bot_user_id))

    def message(self, text: str) -> None:
        """Plain text: a message in the current thread (a mention with `@coseller ...`)."""
        assert self.user is not None
        mention = _MENTION.match(text)
        if mention:
            text = f"<@{self.slack.bot_user_id}> {text[mention.end():]}"
        ts = self.new_ts()
        event: dict[str, Any] = {"type": "message", "channel": self.channel(),
                                 "user": self.user.user_id, "text": text, "ts": ts,
                                 "event_ts": ts, "channel_type": "channel", "team": DEMO_TEAM,
                                 "client_msg_id": f"console-{self.next_serial()}"}
        if self.thread is not None:
            event["thread_ts"] = self.thread.ts
            self.record_own(text, ts)
        responses = [self._event(event)]
        if mention:
            responses.append(self._event({**event, "type": "app_mention"}))
        for response in responses:
            self.answer(response, quiet=True)

    def open_home(self) -> None:
        """`/home`: open the app's Home tab (an `app_home_opened` event)."""
        assert self.user is not None
        self.answer(self._event({"type": "app_home_opened", "user": self.user.user_id,
                                 "channel": f"D{self.user.user_id}", "tab": "home",
                                 "event_ts": self.new_ts()}), quiet=True)
