"""Deal threads as Slack keeps them: every message in them (what people wrote and what the bot
posted), shown to the people who read the thread and remembered as read per person.

    console.thread_history(thread)      # on /thread N: the messages this person has not seen
    console.unread_summary()            # on /as: how many per deal they may see

The local Slack keeps each thread's replies (`LocalSlack.replies`); the console remembers which
of them each person has seen (printed live, written by them, or shown on `/thread`). Only the
threads of deals the person reads (`ConsoleState.may_see`, the rule of `/deals`) are counted or
shown: a message of any other deal never is.
"""

from __future__ import annotations

from typing import Any

from bot.console.output import Output
from bot.console.state import Surface, Thread
from bot.i18n import t

__all__ = ["Threads"]


class Threads(Output):
    """Reading the deal threads' messages, everyone's."""

    def _unread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        seen = self.read.get(self.user.user_id, set()) if self.user is not None else set()
        return [m for m in self.slack.replies(channel, thread_ts) if str(m.get("ts")) not in seen]

    def record_own(self, text: str, ts: str) -> None:
        """What the current user wrote in the current thread: kept in Slack's thread, read by
        its writer."""
        if self.user is None or self.thread is None:
            return
        self.slack.add_message(self.thread.channel, user=self.user.user_id, text=text, ts=ts,
                               thread_ts=self.thread.ts)
        self.mark_read(ts)

    def thread_history(self, thread: Thread) -> None:
        """The thread's messages the current user has not seen yet, oldest first, after saying
        how many (or that there are none)."""
        replies = self.slack.replies(thread.channel, thread.ts)
        unread = self._unread(thread.channel, thread.ts)
        if not replies:
            return
        if not unread:
            self.say("console.thread_no_unread")
            return
        self.say("console.thread_unread", count=len(unread))
        for message in unread:
            self._show_stored(thread, message)
            self.mark_read(str(message.get("ts")))

    def _show_stored(self, thread: Thread, message: dict[str, Any]) -> None:
        author = str(message.get("user") or "")
        if author == self.slack.bot_user_id:
            label = t("console.label.thread", self.lang, deal=thread.deal_id)
        else:
            label = t("console.label.thread_by", self.lang, name=self.name_of(author),
                      deal=thread.deal_id)
        self.print_surface(label, message.get("text"), message.get("blocks"),
                           Surface("message", channel=thread.channel, ts=str(message.get("ts")),
                                   message=message))

    def unread_summary(self) -> None:
        """How many messages the current user has not seen, per thread of a deal they read."""
        if self.user is None:
            return
        items = []
        with self.services.uow() as uow:
            threads = [(deal, deal.thread) for deal in uow.deals.every()]
            found = [(deal.id, deal.company, thread.channel_id, thread.thread_ts)
                     for deal, thread in threads
                     if thread is not None and thread.thread_ts is not None]
        for deal_id, company, channel, thread_ts in found:
            if not self.may_see(deal_id):
                continue
            count = len(self._unread(channel, thread_ts))
            if count:
                items.append(t("console.unread_item", self.lang, deal=deal_id,
                               company=company, count=count))
        if items:
            self.say("console.unread_threads", deals="; ".join(items))
