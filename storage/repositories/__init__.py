"""Repositories: the only doors to the ledger's tables, one module per repository.

Each module holds the repository's interface (an ABC, e.g. `DealRepository`), which use cases
and the unit of work are typed with, and its SQLAlchemy implementation (`SqlDealRepository`).
`storage.memory` implements the same interfaces over plain collections for fast tests.
"""

from storage.repositories.absences import AbsenceRepository, SqlAbsenceRepository
from storage.repositories.audit import AuditRepository, SqlAuditRepository
from storage.repositories.bant import BantRepository, SqlBantRepository
from storage.repositories.breaches import BreachRepository, SqlBreachRepository
from storage.repositories.channels import ChannelRepository, SqlChannelRepository
from storage.repositories.clocks import ClockRepository, SqlClockRepository
from storage.repositories.closures import ClosureRepository, SqlClosureRepository
from storage.repositories.console_time import ConsoleTimeRepository, SqlConsoleTimeRepository
from storage.repositories.deals import DealRepository, SqlDealRepository
from storage.repositories.directory import DirectoryRepository, DirectoryRow, SqlDirectoryRepository
from storage.repositories.discounts import DiscountRepository, SqlDiscountRepository
from storage.repositories.events import EventRepository, SqlEventRepository
from storage.repositories.extensions import ExtensionRepository, SqlExtensionRepository
from storage.repositories.internals import is_open_deal_duplicate
from storage.repositories.messages import MessageRepository, SqlMessageRepository
from storage.repositories.outbox import OutboxRepository, SqlOutboxRepository, card_prefix
from storage.repositories.pois import PoiRepository, SqlPoiRepository

__all__ = [
    "AbsenceRepository",
    "AuditRepository",
    "BantRepository",
    "BreachRepository",
    "ChannelRepository",
    "ClockRepository",
    "ClosureRepository",
    "ConsoleTimeRepository",
    "DealRepository",
    "DirectoryRepository",
    "DirectoryRow",
    "DiscountRepository",
    "EventRepository",
    "ExtensionRepository",
    "MessageRepository",
    "OutboxRepository",
    "PoiRepository",
    "SqlAbsenceRepository",
    "SqlAuditRepository",
    "SqlBantRepository",
    "SqlBreachRepository",
    "SqlChannelRepository",
    "SqlClockRepository",
    "SqlClosureRepository",
    "SqlConsoleTimeRepository",
    "SqlDealRepository",
    "SqlDirectoryRepository",
    "SqlDiscountRepository",
    "SqlEventRepository",
    "SqlExtensionRepository",
    "SqlMessageRepository",
    "SqlOutboxRepository",
    "SqlPoiRepository",
    "card_prefix",
    "is_open_deal_duplicate",
]
