"""Slack Connect awareness on the fake world: who counts as another partner's member, when a
deal's message is held back, what the admins are told and when held messages are released."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import ToPerson
from bot.usecases.channels import (
    HeldBack,
    MembershipEvent,
    channel_is_private_to,
    check_post,
    check_thread,
    foreign_members,
    hold,
    on_membership,
)
from storage.models import OutboxState
from tests.unit.usecases.world import World

C = "C0DEALS"  # the world's deal threads live here


def _reader(members: list[str], reads: list[str]) -> object:
    def read(channel: str) -> list[str]:
        reads.append(channel)
        return list(members)
    return read


def test_only_members_of_another_partner_organisation_count() -> None:
    world = World.make()
    sakura, northwind = world.orgs["sakura"].id, world.orgs["northwind"].id
    with world.services.uow() as uow:
        uow.channels.set_members(C, ["U0AIKO01", "U0GSHIRO", "U0ADMIN1", "U0STRANGER"],
                                 world.clock.now)
        assert channel_is_private_to(uow, C, sakura)
        assert [p.name for p in foreign_members(uow, C, northwind)] == ["Aiko Tanaka"]
        uow.channels.joined(C, "U0DANA01", world.clock.now)
        assert [p.name for p in foreign_members(uow, C, sakura)] == ["Dana Reyes"]


def test_members_are_read_once_then_kept_from_events() -> None:
    world = World.make()
    deal = world.deal()
    reads: list[str] = []
    read = _reader(["U0AIKO01", "U0GSHIRO"], reads)
    args = {"channel": C}
    with world.services.uow() as uow:
        check_post(uow, read, {"render": "deal_card", "deal_id": deal.id},  # type: ignore[arg-type]
                   "chat.update", args)
        check_post(uow, read, {"render": "deal_card", "deal_id": deal.id},  # type: ignore[arg-type]
                   "chat.update", args)
        uow.commit()
    assert reads == [C]
    on_membership(world.services, MembershipEvent("member_joined_channel", C, "U0DANA01"),
                  read)  # type: ignore[arg-type]
    with world.services.uow() as uow, pytest.raises(HeldBack) as held:
        check_thread(uow, read, {"render": "message", "to": {"thread": deal.id}})  # type: ignore[arg-type]
    assert [p.name for p in held.value.foreign] == ["Dana Reyes"]
    assert reads == [C]


def test_direct_messages_and_rows_about_no_deal_are_not_checked() -> None:
    world = World.make()
    deal = world.deal()
    def boom(channel: str) -> list[str]:
        raise AssertionError("no members read")
    with world.services.uow() as uow:
        check_post(uow, boom, {"render": "message", "to": {"person": 1}, "deal_id": deal.id},
                   "chat.postMessage", {"channel": "DU0AIKO01"})
        check_post(uow, boom, {"render": "message", "to": {"channel": C}},
                   "chat.postMessage", {"channel": C})
        check_post(uow, boom, {"render": "deal_card", "deal_id": deal.id}, "views.publish",
                   {"channel": C})


def test_a_join_alerts_each_admin_once_and_a_leave_releases_what_was_held() -> None:
    world = World.make()
    deal = world.deal()
    read = _reader(["U0AIKO01", "U0GSHIRO", "U0DANA01"], [])   # Slack's list, Dana in it
    done = on_membership(world.services, MembershipEvent("member_joined_channel", C,
                                                          "U0DANA01"), read)  # type: ignore[arg-type]
    assert done.alerts == 1   # one admin in the world
    [alert] = [m for m in world.queued() if m.key.startswith("held:")]
    assert isinstance(alert.to, ToPerson) and alert.to.person_id == world.people["ada"].id
    assert alert.lines[0].key == "channels.held"
    # the same situation seen again (a send held): no second alert
    with world.services.uow() as uow:
        uow.outbox.enqueue(key="card", channel=f"deal:{deal.id}",
                           payload={"render": "deal_card", "deal_id": deal.id},
                           at=world.clock.now)
        row = uow.outbox.by_key("card")
        assert row is not None
        with pytest.raises(HeldBack) as held:
            check_post(uow, read, dict(row.payload), "chat.update", {"channel": C})  # type: ignore[arg-type]
        hold(uow, row, held.value)
        uow.commit()
    assert len([m for m in world.queued() if m.key.startswith("held:")]) == 1
    assert [r.idempotency_key for r in world.outbox() if r.state is OutboxState.HELD] == ["card"]
    # a deal registered after the admins were told is news of its own
    world.clock.now += timedelta(hours=1)
    later = world.deal(company="Later KK")
    with world.services.uow() as uow:
        uow.outbox.enqueue(key="card2", channel=f"deal:{later.id}",
                           payload={"render": "deal_card", "deal_id": later.id},
                           at=world.clock.now)
        row2 = uow.outbox.by_key("card2")
        assert row2 is not None
        with pytest.raises(HeldBack) as held2:
            check_post(uow, read, dict(row2.payload), "chat.update", {"channel": C})  # type: ignore[arg-type]
        hold(uow, row2, held2.value)
        uow.commit()
    assert len([m for m in world.queued() if m.key.startswith("held:")]) == 2
    done = on_membership(world.services, MembershipEvent("member_left_channel", C, "U0DANA01"),
                         read)  # type: ignore[arg-type]
    assert done.released == 2
    assert not [r for r in world.outbox() if r.state is OutboxState.HELD]


def test_the_bot_joining_makes_the_members_unknown() -> None:
    world = World.make()
    with world.services.uow() as uow:
        uow.channels.set_members(C, ["U0AIKO01"], world.clock.now)
        uow.commit()
    on_membership(world.services, MembershipEvent("member_joined_channel", C, "U0COSELLBOT",
                                                  bot=True), _reader([], []))  # type: ignore[arg-type]
    with world.services.uow() as uow:
        assert not uow.channels.members_known(C)
