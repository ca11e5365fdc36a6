"""Who reads what: a deal thread speaks its registering partner's language (else its partner
organisation's first person's, else its GS's, else English), shows times in the deal's region as
Slack date tokens; a person reads alone, in their own language and zone; a channel in its own."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.messages import Reader, ToChannel, ToPerson, ToThread
from bot.usecases.audience import Destination, NoThreadYet, destination, thread_lang
from storage.models import Deal, DealStatus

from .world import TEAM, World


def _set(world: World, name: str, **values: object) -> None:
    """Change a person of the directory."""
    with world.services.uow("test") as uow:
        person = uow.directory.person_by_id(world.people[name].id)
        for key, value in values.items():
            setattr(person, key, value)
        uow.commit()


def _edit(world: World, deal: Deal, **values: object) -> None:
    with world.services.uow("test") as uow:
        row = uow.deals.get(deal.id)
        for key, value in values.items():
            setattr(row, key, value)
        uow.commit()


def _lang(world: World, deal: Deal) -> str:
    with world.services.uow("test") as uow:
        return thread_lang(uow, uow.deals.get(deal.id))


def test_the_registering_partner_decides_not_the_first_of_the_org() -> None:
    world = World.make()
    _set(world, "ren", locale="en-US")  # Aiko, Sakura's first person, stays Japanese
    assert _lang(world, world.deal(registrant="ren")) == "en"
    assert _lang(world, world.deal(registrant="aiko")) == "ja"


def test_an_offered_deal_speaks_its_partner_orgs_first_person() -> None:
    """Registered by a GS (a HubSpot-owned offer): the partner side's language, not the GS's."""
    world = World.make()
    _set(world, "ren", locale="en")  # Sakura's second person: not the one asked
    offered = world.deal(partner="northwind", registrant="hiro", gs="hiro",
                         status=DealStatus.OFFERED)
    assert _lang(world, offered) == "en"  # Dana, not Hiroshi
    to_sakura = world.deal(partner="sakura", registrant="maya", gs="maya",
                           status=DealStatus.OFFERED)
    assert _lang(world, to_sakura) == "ja"  # Aiko, not Ren nor Maya


def test_an_inactive_first_person_is_passed_over() -> None:
    world = World.make()
    _set(world, "aiko", active=False)
    _set(world, "ren", locale="en")
    offered = world.deal(partner="sakura", registrant="maya", gs="maya",
                         status=DealStatus.OFFERED)
    assert _lang(world, offered) == "en"  # Ren's


def test_without_a_partner_the_gs_decides_and_without_anyone_english() -> None:
    world = World.make()
    deal = world.deal(registrant="hiro", gs="hiro", status=DealStatus.OFFERED)
    _edit(world, deal, partner_org_id=None)
    assert _lang(world, deal) == "ja"  # Hiroshi's
    _edit(world, deal, registered_by_id=None, gs_id=None)
    assert _lang(world, deal) == "en"


def test_a_thread_is_read_by_all_in_the_deals_region() -> None:
    world = World.make()
    deal = world.deal()
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(deal.id)
        assert thread is not None
        where = destination(uow, ToThread(deal.id))
    assert where == Destination(Reader("ja", ZoneInfo("Asia/Tokyo"), shared=True), TEAM,
                                channel="C0DEALS", thread_ts=thread.thread_ts)
    assert where.thread_ts and where.dm_user is None


def test_a_us_thread_reads_in_new_york_in_english() -> None:
    world = World.make()
    deal = world.deal(partner="northwind", registrant="dana", gs="maya", region="US")
    with world.services.uow("test") as uow:
        where = destination(uow, ToThread(deal.id))
    assert where.reader == Reader("en", ZoneInfo("America/New_York"), shared=True)


def test_no_thread_yet_until_the_card_is_sent() -> None:
    world = World.make()
    deal = world.deal(thread=False)
    with world.services.uow("test") as uow, pytest.raises(NoThreadYet):
        destination(uow, ToThread(deal.id))


def test_a_person_reads_alone_in_their_own_language_and_zone() -> None:
    world = World.make()
    with world.services.uow("test") as uow:
        dana = destination(uow, ToPerson(world.people["dana"].id))
        aiko = destination(uow, ToPerson(world.people["aiko"].id))
    assert dana == Destination(Reader("en", ZoneInfo("America/New_York")), TEAM,
                               dm_user="U0DANA01")
    assert aiko.reader == Reader("ja", ZoneInfo("Asia/Tokyo"))
    assert (aiko.dm_user, aiko.channel, aiko.thread_ts) == ("U0AIKO01", None, None)


def test_a_slack_locale_and_an_unknown_zone_are_read_safely() -> None:
    world = World.make()
    _set(world, "maya", locale="ja-JP", timezone="Mars/Olympus")
    with world.services.uow("test") as uow:
        where = destination(uow, ToPerson(world.people["maya"].id))
    assert where.reader == Reader("ja", ZoneInfo("UTC"))


def test_a_channel_is_shared_in_its_own_language() -> None:
    world = World.make()
    with world.services.uow("test") as uow:
        plain = destination(uow, ToChannel("C0ALERTS"))
        reply = destination(uow, ToChannel("C0ALERTS", lang="ja", thread_ts="1764.000100"))
    assert plain == Destination(Reader("en", ZoneInfo("UTC"), shared=True), None,
                                channel="C0ALERTS")
    assert reply == Destination(Reader("ja", ZoneInfo("UTC"), shared=True), None,
                                channel="C0ALERTS", thread_ts="1764.000100")
