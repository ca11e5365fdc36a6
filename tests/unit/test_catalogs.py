"""The message catalogs `rules/locale/{en,ja}/LC_MESSAGES/rules.po` are kept in step with each other and with
the code (spec: reasons in the asker's language, English or Japanese; citations rendered with the section's
title in that language)."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

import rules
from rules.answers import Term, reason, render_reason
from rules.conduct import CONSEQUENCE_LADDER, Offer
from rules.i18n import LANGS, catalog, locale_for
from rules.sections import Section, title
from rules.vocabulary import Edition, Motion, PartnerKind, ProductCatalog, Tier

RULES_DIR = Path(rules.__file__).parent
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# Proper names the Japanese text keeps in English: product, edition, tier, motion and program names.
SAME_IN_BOTH_PREFIXES = ("term.line.", "term.edition.", "term.tier.", "term.motion.", "term.kind.")

# The message keys the code builds at run time (f-strings), enumerated from the code:
# - best_partner_wins._staff_reasons: f"bpw.{decision.detail}" for every detail but sourcing_priority
#   (which has its own literal key); _partner_reasons: f"bpw.you_win_{decision.detail}" for the details of a
#   decided outcome (rules 2, 3, 4).
# - answers._term_text: f"term.{term.kind}.{term.value}" and f"term.edition.{edition}" (test 4 below).
# - i18n.plural_text: f"{key}.{form}" and f"{key}.other" (plural forms, checked with their keys).
BPW_DETAILS = {"no_poi", "only_signed", "sourcing_priority", "higher_mrr", "mrr_missing", "mrr_currencies",
               "equal_mrr"}
BPW_DECIDED_DETAILS = {"only_signed", "sourcing_priority", "higher_mrr"}
DYNAMIC_KEYS = (
    {f"bpw.{d}" for d in BPW_DETAILS - {"sourcing_priority"}}
    | {f"bpw.you_win_{d}" for d in BPW_DECIDED_DETAILS}
)
KNOWN_DYNAMIC_TEMPLATES = {
    ("best_partner_wins.py", "f'bpw.{decision.detail}'"),
    ("best_partner_wins.py", "f'bpw.you_win_{decision.detail}'"),
    ("answers.py", "f'term.{term.kind}.{term.value}'"),
    ("answers.py", "f'term.edition.{edition}'"),
    ("i18n.py", "f'{key}.{form}'"),
    ("i18n.py", "f'{key}.other'"),
}


# --- reading the catalogs and the code ---------------------------------------------------------


@cache
def raw(lang: str) -> dict[str, str]:
    """The catalog read straight from its file (not through the cached loader under test)."""
    path = RULES_DIR / "locale" / lang / "LC_MESSAGES" / "rules.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=locale_for(lang))
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and isinstance(m.string, str)}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def plural_forms(lang: str) -> set[str]:
    return set(Locale.parse(locale_for(lang)).plural_form.tags) | {"other"}


def namespaces() -> set[str]:
    return {key.split(".", 1)[0] for key in raw("en")}


def sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(RULES_DIR.glob("*.py")):
        yield path.name, ast.parse(path.read_text(encoding="utf-8"))


def _strings_in(node: ast.expr) -> list[str]:
    """String literals a key argument can take: a literal, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings_in(node.body) + _strings_in(node.orelse)
    return []


def _is_reason_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "reason"


def literal_keys() -> dict[str, set[str]]:
    """Every message key written literally in rules/*.py, with the files it appears in.

    Keys are the first argument of `reason(...)`, and every other dotted literal in a catalog
    namespace (keys chosen first and passed on, like `key = "sold_mrr.growth" if ... else ...`).
    """
    spaces = namespaces()
    found: dict[str, set[str]] = {}
    for name, tree in sources():
        in_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if _is_reason_call(node):
                assert isinstance(node, ast.Call)
                for key in _strings_in(node.args[0]):
                    found.setdefault(key, set()).add(name)
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in in_fstrings
                  and KEY.match(node.value) and node.value.split(".", 1)[0] in spaces):
                found.setdefault(node.value, set()).add(name)
    return found


def reason_calls() -> Iterator[tuple[str, int, str, set[str]]]:
    """(file, line, key, keyword names) of every `reason("literal", ...)` call."""
    for name, tree in sources():
        for node in ast.walk(tree):
            if _is_reason_call(node):
                assert isinstance(node, ast.Call)
                kwargs = {k.arg for k in node.keywords if k.arg is not None}
                for key in _strings_in(node.args[0]):
                    yield name, node.lineno, key, kwargs


def dynamic_templates() -> set[tuple[str, str]]:
    """f-strings in rules/*.py that build message keys (they start with a catalog namespace, or are
    `{key}.`-shaped plural forms)."""
    spaces = namespaces()
    found = set()
    for name, tree in sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr) or not node.values:
                continue
            first = node.values[0]
            text = ast.unparse(node)
            leading = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
            if ("." in leading and leading.split(".", 1)[0] in spaces) or text.startswith("f'{key}."):
                found.add((name, text))
    return found


def forms_of(key: str, lang: str) -> list[str] | None:
    """The catalog entries that render `key` in `lang`: itself, or its plural forms; None if absent."""
    messages = raw(lang)
    if key in messages:
        return [key]
    plural = [f"{key}.{form}" for form in sorted(plural_forms(lang))]
    if all(p in messages for p in plural):
        return plural
    return None


# --- (1) the same keys ---------------------------------------------------------------------------


def test_en_and_ja_have_exactly_the_same_keys() -> None:
    en, ja = set(raw("en")), set(raw("ja"))
    assert en - ja == set(), f"missing from ja: {sorted(en - ja)}"
    assert ja - en == set(), f"missing from en: {sorted(ja - en)}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_key_is_defined_twice(lang: str) -> None:
    text = (RULES_DIR / "locale" / lang / "LC_MESSAGES" / "rules.po").read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("lang", LANGS)
def test_no_message_is_empty(lang: str) -> None:
    assert [k for k, v in raw(lang).items() if not v.strip()] == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_loader_reads_the_whole_file(lang: str) -> None:
    assert dict(catalog(lang)) == raw(lang)


# --- (2) the same placeholders -------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(raw("en")))
def test_each_key_has_the_same_placeholders_in_both_languages(key: str) -> None:
    assert key in raw("ja")
    assert placeholders(raw("en")[key]) == placeholders(raw("ja")[key])


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_are_well_formed(lang: str) -> None:
    for key, template in raw(lang).items():
        for _, name, spec, conversion in string.Formatter().parse(template):
            if name is not None:
                assert re.fullmatch(r"[a-z_]+", name), (key, name)
                assert not spec and not conversion, (key, template)


# --- (3) every key the code uses exists in both ----------------------------------------------------


def test_the_code_scan_finds_message_keys() -> None:
    found = literal_keys()
    assert "eligibility.only_starter" in found
    assert "sold_mrr.growth" in found  # chosen in a conditional before reason(key, ...)
    assert "earnings.provider_no_tier" in found  # the else branch of reason(a if c else b)
    assert len(found) > 100


@pytest.mark.parametrize("key", sorted(literal_keys()))
@pytest.mark.parametrize("lang", LANGS)
def test_every_literal_key_in_the_code_exists(key: str, lang: str) -> None:
    assert forms_of(key, lang) is not None, f"{key!r} (used in {sorted(literal_keys()[key])}) not in {lang}"


@pytest.mark.parametrize("key", sorted(DYNAMIC_KEYS))
@pytest.mark.parametrize("lang", LANGS)
def test_every_dynamic_key_exists(key: str, lang: str) -> None:
    assert key in raw(lang)


def test_the_dynamic_keys_are_all_enumerated() -> None:
    """A new f-string key must be enumerated above (and its keys checked) before this passes."""
    assert dynamic_templates() == KNOWN_DYNAMIC_TEMPLATES


def test_the_best_partner_wins_details_are_all_enumerated() -> None:
    tree = ast.parse((RULES_DIR / "best_partner_wins.py").read_text(encoding="utf-8"))
    details: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decision":
            outcome, detail = ast.unparse(node.args[0]), node.args[3]
            assert isinstance(detail, ast.Constant)
            details[detail.value] = outcome
    assert set(details) == BPW_DETAILS
    assert {d for d, o in details.items() if o == "Outcome.DECIDED"} == BPW_DECIDED_DETAILS


@pytest.mark.parametrize("lang", LANGS)
def test_reason_calls_pass_every_placeholder_their_message_needs(lang: str) -> None:
    missing = []
    for name, line, key, kwargs in reason_calls():
        for entry in forms_of(key, lang) or []:
            need = placeholders(raw(lang)[entry])
            if not need <= kwargs:
                missing.append(f"{name}:{line} {entry} needs {sorted(need - kwargs)}")
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_plural_messages_have_every_form_of_the_language(lang: str) -> None:
    stems = {k.rsplit(".", 1)[0] for k in raw(lang) if k.rsplit(".", 1)[1] in {"one", "other"}}
    for stem in stems:
        assert forms_of(stem, lang) is not None, stem
        assert stem not in raw(lang), f"{stem} is both a message and a plural stem"


# --- (4) every term the code can produce -------------------------------------------------------

TERMS: list[tuple[str, str]] = sorted(
    {("line", line) for line in ProductCatalog().lines()}
    | {("edition", e.value) for e in Edition}
    | {("tier", t.value) for t in Tier}
    | {("motion", m.value) for m in Motion}
    | {("kind", k.value) for k in PartnerKind}
    | {("offer", o.value) for o in Offer}
    | {("consequence", step) for step in CONSEQUENCE_LADDER}
)


@pytest.mark.parametrize(("kind", "value"), TERMS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_term_exists(kind: str, value: str, lang: str) -> None:
    assert f"term.{kind}.{value}" in raw(lang)


def test_term_kinds_used_by_the_code_are_covered() -> None:
    used = set()
    for _, tree in sources():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Term"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                used.add(node.args[0].value)
    # "product" is composed of a line and an edition (answers._term_text), not a catalog entry.
    assert used - {"product"} <= {kind for kind, _ in TERMS}


@pytest.mark.parametrize("line", ProductCatalog().lines())
@pytest.mark.parametrize("lang", LANGS)
def test_every_product_renders(line: str, lang: str) -> None:
    catalog_ = ProductCatalog()
    values = [f"{line}/{e.value}" for e in Edition] if catalog_.is_hub(line) else [line]
    for value in values:
        text = render_reason(reason("eligibility.qualifying_item",
                                    product=Term("product", value)), lang)
        assert raw(lang)[f"term.line.{line}"] in text


def test_the_catalog_has_no_term_the_code_cannot_produce() -> None:
    terms = {k for k in raw("en") if k.startswith("term.")}
    assert terms == {f"term.{kind}.{value}" for kind, value in TERMS}


# --- (5) every section has a title in both languages -------------------------------------------


@pytest.mark.parametrize("section", list(Section))
def test_every_section_has_a_title_in_both_languages(section: Section) -> None:
    en, ja = title(section, "en"), title(section, "ja")
    assert en.strip()
    assert ja.strip()
    assert en != ja
    assert JAPANESE.search(ja), ja
    assert not JAPANESE.search(en), en


# --- (6) Japanese is a translation, except for proper names ---------------------------------------


def test_japanese_messages_differ_from_english_except_proper_names() -> None:
    same = sorted(k for k, v in raw("en").items() if raw("ja").get(k) == v and not k.startswith(
        SAME_IN_BOTH_PREFIXES))
    assert same == []


def test_japanese_messages_are_japanese() -> None:
    not_japanese = sorted(k for k, v in raw("ja").items()
                          if not k.startswith(SAME_IN_BOTH_PREFIXES) and not JAPANESE.search(v))
    assert not_japanese == []


def test_english_messages_are_not_japanese() -> None:
    assert sorted(k for k, v in raw("en").items() if JAPANESE.search(v)) == []
