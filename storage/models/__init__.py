"""The deal ledger as typed SQLAlchemy 2 models, one module per part of it.

Every table the bot needs to survive restarts and be audited: the directory (partner
organisations, people, regions, GS routing), deals with their line items, Slack threads and
messages, clocks, BANT history, POIs, absences, extensions, discounts, Best Partner Wins cases,
product-line associations, breaches, the audit log, processed Slack events and the outbox. The
Slack installation tables come from `slack_sdk`'s own stores, added to the same metadata so that
one set of migrations covers everything.
"""

from __future__ import annotations

from storage.models.base import Base
from storage.models.calendar import CalendarClosure
from storage.models.channels import ChannelMember, KnownChannel, UnknownUser
from storage.models.console import ConsoleTime
from storage.models.deals import (
    OPEN_DEAL_STATUSES,
    BpwCase,
    BpwClaim,
    Deal,
    DealMessage,
    DealStatus,
    DealThread,
    LineItem,
    Party,
    ProductLineAssociation,
)
from storage.models.directory import GsRoute, PartnerOrg, Person, Region, Standing
from storage.models.followup import (
    Absence,
    BantUpdate,
    Breach,
    Clock,
    ClockState,
    DiscountRequest,
    Extension,
    Poi,
    PoiStatus,
    RequestStatus,
)
from storage.models.operations import (
    AuditEntry,
    DmChannel,
    OutboxMessage,
    OutboxState,
    ProcessedEvent,
)

__all__ = [
    "OPEN_DEAL_STATUSES",
    "Absence",
    "AuditEntry",
    "BantUpdate",
    "Base",
    "BpwCase",
    "BpwClaim",
    "Breach",
    "CalendarClosure",
    "ChannelMember",
    "Clock",
    "ClockState",
    "ConsoleTime",
    "Deal",
    "DealMessage",
    "DealStatus",
    "DealThread",
    "DiscountRequest",
    "DmChannel",
    "Extension",
    "GsRoute",
    "KnownChannel",
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
    "UnknownUser",
]
