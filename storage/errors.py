"""Errors storage raises for people to read: each says what happened, never a stack trace."""

from __future__ import annotations

__all__ = ["ChangedMeanwhileError", "DuplicateDealError", "NotFoundError", "StorageError"]


class StorageError(Exception):
    """Base of the errors below."""


class ChangedMeanwhileError(StorageError):
    """Someone else changed the record after it was read; nothing of this change was written."""

    def __init__(self, what: str = "the deal") -> None:
        super().__init__(f"{what} changed meanwhile; nothing was saved, please look again")


class DuplicateDealError(StorageError):
    """The partner already has an open shared deal on this customer domain."""

    def __init__(self, domain: str, deal_id: int | None = None) -> None:
        super().__init__(f"there is already an open shared deal on {domain} for this partner")
        self.domain = domain
        self.deal_id = deal_id


class NotFoundError(StorageError):
    """No such record."""
