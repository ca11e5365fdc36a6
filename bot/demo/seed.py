"""The console's demo data: a directory (partners in Japan and the US, GSs, a PDM, an admin) and a
few shared deals with their threads, loaded idempotently.

    with services.uow(actor="demo") as uow:
        report = seed_demo(uow, deal_channel="C0DEALS")
        uow.commit()

Running it again changes nothing: the directory import is idempotent and a demo deal already on
the ledger (same partner, same customer domain) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from importlib import resources

from bot.usecases.clock_store import start_offer_clock
from rules.regions import RegionDirectory
from rules.vocabulary import Edition, Motion, Role
from storage.directory import import_directory
from storage.models import Deal, DealStatus, DealThread, LineItem, Person
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["DEMO_DEALS", "DEMO_TEAM", "DemoDeal", "SeedReport", "demo_directory", "demo_people",
           "seed_demo"]

DEMO_TEAM = "T0COSELL"


@dataclass(frozen=True)
class DemoDeal:
    """One demo deal: who registered it, for which customer, its lines and where it stands."""

    partner: str | None
    registered_by: str
    company: str
    domain: str
    region: str
    currency: str
    motion: Motion
    status: DealStatus
    items: tuple[tuple[str, Edition | None, str], ...]
    closes_in_days: int = 30


DEMO_DEALS: tuple[DemoDeal, ...] = (
    DemoDeal("Sakura Digital KK", "U0AIKO01", "Hoshino Foods", "hoshino-foods.co.jp", "JP", "JPY",
             Motion.PARTNER_SOURCED, DealStatus.ACCEPTED,
             (("marketing", Edition.PROFESSIONAL, "96000"), ("sales", Edition.PROFESSIONAL, "54000")),
             45),
    DemoDeal("Sakura Digital KK", "U0AIKO01", "Tsubame Logistics", "tsubame-logistics.jp", "JP", "JPY",
             Motion.PARTNER_SOURCED, DealStatus.REGISTERED,
             (("service", Edition.PROFESSIONAL, "60000"),), 60),
    DemoDeal("Northwind Growth LLC", "U0DANA01", "Bluebird Health", "bluebirdhealth.com", "US", "USD",
             Motion.PARTNER_SOURCED, DealStatus.ACCEPTED,
             (("marketing", Edition.PROFESSIONAL, "800"), ("sales", Edition.STARTER, "20")), 30),
    DemoDeal("Northwind Growth LLC", "U0GSMAYA", "Acme Outdoor", "acmeoutdoor.com", "US", "USD",
             Motion.PARTNER_ASSISTED, DealStatus.OFFERED,
             (("sales", Edition.ENTERPRISE, "1500"),), 20),
    # A second partner on Hoshino Foods: a Best Partner Wins case only GSs and PDMs can see.
    DemoDeal("Kaze Marketing GK", "U0KENJI1", "Hoshino Foods", "hoshino-foods.co.jp", "JP", "JPY",
             Motion.PARTNER_SOURCED, DealStatus.REGISTERED,
             (("marketing", Edition.PROFESSIONAL, "72000"),), 50),
)


@dataclass
class SeedReport:
    """What seeding did: directory entries changed and deal ids created (or already there)."""

    directory_changed: bool = False
    created: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)


def demo_directory() -> str:
    """The demo directory file's text (shipped in the package)."""
    return (resources.files("bot.demo") / "directory.toml").read_text(encoding="utf-8")


def _thread_ts(deal: Deal) -> str:
    return f"{int(deal.created_at.timestamp())}.{deal.id:06d}"


def seed_demo(uow: AbstractUnitOfWork, *, deal_channel: str = "C0DEALS",
              regions: RegionDirectory | None = None) -> SeedReport:
    """Load the demo directory and deals in `uow` (the caller commits). An offered deal gets
    its collaboration clock like any offer, started as the demo begins, so the demo's offer
    shows when it must be answered and lapses once console time moves past 72 hours."""
    report = SeedReport()
    regions = regions or RegionDirectory()
    report.directory_changed = import_directory(uow, demo_directory(),
                                                source="bot/demo/directory.toml").changed
    now = uow.now()
    for offset, spec in enumerate(DEMO_DEALS):
        org = uow.directory.partner(spec.partner) if spec.partner is not None else None
        registrant = uow.directory.person(DEMO_TEAM, spec.registered_by)
        if registrant is None or (spec.partner is not None and org is None):
            raise LookupError(f"demo deal {spec.company}: directory entry missing")
        org_id = org.id if org is not None else None
        found = uow.deals.on_domain(spec.domain, org_id)
        if found is not None:
            report.existing.append(found.id)
            continue
        gs = uow.directory.gs_for(spec.region, "smb")
        deal = Deal(customer_domain=spec.domain, company=spec.company, currency=spec.currency,
                    motion=spec.motion, status=spec.status, segment="smb", region_code=spec.region,
                    gs_id=gs.id if gs is not None else None, partner_org_id=org_id,
                    registered_by_id=registrant.id,
                    expected_close=now.date() + timedelta(days=spec.closes_in_days),
                    subscription_start=None)
        deal.items = [LineItem(line=line, edition=edition, mrr=Decimal(mrr))
                      for line, edition, mrr in spec.items]
        uow.deals.add(deal, at=now - timedelta(days=len(DEMO_DEALS) - offset))
        ts = _thread_ts(deal)
        channel = (org.channel_id if org is not None else None) or deal_channel
        uow.deals.add_thread(DealThread(deal_id=deal.id, team_id=DEMO_TEAM,
                                        channel_id=channel, thread_ts=ts, card_ts=ts))
        if deal.status is DealStatus.OFFERED:
            # the partner hears of the offer as the demo begins: 72 hours of console time
            start_offer_clock(uow, regions, deal, offered_at=now)
        report.created.append(deal.id)
    return report


def demo_people(uow: AbstractUnitOfWork) -> list[Person]:
    """The demo directory's people, partners first, then GSs, PDMs and admins."""
    order = {Role.PARTNER: 0, Role.GS: 1, Role.PDM: 2, Role.ADMIN: 3}
    people = uow.directory.active_people(DEMO_TEAM)
    return sorted(people, key=lambda p: (order.get(p.role, 9), p.name))
