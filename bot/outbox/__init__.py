"""The outbox: every message Coseller sends to Slack is first a row, then a delivery.

Use cases `enqueue` in their own transaction, under an idempotency key (a second enqueue of the
same key is a no-op). `deliver_due` claims due rows (one worker per row, even across replicas),
renders what must be rendered at send time (a deal card always shows the deal as it is now), sends
it, and records Slack's `ts`. Failures are retried later: 429 after `Retry-After` (which does not
use up a try), 5xx and network errors with exponential backoff and jitter; a message that keeps
failing becomes `dead` and the admins are told. Messages to one deal's thread go out in order: a
message waits while its thread's card is unsent.

Nothing is posted twice: a send is committed as under way before the call, and a send that was
interrupted (a crash) or may have reached Slack all the same (a timeout, a 5xx) is first looked
for in the conversation (the message metadata carries the key); a worker sends only the rows its
own claim still holds, so a row whose lease ran out is never sent by two workers at once.
"""

from __future__ import annotations

from bot.outbox.attempts import MAX_ATTEMPTS
from bot.outbox.delivery import Delivery, deliver_due, deliver_round, pending_count
from bot.outbox.pump import OutboxPump
from bot.outbox.queueing import conversation_of, enqueue
from bot.outbox.rendering import METADATA_EVENT, RENDERERS, NotReady, renderer

__all__ = [
    "MAX_ATTEMPTS",
    "METADATA_EVENT",
    "RENDERERS",
    "Delivery",
    "NotReady",
    "OutboxPump",
    "conversation_of",
    "deliver_due",
    "deliver_round",
    "enqueue",
    "pending_count",
    "renderer",
]
