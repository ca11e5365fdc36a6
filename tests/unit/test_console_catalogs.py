"""The console's catalogs `bot/locale/{en,ja}/LC_MESSAGES/console.po` stay in step: the same keys
and placeholders, every key the console uses present, Japanese text in the Japanese one."""

from __future__ import annotations

import re
import string
from pathlib import Path

from babel.messages.pofile import read_po

from rules.vocabulary import Role

ROOT = Path(__file__).resolve().parents[2]
CODE = ROOT / "bot" / "console"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
SAME_IN_BOTH = {"console.role.pdm", "console.label.channel"}   # "PDM", "Coseller · #deals"


def _catalog(lang: str) -> dict[str, str]:
    path = ROOT / "bot" / "locale" / lang / "LC_MESSAGES" / "console.po"
    with path.open("rb") as handle:
        po = read_po(handle)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str)
            and isinstance(m.string, str)}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_same_keys_and_placeholders_in_both_languages() -> None:
    en, ja = _catalog("en"), _catalog("ja")
    assert set(en) == set(ja)
    assert all(key.startswith("console.") for key in en)
    for key in en:
        assert en[key].strip() and ja[key].strip(), key
        assert _fields(en[key]) == _fields(ja[key]), key
        assert JAPANESE.search(ja[key]) or key in SAME_IN_BOTH, key


def test_every_key_the_console_uses_is_there() -> None:
    used = {key for path in CODE.glob("*.py")
            for key in re.findall(r'"(console\.[a-z_.]+)"', path.read_text(encoding="utf-8"))}
    used |= {f"console.role.{role.value}" for role in Role}
    assert used, "no keys found"
    assert used <= set(_catalog("en"))
