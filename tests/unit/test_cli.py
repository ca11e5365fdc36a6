"""The scenario command line (`python -m rules answer|check`), the public contract of ROE-SPEC.md.

`answer` prints one JSON line per file in the order given; a file that cannot be answered gets
one line on stderr naming the file and the field, the others are still answered, and the exit
status is 2. `check` compares with each file's `expect` (datetimes as instants, money as
decimals, lists in order, extra answer keys ignored), prints a line per scenario and
`N passed, M failed`, and exits 0, 1 (a failure) or 2 (a file that could not be read).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rules.cli import main
from rules.compare import differences

REPO = Path(__file__).resolve().parents[2]

ELIGIBILITY: dict[str, Any] = {
    "question": "eligibility",
    "deal": {"motion": "partner_sourced",
             "items": [{"line": "marketing", "edition": "professional", "mrr": "800", "currency": "USD"},
                       {"line": "sales", "edition": "starter", "mrr": "20", "currency": "USD"}],
             "customer_holdings": []},
    "partner": {"kind": "solutions_partner", "tier": "diamond"},
    "expect": {"outcome": "eligible"},
}
REVENUE_SHARE: dict[str, Any] = {
    "question": "revenue_share", "mrr": "800", "currency": "USD",
    "partner": {"kind": "solutions_partner", "tier": "gold"}, "start_month": "2025-08",
    "expect": {"monthly": "160.00", "months": 36, "total": "5760.00"},
}
COLLABORATION: dict[str, Any] = {
    "question": "collaboration", "notified_at": "2025-11-23T16:00:00+09:00",
    "expect": {"outcome": "needs_review", "due_at": "2025-11-26T16:00:00+09:00"},
}
WAIVE: dict[str, Any] = {
    "question": "waive_onboarding", "lang": "ja",
    "partner": {"kind": "solutions_partner", "tier": "gold"},
    "poi_signed": True, "poi_names_partner_onboarding": True,
    "expect": {"outcome": "eligible"},
}


def scenario(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of `base` with top-level keys replaced (None removes a key)."""
    data: dict[str, Any] = json.loads(json.dumps(base))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def write(folder: Path, name: str, content: Any) -> Path:
    """Write a scenario file: JSON for objects and lists, the text itself for a string."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def run(*argv: str | Path) -> tuple[int, str, str]:
    """Run the command line in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in argv], out, err)
    return status, out.getvalue(), err.getvalue()


def lines(text: str) -> list[str]:
    return text.splitlines()


def item(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"line": "marketing", "edition": "professional", "mrr": "800",
                            "currency": "USD"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def deal_with(*items: dict[str, Any]) -> dict[str, Any]:
    return scenario(ELIGIBILITY, deal={"motion": "partner_sourced", "items": list(items),
                                       "customer_holdings": []})


# ---------------------------------------------------------------------------------------------
# answer


def test_answer_prints_one_json_line_per_file_in_the_order_given(tmp_path: Path) -> None:
    files = [write(tmp_path, "z_revenue.json", REVENUE_SHARE),
             write(tmp_path, "a_eligibility.json", ELIGIBILITY),
             write(tmp_path, "m_waive.json", WAIVE),
             write(tmp_path, "b_collaboration.json", COLLABORATION)]
    status, out, err = run("answer", *files)
    assert status == 0
    assert err == ""
    answers = [json.loads(line) for line in lines(out)]
    assert [a["file"] for a in answers] == [str(f) for f in files]
    for answer in answers:
        assert isinstance(answer["outcome"], str)
        assert isinstance(answer["citations"], list) and answer["citations"]
        assert isinstance(answer["reasons"], list)
        assert all(isinstance(r, str) for r in answer["reasons"])
    revenue, eligible, waive, collab = answers
    assert revenue["question"] == "revenue_share"
    assert (revenue["monthly"], revenue["months"], revenue["total"]) == ("160.00", 36, "5760.00")
    assert revenue["currency"] == "USD"
    assert revenue["payouts"][0] == {"quarter": "2025-Q3", "amount": "320.00", "months": 2}
    assert revenue["payouts"][1]["amount"] == "480.00"
    assert revenue["payouts"][-1] == {"quarter": "2028-Q3", "amount": "160.00", "months": 1}
    assert eligible["outcome"] == "eligible"
    assert "deal-eligibility" in eligible["citations"]
    assert waive["lang"] == "ja"
    assert any(any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in r)
               for r in waive["reasons"])
    assert collab["due_at"] == "2025-11-26T16:00:00+09:00"


def test_answer_repeats_a_file_given_twice(tmp_path: Path) -> None:
    path = write(tmp_path, "one.json", ELIGIBILITY)
    status, out, _ = run("answer", path, path)
    assert status == 0
    assert [json.loads(line)["file"] for line in lines(out)] == [str(path), str(path)]


BAD_FILES: list[tuple[str, Any, str, str | None]] = [
    # (id, content, text the one error line must hold (the field), the offending value if any)
    ("malformed_json", '{"question": "eligibility",', "JSON", None),
    ("json_list", [ELIGIBILITY], "object", None),
    ("unknown_question", {"question": "eligibilty"}, "question", "eligibilty"),
    ("unknown_line", deal_with(item(line="widgets_hub")), "deal.items[0].line", "widgets_hub"),
    ("unknown_edition", deal_with(item(), item(edition="pro")), "deal.items[1].edition", "pro"),
    ("edition_for_credits", deal_with(item(line="credits", edition="professional")),
     "deal.items[0].edition", "credits"),
    ("edition_missing_for_hub", deal_with(item(edition=None)), "deal.items[0].edition", None),
    ("unknown_currency", deal_with(item(currency="XYZ")), "deal.items[0].currency", "XYZ"),
    ("lowercase_currency", scenario(REVENUE_SHARE, currency="usd"), "currency", "usd"),
    ("negative_amount", scenario(REVENUE_SHARE, mrr="-800"), "mrr", "-800"),
    ("non_numeric_amount", deal_with(item(mrr="eight hundred")), "deal.items[0].mrr",
     "eight hundred"),
    ("float_amount", scenario(REVENUE_SHARE, mrr=800.5), "mrr", None),
    ("float_amount_whole", deal_with(item(mrr=800.0)), "deal.items[0].mrr", None),
    ("nan_amount", scenario(REVENUE_SHARE, mrr="NaN"), "mrr", "NaN"),
    ("naive_datetime", scenario(COLLABORATION, notified_at="2025-11-23T16:00:00"), "notified_at",
     "2025-11-23T16:00:00"),
    ("naive_datetime_collaboration_due", {"question": "collaboration_due",
                                          "notified_at": "2025-11-23T16:00"}, "notified_at", None),
    ("naive_datetime_response_due", {"question": "response_due", "received_at": "2025-11-21T16:00:00",
                                     "region": {"country": "JP", "timezone": "Asia/Tokyo"}},
     "received_at", None),
    ("missing_field", scenario(REVENUE_SHARE, start_month=None), "start_month", None),
    ("missing_nested_field", deal_with({"line": "marketing", "edition": "professional",
                                        "currency": "USD"}), "deal.items[0].mrr", None),
    ("string_for_boolean", scenario(WAIVE, poi_signed="true"), "poi_signed", None),
    ("number_for_boolean", scenario(WAIVE, partner={"kind": "provider", "good_standing": 1}),
     "partner.good_standing", None),
    ("unsupported_lang", scenario(ELIGIBILITY, lang="fr"), "lang", "fr"),
    ("bad_month", scenario(REVENUE_SHARE, start_month="2025-13"), "start_month", None),
    ("bad_date", scenario(REVENUE_SHARE, terminated_on="2025-02-30"), "terminated_on", "2025-02-30"),
    ("unknown_kind", scenario(REVENUE_SHARE, partner={"kind": "reseller"}), "partner.kind", "reseller"),
    ("mixed_currencies", deal_with(item(), item(line="sales", currency="JPY")),
     "deal.items[1].currency", None),
    ("duplicate_claim", {"question": "best_partner_wins",
                         "claims": [{"partner": "Acme", "poi_signed": True},
                                    {"partner": "Acme", "poi_signed": False}]},
     "claims[1].partner", None),
]


@pytest.mark.parametrize(("content", "field", "value"), [c[1:] for c in BAD_FILES],
                         ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_gets_one_clear_line_and_the_others_are_answered(
    tmp_path: Path, content: Any, field: str, value: str | None,
) -> None:
    before = write(tmp_path, "before.json", ELIGIBILITY)
    bad = write(tmp_path, "bad.json", content)
    after = write(tmp_path, "after.json", REVENUE_SHARE)
    status, out, err = run("answer", before, bad, after)
    assert status == 2
    assert "Traceback" not in err
    assert [json.loads(line)["file"] for line in lines(out)] == [str(before), str(after)]
    assert len(lines(err)) == 1, err
    message = lines(err)[0]
    assert str(bad) in message
    assert field in message
    if value is not None:
        assert value in message
    assert str(before) not in message and str(after) not in message


def test_a_missing_file_is_named_and_the_others_are_answered(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", ELIGIBILITY)
    missing = tmp_path / "nowhere" / "missing.json"
    status, out, err = run("answer", missing, good)
    assert status == 2
    assert [json.loads(line)["file"] for line in lines(out)] == [str(good)]
    assert len(lines(err)) == 1
    assert str(missing) in err
    assert "Traceback" not in err


def test_a_file_that_is_not_utf8_is_refused_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b'{"question": "eligibility", "note": "caf\xe9"}')
    status, out, err = run("answer", bad)
    assert status == 2
    assert out == ""
    assert len(lines(err)) == 1 and str(bad) in err
    assert "Traceback" not in err


def test_every_bad_file_at_once_gives_one_line_each(tmp_path: Path) -> None:
    bad = [write(tmp_path, f"{case[0]}.json", case[1]) for case in BAD_FILES]
    good = write(tmp_path, "good.json", ELIGIBILITY)
    status, out, err = run("answer", *bad, good)
    assert status == 2
    assert [json.loads(line)["file"] for line in lines(out)] == [str(good)]
    assert len(lines(err)) == len(bad)
    for path, line in zip(bad, lines(err), strict=True):
        assert str(path) in line
    assert "Traceback" not in err


def test_an_unknown_field_is_a_warning_and_does_not_change_the_status(tmp_path: Path) -> None:
    typo = write(tmp_path, "typo.json", scenario(WAIVE, poi_signed=None, poi_sigend=True,
                                                   expect={"outcome": "not_eligible"}))
    status, out, err = run("answer", typo)
    assert status == 0
    assert len(lines(out)) == 1
    assert json.loads(out)["outcome"] == "not_eligible"  # poi_signed defaulted to false
    assert len(lines(err)) == 1
    assert "warning" in err.lower() and str(typo) in err and "poi_sigend" in err
    status, out, err = run("check", typo)
    assert status == 0
    assert lines(out)[-1] == "1 passed, 0 failed"
    assert "poi_sigend" in err and "poi_sigend" not in out


def test_an_unknown_nested_field_is_named_by_its_path(tmp_path: Path) -> None:
    data = scenario(ELIGIBILITY)
    data["deal"]["items"][0]["editon"] = "starter"
    path = write(tmp_path, "nested.json", data)
    status, out, err = run("answer", path)
    assert status == 0
    assert json.loads(out)["outcome"] == "eligible"
    assert "deal.items[0].editon" in err


def test_a_warning_does_not_hide_an_error_in_another_file(tmp_path: Path) -> None:
    typo = write(tmp_path, "typo.json", scenario(WAIVE, poi_sigend=True))
    bad = write(tmp_path, "bad.json", scenario(ELIGIBILITY, lang="de"))
    status, out, err = run("answer", typo, bad)
    assert status == 2
    assert len(lines(out)) == 1
    assert len(lines(err)) == 2


def test_collaboration_due_is_answered_and_refuses_a_naive_datetime(tmp_path: Path) -> None:
    good = write(tmp_path, "due.json", {"question": "collaboration_due",
                                        "notified_at": "2025-11-23T16:00:00+09:00",
                                        "expect": {"due_at": "2025-11-26T07:00:00Z"}})
    naive = write(tmp_path, "naive.json", {"question": "collaboration_due",
                                           "notified_at": "2025-11-23T16:00:00"})
    status, out, _ = run("check", good)
    assert status == 0, out
    status, _, err = run("answer", naive)
    assert status == 2
    assert "notified_at" in err and "unknown question" not in err


# ---------------------------------------------------------------------------------------------
# check


def test_check_passes_with_the_contracts_comparison_rules(tmp_path: Path) -> None:
    files = [
        # money as decimals: "160" equals "160.00"; ints as ints
        write(tmp_path, "money.json", scenario(REVENUE_SHARE, expect={
            "monthly": "160", "months": 36, "total": "5760", "currency": "USD"})),
        # datetimes as instants: 16:00 in Tokyo is 07:00 UTC
        write(tmp_path, "instant.json", scenario(COLLABORATION, expect={
            "due_at": "2025-11-26T07:00:00+00:00", "outcome": "needs_review"})),
        # lists in order, nested objects, extra answer keys (reasons, sections, ...) ignored
        write(tmp_path, "lists.json", scenario(REVENUE_SHARE, expect={
            "citations": ["revenue-share", "commission-rates"],
            "accruals": [{"month": f"{2025 + (7 + i) // 12}-{(7 + i) % 12 + 1:02d}", "amount": "160"}
                         for i in range(36)]})),
        write(tmp_path, "ja.json", WAIVE),
        # the spec's worked example, expected in UTC: Wed 2025-11-26 16:00 in Tokyo
        write(tmp_path, "response.json", {"question": "response_due",
                                          "received_at": "2025-11-21T16:00:00+09:00",
                                          "region": {"country": "JP", "timezone": "Asia/Tokyo"},
                                          "expect": {"due_at": "2025-11-26T07:00:00+00:00"}}),
    ]
    status, out, err = run("check", *files)
    assert (status, err) == (0, ""), out
    assert len(lines(out)) == len(files) + 1
    for path, line in zip(files, lines(out)[:-1], strict=True):
        assert str(path) in line
    assert lines(out)[-1] == "5 passed, 0 failed"


@pytest.mark.parametrize(("expect", "key"), [
    ({"outcome": "not_eligible"}, "outcome"),
    ({"monthly": "160.01"}, "monthly"),
    ({"months": 12}, "months"),
    ({"due_at": "2025-11-26T16:00:00+00:00"}, "due_at"),
    ({"citations": ["commission-rates", "revenue-share"]}, "citations"),
    ({"citations": ["revenue-share"]}, "citations"),
    ({"payouts": [{"quarter": "2025-Q4", "amount": "320.00"}]}, "payouts"),
    ({"no_such_key": 1}, "no_such_key"),
])
def test_check_fails_a_scenario_whose_answer_differs(tmp_path: Path, expect: dict[str, Any],
                                                     key: str) -> None:
    base = COLLABORATION if key == "due_at" else REVENUE_SHARE
    failing = write(tmp_path, "failing.json", scenario(base, expect=expect))
    passing = write(tmp_path, "passing.json", ELIGIBILITY)
    status, out, _ = run("check", failing, passing)
    assert status == 1
    output = lines(out)
    assert len(output) == 3
    assert str(failing) in output[0] and key in output[0]
    assert str(passing) in output[1] and str(failing) not in output[1]
    assert output[-1] == "1 passed, 1 failed"


def test_check_exits_2_for_an_unreadable_file_and_still_checks_the_others(tmp_path: Path) -> None:
    passing = write(tmp_path, "passing.json", ELIGIBILITY)
    failing = write(tmp_path, "failing.json", scenario(ELIGIBILITY, expect={"outcome": "needs_review"}))
    broken = write(tmp_path, "broken.json", "{not json")
    missing = tmp_path / "missing.json"
    status, out, err = run("check", passing, broken, failing, missing)
    assert status == 2
    assert "Traceback" not in out + err
    both = out + err
    assert str(broken) in both and str(missing) in both
    assert lines(out)[-1] == "1 passed, 3 failed"
    scenario_lines = [line for line in lines(out)[:-1] if "warning" not in line]
    assert len(scenario_lines) == 4


def test_check_of_a_file_without_expect_is_not_a_pass(tmp_path: Path) -> None:
    path = write(tmp_path, "no_expect.json", scenario(ELIGIBILITY, expect=None))
    status, out, _ = run("check", path)
    assert status != 0
    assert not lines(out)[-1].startswith("1 passed")


def test_check_searches_a_folder_recursively_for_json(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    found = [write(suite, "top.json", ELIGIBILITY),
             write(suite, "deep/er/nested.json", REVENUE_SHARE),
             write(suite, "ja/waive.json", WAIVE)]
    write(suite, "README.md", "# not a scenario")
    write(suite, "deep/notes.txt", "{}")
    single = write(tmp_path, "single.json", COLLABORATION)
    status, out, err = run("check", suite, single)
    assert (status, err) == (0, "")
    output = lines(out)
    assert output[-1] == "4 passed, 0 failed"
    assert len(output) == 5
    for path in [*found, single]:
        assert sum(str(path) in line for line in output) == 1
    assert "README" not in out and "notes.txt" not in out


def test_check_of_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    status, _, _ = run("check", tmp_path / "empty")
    assert status != 0


# ---------------------------------------------------------------------------------------------
# The module entry point, as a real process


def python_m_rules(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rules", *map(str, argv)], cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def test_python_m_rules_answer_and_exit_codes(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", ELIGIBILITY)
    ja = write(tmp_path, "ja.json", WAIVE)
    bad = write(tmp_path, "bad.json", deal_with(item(edition="pro")))
    done = python_m_rules("answer", good, bad, ja)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert [json.loads(line)["file"] for line in lines(done.stdout)] == [str(good), str(ja)]
    assert len(lines(done.stderr)) == 1
    assert str(bad) in done.stderr and "deal.items[0].edition" in done.stderr
    assert json.loads(lines(done.stdout)[1])["lang"] == "ja"  # UTF-8 survives the pipe

    done = python_m_rules("answer", good)
    assert (done.returncode, done.stderr) == (0, "")


def test_python_m_rules_check_exit_codes(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", ELIGIBILITY)
    failing = write(tmp_path, "failing.json", scenario(ELIGIBILITY, expect={"outcome": "not_eligible"}))
    broken = write(tmp_path, "broken.json", "[")
    done = python_m_rules("check", good)
    assert done.returncode == 0
    assert lines(done.stdout)[-1] == "1 passed, 0 failed"
    done = python_m_rules("check", good, failing)
    assert done.returncode == 1
    assert lines(done.stdout)[-1] == "1 passed, 1 failed"
    done = python_m_rules("check", good, failing, broken)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr


def test_python_m_rules_without_a_command_is_a_usage_error() -> None:
    done = python_m_rules()
    assert done.returncode == 2
    assert "usage" in done.stderr.lower()
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------------------------------------
# Optional facts left out, and amounts out of range


@pytest.mark.parametrize("partner", [None, "null"])
def test_a_scenario_without_a_partner_takes_the_contract_defaults(tmp_path: Path,
                                                                  partner: str | None) -> None:
    data = scenario(ELIGIBILITY, partner=None)
    if partner == "null":
        data["partner"] = None
    path = write(tmp_path, "no_partner.json", data)
    good = write(tmp_path, "good.json", REVENUE_SHARE)
    status, out, err = run("answer", path, good)
    assert status == 0, err
    assert "Traceback" not in err
    assert [json.loads(line)["outcome"] for line in lines(out)] == ["eligible", "eligible"]


@pytest.mark.parametrize("mrr", ["1e30", 10**35])
def test_a_huge_amount_is_refused_in_one_line_naming_the_field(tmp_path: Path, mrr: str | int) -> None:
    path = write(tmp_path, "huge.json", scenario(REVENUE_SHARE, mrr=mrr))
    done = python_m_rules("answer", path)
    assert "Traceback" not in done.stderr
    assert done.returncode == 2
    assert len(lines(done.stderr)) == 1 and "mrr" in done.stderr and "too large" in done.stderr


# ---------------------------------------------------------------------------------------------
# rules.compare.differences


@pytest.mark.parametrize(("expected", "actual"), [
    ({"monthly": "160"}, {"monthly": "160.00"}),
    ({"amount": "0"}, {"amount": "0.00"}),
    ({"total": "57600"}, {"total": "57600"}),
    ({"months": 36}, {"months": 36}),
    ({"flag": True}, {"flag": True}),
    ({"winner": None}, {"winner": None}),
    ({"due_at": "2025-11-26T16:00:00+09:00"}, {"due_at": "2025-11-26T07:00:00+00:00"}),
    ({"due_at": "2025-11-26T07:00:00Z"}, {"due_at": "2025-11-26T16:00:00+09:00"}),
    ({"due_at": "2025-11-26T02:00:00-05:00"}, {"due_at": "2025-11-26T16:00:00+09:00"}),
    ({"due_date": "2025-12-05"}, {"due_date": "2025-12-05"}),
    ({"outcome": "eligible"}, {"outcome": "eligible", "reasons": ["..."], "extra": {"x": 1}}),
    ({"payouts": [{"quarter": "2025-Q3", "amount": "320"}]},
     {"payouts": [{"quarter": "2025-Q3", "amount": "320.00", "months": 2}]}),
    ({"citations": ["a", "b"]}, {"citations": ["a", "b"]}),
    ({}, {"anything": 1}),
])
def test_differences_none(expected: Any, actual: Any) -> None:
    assert differences(expected, actual) == []


@pytest.mark.parametrize(("expected", "actual", "path"), [
    ({"monthly": "160"}, {"monthly": "160.01"}, "monthly"),
    ({"monthly": "160"}, {}, "monthly"),
    ({"outcome": "eligible"}, {"outcome": "not_eligible"}, "outcome"),
    ({"months": 36}, {"months": 12}, "months"),
    ({"flag": True}, {"flag": False}, "flag"),
    ({"flag": True}, {"flag": 1}, "flag"),
    ({"flag": False}, {"flag": 0}, "flag"),
    ({"winner": None}, {"winner": "Acme"}, "winner"),
    ({"due_at": "2025-11-26T16:00:00+09:00"}, {"due_at": "2025-11-26T16:00:00+00:00"}, "due_at"),
    ({"due_at": "2025-11-26T16:00:00"}, {"due_at": "2025-11-26T16:00:00+09:00"}, "due_at"),
    ({"due_date": "2025-12-05"}, {"due_date": "2025-12-06"}, "due_date"),
    ({"citations": ["a", "b"]}, {"citations": ["b", "a"]}, "citations[0]"),
    ({"citations": ["a", "b"]}, {"citations": ["a"]}, "citations"),
    ({"citations": ["a"]}, {"citations": "a"}, "citations"),
    ({"payouts": [{"quarter": "2025-Q3", "amount": "320"}]},
     {"payouts": [{"quarter": "2025-Q3", "amount": "480.00"}]}, "payouts[0].amount"),
    ({"deal": {"x": 1}}, {"deal": 1}, "deal"),
    ({"quarter": "2025-Q3"}, {"quarter": "2025-Q4"}, "quarter"),
])
def test_differences_found(expected: Any, actual: Any, path: str) -> None:
    found = differences(expected, actual)
    assert found
    assert found[0].startswith(f"{path}:"), found


def test_differences_reports_every_difference() -> None:
    found = differences({"outcome": "eligible", "months": 36, "monthly": "160"},
                        {"outcome": "not_eligible", "months": 0, "monthly": "160.00"})
    assert [f.split(":")[0] for f in found] == ["outcome", "months"]


def test_differences_of_a_non_object_answer() -> None:
    assert differences({"outcome": "eligible"}, ["eligible"])
