"""Whether a clock's reminder still says something true when it is sent. The outbox may send a
reminder long after the sweep queued it (a backlog, a person's many direct messages at Slack's
pace, an outage): by then the partner may have replied, the clock may have breached or been
extended, or a later reminder taken its place. A reminder that says "3 hours left" after the
breach notice is a wrong answer; it is better not sent at all."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from storage.models import ClockState
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["Reminders", "step_key"]

# `clock:<id>:<step>` with `:ext<n>` after an extension, and `:dm:<user>` for a direct message
_REMINDER = re.compile(r"^clock:(?P<id>\d+):(?P<step>[a-z0-9_]+)(?::ext(?P<ext>\d+))?(?::dm:.+)?$")
_FINAL_STEPS = frozenset({"breach", "lapse"})  # what happened: said whenever it reaches Slack


def step_key(clock_id: int, step: str, extensions: int) -> str:
    """The outbox key of a clock's step (its direct messages add `:dm:<user>`): written by the
    sweep, read back here at send time, so the two never disagree."""
    return f"clock:{clock_id}:{step}" + (f":ext{extensions}" if extensions else "")


class Reminders:
    """The clocks of a delivery round's reminders, read at once (two queries a round)."""

    def __init__(self, uow: AbstractUnitOfWork, keys: Iterable[str]) -> None:
        ids = {int(m["id"]) for m in map(_REMINDER.match, keys)
               if m is not None and m["step"] not in _FINAL_STEPS}
        self._clocks = {c.id: c for c in uow.clocks.claimed(ids)} if ids else {}
        self._extended = Counter(e.clock_id for e in uow.extensions.approved_for(ids)) \
            if ids else Counter()

    def stale(self, key: str, now: datetime) -> str | None:
        """Why the reminder queued under `key` no longer holds (None: it does, or `key` is no
        clock reminder): its clock is gone, stopped, breached or past due, a later step was
        taken, or the clock was extended since."""
        found = _REMINDER.match(key)
        if found is None or found["step"] in _FINAL_STEPS:
            return None
        clock = self._clocks.get(int(found["id"]))
        if clock is None:
            return "its clock is gone"
        if clock.state is not ClockState.RUNNING:
            return f"its clock is {clock.state.value}"
        if clock.due_at <= now:
            return "its clock is past due"
        if clock.escalation_step != found["step"]:
            return f"a later step was taken ({clock.escalation_step})"
        if self._extended[clock.id] != int(found["ext"] or 0):
            return "its clock was extended since"
        return None
