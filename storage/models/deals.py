"""Shared deals: the deal, its line items, its Slack thread and messages, Best Partner Wins
cases and product-line associations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.vocabulary import Edition, Motion
from storage.models.base import Base, enum_column

__all__ = [
    "OPEN_DEAL_STATUSES",
    "BpwCase",
    "BpwClaim",
    "Deal",
    "DealMessage",
    "DealStatus",
    "DealThread",
    "LineItem",
    "Party",
    "ProductLineAssociation",
]


class DealStatus(StrEnum):
    """Where a shared deal stands."""

    REGISTERED = "registered"  # partner sourced, waiting for the GS
    OFFERED = "offered"  # HubSpot owned, offered to a partner (72 hours)
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WON = "won"
    LOST = "lost"
    REMOVED = "removed"  # partner removed after a breach


OPEN_DEAL_STATUSES = (DealStatus.REGISTERED, DealStatus.OFFERED, DealStatus.ACCEPTED)


_OPEN_SQL = "status IN ('registered', 'offered', 'accepted')"


class Deal(Base):
    """A shared deal. `version` guards against two people editing it at once."""

    __tablename__ = "deals"
    __table_args__ = (
        Index("uq_deals_open_partner_domain", "partner_org_id", "customer_domain", unique=True,
              sqlite_where=text(_OPEN_SQL), postgresql_where=text(_OPEN_SQL)),
        Index("ix_deals_customer_domain", "customer_domain"),
        Index("ix_deals_gs_id_status", "gs_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_domain: Mapped[str] = mapped_column(String(253))
    company: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    motion: Mapped[Motion] = mapped_column(enum_column(Motion, "motion"))
    status: Mapped[DealStatus] = mapped_column(enum_column(DealStatus, "deal_status"))
    segment: Mapped[str] = mapped_column(String(32), default="smb")
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    gs_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("partner_orgs.id"))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    expected_close: Mapped[date | None] = mapped_column(Date)
    subscription_start: Mapped[date | None] = mapped_column(Date)
    bpw_case_id: Mapped[int | None] = mapped_column(ForeignKey("bpw_cases.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    items: Mapped[list[LineItem]] = relationship(back_populates="deal", cascade="all, delete-orphan",
                                                 order_by="LineItem.id")
    thread: Mapped[DealThread | None] = relationship(back_populates="deal",
                                                     cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        """Registered, offered or accepted: still being worked."""
        return self.status in OPEN_DEAL_STATUSES


class LineItem(Base):
    """One product on a deal, its MRR exact in the deal's currency."""

    __tablename__ = "deal_line_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    line: Mapped[str] = mapped_column(String(40))
    edition: Mapped[Edition | None] = mapped_column(enum_column(Edition, "edition"))
    mrr: Mapped[Decimal]

    deal: Mapped[Deal] = relationship(back_populates="items")


class DealThread(Base):
    """The deal's Slack thread and the card message edited in place."""

    __tablename__ = "deal_threads"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"),
                                         primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))

    deal: Mapped[Deal] = relationship(back_populates="thread")


class Party(StrEnum):
    """Which side of a deal owes or sends a reply."""

    PARTNER = "partner"
    GS = "gs"
    BOT = "bot"


class DealMessage(Base):
    """A message in a deal thread that starts or stops a clock."""

    __tablename__ = "deal_messages"
    __table_args__ = (UniqueConstraint("deal_id", "slack_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    slack_ts: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    side: Mapped[Party] = mapped_column(enum_column(Party, "party"))
    received_at: Mapped[datetime]
    starts_clock: Mapped[bool] = mapped_column(Boolean, default=False)
    stops_clock: Mapped[bool] = mapped_column(Boolean, default=False)


class BpwCase(Base):
    """A Best Partner Wins case: several partners' open deals on one customer domain."""

    __tablename__ = "bpw_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_domain: Mapped[str] = mapped_column(String(253), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    winner_org_id: Mapped[int | None] = mapped_column(ForeignKey("partner_orgs.id"))
    opened_at: Mapped[datetime]

    claims: Mapped[list[BpwClaim]] = relationship(back_populates="case", order_by="BpwClaim.id")


class BpwClaim(Base):
    """One partner's claim in a case, with the secondary partner's written acknowledgement."""

    __tablename__ = "bpw_claims"
    __table_args__ = (UniqueConstraint("case_id", "partner_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("bpw_cases.id", ondelete="CASCADE"))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    partner_org_id: Mapped[int] = mapped_column(ForeignKey("partner_orgs.id"))
    sourced: Mapped[bool] = mapped_column(Boolean, default=True)
    referred_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("partner_orgs.id"))
    acknowledged_at: Mapped[datetime | None]
    acknowledgement: Mapped[str | None] = mapped_column(Text)

    case: Mapped[BpwCase] = relationship(back_populates="claims")


class ProductLineAssociation(Base):
    """Who holds the sold association on a customer's product line (one partner at most)."""

    __tablename__ = "product_line_associations"
    __table_args__ = (UniqueConstraint("customer_domain", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_domain: Mapped[str] = mapped_column(String(253))
    line: Mapped[str] = mapped_column(String(40))
    partner_org_id: Mapped[int] = mapped_column(ForeignKey("partner_orgs.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    established_at: Mapped[datetime]
