"""The admin's Home tab on the fake world: refused and dead messages, breaches of every
organisation, channels with another organisation's member, people the directory does not know,
the directory's health; the Retry of a dead message; only admins see any of it."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.messages import Outgoing, Refused, Text, ToPerson, ToThread, queue
from bot.outbox.attempts import MAX_ATTEMPTS, failed, refuse
from bot.usecases.admin_home import (
    LATEST,
    AdminData,
    RetryMessage,
    admin_data,
    retry_message,
)
from bot.usecases.home import home_data
from bot.usecases.recipients import Unseen
from bot.usecases.strangers import SpokeIn, heard_stranger
from bot.views.admin_home import RETRY_ACTION
from bot.views.home import home_view
from rules.vocabulary import PartnerKind, Role, Tier
from storage.models import Breach, OutboxState, PartnerOrg, Person, Region

from .world import TEAM, World, utc

NOW = utc(2025, 12, 1, 0)


def _error(status: int = 404, code: str = "channel_not_found") -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="chat.postMessage",
                             req_args={}, data={"ok": False, "error": code}, headers={},
                             status_code=status)
    return SlackApiError(code, response)


def refused_message(world: World, deal_id: int) -> int:
    """A direct message about Sakura's deal to Northwind's Dana, refused by the recipient door
    (recorded as the outbox does)."""
    with world.services.uow("test") as uow:
        dana = world.people["dana"]
        queue(uow, Outgoing(f"leak:{deal_id}", ToPerson(dana.id), (Text("home.title"),),
                            deal_id=deal_id))
        row = uow.outbox.by_key(f"leak:{deal_id}")
        assert row is not None
        refuse(uow, row, uow.now(), Unseen("outbox.refused.person",
                                           "Dana Reyes (Northwind Growth LLC)", deal_id))
        uow.commit()
        return row.id


def dead_message(world: World, deal_id: int) -> int:
    """A thread message Slack refused eight times: given up on."""
    with world.services.uow("test") as uow:
        queue(uow, Outgoing(f"thread:{deal_id}:x", ToThread(deal_id), (Text("home.title"),)))
        row = uow.outbox.by_key(f"thread:{deal_id}:x")
        assert row is not None
        row.attempts = MAX_ATTEMPTS
        assert failed(uow, row, uow.now(), _error()) == "dead"
        uow.commit()
        return row.id


def test_only_admins_get_the_admin_sections() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    refused_message(world, deal.id)
    for name in ("aiko", "dana", "hiro", "maya", "ken"):
        data = home_data(world.services, world.actor(name))
        assert data.admin is None, name
        view = json.dumps(home_view(data, lang="en", tz=ZoneInfo("UTC")))
        assert "What needs your attention" not in view and RETRY_ACTION not in view
    assert home_data(world.services, world.actor("ada")).admin is not None


def test_refused_and_dead_messages_with_when_where_about_what_and_why() -> None:
    world = World.make(now=NOW)
    deal = world.deal(company="Hinode Foods KK")
    refused = refused_message(world, deal.id)
    world.clock.now = NOW + timedelta(hours=1)
    dead = dead_message(world, deal.id)
    data = admin_data_now(world)
    assert data.counts[OutboxState.REFUSED] == 1 and data.counts[OutboxState.DEAD] == 1
    [line] = data.refused
    assert (line.id, line.deal_id, line.company) == (refused, deal.id, "Hinode Foods KK")
    assert (line.reason, line.who) == ("outbox.refused.person",
                                       "Dana Reyes (Northwind Growth LLC)")
    assert (line.where.kind, line.where.person) == ("person", "Dana Reyes")
    assert line.queued_at == NOW
    [gone] = data.dead
    assert (gone.id, gone.deal_id, gone.attempts) == (dead, deal.id, MAX_ATTEMPTS)
    assert (gone.where.kind, gone.where.deal_id, gone.where.channel_id) == \
        ("thread", deal.id, "C0DEALS")
    assert "channel_not_found" in (gone.error or "")


def admin_data_now(world: World) -> AdminData:
    with world.services.uow("test") as uow:
        return admin_data(uow, world.clock.now)


def test_counts_and_only_the_latest_few() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    with world.services.uow("test") as uow:
        for number in range(LATEST + 3):
            queue(uow, Outgoing(f"leak:{number}", ToPerson(world.people["dana"].id),
                                (Text("home.title"),), deal_id=deal.id))
            row = uow.outbox.by_key(f"leak:{number}")
            assert row is not None
            refuse(uow, row, uow.now(), Unseen("outbox.refused.place", "C0OPEN", deal.id))
        uow.commit()
    data = admin_data_now(world)
    assert data.counts[OutboxState.REFUSED] == LATEST + 3
    assert len(data.refused) == LATEST
    assert [r.id for r in data.refused] == sorted((r.id for r in data.refused), reverse=True)
    view = home_view(home_data(world.services, world.actor("ada")), lang="en",
                     tz=ZoneInfo("UTC"))
    assert len(view["blocks"]) <= 100
    assert "…and 3 more" in json.dumps(view, ensure_ascii=False)


def test_breaches_of_every_organisation_in_the_last_90_days() -> None:
    world = World.make(now=NOW)
    sakura = world.deal(company="Hinode Foods KK")
    northwind = world.deal(partner="northwind", registrant="dana", gs="maya", region="US",
                           company="Contoso Inc")
    with world.services.uow("test") as uow:
        for deal, days, kind in ((sakura, 3, "response"), (northwind, 10, "poi"),
                                 (northwind, 20, "response"), (northwind, 120, "response")):
            uow.breaches.add(Breach(partner_org_id=deal.partner_org_id, deal_id=deal.id,
                                    kind=kind, occurred_at=NOW - timedelta(days=days)))
        uow.commit()
    data = admin_data_now(world)
    assert data.breach_count == 3
    assert data.breaches_by_org == (("Northwind Growth LLC", 2), ("Sakura Digital KK", 1))
    assert [(b.org, b.company, b.kind) for b in data.breaches] == [
        ("Sakura Digital KK", "Hinode Foods KK", "response"),
        ("Northwind Growth LLC", "Contoso Inc", "poi"),
        ("Northwind Growth LLC", "Contoso Inc", "response")]


def test_a_channel_with_a_member_of_another_partner_organisation() -> None:
    world = World.make(now=NOW)
    world.deal()  # Sakura's thread in C0DEALS
    with world.services.uow("test") as uow:
        sakura = uow.directory.find_org(world.orgs["sakura"].id)
        assert sakura is not None
        sakura.channel_id = "C0SAKURA"
        uow.channels.set_members("C0SAKURA", ["U0AIKO01", "U0GSHIRO"], NOW)
        uow.channels.set_members("C0DEALS", ["U0AIKO01", "U0REN001", "U0GSMAYA"], NOW)
        uow.commit()
    assert admin_data_now(world).channels == ()  # Sakura's people and staff only
    joined = NOW + timedelta(hours=2)
    with world.services.uow("test") as uow:
        uow.channels.joined("C0SAKURA", "U0DANA01", joined)
        uow.commit()
    data = admin_data_now(world)
    [alert] = data.channels
    assert (alert.channel_id, alert.orgs) == ("C0SAKURA", ("Sakura Digital KK",))
    assert [(m.name, m.org, m.since) for m in alert.members] == \
        [("Dana Reyes", "Northwind Growth LLC", joined)]
    assert data.channel_count == 1


def test_people_the_directory_does_not_know_are_remembered_in_deal_channels_only() -> None:
    world = World.make(now=NOW)
    world.deal()  # a thread in C0DEALS
    spoke = SpokeIn(team_id=TEAM, channel="C0DEALS", user_id="U0NEWBIE")
    assert heard_stranger(world.services, spoke)
    world.clock.now = NOW + timedelta(hours=1)
    assert not heard_stranger(world.services, spoke)  # once per channel; counted
    assert not heard_stranger(world.services, SpokeIn(TEAM, "C0RANDOM", "U0NEWBIE"))
    assert not heard_stranger(world.services, SpokeIn(TEAM, "C0DEALS", "U0AIKO01"))  # known
    assert not heard_stranger(world.services, SpokeIn(TEAM, "D0DIRECT", "U0NEWBIE"))
    data = admin_data_now(world)
    assert data.stranger_count == 1
    [seen] = data.strangers
    assert (seen.user_id, seen.channel_id, seen.first_seen, seen.last_seen, seen.times) == \
        ("U0NEWBIE", "C0DEALS", NOW, NOW + timedelta(hours=1), 2)
    with world.services.uow("test") as uow:  # the admin adds them: off the list
        uow.directory.add(Person(slack_team_id=TEAM, slack_user_id="U0NEWBIE", name="New Bie",
                                 role=Role.PARTNER, partner_org_id=world.orgs["sakura"].id,
                                 locale="ja", timezone="Asia/Tokyo"))
        uow.commit()
    assert admin_data_now(world).stranger_count == 0


def test_the_directory_health() -> None:
    world = World.make(now=NOW)
    health = admin_data_now(world).directory
    assert health.no_zone == ("Ada Admin",)  # UTC: the directory's default
    assert health.no_pdm == () and health.no_gs == () and health.no_language == ()
    with world.services.uow("test") as uow:
        uow.directory.add(PartnerOrg(name="Orphan GK", kind=PartnerKind.SOLUTIONS_PARTNER,
                                     tier=Tier.GOLD, region_code="JP", accreditations=[]))
        uow.directory.add(Region(code="GB", country="GB", timezone="Europe/London",
                                 workweek=[0, 1, 2, 3, 4], closures={}))
        ren = uow.directory.find_person(world.people["ren"].id)
        assert ren is not None
        ren.locale = "fr"
        uow.commit()
    health = admin_data_now(world).directory
    assert health.no_pdm == ("Orphan GK",) and health.no_gs == ("GB",)
    assert health.no_language == ("Ren Mori",) and not health.healthy


def test_an_admin_retries_a_dead_message() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    dead = dead_message(world, deal.id)
    refused = refused_message(world, deal.id)
    for name in ("hiro", "ken", "aiko"):
        with pytest.raises(Refused):
            retry_message(world.services, world.actor(name), RetryMessage(dead))
    world.clock.now = NOW + timedelta(hours=3)
    assert retry_message(world.services, world.actor("ada"), RetryMessage(dead)).ok
    with world.services.uow("test") as uow:
        row = uow.outbox.find(dead)
        assert row is not None and row.state is OutboxState.PENDING
        assert row.attempts == 0 and row.next_attempt_at == NOW + timedelta(hours=3)
    for other in (dead, refused, 999):  # now pending; refused stays refused; none such
        assert not retry_message(world.services, world.actor("ada"), RetryMessage(other)).ok
    with world.services.uow("test") as uow:
        row = uow.outbox.find(refused)
        assert row is not None and row.state is OutboxState.REFUSED


def test_the_view_escapes_names_shows_ids_as_slack_does_and_speaks_the_admins_language() -> None:
    world = World.make(now=NOW)
    deal = world.deal(company="<!channel> & Sons")
    refused_message(world, deal.id)
    dead = dead_message(world, deal.id)
    heard_stranger(world.services, SpokeIn(TEAM, "C0DEALS", "U0NEWBIE"))
    data = home_data(world.services, world.actor("ada"))
    english = json.dumps(home_view(data, lang="en", tz=ZoneInfo("America/New_York")),
                         ensure_ascii=False)
    assert "&lt;!channel&gt; &amp; Sons" in english and "<!channel>" not in english
    assert "<@U0NEWBIE> in <#C0DEALS>: once, Sun 30 Nov 19:00 EST" in english
    assert f'"value": "{dead}"' in english
    japanese = json.dumps(home_view(data, lang="ja", tz=ZoneInfo("Asia/Tokyo")),
                          ensure_ascii=False)
    assert "<@U0NEWBIE>(<#C0DEALS>):1回、初回 12月1日(月) 09:00 JST" in japanese
    assert "再送する" in japanese and "Retry" not in japanese
    for word in ("Refused", "breaches", "directory", "channel with", "None."):
        assert word not in japanese
