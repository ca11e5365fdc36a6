"""Following a deal up: the names other modules have imported from here, kept so their code
keeps working. The use cases live by concept:

- `bot.usecases.response_clocks`: thread messages start and stop response clocks;
- `bot.usecases.absences`: out of office;
- `bot.usecases.extensions`: more time on the partner's reply;
- `bot.usecases.bant`: BANT updates;
- `bot.usecases.discounts`: discounts approved in writing;
- `bot.usecases.followup_shared`: finding the deal a command is about, and what they share.

A thread's language is decided in `bot.usecases.audience` (`thread_lang`).
"""

from __future__ import annotations

from bot.usecases.audience import thread_lang
from bot.usecases.bant import BantFields
from bot.usecases.followup_shared import ACTIVE_STATUSES, DealRef
from bot.usecases.response_clocks import ThreadMessage, on_thread_message, partner_clock

__all__ = [
    "ACTIVE_STATUSES",
    "BantFields",
    "DealRef",
    "ThreadMessage",
    "on_thread_message",
    "partner_clock",
    "thread_lang",
]
