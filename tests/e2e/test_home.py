"""The Home tab: a partner's own deals, clocks and breaches (nothing of another organisation), a
GS's routed deals, a PDM's partner organisations; in the viewer's language and time zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rules.vocabulary import Motion
from storage.models import ClockState, DealStatus, Party
from tests.e2e.roe_support import (
    AIKO,
    DANA,
    HIRO,
    KEN,
    MAYA,
    NORTHWIND,
    SAKURA,
    add_breach,
    add_clock,
    make_deal,
    open_home,
    orgs_without_pdm,
)
from tests.e2e.support import Harness

NOW = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


@pytest.fixture
def ledger(harness: Harness) -> dict[str, int]:
    """Two organisations' deals, with clocks and breaches."""
    northwind = make_deal(harness, org=NORTHWIND, company="Contoso Inc", domain="contoso.com",
                          items=[("marketing", "professional", "800")], gs=MAYA)
    northwind_won = make_deal(harness, org=NORTHWIND, company="Closed Corp", domain="closed.com",
                              items=[("sales", "professional", "300")], gs=MAYA,
                              status=DealStatus.WON)
    sakura = make_deal(harness, org=SAKURA, company="Acme KK", domain="acme.co.jp",
                       items=[("marketing", "professional", "96000")], currency="JPY",
                       region="JP", gs=HIRO, motion=Motion.PARTNER_ASSISTED)
    add_clock(harness, northwind, kind="response", owed_by=Party.PARTNER,
              due_at=datetime(2025, 11, 25, 15, 0, tzinfo=UTC))
    add_clock(harness, northwind, kind="poi", owed_by=Party.PARTNER,
              due_at=datetime(2025, 12, 20, 5, 0, tzinfo=UTC))
    add_clock(harness, northwind, kind="response", owed_by=Party.GS,
              due_at=datetime(2025, 11, 20, 0, 0, tzinfo=UTC), state=ClockState.MET)
    add_clock(harness, sakura, kind="response", owed_by=Party.PARTNER,
              due_at=datetime(2025, 11, 26, 7, 0, tzinfo=UTC))
    add_breach(harness, northwind, org=NORTHWIND, kind="response", at=NOW - timedelta(days=10))
    add_breach(harness, northwind, org=NORTHWIND, kind="onboarding", at=NOW - timedelta(days=120))
    add_breach(harness, sakura, org=SAKURA, kind="response", at=NOW - timedelta(days=3))
    return {"northwind": northwind, "northwind_won": northwind_won, "sakura": sakura}


def test_partner_sees_only_its_own_organisation(harness: Harness, ledger: dict[str, int]) -> None:
    view = open_home(harness, DANA)
    text = text_of(view)
    assert "Your organisation's open deals" in text
    assert f"#{ledger['northwind']} *Contoso Inc* (contoso.com)" in text
    assert "Closed Corp" not in text  # closed deals are not open work
    # due times in Dana's zone (New York), with what is owed and by whom
    assert "a reply in the deal's thread, due *Tue 25 Nov 10:00 EST* (your organisation owes it)" \
        in text
    assert "the customer-signed POI, due *the end of Fri 19 Dec*" in text
    assert text.count("due *") == 2  # the met clock is not running
    assert "reply not sent in time" in text and "onboarding not started" not in text  # > 90 days
    for other in (SAKURA, "Acme KK", "acme.co.jp"):
        assert other not in text


def test_partner_home_in_japanese(harness: Harness, ledger: dict[str, int]) -> None:
    text = text_of(open_home(harness, AIKO))
    assert "貴社の進行中の共有取引" in text and "Acme KK" in text and "Partner Assisted" in text
    assert "11月26日(水) 16:00 JST" in text and "貴社の対応待ち" in text
    assert "期限内に返信がありませんでした" in text
    for other in (NORTHWIND, "Contoso", "contoso.com"):
        assert other not in text


def test_gs_sees_the_deals_routed_to_them(harness: Harness, ledger: dict[str, int]) -> None:
    text = text_of(open_home(harness, MAYA))
    assert "Open deals routed to you" in text and "Contoso Inc" in text
    assert "Acme KK" not in text  # routed to Hiro
    assert "(the partner owes it)" in text
    assert "Breaches on your deals in the last 90 days" in text
    hiro = text_of(open_home(harness, HIRO))
    assert "あなたに割り当てられた進行中の取引" in hiro and "Acme KK" in hiro and "Contoso" not in hiro
    assert "パートナーの対応待ち" in hiro


def test_pdm_sees_the_partner_organisations_they_manage(harness: Harness,
                                                       ledger: dict[str, int]) -> None:
    text = text_of(open_home(harness, KEN))
    assert "Partner organisations you manage" in text
    assert f"{NORTHWIND} · Solutions Partner, Gold · open deals: 1 · running clocks: 2 · " \
           "breaches in 90 days: 1" in text
    assert f"{SAKURA} · Solutions Partner, Diamond · open deals: 1 · running clocks: 1 · " \
           "breaches in 90 days: 1" in text
    assert "Contoso Inc" in text and "Acme KK" in text
    assert "Wed 26 Nov 16:00 JST" in text  # Ken's zone is Tokyo


def test_pdm_without_partners_and_an_empty_home(harness: Harness) -> None:
    orgs_without_pdm(harness)
    assert "No partner organisation names you as its PDM" in text_of(open_home(harness, KEN))
    empty = text_of(open_home(harness, DANA))
    assert "No open deals." in empty and "No clock is running." in empty and "No breaches." in \
        empty


def test_strangers_see_how_to_get_in(harness: Harness) -> None:
    assert "admin" in text_of(open_home(harness, "U0NOBODY"))


def test_only_the_home_tab_is_published(harness: Harness) -> None:
    before = len(harness.slack.calls_of("views.publish"))
    harness.event({"type": "app_home_opened", "user": DANA, "channel": "DU0DANA01",
                   "tab": "messages", "event_ts": "1.000001"})
    open_home(harness, AIKO)  # a later event is handled: the first one published nothing
    assert [c.args["user_id"] for c in harness.slack.calls_of("views.publish")[before:]] == [AIKO]
