"""Typed messages (`bot.messages`) go through the outbox like any other: rendered at send time
for the reader where they land (a thread in its language with date tokens, a person in theirs),
once, in their conversation's order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from slack_sdk import WebClient

from bot.messages import Button, Outgoing, Text, ToPerson, ToThread, Typed, decode, encode, queue
from bot.services import Services
from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import AIKO, CHANNEL, add_deal, deliver_all, dms, people, posts, utc


def test_encoding_round_trips_every_parameter_kind() -> None:
    message = Outgoing(key="k", to=ToThread(3), lines=(
        Text("a.key", {"when": utc(2025, 12, 1, 9), "day": date(2025, 12, 2),
                       "amount": Decimal("1.50"), "typed": Typed("<!channel>"),
                       "nested": Text("b.key", {"n": 2}), "many": ("x", 3)}, count=2),),
        buttons=(Button("bant_open", Text("button.bant_open"), "3", confirm="breach.confirm"),))
    assert decode("k", encode(message)) == message


def test_a_thread_message_is_rendered_in_the_threads_language_with_date_tokens(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 12, 1, 0, 0)
    deal = add_deal(services)                       # registered by a Japanese partner
    due = utc(2025, 12, 3, 9, 0)
    with services.uow() as uow:
        assert queue(uow, Outgoing(key="typed:1", to=ToThread(deal.id), lines=(
            Text("followup.clock.started", {"due": due}),),
            buttons=(Button("bant_open", Text("button.bant_open"), str(deal.id)),)))
        assert not queue(uow, Outgoing(key="typed:1", to=ToThread(deal.id), lines=()))
        uow.commit()
    deliver_all(services, client)
    sent = [m for m in posts(slack, CHANNEL, thread_ts=deal.thread_ts)
            if "typed:1" in str(m.get("metadata"))]
    assert len(sent) == 1
    assert f"<!date^{int(due.timestamp())}^" in sent[0]["text"]
    assert any("\u3000" <= ch <= "\u9fff" for ch in sent[0]["text"])  # Japanese
    assert sent[0]["blocks"][1]["elements"][0]["action_id"] == "bant_open"


def test_a_direct_message_speaks_the_persons_language_and_escapes_what_was_typed(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 12, 1, 0, 0)
    person = people(services)[AIKO]
    with services.uow() as uow:
        queue(uow, Outgoing(key="typed:dm", to=ToPerson(person.id), lines=(
            Text("outbox.dead", {"key": Typed("<!channel> & <@U1>"), "error": "-",
                                 "attempts": 1}),)))
        uow.commit()
    deliver_all(services, client)
    [sent] = dms(slack, AIKO)
    assert "<!channel>" not in sent["text"] and "&lt;!channel&gt; &amp; &lt;@U1&gt;" in sent["text"]
