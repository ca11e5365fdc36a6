"""The directory: partner organisations, people, regions and GS routing."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.vocabulary import PartnerKind, Role, Tier
from storage.models.base import Base, enum_column

__all__ = ["GsRoute", "PartnerOrg", "Person", "Region", "Standing"]


class Standing(StrEnum):
    """A partner organisation's standing in the program."""

    GOOD = "good"
    WARNED = "warned"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class PartnerOrg(Base):
    """A partner organisation: kind, tier, accreditations, standing, home region, PDM."""

    __tablename__ = "partner_orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind, "partner_kind"))
    tier: Mapped[Tier] = mapped_column(enum_column(Tier, "tier"))
    accreditations: Mapped[list[str]] = mapped_column(JSON, default=list)
    standing: Mapped[Standing] = mapped_column(enum_column(Standing, "standing"), default=Standing.GOOD)
    local_language_exception: Mapped[bool] = mapped_column(Boolean, default=False)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    pdm_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", use_alter=True))
    channel_id: Mapped[str | None] = mapped_column(String(32))  # its Slack Connect deal channel

    people: Mapped[list[Person]] = relationship(back_populates="partner_org",
                                                foreign_keys="Person.partner_org_id")


class Person(Base):
    """Someone in Slack: their user and team, role, organisation, language and time zone."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("slack_team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("partner_orgs.id"))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    partner_org: Mapped[PartnerOrg | None] = relationship(back_populates="people",
                                                          foreign_keys=[partner_org_id])


class Region(Base):
    """A region's calendar settings (see `rules.calendars.RegionSpec`)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    subdiv: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    workweek: Mapped[list[int]] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4])
    closures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # who hears when a GS's reply breaches on a deal of the region (default: the partner's PDM)
    gs_escalation_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", use_alter=True))


class GsRoute(Base):
    """Which GS a deal of a geography and segment is assigned to."""

    __tablename__ = "gs_routes"
    __table_args__ = (UniqueConstraint("region_code", "segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    segment: Mapped[str] = mapped_column(String(32))
    gs_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
