"""Bot tokens of OAuth installs, rotated before they expire (Slack's token rotation).

    tokens = BotTokens(store, TokenRotator(client_id=..., client_secret=..., client=client), client)
    tokens.client_for("T0COSELL")   # a WebClient with that workspace's current bot token

Listener requests are authorised by Bolt (`InstallationStoreAuthorize`, the same store and the
same rotation). The outbox sends outside any request, so it asks here for the client of the
message's workspace: the installation's bot token, refreshed with `oauth.v2.access`
(`grant_type=refresh_token`) when it expires within `minutes` and stored again, so the next
process finds the new one. Tokens are never logged.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

if TYPE_CHECKING:
    from storage.models import OutboxMessage
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["ROTATE_MINUTES", "SLACK_LOG", "BotTokens", "Redact", "outbox_client", "team_of"]

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"xox[a-z]?[.-][A-Za-z0-9.\-]+")  # bot, user, app and refresh tokens
_FIELD = re.compile(r"""(['"]?(?:access_token|refresh_token|client_secret|token)['"]?"""
                    r"""\s*[:=]\s*['"]?)[^'"&,}\s]+""")


class Redact(logging.Filter):
    """Takes tokens, refresh tokens and the client secret out of a record (the Web API client
    logs its requests and answers, with their bodies, at debug level)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        cleaned = _FIELD.sub(r"\1(redacted)", _TOKEN.sub("(redacted)", text))
        if cleaned != text:
            record.msg, record.args = cleaned, ()
        return True


SLACK_LOG = logging.getLogger("bot.slack_api")  # the Web API clients' logger, redacted
SLACK_LOG.addFilter(Redact())

ROTATE_MINUTES = 120  # refresh a token that expires within two hours (Bolt's default)


class BotTokens:
    """Each workspace's bot client, its token rotated through the installation store."""

    def __init__(self, store: InstallationStore, rotator: TokenRotator, base: WebClient, *,
                 minutes: int = ROTATE_MINUTES, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.rotator = rotator
        self.base = base
        self.minutes = minutes
        self.clock = clock
        self._lock = threading.Lock()  # one refresh at a time in this process
        self._clients: dict[str, tuple[WebClient, float | None]] = {}

    def client_for(self, team_id: str | None) -> WebClient | None:
        """The client of `team_id`'s installation, its token fresh; None when not installed."""
        if not team_id:
            return None
        with self._lock:
            cached = self._clients.get(team_id)
            if cached is not None and (cached[1] is None
                                       or cached[1] > self.clock() + self.minutes * 60):
                return cached[0]
            bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
            if bot is None or not bot.bot_token:
                return None
            refreshed = self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=self.minutes)
            if refreshed is not None:
                self.store.save_bot(refreshed)
                bot = refreshed
                log.info("bot token of workspace %s rotated (expires at %s)", team_id,
                         bot.bot_token_expires_at)
            client = self._client(str(bot.bot_token))
            expires = float(bot.bot_token_expires_at) if bot.bot_token_expires_at else None
            self._clients[team_id] = (client, expires)
            return client

    def _client(self, token: str) -> WebClient:
        """An outbox client (no SDK retries: see `outbox_client`) with `token`."""
        base = self.base
        return WebClient(token=token, base_url=base.base_url, timeout=base.timeout,
                         retry_handlers=[], logger=SLACK_LOG)


_plain: dict[tuple[int, str | None], tuple[WebClient, WebClient]] = {}
_plain_lock = threading.Lock()


def outbox_client(client: WebClient) -> WebClient:
    """`client` without slack_sdk's retry handlers, for the outbox: a connection error retried
    inside the SDK re-sends a `chat.postMessage` Slack may already have stored (a duplicate the
    outbox never hears of), and 429s are the outbox's to honour (`Retry-After`, without holding
    a sender). The outbox sees every failure and reconciles an ambiguous one instead.
    Interactive clients (Bolt's) keep theirs. A client with none is returned as it is."""
    if not isinstance(client, WebClient) or not client.retry_handlers:
        return client
    key = (id(client), client.token)
    with _plain_lock:
        found = _plain.get(key)
        if found is not None and found[0] is client:
            return found[1]
        if len(_plain) > 64:  # clients of finished tests or rotated tokens
            _plain.clear()
        plain = copy.copy(client)  # the same client (and class) but for its retry handlers
        plain.retry_handlers = []
        _plain[key] = (client, plain)
        return plain


def team_of(uow: AbstractUnitOfWork, message: OutboxMessage) -> str | None:
    """The workspace a row is sent in: its own, else its person's, else its deal thread's
    (a card, a thread message, a digest or answer about a deal), else, for a channel, that of
    the deal thread it answers in or of a deal posted in the channel."""
    if message.team_id:
        return message.team_id
    payload: dict[str, Any] = dict(message.payload)
    to = payload.get("to") if isinstance(payload.get("to"), dict) else {}
    person_id = (to or {}).get("person")
    if person_id is not None:
        person = uow.directory.find_person(int(person_id))
        return person.slack_team_id if person is not None else None
    deal = (to or {}).get("thread") or payload.get("thread_of") or payload.get("deal_id")
    if deal is not None:
        thread = uow.deals.thread(int(deal))
        return thread.team_id if thread is not None else None
    channel = str((to or {}).get("channel") or (payload.get("args") or {}).get("channel") or "")
    if not channel:
        return None
    thread_ts = (to or {}).get("thread_ts") or (payload.get("args") or {}).get("thread_ts")
    found = uow.deals.by_thread(channel, str(thread_ts)) if thread_ts else None
    deals = [found] if found is not None else list(uow.channels.deals_posted_in(channel))[:1]
    threads = uow.deals.threads([d.id for d in deals]) if deals else []
    return threads[0].team_id if threads else None
