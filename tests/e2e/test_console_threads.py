"""The console's deal threads as Slack would show them: everyone's messages in the threads of
deals a person follows (the same rule as `/deals`), never a thread of a deal they do not."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console import opened


def test_a_gs_sees_only_the_threads_of_deals_it_follows(tmp_path: Path) -> None:
    with opened(tmp_path, "hiroshi") as (console, out):
        console.handle("/deals")
        listed = "\n".join(out[-4:])
        assert "Bluebird" not in listed and "Acme" not in listed
        start = len(out)
        console.handle("/thread 3")
        assert console.thread is None
        assert not console.may_see(3) and not console.may_see(4)
        assert console.may_see(1) and console.may_see(2)
        console.handle("/as maya")
        console.handle("/thread 3")
        console.handle("Dana, can you share the budget?")
        console.handle("/as hiroshi")
        after_switch = "\n".join(out[start:][-6:])
        assert "Bluebird" not in after_switch and "案件 3" not in after_switch
    with opened(tmp_path, "Ken Ito") as (console, out):          # the PDM of all three partners
        assert all(console.may_see(deal) for deal in (1, 2, 3, 4, 5))
    with opened(tmp_path, "admin") as (console, out):
        assert all(console.may_see(deal) for deal in (1, 2, 3, 4, 5))
        console.handle("/deals")
        assert all(f"  {deal}. " in "\n".join(out) for deal in (1, 2, 3, 4, 5))


def test_a_partner_sees_what_others_posted_in_its_threads(tmp_path: Path) -> None:
    with opened(tmp_path, "hiroshi") as (console, out):
        console.handle("/advance 2025-11-24 10:00")
        console.handle("/thread 1")
        console.handle("Aiko, quick question?")
        hiroshi_saw = "\n".join(out)
        assert "パートナーの返信期限は" in hiroshi_saw
        console.handle("/as dana")                       # another partner: nothing of deal 1
        dana = "\n".join(out[-6:])
        assert "quick question" not in dana and "案件 1" not in dana and "deal 1" not in dana
        start = len(out)
        console.handle("/as aiko")
        summary = "\n".join(out[start:])
        assert "未読" in summary and "案件 1(Hoshino Foods):2 件" in summary, summary
        assert "quick question" not in summary            # a summary, not the messages
        start = len(out)
        console.handle("/thread 1")
        thread = out[start:]
        text = "\n".join(thread)
        assert "このスレッドの未読メッセージ 2 件" in text, text
        assert "── [" in text and "Hiroshi Sato · 案件 1 のスレッド ──" in text
        assert "  Aiko, quick question?" in thread
        assert "パートナーの返信期限は" in text
        assert text.index("quick question") < text.index("パートナーの返信期限は")
        start = len(out)
        console.handle("/leave")
        console.handle("/thread 1")                      # seen: not shown again
        again = "\n".join(out[start:])
        assert "quick question" not in again and "未読メッセージはありません" in again
        console.handle("Thanks, answering now.")          # her own, live and stored
        console.handle("/as hiroshi")
        start = len(out)
        console.handle("/thread 1")
        text = "\n".join(out[start:])
        assert "Aiko Tanaka · 案件 1 のスレッド" in text and "Thanks, answering now." in text
        assert "Aiko, quick question?" not in text          # his own was seen when he wrote it


def test_thread_messages_shown_in_english_with_counts(tmp_path: Path) -> None:
    with opened(tmp_path, "maya") as (console, out):
        console.handle("/thread 3")
        console.handle("Dana, can you share the budget?")
        console.handle("/as dana")
        assert "Unread in deal threads: deal 3 (Bluebird Health): 2 (/thread 3)." \
            in out
        start = len(out)
        console.handle("/thread 3")
        text = "\n".join(out[start:])
        assert "2 unread message(s) in this thread:" in text
        assert "── [" in text and "Maya Brooks in the thread of deal 3 ──" in text
        assert "  Dana, can you share the budget?" in out
