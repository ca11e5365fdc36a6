"""The background thread that delivers the outbox: woken after a commit that queued, and every
`interval` seconds anyway; each round sends up to `senders` calls side by side
(`COSELLER_OUTBOX_SENDERS`)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from sqlalchemy.exc import DBAPIError

from bot.outbox.delivery import deliver_round
from bot.outbox.sending import ROUNDS, senders_from_env
from storage.lanes import ANSWER
from storage.pg_guard import unavailable

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
ANSWERS_PER_ROUND = 4  # the answers thread's rounds: short, so that the next answer soon goes


class OutboxPump:
    """Background threads delivering the outbox: woken at once after a use case enqueues,
    and every `interval` seconds anyway. Two rounds overlap (`ROUNDS`): their claims never
    share a conversation, and their preparing is one at a time (`Pacer.preparing`). A third
    thread takes only answers to people (`storage.lanes.ANSWER`), a few at a time, so that an
    answer never waits for a round of background work to end."""

    def __init__(self, services: Services, client: WebClient, interval: float = 1.0,
                 senders: int | None = None) -> None:
        self.services = services
        self.client = client
        self.interval = interval
        self.senders = senders or senders_from_env()
        # rows per round: short rounds, so that an answer to a person is claimed soon after it
        # is queued, whatever the backlog (each round's calls still go side by side)
        self.limit = max(1, self.senders // 2)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True, name=f"outbox-pump-{n}")
                         for n in range(ROUNDS)]
        self._threads.append(threading.Thread(target=self._run, args=(ANSWER,), daemon=True,
                                              name="outbox-pump-answers"))

    def start(self) -> OutboxPump:
        """Start delivering."""
        for thread in self._threads:
            thread.start()
        return self

    def wake(self) -> None:
        """Deliver now (called after a commit that enqueued)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current round."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _run(self, lanes: int | None = None) -> None:
        limit = self.limit if lanes is None else ANSWERS_PER_ROUND
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                while not self._stop.is_set():
                    done = deliver_round(self.services, self.client, limit=limit,
                                         senders=self.senders, lanes=lanes)
                    if done.sent == 0 and done.paced == 0:
                        break
                    if done.sent == 0:
                        self._stop.wait(done.paced)
            except DBAPIError as error:  # one line: the rows are retried once it is back
                log.warning("outbox delivery round failed: %s; it runs again", unavailable(error))
            except Exception:  # keep pumping; the row is retried on its schedule
                log.exception("outbox delivery round failed")
