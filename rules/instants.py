"""Absolute time. Python does arithmetic on aware datetimes of one zone in wall-clock time, so
across a daylight-saving change `t + 72h` is 71 or 73 real hours away; these helpers never are.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["elapsed", "from_us", "shift", "to_us"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch (exact arithmetic)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetimes have no instant: give a UTC offset")
    return (moment - _EPOCH) // _US


def shift(moment: datetime, delta: timedelta) -> datetime:
    """`moment` plus `delta` of absolute time, in `moment`'s zone.

    Python adds a timedelta to an aware datetime in wall-clock time, so across a daylight-saving
    change `t + 72h` is 71 or 73 real hours away; this is always exactly `delta`.
    """
    tz = moment.tzinfo
    return (moment.astimezone(UTC) + delta).astimezone(tz)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Absolute time from `start` to `end` (Python subtracts same-zone datetimes in wall time)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def from_us(value: int, tz: ZoneInfo) -> datetime:
    """Integer microseconds since the epoch as an aware datetime in `tz`."""
    return (_EPOCH + timedelta(microseconds=value)).astimezone(tz)
