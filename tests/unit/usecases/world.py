"""A small world for use-case unit tests, with no database: services over an in-memory unit of
work (`storage.memory`), a directory of two partner organisations in Japan and the US, their
people, two GSs, a PDM and an admin, and helpers to add deals and threads.

    world = World.make(now=utc(2025, 12, 1, 0))
    deal = world.deal(partner="sakura")
    done = register_deal(world.services, world.actor("aiko"), form)
    assert world.queued()  # what the use case queued, decoded
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from bot.config import Settings
from bot.context import Actor
from bot.messages import Outgoing, decode
from bot.services import Services
from rules.regions import DEFAULT_REGIONS, RegionDirectory
from rules.vocabulary import Edition, Motion, PartnerKind, Role, Tier
from storage.memory import MemoryStore, MemoryUnitOfWork
from storage.models import (
    Deal,
    DealStatus,
    DealThread,
    GsRoute,
    LineItem,
    OutboxMessage,
    PartnerOrg,
    Person,
    Region,
)

TEAM = "T0COSELL"


def utc(*args: int) -> datetime:
    """An aware UTC instant."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


class Clock:
    """An injected clock: set `now`, never sleep."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# name -> (slack user, display name, role, org key, locale, zone)
PEOPLE: dict[str, tuple[str, str, Role, str | None, str, str]] = {
    "aiko": ("U0AIKO01", "Aiko Tanaka", Role.PARTNER, "sakura", "ja", "Asia/Tokyo"),
    "ren": ("U0REN001", "Ren Mori", Role.PARTNER, "sakura", "ja", "Asia/Tokyo"),
    "dana": ("U0DANA01", "Dana Reyes", Role.PARTNER, "northwind", "en", "America/New_York"),
    "hiro": ("U0GSHIRO", "Hiroshi Sato", Role.GS, None, "ja", "Asia/Tokyo"),
    "maya": ("U0GSMAYA", "Maya Brooks", Role.GS, None, "en", "America/New_York"),
    "ken": ("U0PDMKEN", "Ken Ito", Role.PDM, None, "en", "Asia/Tokyo"),
    "ada": ("U0ADMIN1", "Ada Admin", Role.ADMIN, None, "en", "UTC"),
}
ORGS = {"sakura": ("Sakura Digital KK", Tier.DIAMOND, "JP"),
        "northwind": ("Northwind Growth LLC", Tier.GOLD, "US")}


@dataclass
class World:
    """Services over a memory store, and the people in it by short name."""

    services: Services
    store: MemoryStore
    clock: Clock
    people: dict[str, Person] = field(default_factory=dict)
    orgs: dict[str, PartnerOrg] = field(default_factory=dict)
    _threads: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**6)))

    @classmethod
    def make(cls, *, now: datetime | None = None) -> World:
        """A seeded world at `now` (default Mon 1 Dec 2025, 09:00 in Tokyo)."""
        clock = Clock(now or utc(2025, 12, 1, 0))
        store = MemoryStore()
        settings = Settings(bot_token="xoxb-unit", database_url="sqlite://",
                            slack_api_url="http://127.0.0.1:9/api/")
        engine = create_engine("sqlite://")  # never connected: the memory store is the ledger
        services = Services(
            settings=settings, engine=engine, factory=sessionmaker(engine),
            regions=RegionDirectory(), client=WebClient(token="xoxb-unit",
                                                        base_url=settings.slack_api_url or ""),
            clock=clock,
            unit_of_work=lambda actor: MemoryUnitOfWork(store, actor=actor, clock=clock))  # type: ignore[arg-type,return-value]
        world = cls(services, store, clock)
        world._seed()
        return world

    def _seed(self) -> None:
        with self.services.uow("seed") as uow:
            for code in ("JP", "US"):
                spec = DEFAULT_REGIONS[code]
                uow.directory.add(Region(code=code, country=spec.country, subdiv=spec.subdiv,
                                         timezone=spec.timezone, workweek=sorted(spec.workweek),
                                         closures={}))
            for key, (name, tier, region) in ORGS.items():
                self.orgs[key] = uow.directory.add(PartnerOrg(
                    name=name, kind=PartnerKind.SOLUTIONS_PARTNER, tier=tier, region_code=region,
                    accreditations=[]))
            for key, (user, name, role, org, locale, tz) in PEOPLE.items():
                self.people[key] = uow.directory.add(Person(
                    slack_team_id=TEAM, slack_user_id=user, name=name, role=role,
                    partner_org_id=self.orgs[org].id if org else None, locale=locale,
                    timezone=tz, active=True))
            for org in self.orgs.values():
                org.pdm_id = self.people["ken"].id
            for region, gs in (("JP", "hiro"), ("US", "maya")):
                for segment in ("smb", "mid", "enterprise"):
                    uow.directory.add(GsRoute(region_code=region, segment=segment,
                                              gs_id=self.people[gs].id))
            uow.commit()

    def third_org(self) -> PartnerOrg:
        """Add Kaze Marketing GK (Japan) and Kenji Mori, its partner user: a competitor of
        Sakura on the same customers."""
        with self.services.uow("seed") as uow:
            org = self.orgs["kaze"] = uow.directory.add(PartnerOrg(
                name="Kaze Marketing GK", kind=PartnerKind.SOLUTIONS_PARTNER, tier=Tier.GOLD,
                region_code="JP", accreditations=[], pdm_id=self.people["ken"].id))
            self.people["kenji"] = uow.directory.add(Person(
                slack_team_id=TEAM, slack_user_id="U0KENJI1", name="Kenji Mori",
                role=Role.PARTNER, partner_org_id=org.id, locale="ja", timezone="Asia/Tokyo",
                active=True))
            uow.commit()
            return org

    def actor(self, name: str, *, lang: str | None = None) -> Actor:
        """The actor a listener would resolve for this person."""
        person = self.people[name]
        org = next((o for o in self.orgs.values() if o.id == person.partner_org_id), None)
        return Actor(team_id=TEAM, user_id=person.slack_user_id, lang=lang or person.locale,
                     tz=ZoneInfo(person.timezone), person_id=person.id, name=person.name,
                     role=person.role, partner_org_id=person.partner_org_id,
                     partner_name=org.name if org else None)

    def stranger(self) -> Actor:
        """Someone not in the directory."""
        return Actor(team_id=TEAM, user_id="U0NOBODY", lang="en", tz=ZoneInfo("UTC"))

    def deal(self, *, partner: str = "sakura", gs: str = "hiro", registrant: str = "aiko",
             region: str = "JP", company: str = "Hinode Foods KK", domain: str | None = None,
             status: DealStatus = DealStatus.ACCEPTED, expected_close: date | None = None,
             subscription_start: date | None = None, thread: bool = True) -> Deal:
        """A shared deal (with its thread unless `thread=False`), written through the fake."""
        number = next(self._threads)
        with self.services.uow("test") as uow:
            deal = Deal(customer_domain=domain or f"customer{number}.example", company=company,
                        currency="JPY" if region == "JP" else "USD",
                        motion=Motion.PARTNER_SOURCED, status=status, region_code=region,
                        gs_id=self.people[gs].id, partner_org_id=self.orgs[partner].id,
                        registered_by_id=self.people[registrant].id,
                        expected_close=expected_close, subscription_start=subscription_start)
            deal.items.append(LineItem(line="marketing", edition=Edition.PROFESSIONAL,
                                       mrr=Decimal("1200")))
            uow.deals.add(deal, at=self.clock.now)
            if thread:
                ts = f"1764000000.{number:06d}"
                uow.deals.add_thread(DealThread(deal_id=deal.id, team_id=TEAM,
                                                channel_id="C0DEALS", thread_ts=ts, card_ts=ts))
            uow.commit()
            return deal

    def outbox(self) -> list[OutboxMessage]:
        """Every outbox row, oldest first."""
        return self.store.rows(OutboxMessage)

    def queued(self) -> list[Outgoing]:
        """The typed messages queued so far, decoded."""
        return [decode(row.idempotency_key, row.payload) for row in self.outbox()
                if row.payload.get("render") == "message"]

    def payloads(self) -> list[dict[str, Any]]:
        """Every outbox payload (typed or not), oldest first."""
        return [dict(row.payload) for row in self.outbox()]
