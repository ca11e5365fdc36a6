"""Message catalogs (gettext `.po`, read with Babel) and locale-aware formatting of money and time.

Messages are addressed by key (`eligibility.only_starter`); each language has its own catalog in
`rules/locale/<lang>/LC_MESSAGES/rules.po`, and a test keeps the two in step (same keys, same
`str.format` placeholders such as `{amount}`). A message that depends on a number has plural
forms `key.one` and `key.other`, chosen by CLDR's plural rules for the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from decimal import Decimal
from importlib import resources
from typing import Final

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from rules.money import Money

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "RULES_MESSAGES",
    "Messages",
    "MissingMessageError",
    "catalog",
    "format_date",
    "format_datetime",
    "format_money",
    "format_number",
    "locale_for",
    "plural_text",
    "text",
]

LANGS: Final = ("en", "ja")
DEFAULT_LANG: Final = "en"
_LOCALES: Final = {"en": "en_US", "ja": "ja_JP"}


class MissingMessageError(KeyError):
    """A message key absent from a catalog: a programming error, caught by the catalog test."""


def locale_for(lang: str) -> str:
    """The Babel locale used to format numbers and dates for `lang`."""
    return _LOCALES.get(lang, _LOCALES[DEFAULT_LANG])


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r} (expected one of: {', '.join(LANGS)})")
    return lang


class Messages:
    """One package's message catalogs: every `.po` file in `<package>/locale/<lang>/LC_MESSAGES`,
    merged into one key -> text mapping per language (read once, then cached).

    Several files per language let features keep their own messages side by side; a key defined
    twice is an error rather than a silent override.
    """

    def __init__(self, package: str) -> None:
        self.package = package
        self._catalogs: dict[str, Mapping[str, str]] = {}

    def catalog(self, lang: str) -> Mapping[str, str]:
        """Every message of the package in `lang`."""
        found = self._catalogs.get(lang)
        if found is None:
            found = self._catalogs[lang] = self._read(_check_lang(lang))
        return found

    def _read(self, lang: str) -> Mapping[str, str]:
        folder = resources.files(self.package) / "locale" / lang / "LC_MESSAGES"
        messages: dict[str, str] = {}
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".po"):
                continue
            with entry.open("rb") as handle:
                po = read_po(handle, locale=locale_for(lang))
            for message in po:
                if message.id and isinstance(message.id, str) and isinstance(message.string, str):
                    if message.id in messages:
                        raise ValueError(f"message {message.id!r} defined twice in {self.package} "
                                         f"({lang})")
                    messages[message.id] = message.string
        return messages

    def text(self, key: str, lang: str, /, **params: object) -> str:
        """The message `key` in `lang` with `params` substituted (already formatted as strings)."""
        try:
            template = self.catalog(lang)[key]
        except KeyError:
            raise MissingMessageError(f"message {key!r} missing from the {lang!r} catalog of "
                                      f"{self.package}") from None
        return template.format(**params) if params else template

    def plural(self, key: str, lang: str, count: int, /, **params: object) -> str:
        """The plural form of `key` for `count` (`key.one`, `key.other`, by CLDR's rules)."""
        form = Locale.parse(locale_for(lang)).plural_form(count)
        forms = self.catalog(lang)
        chosen = f"{key}.{form}" if f"{key}.{form}" in forms else f"{key}.other"
        return self.text(chosen, lang, count=count, **params) if "count" not in params \
            else self.text(chosen, lang, **params)


RULES_MESSAGES = Messages("rules")


def catalog(lang: str) -> Mapping[str, str]:
    """The rulebook's messages in `lang`, keyed by message id."""
    return RULES_MESSAGES.catalog(lang)


def text(key: str, lang: str, /, **params: object) -> str:
    """The rulebook message `key` in `lang` with `params` substituted."""
    return RULES_MESSAGES.text(key, lang, **params)


def plural_text(key: str, lang: str, count: int, /, **params: object) -> str:
    """The plural form of the rulebook message `key` for `count`."""
    return RULES_MESSAGES.plural(key, lang, count, **params)


def format_money(money: Money, lang: str) -> str:
    """`$160.00` in English, `￥19,200` in Japanese; the currency's own minor unit."""
    shown = money.rounded()  # half up, as the accruals are; Babel alone would round half even
    return str(format_currency(shown.amount, shown.currency, locale=locale_for(lang)))


def format_number(value: Decimal | int, lang: str) -> str:
    """A plain number with the language's grouping."""
    return str(format_decimal(value, locale=locale_for(lang)))


def format_date(value: date, lang: str) -> str:
    """`Fri, Dec 5, 2025` or `2025年12月5日(金)`."""
    pattern = "EEE, MMM d, y" if lang == "en" else "y年M月d日(EEE)"
    return str(_babel_date(value, pattern, locale=locale_for(lang)))


def format_datetime(value: datetime, lang: str, tz: tzinfo | None = None) -> str:
    """An aware datetime in the reader's time zone (`tz`, else its own): `Wed 26 Nov 16:00 JST`.

    The zone abbreviation comes from the tz database, which names zones CLDR leaves numeric.
    """
    if value.tzinfo is None:
        raise ValueError("naive datetimes cannot be shown: the instant is unknown")
    shown = value.astimezone(tz) if tz is not None else value
    pattern = "EEE d MMM HH:mm" if lang == "en" else "M月d日(EEE) HH:mm"
    stamp = _babel_datetime(shown, pattern, tzinfo=shown.tzinfo, locale=locale_for(lang))
    return f"{stamp} {shown.tzname()}"
