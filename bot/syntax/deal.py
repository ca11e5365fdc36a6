"""The arguments of the `/deal` subcommands, parsed.

    /deal status [#deal]                                   parse_status
    /deal close won|lost [#deal]                           parse_close
    /deal remove [#deal] <reason>                          parse_remove
    /deal poi [#deal] signed|sent|rejected [date] [onboarding] [link]    parse_poi
    /deal extend [#deal] <hours>h|<date and time> <reason>               parse_extend
    /deal discount [#deal] <the discount>                  parse_discount
    /deal bant [#deal]                                     parse_ref
    /deal onboarding [#deal] started [date]                parse_onboarding
    /deal timeline [#deal]                                 parse_timeline

A deal is named as everywhere else (`tokens.deal_ref`); dates and times are read as people type
them (`moments.moment`: `2025-11-28 18:00`, `11/28 6pm`, `11月28日 18時`, `tomorrow 5pm`), in the
reader's time zone. Problems are `UsageError`s of the
`deals` grammar (lifecycle) or the `followup` grammar (follow-up), whose catalogs explain them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.syntax.errors import UsageError, within
from bot.syntax.moments import moment
from bot.syntax.tokens import day, deal_ref, hours, is_hour_unit, split_ref

__all__ = ["MAX_HOURS", "POI_STATUSES", "CloseArgs", "ExtendCommand", "OnboardingArgs", "PoiArgs",
           "parse_close", "parse_discount", "parse_extend", "parse_onboarding", "parse_poi",
           "parse_ref", "parse_remove", "parse_status", "parse_timeline"]

MAX_HOURS = 240
POI_STATUSES = ("sent", "signed", "rejected")
_WON = frozenset({"won", "win", "成約", "受注"})
_LOST = frozenset({"lost", "lose", "失注"})


def _leading_ref(tokens: list[str]) -> int | None:
    if tokens and (ref := deal_ref(tokens[0])) is not None:
        tokens.pop(0)
        return ref
    return None


def parse_timeline(text: str) -> int | None:
    """`/deal timeline [#deal]`: only a deal reference."""
    tokens = text.split()
    ref = _leading_ref(tokens)
    if tokens:
        raise UsageError("word", grammar="deals", command="timeline", word=tokens[0])
    return ref


def parse_status(text: str) -> int | None:
    """`[#deal]`: only a deal reference."""
    tokens = text.split()
    ref = _leading_ref(tokens)
    if tokens:
        raise UsageError("word", grammar="deals", command="status", word=tokens[0])
    return ref


@dataclass(frozen=True)
class CloseArgs:
    """`/deal close`: the deal (if named) and whether it was won."""

    ref: int | None
    won: bool


def parse_close(text: str) -> CloseArgs:
    """`[#deal] won|lost [#deal]`."""
    with within("deals", "close"):
        tokens = text.split()
        ref = _leading_ref(tokens)
        word = tokens.pop(0).lower() if tokens else ""
        if word not in _WON | _LOST:
            raise UsageError("close_outcome", field="outcome")
        ref = ref if ref is not None else _leading_ref(tokens)
        if tokens:
            raise UsageError("word", word=tokens[0])
    return CloseArgs(ref, word in _WON)


def parse_remove(text: str) -> tuple[int | None, str]:
    """`[#deal] <reason>`: the reason is required (the partner is told it), cut to 1000."""
    ref, reason = split_ref(text)
    if not reason:
        raise UsageError("remove_reason", grammar="deals", command="remove", field="reason")
    return ref, reason[:1000]


@dataclass(frozen=True)
class PoiArgs:
    """`/deal poi`: the deal (if named), the POI's status, and what came with it."""

    ref: int | None
    status: str
    signed_on: date | None = None
    names_partner_onboarding: bool = False
    url: str | None = None


def parse_poi(text: str, tz: tzinfo | None = None, now: datetime | None = None) -> PoiArgs:
    """`[#deal] signed|sent|rejected [date] [onboarding] [link]` (a date as typed in `tz`:
    `2025-11-20`, `11/20`, `11月20日`, `yesterday`; the last such day)."""
    with within("deals", "poi"):
        tokens = text.split()
        ref = _leading_ref(tokens)
        if not tokens:
            raise UsageError("poi_status_missing", field="status")
        status = tokens.pop(0).lower()
        if status not in POI_STATUSES:
            raise UsageError("poi_status", field="status", word=status)
        signed_on: date | None = None
        onboarding = False
        url: str | None = None
        for token in tokens:
            cleaned = token.strip("<>")
            if token.lower() in ("onboarding", "導入支援"):
                onboarding = True
            elif cleaned.startswith(("https://", "http://")):
                url = cleaned.split("|", 1)[0][:500]
            elif (when := _poi_day(token, tz, now)) is not None:
                signed_on = when
            else:
                raise UsageError("word", word=token)
    return PoiArgs(ref, status, signed_on, onboarding, url)


def _poi_day(token: str, tz: tzinfo | None, now: datetime | None) -> date | None:
    try:
        found = day(token)
    except UsageError:
        raise UsageError("date", field="date", word=token) from None
    if found is None and tz is not None and now is not None:
        typed = moment(token, tz=tz, now=now, prefer="past")
        found = typed.day if typed is not None else None
    return found


_STARTED = frozenset({"started", "start", "began", "開始", "開始済み"})


@dataclass(frozen=True)
class OnboardingArgs:
    """`/deal onboarding started`: the deal (if named) and the day onboarding began (None:
    today, in the reader's time zone)."""

    ref: int | None
    started_on: date | None = None


def parse_onboarding(text: str, tz: tzinfo | None = None, now: datetime | None = None
                     ) -> OnboardingArgs:
    """`[#deal] started [date]` (a date as typed in `tz`: `2026-12-31`, `12/31`, `12月31日`,
    `yesterday`; the last such day)."""
    with within("deals", "onboarding"):
        tokens = text.split()
        ref = _leading_ref(tokens)
        word = tokens.pop(0).lower() if tokens else "-"
        if word not in _STARTED:
            raise UsageError("onboarding_word", field="started", word=word)
        ref = ref if ref is not None else _leading_ref(tokens)
        started_on: date | None = None
        for token in tokens:
            if started_on is None and (when := _poi_day(token, tz, now)) is not None:
                started_on = when
            else:
                raise UsageError("word", word=token)
    return OnboardingArgs(ref, started_on)


def parse_ref(command: str, text: str) -> int | None:
    """Just an optional deal reference (`/deal bant #12`); anything else is a problem."""
    ref, rest = split_ref(text)
    if rest:
        raise UsageError("unexpected", grammar="followup", command=command, text=rest)
    return ref


@dataclass(frozen=True)
class ExtendCommand:
    """`/deal extend`: extra business hours or a new due time, and the reason."""

    ref: int | None
    extra: timedelta | None
    new_due: datetime | None
    reason: str


def _new_due(words: list[str], tz: tzinfo, now: datetime) -> tuple[datetime, int]:
    """A due time as typed (`2025-11-28 18:00`, `11/28 6pm`, `11月28日 18時`, `tomorrow 5pm`)
    in `tz`, and how many words it took: the most words (at most four) that read as a date and
    time, ending on a word with a digit (so a reason's first word is never taken)."""
    for taken in range(min(4, len(words)), 0, -1):
        last = words[taken - 1]
        if not any(c.isdigit() for c in last) and last.lower() not in ("noon", "midnight"):
            continue
        found = moment(" ".join(words[:taken]), tz=tz, now=now)
        if found is not None and found.has_time:
            return found.at, taken
    raise UsageError("bad_time", field="time", text=words[0][:40])


def parse_extend(text: str, tz: tzinfo, now: datetime) -> ExtendCommand:
    """`[#deal] 24h <reason>` or `[#deal] <date and time> <reason>` (the time in `tz`)."""
    with within("followup", "extend"):
        ref, rest = split_ref(text)
        if ref is not None and not text.strip().startswith("#") and rest and \
                is_hour_unit(rest.split(" ", 1)[0]):
            ref, rest = None, text.strip()  # `48 hours ...`: a number of hours, not a deal
        words = rest.split()
        if not words:
            raise UsageError("missing_time", field="time")
        extra: timedelta | None = None
        new_due: datetime | None = None
        count = hours(words[0])
        if count is None and len(words) > 1 and words[0].isdigit() and is_hour_unit(words[1]):
            count, words = hours(words[0] + words[1]), [words[0] + words[1], *words[2:]]
        if count is not None:
            if not 1 <= count <= MAX_HOURS:
                raise UsageError("hours_range", field="hours", limit=str(MAX_HOURS))
            extra = timedelta(hours=count)
            words = words[1:]
        else:
            new_due, taken = _new_due(words, tz, now)
            if new_due <= now:
                raise UsageError("past", field="time", text=" ".join(words[:taken]))
            words = words[taken:]
        reason = " ".join(words).strip()
        if not reason:
            raise UsageError("no_reason", field="reason")
    return ExtendCommand(ref, extra, new_due, reason)


def parse_discount(text: str) -> tuple[int | None, str]:
    """`[#deal] <the discount>`: only `#12` names a deal (a discount may start with a number);
    a bare number alone describes no discount: it is read as the deal it most likely names, and
    the description is still asked for (it never becomes a request for "1")."""
    ref, rest = split_ref(text, bare=False)
    if ref is None and deal_ref(rest) is not None:
        ref, rest = deal_ref(rest), ""
    if not rest:
        raise UsageError("no_description", grammar="followup", command="discount",
                         field="description")
    return ref, rest
