"""The follow-up catalogs `bot/locale/{en,ja}/LC_MESSAGES/followup.po` stay in step: the same
keys, the same placeholders, every key used by the code present, the Japanese text's terms."""

from __future__ import annotations

import re
import string
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CODE = [ROOT / "bot" / p for p in ("usecases/response_clocks.py", "usecases/absences.py",
                                   "usecases/extensions.py", "usecases/bant.py",
                                   "usecases/discounts.py", "usecases/followup_shared.py",
                                   "syntax/deal.py", "views/followup_replies.py",
                                   "views/followup_modals.py", "listeners/followup_support.py",
                                   "listeners/commands/deal_followup.py",
                                   "listeners/actions/clock_actions.py",
                                   "listeners/views/followup_views.py")]


def _catalog(lang: str) -> dict[str, str]:
    path = ROOT / "bot" / "locale" / lang / "LC_MESSAGES" / "followup.po"
    with path.open("rb") as handle:
        po = read_po(handle)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str)
            and isinstance(m.string, str)}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_same_keys_and_placeholders_in_both_languages() -> None:
    en, ja = _catalog("en"), _catalog("ja")
    assert set(en) == set(ja)
    assert all(key.startswith("followup.") for key in en)
    for key in en:
        assert en[key].strip() and ja[key].strip(), key
        assert _fields(en[key]) == _fields(ja[key]), key


def test_every_key_the_code_uses_is_there() -> None:
    en = _catalog("en")
    used: set[str] = set()
    for path in CODE:
        used |= set(re.findall(r'"(followup\.[a-z_.]+[a-z_])"', path.read_text(encoding="utf-8")))
    missing = {key for key in used if key not in en  # a key ending in `_` is completed at run time
               and not (key.endswith("_") and any(k.startswith(key) for k in en))}
    assert missing == set()
    for stem in ("followup.usage.", "followup.bant."):
        assert any(key.startswith(stem) for key in en)
    for name in ("budget", "authority", "need", "timing"):
        assert f"followup.bant.{name}" in en and f"followup.bant.{name}_hint" in en
    for status in ("approved", "declined"):
        assert f"followup.extend.already_{status}" in en
        assert f"followup.discount.already_{status}" in en


def test_japanese_uses_the_official_terms() -> None:
    ja = _catalog("ja")
    assert "書面による承認" in ja["followup.discount.requested"]
    assert "不在" in ja["followup.ooo.title"]
    assert "延長" in ja["followup.extend.title"]
    assert "BANT条件" in ja["followup.bant.title"]
    assert "返信期限" in ja["followup.clock.started"]
