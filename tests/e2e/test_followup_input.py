"""Bad input to the follow-up commands and modals: a usage line and an example in the user's
language; inline field errors in modals, and nothing written."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import Absence, BantUpdate, DiscountRequest, Extension
from tests.e2e.followup_support import (
    NORTHWIND,
    SAKURA,
    make_deal,
    moment,
    query,
    text,
    view_submission,
)
from tests.e2e.support import Harness


@pytest.mark.parametrize(("user", "command", "expected"), [
    ("U0DANA01", "extend", ["Say how much more time", "Usage: `/deal extend", "for example"]),
    ("U0DANA01", "extend soon please", ["I can't read `soon`", "Usage:"]),
    ("U0DANA01", "extend 24h", ["needs a reason", "Usage:"]),
    ("U0DANA01", "extend 900h too long", ["between 1 and 240", "Usage:"]),
    ("U0DANA01", "extend 2025-11-20 10:00 late", ["has already passed", "Usage:"]),
    ("U0DANA01", "extend 2025-13-40 10:00 nonsense", ["I can't read", "Usage:"]),
    ("U0DANA01", "discount", ["Describe the discount", "Usage: `/deal discount"]),
    ("U0DANA01", "bant next week", ["I don't understand `next week`", "Usage: `/deal bant"]),
    ("U0AIKO01", "extend", ["延長する時間を指定してください", "使い方:`/deal extend", "例:"]),
    ("U0AIKO01", "extend あした", ["読み取れません", "使い方:"]),
    ("U0AIKO01", "extend 24時間", ["理由が必要です", "使い方:"]),
    ("U0AIKO01", "discount", ["割引の内容を入力してください", "使い方:`/deal discount"]),
    ("U0AIKO01", "bant 来週", ["指定できません", "使い方:`/deal bant"]),
])
def test_bad_command_text_gets_usage_in_the_users_language(
        harness: Harness, user: str, command: str, expected: list[str]) -> None:
    make_deal(harness, SAKURA)
    make_deal(harness, NORTHWIND)
    reply = harness.command("/deal", command, user=user)
    assert reply.status == 200
    [answer] = harness.wait_for(lambda: harness.responses(user))
    assert answer["response_type"] == "ephemeral"
    for part in expected:
        assert part in answer["text"]
    assert "Traceback" not in answer["text"]


def test_which_deal_when_it_cannot_be_told(harness: Harness) -> None:
    make_deal(harness, SAKURA)
    harness.command("/deal", "extend 24h travelling", user="U0ADMIN1")
    [answer] = harness.wait_for(lambda: harness.responses("U0ADMIN1"))
    assert "Which deal?" in answer["text"]
    harness.command("/deal", "extend #999 24h travelling", user="U0GSHIRO")
    [answer] = harness.wait_for(lambda: harness.responses("U0GSHIRO"))
    assert "#999" in answer["text"]
    harness.command("/deal", "discount #999 10% off", user="U0DANA01")
    [answer] = harness.wait_for(lambda: harness.responses("U0DANA01"))
    assert answer["text"] == ("None of your organisation's deals is #999. Check the number, "
                              "or ask in your deal's thread.")  # as another's would


def _errors(reply: Any) -> dict[str, str]:
    assert reply.status == 200
    body = json.loads(reply.body)
    assert body["response_action"] == "errors"
    errors: dict[str, str] = body["errors"]
    return errors


def test_modal_fields_are_checked_inline_and_nothing_is_written(harness: Harness) -> None:
    deal_id, _ = make_deal(harness, SAKURA)
    meta = json.dumps({"deal_id": deal_id})
    bant = {"bant_budget": text("  "), "bant_authority": text("CFO"), "bant_need": text("CRM"),
            "bant_timing": text("Q1"), "bant_close": {"type": "datepicker",
                                                      "selected_date": "2025-11-01"}}
    errors = _errors(harness.interaction(view_submission("U0AIKO01", "followup_bant", bant,
                                                         private_metadata=meta)))
    assert errors == {"bant_budget": "入力してください。",
                      "bant_close": "成約予定日に過去の日付は指定できません。"}
    start = datetime(2025, 11, 25, 0, 0, tzinfo=UTC)
    errors = _errors(harness.interaction(view_submission(
        "U0DANA01", "followup_ooo", {"ooo_start": moment(start), "ooo_end": moment(start)})))
    assert errors == {"ooo_end": "The end must come after the start."}
    errors = _errors(harness.interaction(view_submission(
        "U0DANA01", "followup_ooo",
        {"ooo_start": moment(start), "ooo_end": moment(datetime(2025, 11, 26, tzinfo=UTC)),
         "ooo_delegate": {"type": "users_select", "selected_user": "U0DANA01"}})))
    assert errors == {"ooo_delegate": "Choose someone other than yourself."}
    errors = _errors(harness.interaction(view_submission(
        "U0AIKO01", "followup_ooo",
        {"ooo_start": moment(start), "ooo_end": moment(datetime(2025, 11, 26, tzinfo=UTC)),
         "ooo_delegate": {"type": "users_select", "selected_user": "U0NOBODY"}})))
    assert "ディレクトリに登録されていません" in errors["ooo_delegate"]
    errors = _errors(harness.interaction(view_submission(
        "U0AIKO01", "followup_extension",
        {"ext_hours": {"type": "number_input", "value": None}, "ext_reason": text("")},
        private_metadata=meta)))
    assert set(errors) == {"ext_hours", "ext_reason"}
    errors = _errors(harness.interaction(view_submission(
        "U0GSMAYA", "followup_discount_approval", {"discount_wording": text("")},
        private_metadata=json.dumps({"discount_id": 1}))))
    assert errors == {"discount_wording": "Please fill this in."}
    for model in (BantUpdate, Absence, Extension, DiscountRequest):
        assert query(harness, lambda uow, m=model: list(uow.session.scalars(select(m)))) == []
