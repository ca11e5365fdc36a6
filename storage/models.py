"""The deal ledger as typed SQLAlchemy 2 models.

Every table the bot needs to survive restarts and be audited: the directory (partner
organisations, people, regions, GS routing), deals with their line items, Slack threads and
messages, clocks, BANT history, POIs, absences, extensions, discounts, Best Partner Wins cases,
product-line associations, breaches, the audit log, processed Slack events and the outbox. The
Slack installation tables come from `slack_sdk`'s own stores, added to the same metadata so that
one set of migrations covers everything.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from rules.vocabulary import Edition, Motion, PartnerKind, Role, Tier
from storage.types import Amount, UTCDateTime

__all__ = [
    "OPEN_DEAL_STATUSES",
    "Absence",
    "AuditEntry",
    "BantUpdate",
    "Base",
    "BpwCase",
    "BpwClaim",
    "Breach",
    "Clock",
    "ClockState",
    "Deal",
    "DealMessage",
    "DealStatus",
    "DealThread",
    "DiscountRequest",
    "Extension",
    "GsRoute",
    "LineItem",
    "OutboxMessage",
    "OutboxState",
    "PartnerOrg",
    "Party",
    "Person",
    "Poi",
    "PoiStatus",
    "ProcessedEvent",
    "ProductLineAssociation",
    "Region",
    "RequestStatus",
    "Standing",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(kind: type[StrEnum], name: str) -> Enum:
    """A portable enum: VARCHAR with a CHECK constraint, storing the enum's values."""
    return Enum(kind, name=name, native_enum=False, create_constraint=True, length=32,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), Decimal: Amount(),
                                                    dict[str, Any]: JSON}


SLACK_INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, SQLAlchemyInstallationStore.default_installations_table_name)
SLACK_BOTS = SQLAlchemyInstallationStore.build_bots_table(
    Base.metadata, SQLAlchemyInstallationStore.default_bots_table_name)
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, SQLAlchemyOAuthStateStore.default_table_name)


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
    kind: Mapped[PartnerKind] = mapped_column(_enum(PartnerKind, "partner_kind"))
    tier: Mapped[Tier] = mapped_column(_enum(Tier, "tier"))
    accreditations: Mapped[list[str]] = mapped_column(JSON, default=list)
    standing: Mapped[Standing] = mapped_column(_enum(Standing, "standing"), default=Standing.GOOD)
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
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
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


class GsRoute(Base):
    """Which GS a deal of a geography and segment is assigned to."""

    __tablename__ = "gs_routes"
    __table_args__ = (UniqueConstraint("region_code", "segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    segment: Mapped[str] = mapped_column(String(32))
    gs_id: Mapped[int] = mapped_column(ForeignKey("people.id"))


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
    motion: Mapped[Motion] = mapped_column(_enum(Motion, "motion"))
    status: Mapped[DealStatus] = mapped_column(_enum(DealStatus, "deal_status"))
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
    edition: Mapped[Edition | None] = mapped_column(_enum(Edition, "edition"))
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
    side: Mapped[Party] = mapped_column(_enum(Party, "party"))
    received_at: Mapped[datetime]
    starts_clock: Mapped[bool] = mapped_column(Boolean, default=False)
    stops_clock: Mapped[bool] = mapped_column(Boolean, default=False)


class ClockState(StrEnum):
    """A stored clock's state."""

    RUNNING = "running"
    MET = "met"
    BREACHED = "breached"
    CANCELLED = "cancelled"


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
    owed_by: Mapped[Party] = mapped_column(_enum(Party, "party"))
    owed_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    basis: Mapped[str] = mapped_column(String(24))
    state: Mapped[ClockState] = mapped_column(_enum(ClockState, "clock_state"))
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
    status: Mapped[PoiStatus] = mapped_column(_enum(PoiStatus, "poi_status"))
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
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "request_status"))
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
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "request_status"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    written_approval: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


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


class Breach(Base):
    """A breach on a partner's record."""

    __tablename__ = "breaches"
    __table_args__ = (Index("ix_breaches_partner_org_id_at", "partner_org_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_org_id: Mapped[int] = mapped_column(ForeignKey("partner_orgs.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    clock_id: Mapped[int | None] = mapped_column(ForeignKey("clocks.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime]


class AuditEntry(Base):
    """Who changed what, when: written for every insert, update and delete of the ledger."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(8))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ProcessedEvent(Base):
    """A Slack event already handled (Slack retries events it thinks were missed)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]


class OutboxState(StrEnum):
    """An outgoing message's delivery state."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class OutboxMessage(Base):
    """An outgoing Slack message. The idempotency key makes a second enqueue a no-op."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due_work", "next_attempt_at",
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        Index("ix_outbox_channel_created", "channel", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[OutboxState] = mapped_column(_enum(OutboxState, "outbox_state"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
