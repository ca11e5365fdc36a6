"""A rule answer survives the outbox's JSON: money, instants, terms, partner names, lists."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.answer_codec import decode_answer, encode_answer
from rules.answers import Answer, Localized, PartnerName, Term, reason
from rules.money import Money
from rules.sections import Section
from rules.vocabulary import Outcome

TOKYO = ZoneInfo("Asia/Tokyo")


def test_every_kind_of_value_round_trips() -> None:
    answer = Answer(
        "revenue_share", Outcome.ELIGIBLE,
        (reason("revenue_share.rate", monthly=Money(Decimal("160.00"), "USD"),
                mrr=Money(Decimal("800"), "USD")),
         reason("x.y", day=date(2025, 8, 1), at=datetime(2025, 8, 1, 9, tzinfo=TOKYO),
                term=Term("line", "marketing"), who=PartnerName("Sakura Digital KK"),
                holiday=Localized("Labor Thanksgiving Day", "勤労感謝の日"), count=3,
                share=Decimal("0.2"))),
        (Section.REVENUE_SHARE, Section.COMMISSION_RATES),
        {"payouts": [{"quarter": "2025-Q3", "amount": Money(Decimal("320.00"), "USD")}],
         "pair": (1, "a"), "flag": True, "nothing": None, "winner": PartnerName("N")})
    raw = json.loads(json.dumps(encode_answer(answer)))
    assert decode_answer(raw) == answer


def test_a_naive_time_cannot_be_queued() -> None:
    answer = Answer("x", Outcome.DECIDED, (), (), {"at": datetime(2025, 1, 1)})
    with pytest.raises(ValueError, match="aware"):
        encode_answer(answer)
