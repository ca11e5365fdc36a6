"""`/deal timeline`: a deal's evidence for one reader, in their language and zone, as an
ephemeral answer that Slack accepts however long the deal's history (sections cut to Slack's
limits, at most `MAX_SECTIONS` of them, and a note saying how much was left out)."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.messages import Param, Reader, Text, due_param
from bot.views.text import CONTEXT_TEXT, SECTION_TEXT, clip, render_text
from rules.answers import Viewer, render_reason

if TYPE_CHECKING:
    from bot.usecases.timeline import (
        ClockEvidence,
        DayOff,
        DealTimeline,
        TimelineAbsence,
        TimelineMessage,
    )

__all__ = ["MAX_SECTIONS", "timeline_answer", "timeline_lines"]

# Slack takes 50 blocks of 3,000 characters, but an ephemeral answer is read on a screen: at most
# this many full sections, then a note saying how many lines were left out
MAX_SECTIONS = 10
FALLBACK_TEXT = 3000       # the notification text beside the blocks


def _message(item: TimelineMessage) -> Text:
    key = "timeline.message_both" if item.started_clock and item.stopped_clock else \
        "timeline.message_started" if item.started_clock else \
        "timeline.message_stopped" if item.stopped_clock else "timeline.message"
    return Text(key, {"at": item.received_at, "author": item.author,
                      "side": Text(f"deals.party.{item.side.value}")})


def _outcome(clock: ClockEvidence) -> Text:
    name = clock.outcome.value
    if name == "met" or (name == "breached" and clock.stopped_at is not None):
        return Text(f"timeline.outcome.{name}", {"at": clock.stopped_at})
    if name == "breached":
        return Text("timeline.outcome.breached_open")
    return Text(f"timeline.outcome.{name}")


def _day_off(day: DayOff, ahead: bool) -> Text:
    # a running clock's days off after today are still to come: "will not be counted"
    prefix = "timeline.day_ahead" if ahead else "timeline.day_off"
    if day.kind == "closure" and not day.name:
        return Text(f"{prefix}.closure_unnamed", {"day": day.day})
    if day.kind in ("holiday", "closure"):
        return Text(f"{prefix}.{day.kind}", {"day": day.day, "name": day.name or "-"})
    return Text(f"{prefix}.weekend", {"day": day.day})


def _absence(item: TimelineAbsence) -> Text:
    params: dict[str, Param] = {"person": item.person,
                                "side": Text(f"deals.party.{item.side.value}"),
                                "start": item.starts_at, "end": item.ends_at}
    if item.stand_in is None:
        return Text("timeline.absence", params)
    return Text("timeline.absence_stand_in", {**params, "stand_in": item.stand_in})


def _clock(clock: ClockEvidence, zone: str, reader: Reader, viewer: Viewer) -> list[str]:
    lines = [render_text(Text("timeline.clock", {
        "kind": Text(f"deals.clock.{clock.kind}"),
        "owed_by": Text(f"deals.party.{clock.owed_by.value}"),
        "start": clock.started_at, "due": due_param(clock.kind, clock.due_at, zone),
        "outcome": _outcome(clock)}), reader)]
    for reason in clock.reasons:
        lines.append(render_text(Text("timeline.why", {
            "reason": render_reason(reason, reader.lang, viewer, reader.tz)}), reader))
    lines.extend(render_text(_day_off(day, clock.today is not None and day.day > clock.today),
                             reader) for day in clock.days_off)
    return lines


def timeline_lines(timeline: DealTimeline, lang: str, tz: tzinfo, viewer: Viewer) -> list[str]:
    """Every line of the timeline, in order (a line never exceeds a section)."""
    reader = Reader(lang, tz)
    lines = [render_text(Text("timeline.title", {
        "deal": timeline.deal_id, "company": timeline.company, "region": timeline.region,
        "zone": str(tz)}), reader), render_text(Text("timeline.messages"), reader)]
    lines.extend(render_text(_message(m), reader) for m in timeline.messages)
    if not timeline.messages:
        lines.append(render_text(Text("timeline.no_messages"), reader))
    if timeline.absences:
        lines.append(render_text(Text("timeline.absences"), reader))
        lines.extend(render_text(_absence(a), reader) for a in timeline.absences)
    for clock in timeline.clocks:
        lines.extend(_clock(clock, timeline.zone, reader, viewer))
    if not timeline.clocks:
        lines.append(render_text(Text("timeline.no_clocks"), reader))
    return [clip(line, SECTION_TEXT) for line in lines]


def timeline_answer(timeline: DealTimeline, lang: str, tz: tzinfo, viewer: Viewer
                    ) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and blocks: lines packed into sections, clipped with a note."""
    lines = timeline_lines(timeline, lang, tz, viewer)
    sections: list[str] = []
    current = ""
    used = 0
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= SECTION_TEXT:
            current = candidate
            used += 1
            continue
        if len(sections) + 1 >= MAX_SECTIONS:
            break
        sections.append(current)
        current = line
        used += 1
    if current and len(sections) < MAX_SECTIONS:
        sections.append(current)
    blocks: list[dict[str, Any]] = [SectionBlock(text=MarkdownTextObject(text=s)).to_dict()
                                    for s in sections]
    left = len(lines) - used
    if left > 0:
        note = render_text(Text("timeline.clipped", {"count": left}), Reader(lang, tz))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=clip(note, CONTEXT_TEXT))]).to_dict())
    return clip("\n".join(lines), FALLBACK_TEXT), blocks
