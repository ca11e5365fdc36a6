"""Bad `/deal` text, fuzzed: never a 5xx, always an ephemeral answer in the user's language."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.deals_support import AIKO, DANA, MAYA, answers
from tests.e2e.support import Harness

WORDS = st.sampled_from(["won", "lost", "signed", "sent", "rejected", "onboarding", "#1", "12",
                         "2025-02-30", "2025-11-20", "https://x.example/poi", "<@U0DANA01>",
                         "成約", "理由", "", "-1", "#", "99999999999999"])
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=5).map(" ".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["status", "close", "remove", "poi"]), TEXT,
       st.sampled_from([AIKO, DANA, MAYA]))
def test_any_deal_text_gets_an_answer(harness: Harness, sub: str, rest: str, user: str) -> None:
    before = len(harness.responses(user))
    reply = harness.command("/deal", f"{sub} {rest}", user=user)
    assert reply.status == 200
    found = answers(harness, user, before + 1)
    text = found[before]["text"]
    assert text and "Traceback" not in text
    if user == AIKO:
        assert any("\u3040" <= ch <= "\u9fff" for ch in text), text
