"""The Japanese catalogs speak with the Japanese source text's own terms (ROE-SPEC, "Words in
Japanese"): replies are due 48時間以内 counting only business days (営業日のみを数えて), never
"営業時間で48時間" (which reads as opening hours); revenue share runs 最長3年間, never 36か月間.

Every `.po` file under any `locale/ja` folder of the bot, the rulebook and the console is read, so a
new catalog is checked without being listed here. The rendered answers are checked too, since a
number put into a template can bring a forbidden form back (`最長{months}か月間` with 36).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rules.answers import Months, reason, render_reason
from rules.facts import Partner
from rules.vocabulary import PartnerKind

ROOT = Path(__file__).resolve().parents[2]
JA_CATALOGS = sorted(p for p in ROOT.glob("*/locale/ja/LC_MESSAGES/*.po")
                     if ".venv" not in p.parts)

# (pattern, why): each is a form the source text never uses for the thing it names.
FORBIDDEN = (
    (re.compile(r"営業時間"), "business time is 営業日のみを数えて, not 営業時間 (opening hours)"),
    (re.compile(r"(36|三十六|{months})\s*か月"), "the revenue share term is 最長3年間, not 36か月間"),
    (re.compile(r"(ヶ月|カ月|ケ月)"), "the source text writes か月"),
    (re.compile(r"翌営業日\s*の?\s*17:00"), "the source text writes 翌営業日の17時"),
    (re.compile(r"72時間後"), "the source text writes 72時間以内"),
)


def _messages(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        po = read_po(handle)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str)
            and isinstance(m.string, str)}


def test_every_japanese_catalog_is_found() -> None:
    folders = {p.parts[-5] for p in JA_CATALOGS}
    assert {"bot", "rules"} <= folders, folders


@pytest.mark.parametrize("path", JA_CATALOGS, ids=lambda p: f"{p.parts[-5]}/{p.name}")
def test_no_forbidden_form_in_a_japanese_catalog(path: Path) -> None:
    found = [f"{key}: {text}  <- {why}" for key, text in _messages(path).items()
             for pattern, why in FORBIDDEN if pattern.search(text)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("kind,shown,english", [
    (PartnerKind.SOLUTIONS_PARTNER, "最長3年間", "up to 3 years"),
    (PartnerKind.PROVIDER, "最長12か月間", "up to 12 months"),
])
def test_the_revenue_share_term_reads_as_the_source_text(kind: PartnerKind, shown: str,
                                                         english: str) -> None:
    term = Months(Partner(kind=kind).months_of_revenue_share)
    for key in ("earnings.sourced_share", "revenue_share.term_partner"):
        text = render_reason(reason(key, term=term), "ja")
        assert shown in text and "36" not in text, text
        assert english in render_reason(reason(key, term=term), "en")


def test_the_business_day_clock_reads_as_the_source_text() -> None:
    text = render_reason(reason("clock.business_day", hours=48), "ja")
    assert "48時間以内" in text and "営業日のみを数えて" in text, text
