"""Block Kit and mrkdwn as console text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.console.render import BlockText


def test_tokens_are_resolved_for_the_reader() -> None:
    en = BlockText(lang="en", tz=ZoneInfo("America/New_York"), names={"U1": "Dana Reyes"},
                   channels={"C0DEALS": "deals"})
    text = ("Due <!date^1763740800^{date_short_pretty} {time}|soon> for <@U1> in <#C0DEALS>, "
            "see <https://example.com/roe|the rules> &amp; <!here> <@U2>")
    assert en.mrkdwn(text) == ("Due Fri 21 Nov 11:00 EST for @Dana Reyes in #deals, see the rules "
                               "(https://example.com/roe) & @here @U2")
    ja = BlockText(lang="ja", tz=ZoneInfo("Asia/Tokyo"))
    assert ja.mrkdwn("<!date^1763740800^{time}|x>") == "11月22日(土) 01:00 JST"
    assert ja.mrkdwn("<!date^bad^{time}|fallback>") == "fallback"


def test_blocks_become_lines_and_clickables() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Deal #3"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Status*\nAccepted"},
         "fields": [{"type": "mrkdwn", "text": "*GS*"}, {"type": "plain_text", "text": "Maya"}],
         "accessory": {"type": "overflow", "action_id": "more", "options": [
             {"text": {"type": "plain_text", "text": "Close"}, "value": "close"}]}},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "one"},
                                         {"type": "image", "alt_text": "logo", "image_url": "x"}]},
        {"type": "actions", "block_id": "b1", "elements": [
            {"type": "button", "action_id": "deal_accept", "value": "3",
             "text": {"type": "plain_text", "text": "Accept"}},
            {"type": "static_select", "action_id": "pick",
             "placeholder": {"type": "plain_text", "text": "Pick"},
             "options": [{"text": {"type": "plain_text", "text": "Won"}, "value": "won"}]}]},
        {"type": "rich_text", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "Hello "},
                                                       {"type": "user", "user_id": "U1"}]},
            {"type": "rich_text_list", "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "a"}]},
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "b"}]}]}]},
        {"type": "input", "block_id": "close", "optional": True,
         "label": {"type": "plain_text", "text": "Close date"},
         "element": {"type": "datepicker", "action_id": "date", "initial_date": "2025-12-01"}},
        {"type": "mystery"},
        "not a block",
    ]
    renderer = BlockText(names={"U1": "Dana"})
    lines = renderer.blocks(blocks)
    assert lines == [
        "# Deal #3", "*Status*", "Accepted", "  *GS*", "  Maya",
        "  [more ▾ Close=close] (/click more <value>)",
        "─" * 40, "  one  [logo]",
        "[Accept] (/click deal_accept)  [Pick ▾ Won=won] (/click pick <value>)",
        "Hello @Dana", "• a", "• b",
        "✎ Close date (optional): close YYYY-MM-DD = 2025-12-01",
    ]
    assert [(c.action_id, c.block_id, c.value) for c in renderer.clickables] == [
        ("more", "block1", None), ("deal_accept", "b1", "3"), ("pick", "b1", None)]
    assert renderer.blocks("nope") == []
