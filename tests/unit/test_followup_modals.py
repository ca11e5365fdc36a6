"""The follow-up modals: their builders (both languages) and the parsers of their submissions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.views.followup_modals import (
    bant_modal,
    discount_modal,
    extension_modal,
    metadata_of,
    ooo_modal,
    parse_bant,
    parse_extension,
    parse_ooo,
    parse_wording,
)

NOW = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)


def _values(**states: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {block: {"value": state} for block, state in states.items()}


def _text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def _at(moment: datetime) -> dict[str, Any]:
    return {"type": "datetimepicker", "selected_date_time": int(moment.timestamp())}


def test_modals_are_built_in_both_languages_with_their_metadata() -> None:
    for lang in ("en", "ja"):
        views = [bant_modal(lang, deal_id=3, company="Acme", latest=None,
                            metadata={"response_url": "u"}),
                 ooo_modal(lang, now=NOW, metadata={}),
                 extension_modal(lang, deal_id=3, company="Acme", due=NOW, granting=False,
                                 metadata={}),
                 discount_modal(lang, description="10% off", company="Acme", deal_id=3,
                                metadata={"discount_id": 9})]
        for view in views:
            assert view["type"] == "modal" and len(view["title"]["text"]) <= 24
            assert all(block.get("block_id") for block in view["blocks"]
                       if block["type"] == "input")
    assert metadata_of(views[0]) == {"response_url": "u", "deal_id": 3}
    assert metadata_of({"private_metadata": "not json"}) == {}


def test_the_ooo_modal_offers_only_the_colleagues_given() -> None:
    import json
    view = ooo_modal("en", now=NOW, metadata={},
                     colleagues=[("U0REN001", "Ren Mori"), ("U0YUKI01", "Yuki <b>")])
    [delegate] = [b for b in view["blocks"] if b.get("block_id") == "ooo_delegate"]
    element = delegate["element"]
    assert element["type"] == "static_select"  # not a picker of every workspace member
    assert [(o["value"], o["text"]["type"], o["text"]["text"]) for o in element["options"]] == [
        ("U0REN001", "plain_text", "Ren Mori"), ("U0YUKI01", "plain_text", "Yuki <b>")]
    assert "users_select" not in json.dumps(view)
    alone = ooo_modal("en", now=NOW, metadata={})
    assert not [b for b in alone["blocks"] if b.get("block_id") == "ooo_delegate"]
    start = NOW + timedelta(days=1)
    entered, errors = parse_ooo(_values(
        ooo_start=_at(start), ooo_end=_at(start + timedelta(days=1)),
        ooo_delegate={"type": "static_select", "selected_option": {"value": "U0REN001"}}),
        "en", NOW)
    assert errors == {} and entered is not None and entered.delegate_user == "U0REN001"


def test_bant_parser() -> None:
    today = date(2025, 11, 21)
    fields, errors = parse_bant(_values(
        bant_budget=_text(" 5M JPY "), bant_authority=_text("CFO"), bant_need=_text("CRM"),
        bant_timing=_text("Q1"), bant_next_step=_text(""),
        bant_close={"type": "datepicker", "selected_date": "2026-01-30"}), "en", today)
    assert errors == {} and fields is not None
    assert (fields.budget, fields.next_step, fields.expected_close) == \
        ("5M JPY", None, date(2026, 1, 30))
    fields, errors = parse_bant(_values(bant_budget=_text("x" * 2001)), "en", today)
    assert fields is None
    assert set(errors) == {"bant_budget", "bant_authority", "bant_need", "bant_timing"}
    assert "2000" in errors["bant_budget"]


def test_ooo_parser() -> None:
    start, end = NOW + timedelta(days=1), NOW + timedelta(days=2)
    entered, errors = parse_ooo(_values(ooo_start=_at(start), ooo_end=_at(end)), "en", NOW)
    assert errors == {} and entered is not None and entered.delegate_user is None
    assert (entered.start, entered.end) == (start, end)
    _, errors = parse_ooo(_values(ooo_start=_at(start)), "ja", NOW)
    assert errors == {"ooo_end": "入力してください。"}
    _, errors = parse_ooo(_values(ooo_start=_at(NOW - timedelta(days=3)),
                                  ooo_end=_at(NOW - timedelta(days=2))), "en", NOW)
    assert errors == {"ooo_end": "This out of office is already over."}
    _, errors = parse_ooo(_values(ooo_start=_at(start), ooo_end=_at(start + timedelta(days=400))),
                          "en", NOW)
    assert "six months" in errors["ooo_end"]
    late, errors = parse_ooo(_values(ooo_start=_at(NOW - timedelta(hours=2)), ooo_end=_at(end),
                                     ooo_delegate={"type": "users_select",
                                                   "selected_user": "U2"}), "en", NOW)
    assert errors == {} and late is not None and late.delegate_user == "U2"


def test_extension_parser() -> None:
    due = NOW + timedelta(days=5)
    entered, errors = parse_extension(_values(ext_hours={"value": "24"}, ext_until=_at(due),
                                              ext_reason=_text("sick")), "en", NOW, due)
    assert errors == {} and entered is not None  # the picker left at the current due time
    assert (entered.extra, entered.new_due) == (timedelta(hours=24), None)
    later = due + timedelta(days=1)
    entered, errors = parse_extension(_values(ext_until=_at(later), ext_reason=_text("x")),
                                      "en", NOW, due)
    assert entered is not None and entered.new_due == later
    _, errors = parse_extension(_values(ext_hours={"value": "24"}, ext_until=_at(later),
                                        ext_reason=_text("x")), "en", NOW, due)
    assert set(errors) == {"ext_until"}
    _, errors = parse_extension(_values(ext_until=_at(due - timedelta(hours=1)),
                                        ext_reason=_text("x")), "en", NOW, due)
    assert set(errors) == {"ext_until"}
    _, errors = parse_extension(_values(ext_hours={"value": "0"}), "ja", NOW, due)
    assert set(errors) == {"ext_hours", "ext_reason"}
    assert "240" in errors["ext_hours"]


def test_wording_parser() -> None:
    assert parse_wording(_values(discount_wording=_text("Approved: 10%")), "en") == \
        ("Approved: 10%", {})
    wording, errors = parse_wording(_values(), "ja")
    assert wording is None and errors == {"discount_wording": "入力してください。"}
    assert json.loads(json.dumps(errors))  # plain JSON for Slack
