"""The text of the follow-up `/deal` subcommands, parsed.

    /deal extend [#deal] <hours>h|<YYYY-MM-DD HH:MM> <reason>
    /deal discount [#deal] <the discount>
    /deal bant [#deal]

A problem says what is wrong in the user's language, with the subcommand's usage line and an
example (`FollowupProblem.text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot.i18n import t

__all__ = ["MAX_HOURS", "ExtendCommand", "FollowupProblem", "parse_discount", "parse_extend",
           "parse_ref", "split_ref"]

MAX_HOURS = 240
_REF = re.compile(r"^#(\d{1,9})$")
_BARE = re.compile(r"^(\d{1,9})$")
_HOURS = re.compile(r"^(\d{1,6})\s*(?:h|hr|hrs|hour|hours|時間)$", re.IGNORECASE)
_UNIT = re.compile(r"^(?:h|hr|hrs|hour|hours|時間)$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_STAMP = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):(\d{2})$")


class FollowupProblem(ValueError):  # noqa: N818 - reads as what it is
    """Text that is not a valid subcommand: `key` and `params` say why in either language."""

    def __init__(self, command: str, key: str, **params: str) -> None:
        super().__init__(key)
        self.command = command
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        """The problem, the usage line and an example, in `lang`."""
        return t("followup.usage_error", lang,
                 problem=t(f"followup.problem.{self.key}", lang, **self.params),
                 usage=t(f"followup.usage.{self.command}", lang))


def split_ref(text: str, *, bare: bool = True) -> tuple[int | None, str]:
    """A leading deal reference (`#12`, or `12` when `bare`) and the rest."""
    head, _, rest = text.strip().partition(" ")
    match = _REF.match(head) or (_BARE.match(head) if bare else None)
    if match is None:
        return None, text.strip()
    return int(match.group(1)), rest.strip()


def parse_ref(command: str, text: str) -> int | None:
    """Just an optional deal reference (`/deal bant #12`); anything else is a problem."""
    ref, rest = split_ref(text)
    if rest:
        raise FollowupProblem(command, "unexpected", text=rest[:80])
    return ref


@dataclass(frozen=True)
class ExtendCommand:
    """`/deal extend`: extra business hours or a new due time, and the reason."""

    ref: int | None
    extra: timedelta | None
    new_due: datetime | None
    reason: str


def _stamp(parts: tuple[str | Any, ...], tz: tzinfo) -> datetime | None:
    """year, month, day, hour, minute as text, in `tz`."""
    year, month, day, hour, minute = (int(p) for p in parts)
    try:
        return datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        return None


def parse_extend(text: str, tz: tzinfo, now: datetime) -> ExtendCommand:
    """`[#deal] 24h <reason>` or `[#deal] 2025-11-28 18:00 <reason>` (the time in `tz`)."""
    ref, rest = split_ref(text)
    if ref is not None and not text.strip().startswith("#") and \
            _UNIT.match(rest.split(" ", 1)[0]):
        ref, rest = None, text.strip()  # `48 hours ...`: a number of hours, not a deal
    words = rest.split()
    if not words:
        raise FollowupProblem("extend", "missing_time")
    extra: timedelta | None = None
    new_due: datetime | None = None
    hours = _HOURS.match(words[0])
    if hours is None and len(words) > 1 and _HOURS.match(words[0] + words[1]) and \
            words[0].isdigit():
        hours = _HOURS.match(words[0] + words[1])
        words = [words[0] + words[1], *words[2:]]
    if hours is not None:
        count = int(hours.group(1))
        if not 1 <= count <= MAX_HOURS:
            raise FollowupProblem("extend", "hours_range", limit=str(MAX_HOURS))
        extra = timedelta(hours=count)
        words = words[1:]
    else:
        stamp = _STAMP.match(words[0])
        day = _DAY.match(words[0])
        clock = _TIME.match(words[1]) if len(words) > 1 else None
        if stamp is not None:
            new_due = _stamp(stamp.groups(), tz)
            taken = 1
        elif day is not None and clock is not None:
            new_due = _stamp((*day.groups(), *clock.groups()), tz)
            taken = 2
        else:
            raise FollowupProblem("extend", "bad_time", text=words[0][:40])
        if new_due is None:
            raise FollowupProblem("extend", "bad_time", text=" ".join(words[:taken])[:40])
        if new_due <= now:
            raise FollowupProblem("extend", "past", text=" ".join(words[:taken]))
        words = words[taken:]
    reason = " ".join(words).strip()
    if not reason:
        raise FollowupProblem("extend", "no_reason")
    return ExtendCommand(ref, extra, new_due, reason)


def parse_discount(text: str) -> tuple[int | None, str]:
    """`[#deal] <the discount>`: only `#12` names a deal (a discount may start with a number)."""
    ref, rest = split_ref(text, bare=False)
    if not rest:
        raise FollowupProblem("discount", "no_description")
    return ref, rest
