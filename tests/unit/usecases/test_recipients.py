"""The recipient door: a row about a deal reaches only people of the deal's partner organisation
and HubSpot staff; a refused row is kept as refused, never sent, and the admins are told which
message and why (never what it says)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.messages import Outgoing, Text, ToChannel, ToPerson, ToThread, Typed, queue
from bot.outbox import enqueue
from bot.outbox.delivery import Delivery, deliver_claimed
from bot.outbox.rendering import prepare
from bot.pacing import Pacer
from bot.usecases.audience import person_reader
from bot.usecases.recipients import Unseen, may_see
from bot.views.messages import message_args
from storage.models import OutboxMessage, OutboxState

from .world import World


class Client:
    """The Web API calls the door must never let through: recorded, answered like Slack."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def conversations_open(self, users: str) -> dict[str, Any]:
        self.calls.append(("conversations.open", {"users": users}))
        return {"channel": {"id": f"D{users}"}}

    def conversations_members(self, channel: str, **_: Any) -> dict[str, Any]:
        """No member the directory knows (Slack Connect's own check holds nothing here)."""
        return {"members": [], "response_metadata": {"next_cursor": ""}}

    def api_call(self, method: str, json: dict[str, Any]) -> Any:
        self.calls.append((method, json))
        return SimpleNamespace(data={"ok": True, "ts": "1.1", "channel": json.get("channel")})


def _row(world: World, key: str) -> OutboxMessage:
    return next(row for row in world.outbox() if row.idempotency_key == key)


def _prepare(world: World, key: str) -> tuple[str, dict[str, Any]]:
    client = Client()
    with world.services.uow("outbox") as uow:
        return prepare(world.services, uow, _row(world, key), client)  # type: ignore[arg-type]


def _queue(world: World, message: Outgoing) -> str:
    with world.services.uow("test") as uow:
        queue(uow, message)
        uow.commit()
    return message.key


def _deliver(world: World, key: str) -> Client:
    """Deliver one row through the outbox's own step (claimed as a round would)."""
    client = Client()
    with world.services.uow("test") as uow:
        row = uow.outbox.by_key(key)
        assert row is not None
        row.claimed_by, row.claimed_until = "t", world.clock.now
        uow.commit()
        message_id = row.id
    deliver_claimed(world.services, client, [message_id], token="t",  # type: ignore[arg-type]
                 pacer=Pacer(), done=Delivery(), known={})
    return client


def _notice(deal_id: int) -> tuple[Text, ...]:
    return (Text("followup.ooo.late_gs", {"name": "x", "partner": "y", "company": Typed("z"),
                                          "ref": deal_id, "start": None, "end": None}),)


def test_the_deals_people_and_every_kind_of_staff_may_see_it() -> None:
    world = World.make()
    world.third_org()
    deal = world.deal(partner="sakura")
    with world.services.uow("test") as uow:
        seen = {name: may_see(uow.directory.person_by_id(p.id), uow.deals.get(deal.id))
                for name, p in world.people.items()}
    assert seen == {"aiko": True, "ren": True, "dana": False, "kenji": False, "hiro": True,
                    "maya": True, "ken": True, "ada": True}


def test_a_dm_about_a_deal_to_another_organisations_partner_is_refused_and_kept() -> None:
    world = World.make()
    world.third_org()
    deal = world.deal(partner="sakura")
    key = _queue(world, Outgoing("leak:1", ToPerson(world.people["kenji"].id), _notice(deal.id),
                                 deal_id=deal.id))
    with pytest.raises(Unseen) as refused:
        _prepare(world, key)
    assert refused.value.reason == "outbox.refused.person" and "Kenji Mori" in refused.value.who
    client = _deliver(world, key)
    assert client.calls == []  # not even a DM opened
    row = _row(world, key)
    assert row.state is OutboxState.REFUSED and "Kenji Mori" in (row.last_error or "")
    with world.services.uow("test") as uow:
        assert [m.idempotency_key for m in uow.outbox.refused()] == [key]
    [alert] = [m for m in world.queued() if m.key.startswith("refused:")]
    assert alert.to == ToPerson(world.people["ada"].id) and alert.deal_id is None
    assert alert.lines[0].key == "outbox.refused"
    assert alert.lines[0].params["key"] == key and alert.lines[0].params["deal"] == deal.id
    reason = alert.lines[0].params["reason"]
    assert isinstance(reason, Text) and reason.key == "outbox.refused.person"
    assert "followup.ooo.late_gs" not in repr(alert)  # which message, never what it says


def test_the_alert_reaches_every_admin_in_the_admins_language() -> None:
    world = World.make()
    world.third_org()
    deal = world.deal(partner="sakura")
    key = _queue(world, Outgoing("leak:ja", ToPerson(world.people["dana"].id),
                                 _notice(deal.id), deal_id=deal.id))
    _deliver(world, key)
    [alert] = [m for m in world.queued() if m.key.startswith("refused:")]
    ada = world.people["ada"]
    ada.locale = "ja"
    shown = message_args(alert, person_reader(ada))["text"]
    assert "差し止め" in shown and "leak:ja" in shown and "Dana Reyes" in shown
    assert "reached" not in shown


def test_a_dm_to_the_deals_own_partner_and_to_staff_goes_out() -> None:
    world = World.make()
    deal = world.deal(partner="sakura")
    for name in ("ren", "hiro", "maya", "ken", "ada"):
        key = _queue(world, Outgoing(f"ok:{name}", ToPerson(world.people[name].id),
                                     _notice(deal.id), deal_id=deal.id))
        method, args = _prepare(world, key)
        assert method == "chat.postMessage" and args["channel"].startswith("D")


def test_a_thread_post_about_another_organisations_deal_is_refused() -> None:
    world = World.make()
    sakura = world.deal(partner="sakura")
    northwind = world.deal(partner="northwind", registrant="dana", gs="maya", region="US")
    key = _queue(world, Outgoing("cross", ToThread(northwind.id), _notice(sakura.id),
                                 deal_id=sakura.id))
    with pytest.raises(Unseen) as refused:
        _prepare(world, key)
    assert refused.value.reason == "outbox.refused.place"
    own = _queue(world, Outgoing("own", ToThread(sakura.id), _notice(sakura.id)))
    assert _prepare(world, own)[1]["thread_ts"]


def test_a_channel_post_about_a_deal_goes_only_to_the_organisations_own_channel() -> None:
    world = World.make()
    deal = world.deal(partner="sakura")
    shared = _queue(world, Outgoing("shared", ToChannel("C0DEALS"), _notice(deal.id),
                                    deal_id=deal.id))
    with pytest.raises(Unseen):
        _prepare(world, shared)
    with world.services.uow("test") as uow:
        org = uow.directory.find_org(deal.partner_org_id)
        assert org is not None
        org.channel_id = "C0SAKURA"
        uow.commit()
    own = _queue(world, Outgoing("own-channel", ToChannel("C0SAKURA"), _notice(deal.id),
                                 deal_id=deal.id))
    assert _prepare(world, own)[1]["channel"] == "C0SAKURA"
    # a reply in a deal's thread is read as the thread
    thread = _queue(world, Outgoing("in-thread", ToChannel("C0DEALS", thread_ts="1764000000."
                                                           "000001"), _notice(deal.id),
                                    deal_id=deal.id))
    assert _prepare(world, thread)[1]["thread_ts"] == "1764000000.000001"


def test_raw_calls_about_a_deal_pass_the_same_door() -> None:
    world = World.make()
    world.third_org()
    deal = world.deal(partner="sakura")
    post = {"method": "chat.postMessage", "args": {"text": "hi"}}
    with world.services.uow("test") as uow:
        enqueue(uow, key="raw:dm:kenji", payload={**post, "dm": "U0KENJI1", "deal_id": deal.id},
                team_id="T0COSELL")
        enqueue(uow, key="raw:dm:stranger", payload={**post, "dm": "U0NOBODY",
                                                     "deal_id": deal.id}, team_id="T0COSELL")
        enqueue(uow, key="raw:home:dana", payload={
            "method": "views.publish", "args": {"user_id": "U0DANA01", "view": {}},
            "deal_id": deal.id}, team_id="T0COSELL")
        enqueue(uow, key="raw:channel", payload={
            "method": "chat.postMessage", "args": {"channel": "C0DEALS", "text": "hi"},
            "deal_id": deal.id})
        enqueue(uow, key="raw:dm:aiko", payload={**post, "dm": "U0AIKO01", "deal_id": deal.id},
                team_id="T0COSELL")
        enqueue(uow, key="raw:thread", payload={**post, "thread_of": deal.id})
        enqueue(uow, key="raw:nodeal", payload={**post, "dm": "U0KENJI1"})
        uow.commit()
    for key, reason in (("raw:dm:kenji", "outbox.refused.person"),
                        ("raw:dm:stranger", "outbox.refused.stranger"),
                        ("raw:home:dana", "outbox.refused.person"),
                        ("raw:channel", "outbox.refused.place")):
        with pytest.raises(Unseen) as refused:
            _prepare(world, key)
        assert refused.value.reason == reason, key
    for key in ("raw:dm:aiko", "raw:thread", "raw:nodeal"):
        assert _prepare(world, key)[0] == "chat.postMessage"


def test_the_card_is_drawn_for_its_own_thread() -> None:
    world = World.make()
    deal = world.deal(partner="sakura")
    with world.services.uow("test") as uow:
        enqueue(uow, key=f"deal:{deal.id}:card:x", payload={"render": "deal_card",
                                                            "deal_id": deal.id})
        uow.commit()
    method, _ = _prepare(world, f"deal:{deal.id}:card:x")
    assert method == "chat.update"


def test_an_alert_about_a_refusal_is_not_itself_about_a_deal() -> None:
    world = World.make()
    world.third_org()
    deal = world.deal(partner="sakura")
    key = _queue(world, Outgoing("leak:2", ToPerson(world.people["kenji"].id), _notice(deal.id),
                                 deal_id=deal.id))
    _deliver(world, key)
    [alert] = [m for m in world.queued() if m.key.startswith("refused:")]
    method, args = _prepare(world, alert.key)
    assert method == "chat.postMessage" and args["channel"] == "DU0ADMIN1"
