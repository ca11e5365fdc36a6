"""The one mapper from rows to the rulebook's facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from rules import clocks as rc
from rules.facts import Partner
from rules.regions import RegionDirectory
from rules.vocabulary import Edition, LineCredit, Motion, PartnerKind, Role, Tier
from storage.mapping import (
    absence_facts,
    deal_facts,
    extension_facts,
    partner_facts,
    poi_missing,
    rule_clock,
)
from storage.models import (
    Absence,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    Extension,
    LineItem,
    PartnerOrg,
    Party,
    Person,
    Poi,
    PoiStatus,
    ProductLineAssociation,
    RequestStatus,
    Standing,
)

T0 = datetime(2025, 11, 4, 0, 30, tzinfo=UTC)


def _org(standing: Standing) -> PartnerOrg:
    return PartnerOrg(name="Acme", kind=PartnerKind.SOLUTIONS_PARTNER, tier=Tier.DIAMOND,
                      standing=standing, accreditations=["crm"], local_language_exception=None)


def _deal() -> Deal:
    deal = Deal(id=7, customer_domain="example.com", company="Ex", currency="JPY",
                motion=Motion.PARTNER_SOURCED, status=DealStatus.ACCEPTED, region_code="JP",
                partner_org_id=1, expected_close=date(2025, 12, 1))
    deal.items = [LineItem(line="marketing", edition=Edition.PROFESSIONAL, mrr=Decimal("100")),
                  LineItem(line="sales", edition=None, mrr=Decimal("5"))]
    return deal


@pytest.mark.parametrize(("standing", "good"), [(Standing.GOOD, True), (Standing.WARNED, True),
                                                (Standing.SUSPENDED, False),
                                                (Standing.TERMINATED, False)])
def test_partner_facts(standing: Standing, good: bool) -> None:
    facts = partner_facts(_org(standing))
    assert facts.good_standing is good
    assert (facts.kind, facts.tier, facts.accreditations) == (PartnerKind.SOLUTIONS_PARTNER,
                                                              Tier.DIAMOND, frozenset({"crm"}))
    assert facts.local_language_exception is False
    assert partner_facts(None) == Partner()


def test_deal_facts_items_holdings_and_poi() -> None:
    deal = _deal()
    holdings = [ProductLineAssociation(line="marketing", partner_org_id=1, deal_id=3),
                ProductLineAssociation(line="sales", partner_org_id=2, deal_id=4),
                ProductLineAssociation(line="service", partner_org_id=1, deal_id=None),
                ProductLineAssociation(line="sales", partner_org_id=1, deal_id=7)]
    pois = [Poi(status=PoiStatus.SIGNED, signed_on=date(2025, 11, 20)),
            Poi(status=PoiStatus.SIGNED, signed_on=date(2025, 11, 10)),
            Poi(status=PoiStatus.SENT)]
    facts = deal_facts(deal, pois=pois, holdings=holdings)
    assert [(i.line, i.edition, i.mrr.amount, i.mrr.currency) for i in facts.items] == [
        ("marketing", Edition.PROFESSIONAL, Decimal("100"), "JPY"),
        ("sales", None, Decimal("5"), "JPY")]
    assert [(h.line, h.credited_partner) for h in facts.customer_holdings] == [
        ("marketing", LineCredit.SELF), ("sales", LineCredit.OTHER)]
    assert (facts.poi_signed, facts.poi_signed_on, facts.close_date) == (
        True, date(2025, 11, 10), date(2025, 12, 1))
    assert not poi_missing(pois)
    hidden = deal_facts(deal, pois=pois, holdings=holdings, other_partners=False)
    assert [h.line for h in hidden.customer_holdings] == ["marketing"]
    bare = deal_facts(deal)
    assert (bare.poi_signed, bare.poi_signed_on, bare.customer_holdings) == (False, None, ())
    assert poi_missing([Poi(status=PoiStatus.SENT)])


def test_absences_extensions_and_clocks() -> None:
    away = Absence(starts_at=T0, ends_at=T0 + timedelta(days=1), registered_at=T0)
    delegate = Person(slack_user_id="U0DEL", name="Del", role=Role.PARTNER)
    assert absence_facts(away, delegate).delegate == "U0DEL"
    assert absence_facts(away).delegate is None
    extra = Extension(status=RequestStatus.APPROVED, reason="", extra_seconds=3600,
                      new_due=T0, requested_at=T0)
    built = extension_facts(extra)
    assert (built.granted_by, built.reason, built.extra, built.new_due, built.granted_at) == (
        "GS", "-", timedelta(hours=1), None, T0)
    until = extension_facts(Extension(status=RequestStatus.APPROVED, reason="r", new_due=T0,
                                      requested_at=T0, decided_at=T0 + timedelta(hours=1)),
                            Person(name="Hiro"))
    assert (until.granted_by, until.extra, until.new_due) == ("Hiro", None, T0)
    calendar = RegionDirectory().calendar("JP")
    deal = _deal()
    row = Clock(kind="response", owed_by=Party.PARTNER, started_at=T0, due_at=T0,
                state=ClockState.RUNNING)
    clock = rule_clock(row, deal, calendar)
    assert clock == rc.response_clock(T0, calendar)
    row.stopped_at = T0 + timedelta(hours=1)
    assert rule_clock(row, deal, calendar) == rc.stop(rc.response_clock(T0, calendar),
                                                     T0 + timedelta(hours=1))
    poi = rule_clock(Clock(kind="poi", owed_by=Party.PARTNER, started_at=T0), deal, calendar)
    assert poi == rc.poi_clock(date(2025, 12, 1), calendar, opened_at=T0)
    assert rule_clock(Clock(kind="onboarding", started_at=T0), deal, calendar) is None
    assert rule_clock(Clock(kind="unknown", started_at=T0), deal, calendar) is None
