"""Text for Slack, written once: escaping what people typed, instants as Slack date tokens,
and catalog messages (`bot.messages.Text`) rendered for one reader.

A deal thread is read by people in several zones, so its instants are Slack date tokens (each
reader sees their own zone; the fallback is shown in `tz`); a direct message or an ephemeral
answer is read by one person, whose zone is known.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.i18n import t, tn
from bot.messages import Param, Reader, Reply, Text, Typed
from rules.i18n import format_date, format_datetime

__all__ = ["escape", "render_reply", "render_text", "slack_date"]


def escape(text: str) -> str:
    """Text safe inside Slack mrkdwn (`&`, `<`, `>`): it cannot ping, mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_date(moment: datetime, lang: str, tz: tzinfo | None = None) -> str:
    """A Slack date token: every reader sees the instant in their own zone (the fallback, for
    clients that cannot show tokens, in `tz`, else UTC)."""
    fallback = format_datetime(moment, lang, tz or ZoneInfo("UTC"))
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _param(value: Param, reader: Reader) -> object:
    if isinstance(value, datetime):
        return slack_date(value, reader.lang, reader.tz) if reader.shared else \
            format_datetime(value, reader.lang, reader.tz)
    if isinstance(value, date):
        return format_date(value, reader.lang)
    if isinstance(value, Text):
        return render_text(value, reader)
    if isinstance(value, Typed):
        return escape(value.text)
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
