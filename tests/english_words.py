"""English words where a Japanese reader reads: the words of the English catalogs (bot and
rules), less the ones the Japanese catalogs themselves keep (the Japanese source text's own
terms: "Partner Sourced", BANT, POI, GS, HubSpot, editions), Slack tokens, commands as typed,
links, emoji codes and names. Shared by the e2e Japanese story and the deal-lives properties.

    english_in({"text": "期限: due 12月3日"})            # {"due"}
    english_in(payload, names={"Hinode", "Foods"})
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Slack tokens, commands as typed (`/deal close won`), links, emoji codes and placeholders
TOKEN = re.compile(r"<[^<>]*>|`[^`]*`|https?://\S+|:[a-z0-9_+-]+:|\{[^}]*\}")


def catalog_words(lang: str, *, fold: bool = True) -> set[str]:
    """Every word of the bot's and the rules' catalogs in `lang`."""
    files = [*sorted((ROOT / "bot" / "locale" / lang / "LC_MESSAGES").glob("*.po")),
             ROOT / "rules" / "locale" / lang / "LC_MESSAGES" / "rules.po"]
    words: set[str] = set()
    for path in files:
        with path.open("rb") as handle:
            for message in read_po(handle):
                texts = message.string if isinstance(message.string, tuple) else (message.string,)
                for text in texts:
                    if text and message.id:
                        words |= {w.lower() if fold else w
                                  for w in WORD.findall(TOKEN.sub(" ", text))}
    return words


# English words as the Japanese catalogs themselves write them are the Japanese text's terms;
# the same word otherwise ("partner") is English
ENGLISH = {w for w in catalog_words("en") if len(w) >= 3}
KEPT = catalog_words("ja", fold=False)


def name_words(*names: str) -> set[str]:
    """The words of names (people, companies, domains), folded: not English to look for."""
    return {w.lower() for w in WORD.findall(" ".join(names))}


def texts(node: Any) -> Iterator[str]:
    """Every `text` string in a Slack payload (message, blocks, view), depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def english_in(payload: dict[str, Any], names: Iterable[str] = ()) -> set[str]:
    """The English catalog words in `payload`'s texts (folded), names aside."""
    found: set[str] = set()
    for text in texts(payload):
        cleaned = TOKEN.sub(" ", text)
        found |= {w.lower() for w in WORD.findall(cleaned) if w not in KEPT} & ENGLISH
    return found - set(names)
