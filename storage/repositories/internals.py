"""Helpers the SQL repositories share (private to the package)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

__all__ = ["among", "insert_for", "is_open_deal_duplicate"]


def is_open_deal_duplicate(error: IntegrityError) -> bool:
    """Whether the error is the one-open-deal-per-partner-and-domain index refusing a row.

    PostgreSQL names the index; SQLite names its columns instead.
    """
    message = str(error.orig)
    return ("uq_deals_open_partner_domain" in message
            or "deals.partner_org_id, deals.customer_domain" in message)


def insert_for(session: Session) -> Any:
    """The dialect's `insert` (both have `on_conflict_do_nothing`, the portable core one has not)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def among(session: Session, column: Any, values: Iterable[Any]) -> Any:
    """`column IN values`; on PostgreSQL `= ANY(<one array parameter>)`: a sweep batch's
    thousands of ids as thousands of placeholders cost psycopg a fresh parse of the statement
    each time, and the server a plan of each."""
    wanted = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, wanted, type_=ARRAY(column.type)))
    return column.in_(wanted)
