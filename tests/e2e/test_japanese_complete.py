"""Both languages, completely: a Japanese partner (Aiko) and a Japanese GS (Hiroshi) work a deal
over signed HTTP (thread messages, the reply clock, `/deal status`, `/deal timeline`, `/deal help`,
the BANT and out-of-office modals, an extension, a POI sent, `/roe`, reminders, a breach, the Home
tab), and every payload either of them receives, or that lands in their Japanese thread, is
searched for English words taken from the English catalogs. Names (people, companies, products the Japanese
text itself keeps) aside, none may appear."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.usecases.sweep import sweep
from tests.e2e.conftest import Clock
from tests.e2e.followup_support import SAKURA, clocks, make_deal, outbox_idle, thread_event
from tests.e2e.roe_support import open_home
from tests.e2e.support import Harness
from tests.english_words import english_in, name_words, texts

JAPANESE = ("U0AIKO01", "U0GSHIRO")
NAMES = name_words(SAKURA["partner"], SAKURA["company"], SAKURA["domain"],
                   "Aiko Tanaka Hiroshi Sato Ren Mori", "Coseller JST")


def _for_japanese_readers(harness: Harness, thread_ts: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for call in harness.slack.calls:
        args = call.args
        method = call.method
        if method == "response_url" and str(args.get("response_url_id", "")).startswith(JAPANESE):
            yield method, args
        elif method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            channel = str(args.get("channel") or "")
            in_thread = channel == "C0DEALS" and args.get("thread_ts") in (thread_ts, None)
            if in_thread or channel in {f"D{u}" for u in JAPANESE} or \
                    args.get("user") in JAPANESE:
                yield method, args
        elif method == "views.publish" and args.get("user_id") in JAPANESE:
            yield method, args
        elif method in ("views.open", "views.update", "views.push"):
            yield method, args  # only the Japanese readers open modals in this story


def _english_in(payload: dict[str, Any]) -> set[str]:
    return english_in(payload, NAMES)


def _answered(harness: Harness, user: str, command: str, text: str) -> None:
    """Run a command and wait for its answer (an ephemeral reply, or the modal it opens)."""
    def count() -> int:
        return len(harness.responses(user)) + len(harness.slack.calls_of("views.open"))
    before = count()
    assert harness.command(command, text, user=user).status == 200
    harness.wait_for(lambda: count() > before)


def _story(harness: Harness, clock: Clock) -> str:
    deal_id, thread = make_deal(harness, SAKURA)
    aiko, hiro = JAPANESE
    harness.event(thread_event(hiro, thread, text="予算の状況を教えてください"))
    harness.wait_for(lambda: clocks(harness, deal_id))
    for user, command in ((aiko, f"status {deal_id}"), (aiko, f"timeline {deal_id}"),
                          (aiko, "help"), (aiko, f"bant {deal_id}"), (aiko, "ooo"),
                          (hiro, f"extend {deal_id} 24h 顧客の決算期のため"),
                          (hiro, f"timeline {deal_id}"), (hiro, f"poi {deal_id} sent"),
                          (aiko, "frobnicate")):
        _answered(harness, user, "/deal", command)
    _answered(harness, aiko, "/roe", "eligibility sales/starter 20 USD")
    for user in JAPANESE:
        open_home(harness, user)
    harness.event(thread_event(aiko, thread, text="来週ご連絡します"))
    harness.wait_for(lambda: len(clocks(harness, deal_id)) >= 2)   # the GS's clock: then the GS answers
    harness.event(thread_event(hiro, thread, text="承知しました。続報をお待ちしています"))
    harness.wait_for(lambda: len(clocks(harness, deal_id)) >= 3)
    for _ in range(12):                                      # reminders, then the breach
        clock.advance(hours=12)
        sweep(harness.services)
    harness.wait_for(lambda: outbox_idle(harness))
    return thread


def test_a_japanese_story_shows_no_english(harness: Harness, clock: Clock) -> None:
    thread = _story(harness, clock)
    seen = list(_for_japanese_readers(harness, thread))
    methods = {m for m, _ in seen}
    assert {"response_url", "chat.postMessage", "views.open", "views.publish"} <= methods
    problems = {}
    for method, payload in seen:
        english = _english_in(payload)
        if english:
            problems[f"{method}: {' '.join(texts(payload))[:160]}"] = sorted(english)
    assert problems == {}


def test_the_check_can_fail() -> None:
    assert _english_in({"text": "期限: due 12月3日"}) == {"due"}
    assert _english_in({"text": "`/deal status` <!date^1|Dec 3> Aiko Tanaka BANT"}) == set()
    assert _english_in({"text": "BANT(partner)"}) == {"partner"}
    assert _english_in({"blocks": [{"text": {"text": "Partner Sourced の取引"}}]}) == set()
