"""What the Bolt app registers: commands, events, shortcuts, actions and views, recorded while
`create_app` builds it (the manifest test and the fuzz tests ask)."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App

_KINDS = {
    "command": "commands", "event": "events", "message": "events",
    "shortcut": "shortcuts", "global_shortcut": "shortcuts", "message_shortcut": "shortcuts",
    "action": "actions", "block_action": "actions",
    "view": "views", "view_submission": "views", "view_closed": "views",
}


@dataclass
class Seen:
    """Everything registered, as (kind of listener, constraint) pairs."""

    commands: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    shortcuts: set[tuple[str, str]] = field(default_factory=set)   # (type, callback_id)
    actions: set[str] = field(default_factory=set)                 # ids or regex patterns
    views: set[str] = field(default_factory=set)

    def note(self, method: str, constraint: Any) -> None:
        kind = _KINDS[method]
        if kind == "events":
            if method == "message":
                self.events.add("message")
            elif isinstance(constraint, dict):
                self.events.add(str(constraint.get("type")))
            else:
                self.events.add(_text(constraint))
        elif kind == "shortcuts":
            if isinstance(constraint, dict):
                shortcut_type = constraint.get("type", "shortcut")
                callback = _text(constraint.get("callback_id"))
            else:
                shortcut_type = {"message_shortcut": "message_action",
                                 "global_shortcut": "shortcut"}.get(method, "any")
                callback = _text(constraint)
            self.shortcuts.add((str(shortcut_type), callback))
        elif kind == "actions":
            value = constraint.get("action_id") if isinstance(constraint, dict) else constraint
            self.actions.add(_text(value))
        elif kind == "views":
            value = constraint.get("callback_id") if isinstance(constraint, dict) else constraint
            self.views.add(_text(value))
        else:
            self.commands.add(_text(constraint))


def _text(value: Any) -> str:
    return value.pattern if isinstance(value, re.Pattern) else str(value)


@contextmanager
def recording() -> Iterator[Seen]:
    """Record every listener registered on any Bolt `App` while the block runs."""
    seen = Seen()
    originals: dict[str, Callable[..., Any]] = {}
    for method in _KINDS:
        original: Callable[..., Any] = getattr(App, method)
        originals[method] = original
        first = list(inspect.signature(original).parameters)[1]

        def wrapper(self: App, *args: Any, __method: str = method, __first: str = first,
                    __original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            seen.note(__method, args[0] if args else kwargs.get(__first, ""))
            return __original(self, *args, **kwargs)

        setattr(App, method, functools.wraps(original)(wrapper))
    try:
        yield seen
    finally:
        for method, original in originals.items():
            setattr(App, method, original)
