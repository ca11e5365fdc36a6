"""Lanes of the outbox: what goes first when more is due than can go at once.

0 answers to a person's action (an ephemeral reply, a view, the answer to a question): someone is
  waiting for it, so it never waits behind background work;
1 reminders, breach notices and every other message;
2 deal-card edits (rendered when sent, so a card that waited shows its latest state: ten changes
  in a burst become one `chat.update`);
3 digests.

The repository fills the lane from the row's key and payload whenever a row is queued, by one
row or in bulk, so that no writer can forget it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ANSWER", "CARD", "DIGEST", "LANES", "MESSAGE", "lane_of"]

ANSWER, MESSAGE, CARD, DIGEST = 0, 1, 2, 3
LANES = (ANSWER, MESSAGE, CARD, DIGEST)
ANSWER_METHODS = frozenset({"chat.postEphemeral", "views.open", "views.update", "views.push",
                            "views.publish"})
ANSWER_KEYS = ("mention:", "notice:", "answer:")  # a question's answer, a note to who acted


def lane_of(key: str, payload: Mapping[str, Any]) -> int:
    """The lane of a row queued under `key` with `payload`."""
    if payload.get("render") == "deal_card":
        return CARD
    if key.startswith("digest:"):
        return DIGEST
    if key.startswith(ANSWER_KEYS) or payload.get("method") in ANSWER_METHODS:
        return ANSWER
    return MESSAGE
