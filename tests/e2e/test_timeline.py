"""`/deal timeline` and a breach notice's Timeline button over signed HTTP: the evidence in the
reader's language and zone (holiday names included), and a partner of another organisation told
exactly what it is told of a deal that does not exist."""

from __future__ import annotations

import json
from typing import Any

from storage.models import Party
from tests.e2e.followup_support import SAKURA, block_action, clocks, make_deal, thread_event
from tests.e2e.support import Harness


def _answers(harness: Harness, user: str, count: int) -> list[dict[str, Any]]:
    return harness.wait_for(lambda: len(harness.responses(user)) >= count and harness.responses(user))


def _shown(answer: dict[str, Any]) -> str:
    return json.dumps(answer.get("blocks") or [], ensure_ascii=False) + str(answer.get("text"))


def _with_a_clock(harness: Harness) -> int:
    deal_id, thread = make_deal(harness, SAKURA)
    # Fri 21 Nov 2025 16:00 JST; Mon 24 Nov is a substitute holiday
    assert harness.event(thread_event("U0GSHIRO", thread, text="予算を教えてください")).status == 200
    harness.wait_for(lambda: any(c.owed_by is Party.PARTNER for c in clocks(harness, deal_id)))
    return deal_id


def test_a_japanese_partner_reads_the_evidence_in_japanese(harness: Harness) -> None:
    deal_id = _with_a_clock(harness)
    assert harness.command("/deal", f"timeline {deal_id}", user="U0AIKO01").status == 200
    [answer] = _answers(harness, "U0AIKO01", 1)
    shown = _shown(answer)
    assert answer["response_type"] == "ephemeral"
    assert f"取引 #{deal_id}" in shown and "Hiroshi Sato" in shown
    assert "勤労感謝の日 振替休日" in shown and "週末" in shown
    assert "Substitute" not in shown and "weekend" not in shown
    assert "JST" in shown  # the reader's zone


def test_an_english_gs_reads_japans_holiday_in_english(harness: Harness) -> None:
    deal_id = _with_a_clock(harness)
    assert harness.command("/deal", f"timeline #{deal_id}", user="U0GSMAYA").status == 200
    [answer] = _answers(harness, "U0GSMAYA", 1)
    shown = _shown(answer)
    assert "Labor Thanksgiving Day" in shown and "weekend" in shown and "勤労" not in shown


def test_another_partner_is_told_what_it_is_told_of_no_deal(harness: Harness) -> None:
    deal_id = _with_a_clock(harness)
    harness.command("/deal", f"timeline {deal_id}", user="U0DANA01")
    [first] = _answers(harness, "U0DANA01", 1)
    harness.command("/deal", "timeline 9999", user="U0DANA01")
    second = _answers(harness, "U0DANA01", 2)[1]
    assert first["text"].replace(str(deal_id), "N") == second["text"].replace("9999", "N")
    assert "Hiroshi" not in _shown(first)


def test_the_timeline_button_of_a_breach_notice(harness: Harness) -> None:
    deal_id = _with_a_clock(harness)
    assert harness.interaction(block_action(harness, "U0GSHIRO", "breach_timeline",
                                            str(deal_id))).status == 200
    [answer] = _answers(harness, "U0GSHIRO", 1)
    assert f"取引 #{deal_id}" in _shown(answer)
