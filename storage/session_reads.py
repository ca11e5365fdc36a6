"""What a session has read, kept while it still holds: SQLAlchemy's identity map keeps an object
only while something references it, so a row read for one message and dropped is read again for
the next; and a query's result may be remembered until the session's data may have changed
(its generation: one more after every flush, commit and rollback)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["generation", "loads_kept"]

_GENERATION = "coseller.generation"


def generation(session: Session) -> int:
    """The session's generation: a read remembered in an older one may be out of date."""
    return int(session.info.get(_GENERATION, 0))


def _next_generation(session: Session, *_: Any) -> None:
    session.info[_GENERATION] = generation(session) + 1


for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _name, _next_generation)


@contextmanager
def loads_kept(session: Session) -> Iterator[list[object]]:
    """Every object the session loads meanwhile referenced until the block ends (a delivery
    round reads the same people, regions and threads for many rows)."""
    kept: list[object] = []

    def keep(_: Session, instance: object) -> None:
        kept.append(instance)

    event.listen(session, "loaded_as_persistent", keep)
    try:
        yield kept
    finally:
        event.remove(session, "loaded_as_persistent", keep)
