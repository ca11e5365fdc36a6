"""Following a deal up: clocks, BANT history, POIs, absences, extensions, discount requests
and breaches."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, enum_column
from storage.models.deals import Party

__all__ = [
    "Absence",
    "BantUpdate",
    "Breach",
    "Clock",
    "ClockState",
    "DiscountRequest",
    "Extension",
    "Poi",
    "PoiStatus",
    "RequestStatus",
]


class ClockState(StrEnum):
    """A stored clock's state."""

    RUNNING = "running"
    MET = "met"
    BREACHED = "breached"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"  # an offer not answered in its 72 hours: not a breach


class Clock(Base):
    """A running or finished clock: the sweep claims rows whose `next_action_at` has come."""

    __tablename__ = "clocks"
    __table_args__ = (
        Index("ix_clocks_due_work", "next_action_at",
              sqlite_where=text("state = 'running'"), postgresql_where=text("state = 'running'")),
        Index("ix_clocks_deal_id_kind", "deal_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    owed_by: Mapped[Party] = mapped_column(enum_column(Party, "party"))
    owed_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    basis: Mapped[str] = mapped_column(String(24))
    state: Mapped[ClockState] = mapped_column(enum_column(ClockState, "clock_state"))
    stopped_at: Mapped[datetime | None]
    next_action_at: Mapped[datetime | None]
    escalation_step: Mapped[str | None] = mapped_column(String(32))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class BantUpdate(Base):
    """One BANT update: kept as history, never overwritten."""

    __tablename__ = "bant_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    budget: Mapped[str] = mapped_column(Text)
    authority: Mapped[str] = mapped_column(Text)
    need: Mapped[str] = mapped_column(Text)
    timing: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    expected_close: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class PoiStatus(StrEnum):
    """A POI confirmation link's status."""

    SENT = "sent"
    SIGNED = "signed"
    REJECTED = "rejected"


class Poi(Base):
    """A proof of involvement (POI confirmation link) on a deal."""

    __tablename__ = "pois"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    status: Mapped[PoiStatus] = mapped_column(enum_column(PoiStatus, "poi_status"))
    signed_on: Mapped[date | None] = mapped_column(Date)
    names_partner_onboarding: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]


class Absence(Base):
    """Out of office registered by a person, with an optional delegate."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    registered_at: Mapped[datetime]
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class RequestStatus(StrEnum):
    """A request awaiting a GS."""

    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"


class Extension(Base):
    """A response-time extension: requested by a partner or granted by a GS, with the reason."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clocks.id", ondelete="CASCADE"), index=True)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "request_status"))
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    extra_seconds: Mapped[int | None] = mapped_column(Integer)
    new_due: Mapped[datetime | None]
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class DiscountRequest(Base):
    """A software discount awaiting, or holding, HubSpot's written approval."""

    __tablename__ = "discount_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "request_status"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    written_approval: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class Breach(Base):
    """A breached reply clock. Owed by the partner, it is on the partner organisation's record
    (`partner_org_id`); owed by the GS, it is that GS's (`person_id`) and never on an
    organisation's record (`partner_org_id` stays empty), so no organisation count sees it."""

    __tablename__ = "breaches"
    __table_args__ = (Index("ix_breaches_partner_org_id_at", "partner_org_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("partner_orgs.id"))
    owed_by: Mapped[Party] = mapped_column(enum_column(Party, "party"), default=Party.PARTNER,
                                           server_default=Party.PARTNER.value)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    clock_id: Mapped[int | None] = mapped_column(ForeignKey("clocks.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime]
