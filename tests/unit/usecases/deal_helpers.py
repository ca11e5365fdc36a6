"""Helpers for the deal use-case unit tests: a deal form, the card refreshes asked for, what a
refusal says, and the direct messages queued (by recipient)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bot.messages import Outgoing, Refused, Text, ToPerson
from bot.usecases import closing, offers, registration
from bot.usecases.deal_opening import DealInput, ItemInput
from rules.vocabulary import Edition

from .world import World

FORM = DealInput(domain="hinode.co.jp", company="Hinode <Foods> KK", region="JP",
                 segment="smb", currency="JPY",
                 items=(ItemInput("marketing", Edition.PROFESSIONAL, Decimal("96000")),),
                 expected_close=date(2025, 12, 19))


def form(**changes: Any) -> DealInput:
    """The test form, with `changes`."""
    return replace(FORM, **changes)


def record_card_refreshes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The deals whose card refresh the use cases ask for (the card's queue is another
    module's, tested on its own)."""
    refreshed: list[int] = []

    def refresh(uow: object, deal_id: int) -> bool:
        del uow
        refreshed.append(deal_id)
        return True

    for module in (registration, offers, closing):
        monkeypatch.setattr(module, "refresh_card", refresh)
    return refreshed


def refusal(raised: pytest.ExceptionInfo[Refused]) -> Text:
    """The one line of a refusal."""
    [line] = raised.value.reply.lines
    return line


def dms(world: World) -> dict[str, list[Outgoing]]:
    """The direct messages queued, by the short name of their reader."""
    names = {person.id: name for name, person in world.people.items()}
    found: dict[str, list[Outgoing]] = {}
    for message in world.queued():
        assert isinstance(message.to, ToPerson), message
        found.setdefault(names[message.to.person_id], []).append(message)
    return found
