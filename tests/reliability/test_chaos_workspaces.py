"""Several workspaces installed through OAuth, against the Slack-like fake that knows which
workspace each token and channel belongs to (another workspace's token: `channel_not_found`; a
token it does not know: `not_authed`): the outbox sends each row with its own workspace's
installation, so every reminder arrives, once; and a person's direct-message channel is opened
once, not again for every message (`conversations.open` is Tier 3: about 50 a minute)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import update

from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.services import Services
from bot.usecases.sweep import sweep
from storage.directory import import_directory
from storage.models import DealThread, Region
from tests.e2e.support import SECRET
from tests.fakes.slack_like import SlackLike

from .chaos import TickingClock, deliver_until_done, outbox_client, scaled
from .support import CHANNEL, EXTRA_PEOPLE, ROOT, TEAM, add_users, check_exactly_once, seed_due_clocks, utc

T0 = utc(2025, 12, 4, 3, 0)
TEAMS = (TEAM, "T0SECOND", "T0THIRD")


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock(T0)


@pytest.fixture
def fake(clock: TickingClock) -> Iterator[SlackLike]:
    slack = SlackLike(TEAMS, latency=0.002, jitter=0.001, clock=clock.seconds)
    add_users(slack)
    slack.start()
    try:
        yield slack
    finally:
        slack.stop()


@pytest.fixture
def oauth(tmp_path: Path, fake: SlackLike, clock: TickingClock) -> Iterator[Services]:
    """Coseller in OAuth mode with the three workspaces installed (each its own bot token)."""
    settings = Settings(client_id="111.222", client_secret="secret", signing_secret=SECRET,
                        database_url=f"sqlite:///{tmp_path / 'oauth.db'}",
                        slack_api_url=fake.api_url, deal_channel=CHANNEL)
    services = bootstrap(settings, clock=clock)
    with services.uow(actor="seed") as uow:
        import_directory(uow, (ROOT / "examples" / "directory.toml").read_text() + EXTRA_PEOPLE)
        if uow.directory.region("JP") is None:
            spec = services.regions.spec("JP")
            uow.session.add(Region(code="JP", country=spec.country, subdiv=spec.subdiv,
                                   timezone=spec.timezone, workweek=sorted(spec.workweek),
                                   closures={}))
        uow.commit()
    assert services.tokens is not None
    for team in TEAMS:
        services.tokens.store.save(Installation(
            app_id="A0COSELL", team_id=team, user_id="U0ADMIN1", bot_token=fake.token_of(team),
            bot_id="B0COSELL", bot_user_id=fake.bot_user_id, bot_scopes=["chat:write"]))
    yield services
    services.engine.dispose()


def _spread(services: Services, fake: SlackLike, count: int, steps: tuple[str, ...]) -> set[str]:
    """`count` due clocks, their deals' threads in channels spread over the workspaces."""
    seeded = seed_due_clocks(services, instants=[T0] * count,
                             steps=[steps[i % len(steps)] for i in range(count)], channels=count)
    with services.factory.begin() as session:
        for n in range(count):
            channel, team = f"C{n:07d}", TEAMS[n % len(TEAMS)]
            fake.place(channel, team)
            session.execute(update(DealThread).where(DealThread.channel_id == channel)
                            .values(team_id=team))
    services.clock.now = T0 + timedelta(minutes=1)  # type: ignore[attr-defined]
    while sweep(services, limit=200).claimed:
        pass
    return set(seeded.expected.values())


def test_each_workspace_is_sent_to_with_its_own_token(
        oauth: Services, fake: SlackLike, clock: TickingClock) -> None:
    """Thread reminders, DMs and breach notices (with their card edits) in three workspaces."""
    expected = _spread(oauth, fake, scaled(12), ("remind_24h", "remind_4h", "breach"))
    deliver_until_done(oauth, outbox_client(oauth), clock)
    assert not fake.counts.refused, dict(fake.counts.refused)
    check_exactly_once(oauth, fake, expected)


def test_a_persons_dm_channel_is_opened_once(
        oauth: Services, fake: SlackLike, clock: TickingClock) -> None:
    count = scaled(12)
    expected = _spread(oauth, fake, count, ("remind_4h",))   # each also a DM to Aiko
    deliver_until_done(oauth, outbox_client(oauth), clock)
    check_exactly_once(oauth, fake, expected)
    assert fake.calls_by_method()["conversations.open"] <= 2, fake.calls_by_method()
