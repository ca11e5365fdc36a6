"""A POI's signing date over signed HTTP: `/deal poi <id> signed <date>` with a date in the
future is refused naming the field (nothing recorded), in the asker's language; a date after
the close date is recorded, and the answer, the card and closing the deal say it earns nothing."""

from __future__ import annotations

from storage.models import Poi
from tests.e2e.deals_support import (
    AIKO,
    MAYA,
    answers,
    card,
    card_text,
    later,
    register,
    settle,
)
from tests.e2e.support import Harness


def _pois(harness: Harness, deal_id: int) -> list[Poi]:
    with harness.services.uow() as uow:
        return list(uow.session.query(Poi).filter(Poi.deal_id == deal_id).all())


def test_a_future_signing_date_is_refused_and_a_late_one_earns_nothing(harness: Harness,
                                                                         clock) -> None:
    deal_id = register(harness, clock, AIKO, expected_close="2025-11-24")
    harness.command("/deal", f"poi {deal_id} signed 2027-05-01", user=AIKO)
    [refused] = answers(harness, AIKO)
    assert "署名日" in refused["text"] and "未来" in refused["text"], refused["text"]
    assert "2027" in refused["text"] and "/deal poi" in refused["text"]
    assert _pois(harness, deal_id) == []
    harness.command("/deal", f"poi {deal_id} signed 2027-05-01", user=MAYA)
    [refused_en] = answers(harness, MAYA)
    assert "signing date" in refused_en["text"] and "in the future" in refused_en["text"]

    later(clock, days=5)   # Wed 26 Nov: the close date has passed
    harness.command("/deal", f"poi {deal_id} signed 2025-11-25", user=AIKO)
    recorded = answers(harness, AIKO, 2)[1]
    assert "成約予定日" in recorded["text"] and "得られません" in recorded["text"], recorded["text"]
    settle(harness)
    [poi] = _pois(harness, deal_id)
    assert poi.signed_on is not None and poi.signed_on.isoformat() == "2025-11-25"
    harness.wait_for(lambda: "得られません" in card_text(card(harness, deal_id)))

    later(clock, minutes=1)
    harness.command("/deal", f"close won {deal_id}", user=MAYA)
    closed = answers(harness, MAYA, 2)[1]
    assert "earns nothing" in closed["text"] and "no revenue share" in closed["text"], \
        closed["text"]
