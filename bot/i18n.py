"""The bot's messages in English and Japanese (gettext catalogs under `bot/locale`), and the
choice of language from a Slack locale."""

from __future__ import annotations

from rules.i18n import DEFAULT_LANG, Messages

__all__ = ["MESSAGES", "lang_of", "t", "tn"]

MESSAGES = Messages("bot")


def t(key: str, lang: str, /, **params: object) -> str:
    """The bot message `key` in `lang`."""
    return MESSAGES.text(key, lang, **params)


def tn(key: str, lang: str, count: int, /, **params: object) -> str:
    """The plural form of `key` for `count`."""
    return MESSAGES.plural(key, lang, count, **params)


def lang_of(locale: str | None) -> str:
    """`ja` for a Japanese Slack locale (`ja-JP`), else English."""
    if locale and locale.lower().startswith("ja"):
        return "ja"
    return DEFAULT_LANG
