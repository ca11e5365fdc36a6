"""The one escape door (`bot.views.text`): what a person typed, and names from the directory,
reach Slack mrkdwn with `&`, `<` and `>` escaped, so that no text can ping a channel, mention
someone or link somewhere; only the bot's own `Mention` and `ChannelLink` (built from Slack ids)
become tokens; and the one clip keeps any text under Slack's limits without breaking an escape
or a token. Properties over random text (hypothesis), and the deal card with hostile text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from bot.messages import ChannelLink, Mention, Outgoing, Reader, Text, ToThread, Typed, decode, encode
from bot.views.text import SECTION_TEXT, clip, escape, render_text

CORPUS = ("<!channel>", "<!here>", "<!everyone>", "<@U0AIKO01>", "<#C0DEALS>",
          "<https://evil.example|click>", "&lt;!channel&gt;", "*bold*", "＜！ｃｈａｎｎｅｌ＞",
          "שלום עולם", "🎉👍🏽", "a & b > c < d")
READERS = (Reader("en", ZoneInfo("America/New_York")), Reader("ja", ZoneInfo("Asia/Tokyo"), True))
TOKEN = re.compile(r"<[^>]*>")
ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
typed_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | \
    st.lists(st.sampled_from(CORPUS), max_size=6).map(" ".join)


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@given(typed_text)
@example("&lt;!channel&gt;")
def test_escaped_text_has_no_token_and_reads_as_typed(text: str) -> None:
    shown = escape(text)
    assert "<" not in shown and ">" not in shown
    assert not ENTITY.search(shown)  # every `&` starts one of the three escapes
    assert unescape(shown) == text   # `&lt;` typed stays `&lt;` when read


def test_already_escaped_text_stays_literal() -> None:
    assert escape("&lt;!channel&gt;") == "&amp;lt;!channel&amp;gt;"
    assert escape("*bold* ＜！ｃｈａｎｎｅｌ＞") == "*bold* ＜！ｃｈａｎｎｅｌ＞"


@given(typed_text, st.sampled_from(READERS))
def test_typed_and_stored_text_in_a_message_is_escaped(text: str, reader: Reader) -> None:
    # a person's name (str, from the directory) and what they typed (Typed)
    shown = render_text(Text("followup.discount.declined_thread",
                             {"by": text, "description": Typed(text)}), reader)
    assert not TOKEN.search(shown), shown
    assert shown.count(escape(text)) >= 2


@given(typed_text)
def test_a_list_of_names_is_escaped_name_by_name(text: str) -> None:
    shown = render_text(Text("deals.done.removed", {"reason": (text, Typed(text)), "deal": 1,
                                                    "company": text, "domain": "x.example"}),
                        READERS[0])
    assert not TOKEN.search(shown)


def test_only_the_bots_own_mentions_become_tokens() -> None:
    reader = READERS[0]
    said = render_text(Text("deals.dm.offer_accepted", {
        "partner": "<!channel>", "who": Mention("U0DANA01"), "deal": 3,
        "company": Typed("<@U0AIKO01>"), "domain": "acme.example"}), reader)
    assert "<@U0DANA01>" in said
    assert TOKEN.findall(said) == ["<@U0DANA01>"], said
    forged = render_text(Text("deals.dm.offer_accepted", {
        "partner": "-", "who": Mention("U1> <!channel"), "deal": 3, "company": "x",
        "domain": "x"}), reader)
    assert not TOKEN.search(forged)   # an id that is not an id is shown, escaped
    channel = render_text(Text("deals.done.registered", {
        "gs": "-", "channel": ChannelLink("C0DEALS"), "deal": 1, "company": "x",
        "domain": "x"}), reader)
    assert TOKEN.findall(channel) == ["<#C0DEALS>"]
    assert "<#" not in render_text(Text("deals.done.registered", {
        "gs": "-", "channel": ChannelLink("<!here>"), "deal": 1, "company": "x",
        "domain": "x"}), reader)


def test_mentions_and_channel_links_survive_the_outbox_row() -> None:
    message = Outgoing("k", ToThread(1), (Text("x", {"who": Mention("U0GSHIRO"),
                                                     "where": ChannelLink("C0DEALS"),
                                                     "why": Typed("<!here>"),
                                                     "at": datetime(2025, 1, 1, tzinfo=UTC),
                                                     "on": date(2025, 1, 1),
                                                     "n": Decimal("1.5")}),))
    assert decode("k", encode(message)) == message


@given(typed_text, st.integers(min_value=8, max_value=400))
@example("x" * 5000, SECTION_TEXT)
@example("a&b" * 50, 20)
def test_clip_keeps_to_the_limit_without_breaking_an_escape(text: str, limit: int) -> None:
    shown = clip(escape(text), limit)
    assert len(shown) <= limit
    assert not ENTITY.search(shown), shown
    assert "<" not in shown and ">" not in shown
    if len(escape(text)) > limit:
        assert shown.endswith("…")
    else:
        assert shown == escape(text)


@given(st.integers(min_value=1, max_value=80))
def test_clip_never_cuts_a_slack_token(cut: int) -> None:
    text = "Due " + "<!date^1764000000^{date_short_pretty} {time}|Nov 24, 2025 16:00>" + \
        " by <@U0GSHIRO> in <#C0DEALS>"
    shown = clip(text, cut + 4)
    assert shown.count("<") == shown.count(">")
    assert all(token in text for token in TOKEN.findall(shown))


def test_plain_text_is_cut_where_it_falls() -> None:
    assert clip("a < b and a long tail", 10, mrkdwn=False) == "a < b and…"
    assert clip("short", 10, mrkdwn=False) == "short"
    assert len(clip("＜！ｃｈａｎｎｅｌ＞" * 100, 150, mrkdwn=False)) == 150
