"""A due time that is the end of a day (a POI by the end of the close date, onboarding by the end
of the 10th business day) reads as that day ("the end of Mon 28 Dec", 12月28日(月)終了時) for
every reader, never as the next day's 00:00; a reader in another zone is told the zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.messages import EndOfDay, Reader, Text, _decode_text, _encode_text, due_param
from bot.views.text import render_text

TOKYO = ZoneInfo("Asia/Tokyo")
# the end of Mon 28 Dec 2026 in Tokyo: Tue 29 Dec 00:00 JST
END = datetime(2026, 12, 28, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("reader,shown", [
    (Reader("en", TOKYO), "by the end of Mon 28 Dec."),
    (Reader("ja", TOKYO), "12月28日(月)終了時"),
    (Reader("en", ZoneInfo("UTC"), shared=True), "by the end of Mon 28 Dec JST."),
    (Reader("ja", ZoneInfo("UTC"), shared=True), "12月28日(月)終了時(JST)"),
    (Reader("en", ZoneInfo("America/New_York")), "by the end of Mon 28 Dec JST."),
])
def test_the_end_of_a_day_reads_as_that_day(reader: Reader, shown: str) -> None:
    due = EndOfDay(END, "Asia/Tokyo")
    text = render_text(Text("reminder.onboarding.dm", {"company": "Umi", "due": due}, 1), reader)
    assert shown in text, text
    assert "00:00" not in text and "29" not in text and "<!date" not in text, text


def test_date_based_clocks_are_due_at_the_end_of_a_day() -> None:
    assert due_param("poi", END, "Asia/Tokyo") == EndOfDay(END, "Asia/Tokyo")
    assert due_param("onboarding", END, "Asia/Tokyo") == EndOfDay(END, "Asia/Tokyo")
    assert due_param("response", END, "Asia/Tokyo") == END


def test_the_end_of_a_day_survives_the_outbox() -> None:
    text = Text("reminder.poi.dm", {"company": "Umi", "due": EndOfDay(END, "Asia/Tokyo")}, 1)
    assert _decode_text(_encode_text(text)) == text


def test_the_home_tab_shows_a_poi_due_as_the_end_of_the_close_date() -> None:
    from bot.usecases.home import ClockLine
    from bot.views.home import _clock_line
    from storage.models import Party

    line = ClockLine(7, "Umi", "poi", Party.PARTNER, END, zone="Asia/Tokyo")
    shown = _clock_line(line, None, "ja", TOKYO)
    assert "12月28日(月)終了時" in shown and "00:00" not in shown, shown
