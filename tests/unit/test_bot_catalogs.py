"""Every bot message exists in English and Japanese: each catalog file has a twin with the same
keys and the same placeholders, no key is defined twice, and every message key the bot's code
names literally is in both catalogs."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "bot" / "locale"
FILES = sorted(p.name for p in (LOCALE / "en" / "LC_MESSAGES").glob("*.po"))


def _read(lang: str, name: str) -> dict[str, str]:
    with (LOCALE / lang / "LC_MESSAGES" / name).open("rb") as handle:
        po = read_po(handle)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str)
            and isinstance(m.string, str)}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_same_files_in_both_languages() -> None:
    assert FILES
    assert sorted(p.name for p in (LOCALE / "ja" / "LC_MESSAGES").glob("*.po")) == FILES


@pytest.mark.parametrize("name", FILES)
def test_same_keys_and_placeholders(name: str) -> None:
    en, ja = _read("en", name), _read("ja", name)
    assert set(en) == set(ja), set(en) ^ set(ja)
    for key, text in en.items():
        assert text.strip() and ja[key].strip(), key
        assert _fields(text) == _fields(ja[key]), key


def test_the_merged_catalogs_load_without_duplicates() -> None:
    assert set(MESSAGES.catalog("en")) == set(MESSAGES.catalog("ja"))


def test_every_literal_key_in_the_code_exists() -> None:
    known = set(MESSAGES.catalog("en"))
    prefixes = {key.split(".", 1)[0] for key in known}
    pattern = re.compile(r'["\']((?:' + "|".join(sorted(prefixes)) + r')\.[a-z0-9_.]*[a-z0-9_])["\']')
    missing = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            plural = {f"{key}.one", f"{key}.other"} <= known
            # a confirmation dialog's prefix (bot.messages.Button.confirm): its four keys exist
            dialog = {f"{key}_{part}" for part in ("title", "text", "yes", "no")} <= known
            nested = any(k.startswith(key + ".") for k in known)
            if key not in known and not plural and not dialog and not nested:
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_no_catalog_text_shown_in_slack_holds_a_raw_angle_bracket_word() -> None:
    """Slack reads `<word>` as a link or mention even inside backticks: a usage line's
    placeholders are written `&lt;word&gt;` (found by a fresh pair of eyes)."""
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    raw = re.compile(r"<(?![!@#]|\{)[^>]*>")
    locale = Path(__file__).resolve().parents[2] / "bot" / "locale"
    for path in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        if path.stem == "console":  # the console is a terminal, not Slack
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if message.id and isinstance(message.string, str):
                assert not raw.search(message.string), (path, message.id)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_deal_help_names_every_subcommand(lang: str) -> None:
    """`/deal help` lists every subcommand a person can type (the admins' `closure` too)."""
    from slack_bolt import App

    from bot.listeners.commands import deal

    deal.register(App(token="xoxb-unit", signing_secret="unit", token_verification_enabled=False))
    text = MESSAGES.text("deal.help", lang)
    missing = [name for name in deal.SUBCOMMANDS if f"`/deal {name}" not in text]
    assert missing == []
