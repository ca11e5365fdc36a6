"""Opening a console session: the local Slack started, the services bootstrapped on the demo
database, the demo seeded, the Bolt app built with an executor the console can wait for.

    with open_console(Settings.from_env()) as console:
        console.run(read)
    status = run_console(settings, user="aiko")      # the same, for `coseller run`

The console's time is kept with its database (`console_time`): a session on a database a
console has used resumes at the time it was left at.

The console runs on SQLite (`./coseller-demo.db` unless `DATABASE_URL` says otherwise) with the
demo directory and a few demo deals, seeded idempotently (`bot.demo.seed`). Its settings have no
tokens, so request verification is off and the client talks to the local Slack.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.console.executor import TrackingExecutor
from bot.console.local_slack import LocalSlack
from bot.console.repl import Console
from bot.console.state import Read, Write
from bot.console.time_travel import ConsoleClock
from bot.demo.seed import demo_people, seed_demo
from bot.pacing import Pacer

__all__ = ["DEMO_DATABASE_URL", "open_console", "run_console"]

DEMO_DATABASE_URL = "sqlite:///coseller-demo.db"


@contextmanager
def open_console(settings: Settings, *, write: Write = print, clock: ConsoleClock | None = None,
                 database_url: str | None = None) -> Iterator[Console]:
    """A console session: the local Slack started, the demo seeded, the app built.

        with open_console(Settings.from_env()) as console:
            console.run(read)
    """
    from bot.app import create_app

    clock = clock or ConsoleClock()
    url = database_url or settings.database_url or DEMO_DATABASE_URL
    with LocalSlack() as slack:
        local = replace(settings, bot_token=None, app_token=None, signing_secret=None,
                        client_id=None, client_secret=None, database_url=url,
                        slack_api_url=slack.api_url)
        services = bootstrap(local, clock=clock)
        services.pacer = Pacer(0.0)  # no rate limits here; a paced row would wait for /advance
        executor = TrackingExecutor()
        try:
            with services.uow() as uow:
                saved = uow.console_time.saved()
            if saved is not None:
                clock.resume(saved)  # the console's time is kept with its database
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
            console = Console(app=app, services=services, slack=slack, executor=executor,
                              clock=clock, write=write, database=shown)
            yield console
            console.save_time()
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
