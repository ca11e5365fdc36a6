"""Every workspace its own token: with three workspaces installed through OAuth, every outbox
call (a direct message, a post in a deal's thread, a channel answer) goes with the bot token of
the message's workspace, whether the pump or `coseller scheduler`'s job delivers it; direct
message channels are opened once and remembered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select, update

from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.messages import Outgoing, Text, ToChannel, ToPerson, queue
from bot.outbox import deliver_due, enqueue
from bot.pacing import Pacer
from bot.services import Services
from rules.vocabulary import Role
from storage.directory import import_directory
from storage.models import DealThread, DmChannel, OutboxMessage, OutboxState, Person
from tests.e2e.support import SECRET
from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import ROOT, add_deal, add_users

TEAMS = ("T0COSELL", "T0SECOND", "T0THIRD0")
CHANNELS = {"C0DEALS": "T0COSELL", "C0SECOND": "T0SECOND", "C0THIRD0": "T0THIRD0"}


def token(team: str) -> str:
    return f"xoxb-{team}-token"


class Workspaces(FakeSlack):
    """Answers `not_authed` to a call whose bearer token is not its workspace's (a channel's,
    or a direct message's person's)."""

    def __init__(self) -> None:
        super().__init__()
        self.user_team: dict[str, str] = {}
        self.refused: list[tuple[str, dict[str, Any]]] = []

    def intercept(self, method: str) -> Any:
        from bot.console.local_slack import Intercepted

        with self._lock:
            call = self.calls[-1]  # the pump and the job send one call at a time
        bearer = {k.lower(): v for k, v in call.headers.items()}.get("authorization", "")
        channel = str(call.args.get("channel") or "")
        team = CHANNELS.get(channel) or self.user_team.get(
            channel.removeprefix("D") or str(call.args.get("users") or ""))
        if method in ("chat.postMessage", "conversations.open", "conversations.members") \
                and bearer != f"Bearer {token(team or '?')}":
            self.refused.append((method, dict(call.args)))
            return Intercepted(200, {"ok": False, "error": "not_authed"})
        return super().intercept(method)


@pytest.fixture
def slack() -> Iterator[Workspaces]:
    with Workspaces() as fake:
        add_users(fake)
        yield fake


@pytest.fixture
def oauth(tmp_path: Path, slack: Workspaces, clock: Clock) -> Iterator[Services]:
    settings = Settings(client_id="111.222", client_secret="s", signing_secret=SECRET,
                        database_url=f"sqlite:///{tmp_path / 'oauth.db'}",
                        slack_api_url=slack.api_url, deal_channel="C0DEALS")
    services = bootstrap(settings, clock=clock)
    services.pacer = Pacer(0.0)
    with services.uow(actor="seed") as uow:
        import_directory(uow, (ROOT / "examples" / "directory.toml").read_text())
        for team in TEAMS[1:]:
            uow.directory.add(Person(slack_team_id=team, slack_user_id=f"U{team}", name=team,
                                     role=Role.ADMIN, locale="en", timezone="UTC"))
            slack.user_team[f"U{team}"] = team
        for person in uow.session.scalars(select(Person)):
            slack.user_team.setdefault(person.slack_user_id, person.slack_team_id)
        uow.commit()
    assert services.tokens is not None
    for team in TEAMS:
        services.tokens.store.save(Installation(
            app_id="A0COSELL", team_id=team, user_id=f"U{team}", bot_token=token(team),
            bot_id=f"B{team}", bot_user_id=slack.bot_user_id, bot_scopes=["chat:write"]))
    yield services
    services.engine.dispose()


@pytest.mark.parametrize("wiring", ["pump", "scheduler"])
def test_each_outbox_call_goes_with_its_workspaces_token(
        oauth: Services, slack: Workspaces, wiring: str) -> None:
    services = oauth
    deals = [add_deal(services, channel=channel) for channel in CHANNELS]
    with services.uow(actor="test") as uow:
        for deal, team in zip(deals, TEAMS, strict=True):
            uow.session.execute(update(DealThread).where(DealThread.deal_id == deal.id)
                                .values(team_id=team))
        people = {p.slack_team_id: p for p in uow.session.scalars(
            select(Person).where(Person.role == Role.ADMIN))}
        for n, deal in enumerate(deals):
            for round_ in range(2):  # a second DM to the same person: no second open
                queue(uow, Outgoing(f"dm:{n}:{round_}", ToPerson(people[TEAMS[n]].id),
                                    (Text("outbox.dead", {"key": "k", "error": "e",
                                                          "attempts": 1}),)))
            enqueue(uow, key=f"thread:{n}", payload={
                "method": "chat.postMessage", "args": {"text": "in the thread"},
                "thread_of": deal.id})
            queue(uow, Outgoing(f"answer:{n}", ToChannel(deal.channel, "en", deal.thread_ts),
                                (Text("outbox.dead", {"key": "k", "error": "e",
                                                      "attempts": 1}),)))
        uow.commit()
    job = next(j for j in services.jobs if j.id == "deliver-outbox")
    for _ in range(10):
        if wiring == "pump":
            deliver_due(services, services.client)
        else:
            job.run()

    assert slack.refused == []
    with services.uow() as uow:
        rows = list(uow.session.scalars(select(OutboxMessage)))
        assert {r.idempotency_key: r.state for r in rows if r.state is not OutboxState.SENT} == {}
        assert len(rows) == 12
        remembered = {(d.team_id, d.user_id) for d in uow.session.scalars(select(DmChannel))}
    assert remembered == {(team, people[team].slack_user_id) for team in TEAMS}
    opened = [c.args.get("users") for c in slack.calls_of("conversations.open")]
    assert sorted(opened) == sorted(people[team].slack_user_id for team in TEAMS)
