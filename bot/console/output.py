"""What the console prints: every call the bot made to the local Slack since the last input
(ephemeral answers, thread messages, direct messages, card updates, modals, the Home tab), as
text in the current user's language and time zone.

The outbox is delivered (`settle`) before anything is printed, so that what you see is
everything your input caused.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import BoltResponse

from bot.console.render import plain
from bot.console.state import ConsoleState, Shown, Surface, deal_of_card
from bot.i18n import t
from bot.outbox import deliver_due
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["Output", "json_or_text", "outbox_due"]

log = logging.getLogger(__name__)

_QUIET_METHODS = {"auth.test", "users.info", "conversations.open", "conversations.history",
                  "conversations.replies", "conversations.info", "conversations.members",
                  "chat.getPermalink", "users.lookupByEmail", "team.info", "bots.info"}


def json_or_text(body: str) -> Any:
    """A response body as JSON, or the text itself when it is not JSON (None when empty)."""
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body


def outbox_due(uow: AbstractUnitOfWork, now: datetime) -> bool:
    """Whether a message is due and free to send (one left claimed by a failed round waits for
    its lease, as it would in a server)."""
    return uow.outbox.has_due(now)


class Output(ConsoleState):
    """Printing what the bot sent, and waiting until it has sent everything."""

    def answer(self, response: BoltResponse, *, quiet: bool = False) -> None:
        """Print the immediate answer (the ack's body), then everything else the bot sent."""
        if response.status >= 400 and response.status != 404:
            self.say("console.http_status", status=response.status)
        elif response.status == 404 and not quiet:
            self.say("console.unhandled")
        body = json_or_text(response.body)
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            self.print_surface(t("console.label.you", self.lang), body.get("text"),
                               body.get("blocks"), Surface("ephemeral", channel=self.channel()))
        elif isinstance(body, str) and body.strip():
            self.print_surface(t("console.label.you", self.lang), body, None,
                               Surface("ephemeral", channel=self.channel()))
        self.settle()
        self.show()

    def settle(self) -> None:
        """Wait for the listeners to finish and deliver the outbox, until all is quiet."""
        deadline = time.monotonic() + self.settle_timeout
        while time.monotonic() < deadline:
            self.executor.wait_idle(max(0.0, deadline - time.monotonic()))
            try:
                # one call at a time: the console shows messages in the order they are sent
                delivered = deliver_due(self.services, self.services.client, senders=1)
            except Exception:  # a renderer that fails is logged; the console goes on
                log.exception("outbox delivery failed in the console")
                return
            if not delivered and self.executor.idle:
                with self.services.uow() as uow:
                    if not outbox_due(uow, self.clock()):
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
        """Print what the bot sent to Slack since last time that the current user would see in
        Slack: their own direct and private messages (someone else's wait for them: `/as`
        shows them), threads and cards of deals they may see, channels they are in."""
        for method, args in self._new_calls():
            if method in _QUIET_METHODS:
                continue
            person = self._addressee(method, args)
            if person is not None and (self.user is None or person != self.user.user_id):
                if method != "views.publish":
                    self.waiting.append((person, method, args))
                continue
            if person is None and not self._may_read(method, args):
                continue
            self._show_safely(method, args)
            if method == "chat.postMessage" and args.get("thread_ts"):
                self.mark_read(self._message_ts(str(args.get("channel") or ""), args))

    def show_waiting(self) -> None:
        """Print the direct and private messages that came for the current user while the
        console was someone else."""
        if self.user is None:
            return
        mine = [(m, a) for person, m, a in self.waiting if person == self.user.user_id]
        self.waiting = [w for w in self.waiting if w[0] != self.user.user_id]
        if mine:
            self.say("console.while_away", count=len(mine))
        for method, args in mine:
            self._show_safely(method, args)

    def _show_safely(self, method: str, args: dict[str, Any]) -> None:
        try:
            self._show_call(method, args)
        except Exception as error:  # an odd payload is shown raw rather than lost
            log.info("could not render %s: %s", method, error)
            self.write(f"[{method}] {json.dumps(args, ensure_ascii=False)[:2000]}")

    def _addressee(self, method: str, args: dict[str, Any]) -> str | None:
        """The one person a call is for (a direct message, a private answer, a Home tab)."""
        channel = str(args.get("channel") or "")
        if method == "response_url":
            return str(args.get("response_url_id", "")).rsplit("-", 1)[0]
        if method == "chat.postEphemeral":
            return str(args.get("user") or "")
        if method == "views.publish":
            return str(args.get("user_id") or "")
        if method in ("chat.postMessage", "chat.scheduleMessage", "chat.update") and \
                channel.startswith("D"):
            return channel[1:]
        return None

    def _may_read(self, method: str, args: dict[str, Any]) -> bool:
        """Whether the current user sees a message in a channel: a deal's thread or card only
        if they may see the deal; a partner's own channel only its own people."""
        if method not in ("chat.postMessage", "chat.scheduleMessage", "chat.update"):
            return True
        channel = str(args.get("channel") or "")
        thread_ts = args.get("thread_ts")
        if thread_ts:
            deal = self._deal_of(channel, str(thread_ts))
        else:
            ts = str(args.get("ts") or "") or self._message_ts(channel, args)
            deal = self._deal_of(channel, ts, card=True)
        if deal is not None:
            return self.may_see(deal)
        if self.user is None:
            return False
        with self.services.uow() as uow:
            owner = next((org.id for org in uow.directory.orgs() if org.channel_id == channel),
                         None)
        return owner is None or not self.user.partner_org_id or owner == self.user.partner_org_id

    def name_of(self, user_id: str) -> str:
        """A person's name (their id if unknown)."""
        return self.names().get(user_id, user_id)

    def _deal_of(self, channel: str, ts: str | None, *, card: bool = False) -> int | None:
        if not ts:
            return None
        with self.services.uow() as uow:
            if card:
                return deal_of_card(uow, channel, ts)
            deal = uow.deals.by_thread(channel, ts)
            return deal.id if deal is not None else None

    def _private_label(self, owner: str) -> str:
        if self.user is not None and owner == self.user.user_id:
            return t("console.label.you", self.lang)
        return t("console.label.ephemeral_to", self.lang, name=self.name_of(owner))

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
            label = t("console.label.channel", self.lang,
                      channel=self._channel_name(self.channel() or ""))
        if args.get("replace_original") in (True, "true"):
            label = t("console.label.replaced", self.lang, label=label)
        self.print_surface(label, args.get("text"), args.get("blocks"),
                           Surface("ephemeral", channel=self.channel()))

    def _show_post(self, method: str, args: dict[str, Any]) -> None:
        lang = self.lang
        channel = str(args.get("channel") or "")
        thread_ts = args.get("thread_ts")
        deal = self._deal_of(channel, str(thread_ts)) if thread_ts else None
        if method == "chat.postEphemeral":
            label = self._private_label(str(args.get("user") or ""))
        elif channel.startswith("D"):
            label = t("console.label.dm", lang, name=self.name_of(channel[1:]))
        elif deal is not None:
            label = t("console.label.thread", lang, deal=deal)
        else:
            label = t("console.label.channel", lang, channel=self._channel_name(channel))
        ts = self._message_ts(channel, args)
        message = {"ts": ts or "", "text": args.get("text", ""), "blocks": args.get("blocks")}
        kind = "ephemeral" if method == "chat.postEphemeral" else "message"
        self.print_surface(label, args.get("text"), args.get("blocks"),
                           Surface(kind, channel=channel, ts=ts, message=message))

    def _show_update(self, method: str, args: dict[str, Any]) -> None:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        deal = self._deal_of(channel, ts, card=True)
        label = t("console.label.card", self.lang, deal=deal) if deal else \
            t("console.label.updated", self.lang, channel=self._channel_name(channel))
        message = {"ts": ts, "text": args.get("text"), "blocks": args.get("blocks")}
        self.print_surface(label, args.get("text"), args.get("blocks"),
                           Surface("message", channel=channel, ts=ts, message=message))

    def _show_view(self, method: str, args: dict[str, Any]) -> None:
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict):
            return
        if method == "views.publish" or view.get("type") == "home":
            user_id = str(args.get("user_id") or (self.user.user_id if self.user else ""))
            self.print_surface(t("console.label.home", self.lang, name=self.name_of(user_id)),
                               None, view.get("blocks") or [], Surface("view", view=view))
            return
        if method == "views.update" and self.modals:
            view = {**view, "id": self.modals.pop().get("id")}
        elif method == "views.open":
            self.modals.clear()
        self.open_modal(view, "console.label.modal_updated" if method == "views.update"
                        else "console.label.modal")

    def open_modal(self, view: dict[str, Any], label_key: str) -> None:
        """Print a modal that opened and remember it for `/submit` and `/cancel`."""
        view = dict(view)
        view.setdefault("id", f"VCONSOLE{self.next_serial():04d}")
        self.modals.append(view)
        title = plain(view.get("title"))
        blocks = view.get("blocks") or []
        self.print_surface(t(label_key, self.lang, title=title), None, blocks,
                           Surface("view", view=view))
        fields = [b for b, _, _ in modal_inputs(view)]
        if fields:
            submit = plain(view.get("submit")) or "Submit"
            example = " ".join(f"{name}=…" for name in fields)
            self.say("console.submit_hint", submit=submit, example=example)

    def _channel_name(self, channel: str) -> str:
        return self.channel_names().get(channel, channel)

    def _message_ts(self, channel: str, args: dict[str, Any]) -> str | None:
        """The ts the local Slack gave a posted message (found again by its text and blocks)."""
        for message in reversed(self.slack.messages.get(channel, [])):
            if message.get("text") == args.get("text") and message.get("blocks") == args.get("blocks"):
                return str(message.get("ts"))
        return None

    def print_surface(self, label: str, text: Any, blocks: Any, surface: Surface) -> None:
        """Print one message, modal or tab under a label and its number; remember its buttons
        and menus (`/click N ...`)."""
        number = max(self.shown, default=0) + 1
        renderer = self.renderer()
        renderer.number = number
        lines = renderer.blocks(blocks) if isinstance(blocks, list) and blocks else []
        if not lines and text:
            lines = renderer.mrkdwn(str(text)).splitlines()
        self.write(f"── [{number}] {label} ──")
        for line in lines:
            self.write(f"  {line}" if line else "")
        entry = Shown(number, surface, list(renderer.clickables))
        if entry.key is not None:
            for earlier in self.shown.values():
                if earlier.key == entry.key:
                    earlier.current = False  # the same message printed again: this is it now
        self.shown[number] = entry
        for old in [n for n in self.shown if n <= number - 500]:
            del self.shown[old]


def modal_inputs(view: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """A modal's input blocks as (block_id, action_id, element)."""
    found = []
    for index, block in enumerate(view.get("blocks") or []):
        if isinstance(block, dict) and block.get("type") == "input":
            element = block.get("element") or {}
            block_id = str(block.get("block_id") or f"block{index}")
            action_id = str(element.get("action_id") or f"{block_id}_input")
            found.append((block_id, action_id, element))
    return found
