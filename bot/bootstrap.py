"""The composition root: builds everything every entry point needs, once, with real or fake
adapters (HTTP, Socket Mode, the console, `coseller scheduler` and the benchmarks all use it).

    services = bootstrap(Settings.from_env())          # database, Slack client, pump, jobs
    app = create_app(services)                          # only the Bolt app
    services.pump.start(); build_scheduler(services).start()
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from bot.config import Settings
from bot.installations import SLACK_LOG, BotTokens
from bot.outbox import OutboxPump
from bot.services import Services
from bot.usecases.closures import load_closures
from rules.regions import RegionDirectory
from scheduler import job_table
from storage.db import make_engine, make_session_factory
from storage.migrate import ensure_schema
from storage.unit_of_work import utc_now

__all__ = ["bootstrap", "slack_client"]


def slack_client(settings: Settings) -> WebClient:
    """The Web API client: the configured base URL (a fake Slack in tests and the console),
    Slack's 429s retried after `Retry-After`."""
    client = WebClient(token=settings.bot_token,
                       base_url=settings.slack_api_url or WebClient.BASE_URL, timeout=10,
                       logger=SLACK_LOG)  # its debug log of requests, tokens taken out
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def bootstrap(settings: Settings, *, clock: Callable[[], datetime] = utc_now,
              engine: Engine | None = None, migrate: bool = True,
              client: WebClient | None = None) -> Services:
    """Wire the services; a new or behind database is migrated first. Nothing is started: the
    entry point starts the pump and the scheduler it wants."""
    engine = engine or make_engine(settings.database_url)
    if migrate:
        ensure_schema(engine)
    client = client or slack_client(settings)
    if client.token is None and not settings.oauth:
        client.token = settings.bot_token or "xoxb-console"
    services = Services(settings=settings, engine=engine, factory=make_session_factory(engine),
                        regions=RegionDirectory(settings.regions), client=client, clock=clock,
                        worker=f"coseller-{os.getpid()}")
    if settings.oauth:
        services.tokens = BotTokens(
            SQLAlchemyInstallationStore(client_id=settings.client_id or "", engine=engine),
            TokenRotator(client_id=settings.client_id or "",
                         client_secret=settings.client_secret or "", client=client), client)
    services.pump = OutboxPump(services, client)
    services.jobs = job_table(services)
    load_closures(services)  # closure days added at run time, into the region calendars
    return services
