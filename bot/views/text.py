"""Text for Slack, written once: escaping what people typed (the one escape door), cutting text
to Slack's limits (the one clip), instants as Slack date tokens, and catalog messages
(`bot.messages.Text`) rendered for one reader.

Every text parameter of a catalog message is escaped when rendered (`Typed` or a plain `str`
alike); only `Mention` and `ChannelLink`, built from Slack ids, become tokens. Views that show
stored rows without a catalog message call `escape` themselves, and `plain_text` objects (a
header, a button, an input's initial value) take text as typed: Slack parses no tokens there.

A deal thread is read by people in several zones, so its instants are Slack date tokens (each
reader sees their own zone; the fallback is shown in `tz`); a direct message or an ephemeral
answer is read by one person, whose zone is known.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_date

from bot.i18n import t, tn
from bot.messages import ChannelLink, EndOfDay, Mention, Param, Reader, Reply, Text, Typed
from rules.i18n import format_date, format_datetime, locale_for

__all__ = [
    "BUTTON_TEXT",
    "BUTTON_VALUE",
    "CONTEXT_TEXT",
    "FIELD_TEXT",
    "HEADER_TEXT",
    "OPTION_TEXT",
    "SECTION_TEXT",
    "clip",
    "end_of_day",
    "escape",
    "render_reply",
    "render_text",
    "slack_date",
]

# Slack's limits (characters) on what the bot shows: over one, Slack refuses the whole message.
SECTION_TEXT = 3000   # a section's text
FIELD_TEXT = 2000     # one of a section's fields
CONTEXT_TEXT = 2000   # one element of a context block
HEADER_TEXT = 150     # a header's plain_text
BUTTON_TEXT = 75      # a button's label
BUTTON_VALUE = 2000   # a button's value
OPTION_TEXT = 75      # a menu option's label

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
_ELLIPSIS = "…"


def escape(text: str) -> str:
    """Text safe inside Slack mrkdwn (`&`, `<`, `>`): it cannot ping, mention or link.
    Already-escaped text stays literal (`&lt;` is shown as typed, never unescaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int, *, mrkdwn: bool = True) -> str:
    """`text` cut to `limit` characters with an ellipsis, so that a long text cannot make Slack
    refuse a message. In mrkdwn (`mrkdwn=True`) the cut never falls inside an escape (`&lt;`) or
    a Slack token (`<!date^…>`, `<@U…>`); plain text is cut where it falls."""
    if len(text) <= limit:
        return text
    cut = text[:limit - len(_ELLIPSIS)]
    if mrkdwn:
        opened = cut.rfind("<")
        if opened > cut.rfind(">"):
            cut = cut[:opened]
        amp = cut.rfind("&")
        if amp >= 0 and len(cut) - amp <= 4 and ";" not in cut[amp:]:
            cut = cut[:amp]
    return cut.rstrip() + _ELLIPSIS


def slack_date(moment: datetime, lang: str, tz: tzinfo | None = None) -> str:
    """A Slack date token: every reader sees the instant in their own zone (the fallback, for
    clients that cannot show tokens, in `tz`, else UTC)."""
    fallback = format_datetime(moment, lang, tz or ZoneInfo("UTC"))
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def end_of_day(value: EndOfDay, reader: Reader) -> str:
    """The day a due time ends, in its region's zone ("the end of Mon 28 Dec", 12月28日(月)終了時),
    naming the zone (JST) for a reader elsewhere or a thread read in several zones."""
    zone = ZoneInfo(value.zone)
    local = value.moment.astimezone(zone)
    day = (local - timedelta(microseconds=1)).date()
    pattern = "EEE d MMM" if reader.lang == "en" else "M月d日(EEE)"
    shown = str(babel_date(day, pattern, locale=locale_for(reader.lang)))
    if not reader.shared and local.utcoffset() == value.moment.astimezone(reader.tz).utcoffset():
        return t("time.end_of_day", reader.lang, day=shown)
    return t("time.end_of_day_in", reader.lang, day=shown, zone=local.tzname() or value.zone)


def _param(value: Param, reader: Reader) -> object:
    if isinstance(value, EndOfDay):
        return end_of_day(value, reader)
    if isinstance(value, datetime):
        return slack_date(value, reader.lang, reader.tz) if reader.shared else \
            format_datetime(value, reader.lang, reader.tz)
    if isinstance(value, date):
        return format_date(value, reader.lang)
    if isinstance(value, Text):
        return render_text(value, reader)
    if isinstance(value, Typed):
        return escape(value.text)
    if isinstance(value, str):
        return escape(value)  # a name or a word from storage: shown as written, like typed text
    if isinstance(value, Mention):
        user = value.user_id
        return f"<@{user}>" if _USER_ID.fullmatch(user) else escape(user)
    if isinstance(value, ChannelLink):
        channel = value.channel_id
        return f"<#{channel}>" if _CHANNEL_ID.fullmatch(channel) else escape(channel)
    if isinstance(value, tuple):
        separator = "、" if reader.lang == "ja" else ", "
        return separator.join(str(_param(item, reader)) for item in value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def render_text(text: Text, reader: Reader) -> str:
    """A catalog message in the reader's language, its parameters shown for them."""
    params = {name: _param(value, reader) for name, value in text.params.items()}
    if text.count is not None:
        return tn(text.key, reader.lang, text.count, **params)
    return t(text.key, reader.lang, **params)


def render_reply(reply: Reply, reader: Reader) -> str:
    """What the person who acted reads: the reply's lines, one per line."""
    return "\n".join(render_text(line, reader) for line in reply.lines)
