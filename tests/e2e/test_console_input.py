"""Console input gets clear answers in the reader's language, never an exception's text: times
out of range, dates that do not exist, commands without their arguments; menus show names with
the value to type; accepting an offer is confirmed to the one who accepted it."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from bot.console.render import BlockText
from bot.syntax.deal import parse_close, parse_extend, parse_poi, parse_remove
from bot.syntax.errors import UsageError
from tests.e2e.test_console import START, opened


def test_advance_too_far_and_dates_that_do_not_exist(tmp_path: Path) -> None:
    with opened(tmp_path, "dana") as (console, out):
        console.handle("/advance 99999999d")
        assert "could not" not in out[-1] and "Error" not in out[-1]
        assert out[-1].startswith("That is too far: the clock moves at most 366 days at a time")
        console.handle("/advance 9999999999999d")
        assert out[-1].startswith("That is too far")
        console.handle("/advance 2026-02-30 10:00")
        assert out[-1] == "There is no date 2026-02-30: that month has 28 days."
        console.handle("/advance 4/31 9am")
        assert out[-1] == "There is no date 4/31: that month has 30 days."
        assert console.clock() == START
        console.handle("/click")
        assert out[-1].startswith("Which button? /click N <action_id|label> [value]")
    with opened(tmp_path, "aiko") as (console, out):
        console.handle("/advance 99999999d")
        assert out[-1].startswith("遠すぎます")
        console.handle("/advance 2026-02-30 10:00")
        assert out[-1] == "2026-02-30 という日付はありません(その月は 28 日までです)。"
        console.handle("/advance 2月30日 9時")
        assert out[-1] == "2月30日 という日付はありません(その月は 28 日までです)。"
        console.handle("/click")
        assert out[-1].startswith("どのボタンですか?")


def test_deal_subcommands_without_their_arguments_give_the_usage_line(tmp_path: Path) -> None:
    for parse, text in ((parse_poi, ""), (parse_close, ""), (parse_remove, ""),
                        (lambda t: parse_extend(t, ZoneInfo("UTC"), START), "")):
        try:
            parse(text)
        except UsageError as error:
            assert error.command and error.grammar, error
            assert error.params.get("word") != "-", error
        else:
            raise AssertionError(f"{parse} took nothing")
    with opened(tmp_path, "dana") as (console, out):
        console.handle("/thread 3")
        start = len(out)
        console.handle("/deal poi")
        answer = "\n".join(out[start:])
        assert "“-”" not in answer
        assert "Say the POI's status: signed, sent or rejected." in answer
        assert "Usage: `/deal poi [deal] signed|sent|rejected" in answer
    with opened(tmp_path, "aiko") as (console, out):
        console.handle("/thread 1")
        start = len(out)
        console.handle("/deal poi")
        answer = "\n".join(out[start:])
        assert "「-」" not in answer and "POIのステータス" in answer


def test_menus_show_names_with_the_value_to_type() -> None:
    block = {"type": "input", "block_id": "ooo_delegate",
             "label": {"type": "plain_text", "text": "Delegate"},
             "element": {"type": "static_select", "action_id": "value", "options": [
                 {"text": {"type": "plain_text", "text": "Yuki Sato"}, "value": "U0YUKI01"},
                 {"text": {"type": "plain_text", "text": "l"}, "value": "l"}]}}
    line = BlockText(lang="en", tz=ZoneInfo("UTC")).input(block, "ooo_delegate")
    assert line == "✎ Delegate: ooo_delegate ∈ {Yuki Sato=U0YUKI01, l}"


def test_the_offer_modal_names_the_partners(tmp_path: Path) -> None:
    with opened(tmp_path, "maya") as (console, out):
        console.handle("/deal offer")
        text = "\n".join(out)
        assert "Northwind Growth LLC=" in text, text[-1500:]


def test_accepting_an_offer_is_confirmed(tmp_path: Path) -> None:
    with opened(tmp_path, "dana") as (console, out):
        console.handle("/thread 4")
        start = len(out)
        console.handle("/click offer_accept")
        answer = "\n".join(out[start:])
        assert "You accepted deal #4, Acme Outdoor (acmeoutdoor.com)" in answer, answer
