"""Best Partner Wins (spec, "Best Partner Wins", `best-partner-wins`): rules 1 to 5 and confidentiality.

Contract: outcome `decided` / `needs_review` / `no_winner`; `winner` (the partner's name) when decided;
README: `rule` (1 to 5), and for a partner viewer `you_win`.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.answers import Answer, ConfidentialityError, Viewer, render
from rules.best_partner_wins import best_partner_wins, decide
from rules.facts import Claim
from rules.money import Money
from rules.sections import Section
from rules.vocabulary import Outcome, Role

ACME = "Acme Consulting"
BLUE = "Bluebird Digital"
COBALT = "Cobalt Partners"
NAMES = (ACME, BLUE, COBALT)
GS = Viewer(Role.GS)
PDM = Viewer(Role.PDM)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def as_partner(name: str) -> Viewer:
    return Viewer(Role.PARTNER, name)


def keys(answer: Answer) -> list[str]:
    return [r.key for r in answer.reasons]


def shown(answer: Answer, lang: str = "en", viewer: Viewer = GS) -> str:
    return json.dumps(render(answer, lang, viewer=viewer), ensure_ascii=False)


# --- rule 1: only partners with a customer-signed POI can win ----------------------------------


def test_no_signed_poi_means_no_winner() -> None:
    claims = [Claim(ACME, False, sourced=True, onboarding_mrr=usd("5000")), Claim(BLUE, False)]
    answer = best_partner_wins(claims)
    assert answer.outcome is Outcome.NO_WINNER
    assert answer.fields["rule"] == 1
    assert "winner" not in answer.fields
    assert keys(answer) == ["bpw.no_poi", "bpw.one_partner"]
    assert answer.citations == (Section.BEST_PARTNER_WINS,)
    assert render(answer)["outcome"] == "no_winner"


def test_every_answer_says_only_one_partner_gets_credit() -> None:
    for claims in ([Claim(ACME, True)], [Claim(ACME, False)],
                   [Claim(ACME, True, onboarding_mrr=usd("1")), Claim(BLUE, True, onboarding_mrr=usd("1"))]):
        assert keys(best_partner_wins(claims))[-1] == "bpw.one_partner"


# --- rule 2: exactly one signed POI ------------------------------------------------------------


def test_the_only_partner_with_a_signed_poi_wins() -> None:
    claims = [Claim(ACME, False, sourced=True, onboarding_mrr=usd("9000")),
              Claim(BLUE, True, onboarding_mrr=usd("100"))]
    answer = best_partner_wins(claims)
    assert answer.outcome is Outcome.DECIDED
    assert answer.fields["rule"] == 2
    assert render(answer)["winner"] == BLUE
    assert keys(answer) == ["bpw.only_signed", "bpw.one_partner"]
    assert render(answer)["reasons"][0] == f"{BLUE} is the only partner with a customer-signed POI."


def test_a_single_claim_with_a_poi_wins() -> None:
    answer = best_partner_wins([Claim(ACME, True)])
    assert answer.fields["rule"] == 2
    assert render(answer)["winner"] == ACME


# --- rule 3: the sourcing partner referred the other partner -----------------------------------


def test_sourcing_partner_that_referred_the_other_has_priority() -> None:
    claims = [Claim(ACME, True, sourced=True, onboarding_mrr=usd("100")),
              Claim(BLUE, True, referred_by=ACME, onboarding_mrr=usd("9000"))]
    answer = best_partner_wins(claims)
    assert answer.outcome is Outcome.DECIDED
    assert answer.fields["rule"] == 3
    assert render(answer)["winner"] == ACME
    assert keys(answer) == ["bpw.sourcing_priority", "bpw.ack_missing", "bpw.one_partner"]


@pytest.mark.parametrize(("acknowledged", "key"), [(True, "bpw.ack_recorded"), (False, "bpw.ack_missing"),
                                                   (None, "bpw.ack_missing")])
def test_the_secondary_partners_written_acknowledgement_is_recorded(acknowledged: bool | None, key: str
                                                                     ) -> None:
    claims = [Claim(ACME, True, sourced=True),
              Claim(BLUE, True, referred_by=ACME, acknowledged_secondary=acknowledged)]
    answer = best_partner_wins(claims)
    ack = [r for r in answer.reasons if r.key.startswith("bpw.ack_")]
    assert [r.key for r in ack] == [key]
    text = render(answer, viewer=GS)["reasons"][1]
    assert BLUE in text
    if key == "bpw.ack_missing":
        assert "in writing" in text
        assert "sourcing partner and the GS" in text


def test_the_sourcing_partner_still_needs_its_own_signed_poi() -> None:
    # Without its own POI the sourcing partner cannot win (rule 1); the referred partner's is the only POI.
    claims = [Claim(ACME, False, sourced=True), Claim(BLUE, True, referred_by=ACME)]
    answer = best_partner_wins(claims)
    assert answer.fields["rule"] == 2
    assert render(answer)["winner"] == BLUE


def test_without_its_own_poi_the_sourcing_partner_gets_no_priority_over_two_signed() -> None:
    claims = [Claim(ACME, False, sourced=True),
              Claim(BLUE, True, referred_by=ACME, onboarding_mrr=usd("100")),
              Claim(COBALT, True, onboarding_mrr=usd("200"))]
    answer = best_partner_wins(claims)
    assert answer.fields["rule"] == 4
    assert render(answer)["winner"] == COBALT


def test_referral_by_a_partner_that_did_not_source_gives_no_priority() -> None:
    claims = [Claim(ACME, True, sourced=False, onboarding_mrr=usd("100")),
              Claim(BLUE, True, referred_by=ACME, onboarding_mrr=usd("200"))]
    answer = best_partner_wins(claims)
    assert answer.fields["rule"] == 4
    assert render(answer)["winner"] == BLUE


def test_sourcing_without_a_referral_gives_no_priority() -> None:
    claims = [Claim(ACME, True, sourced=True, onboarding_mrr=usd("100")),
              Claim(BLUE, True, onboarding_mrr=usd("200"))]
    answer = best_partner_wins(claims)
    assert answer.fields["rule"] == 4
    assert render(answer)["winner"] == BLUE


def test_several_referred_partners_are_all_secondaries() -> None:
    claims = [Claim(ACME, True, sourced=True), Claim(BLUE, True, referred_by=ACME),
              Claim(COBALT, False, referred_by=ACME, acknowledged_secondary=True)]
    decision = decide(claims)
    assert decision.rule == 3
    assert decision.winner is claims[0]
    assert {c.partner for c in decision.secondaries} == {BLUE, COBALT}


# --- rule 4: two signed POIs for divided services: higher MRR wins -----------------------------


def test_higher_mrr_onboarding_wins() -> None:
    claims = [Claim(ACME, True, onboarding_mrr=usd("800")), Claim(BLUE, True, onboarding_mrr=usd("900"))]
    answer = best_partner_wins(claims)
    assert answer.outcome is Outcome.DECIDED
    assert answer.fields["rule"] == 4
    assert render(answer)["winner"] == BLUE
    assert keys(answer) == ["bpw.higher_mrr", "bpw.one_partner"]


def test_higher_mrr_wins_among_three_and_ignores_unsigned_claims() -> None:
    claims = [Claim(ACME, True, onboarding_mrr=usd("800")), Claim(BLUE, True, onboarding_mrr=usd("700")),
              Claim(COBALT, False, onboarding_mrr=usd("99999"))]
    answer = best_partner_wins(claims)
    assert answer.fields["rule"] == 4
    assert render(answer)["winner"] == ACME


def test_higher_mrr_in_yen() -> None:
    claims = [Claim(ACME, True, onboarding_mrr=Money.of("96000", "JPY")),
              Claim(BLUE, True, onboarding_mrr=Money.of("96001", "JPY"))]
    assert render(best_partner_wins(claims))["winner"] == BLUE


# --- rule 5: otherwise HubSpot decides ---------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [("800", "800"), ("800", "800.00")])
def test_equal_mrr_goes_to_hubspot_review(a: str, b: str) -> None:
    claims = [Claim(ACME, True, onboarding_mrr=usd(a)), Claim(BLUE, True, onboarding_mrr=usd(b))]
    answer = best_partner_wins(claims)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert answer.fields["rule"] == 5
    assert "winner" not in answer.fields
    assert keys(answer) == ["bpw.equal_mrr", "bpw.one_partner"]
    assert "final" in render(answer)["reasons"][0]


def test_equal_top_mrr_among_three_goes_to_review() -> None:
    claims = [Claim(ACME, True, onboarding_mrr=usd("900")), Claim(BLUE, True, onboarding_mrr=usd("900")),
              Claim(COBALT, True, onboarding_mrr=usd("100"))]
    assert best_partner_wins(claims).outcome is Outcome.NEEDS_REVIEW


def test_unknown_mrr_goes_to_hubspot_review() -> None:
    claims = [Claim(ACME, True, onboarding_mrr=usd("800")), Claim(BLUE, True)]
    answer = best_partner_wins(claims)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert answer.fields["rule"] == 5
    assert keys(answer)[0] == "bpw.mrr_missing"


def test_mrr_in_different_currencies_goes_to_hubspot_review() -> None:
    claims = [Claim(ACME, True, onboarding_mrr=usd("800")),
              Claim(BLUE, True, onboarding_mrr=Money.of("96000", "JPY"))]
    answer = best_partner_wins(claims)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert answer.fields["rule"] == 5
    assert keys(answer)[0] == "bpw.mrr_currencies"


def test_a_partner_may_claim_only_once() -> None:
    with pytest.raises(ValueError, match="once") as caught:
        best_partner_wins([Claim(BLUE, True), Claim(ACME, True), Claim(ACME, False)],
                          viewer=as_partner(BLUE))
    assert ACME not in str(caught.value)  # errors a partner may see name no other partner


# --- confidentiality ---------------------------------------------------------------------------

SCENARIOS: dict[str, list[Claim]] = {
    "rule1": [Claim(ACME, False), Claim(BLUE, False), Claim(COBALT, False)],
    "rule2": [Claim(ACME, True), Claim(BLUE, False), Claim(COBALT, False, sourced=True)],
    "rule3": [Claim(ACME, True, sourced=True), Claim(BLUE, True, referred_by=ACME),
              Claim(COBALT, False, referred_by=ACME, acknowledged_secondary=True)],
    "rule4": [Claim(ACME, True, onboarding_mrr=usd("900")), Claim(BLUE, True, onboarding_mrr=usd("800")),
              Claim(COBALT, False)],
    "rule5": [Claim(ACME, True, onboarding_mrr=usd("800")), Claim(BLUE, True, onboarding_mrr=usd("800")),
              Claim(COBALT, True, onboarding_mrr=usd("100"))],
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_partner_never_sees_another_partners_name(scenario: str, name: str, lang: str) -> None:
    viewer = as_partner(name)
    answer = best_partner_wins(SCENARIOS[scenario], viewer=viewer)
    text = shown(answer, lang, viewer)  # must not raise ConfidentialityError
    for other in NAMES:
        if other != name:
            assert other not in text
    assert "bpw.identities_private" in keys(answer)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_partner_outside_the_process_sees_no_names(scenario: str) -> None:
    viewer = as_partner("Delta Outsiders")
    answer = best_partner_wins(SCENARIOS[scenario], viewer=viewer)
    text = shown(answer, "en", viewer)
    assert not any(name in text for name in NAMES)
    assert answer.fields["you_win"] is False


def test_the_winner_is_told_it_wins_with_its_own_name() -> None:
    viewer = as_partner(ACME)
    body = render(best_partner_wins(SCENARIOS["rule4"], viewer=viewer), viewer=viewer)
    assert body["you_win"] is True
    assert body["winner"] == ACME
    assert body["rule"] == 4
    assert body["reasons"][0] == "You win: you onboard the higher-MRR product subscription."


@pytest.mark.parametrize(("scenario", "key"), [("rule2", "bpw.you_win_only_signed"),
                                               ("rule3", "bpw.you_win_sourcing_priority"),
                                               ("rule4", "bpw.you_win_higher_mrr")])
def test_the_winner_is_told_why(scenario: str, key: str) -> None:
    answer = best_partner_wins(SCENARIOS[scenario], viewer=as_partner(ACME))
    assert keys(answer)[0] == key


def test_a_loser_is_told_it_does_not_win_and_not_who_does() -> None:
    viewer = as_partner(BLUE)
    answer = best_partner_wins(SCENARIOS["rule4"], viewer=viewer)
    body = render(answer, viewer=viewer)
    assert body["you_win"] is False
    assert "winner" not in body
    assert keys(answer) == ["bpw.you_do_not_win", "bpw.identities_private", "bpw.one_partner"]


def test_a_partner_without_a_poi_is_told_so() -> None:
    answer = best_partner_wins(SCENARIOS["rule4"], viewer=as_partner(COBALT))
    assert "bpw.you_no_poi" in keys(answer)


def test_a_secondary_partner_is_told_it_earns_no_sold_credit() -> None:
    answer = best_partner_wins(SCENARIOS["rule3"], viewer=as_partner(BLUE))
    assert keys(answer)[:2] == ["bpw.you_do_not_win", "bpw.you_secondary"]


def test_a_partner_in_review_is_told_hubspot_decides() -> None:
    answer = best_partner_wins(SCENARIOS["rule5"], viewer=as_partner(ACME))
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer)[0] == "bpw.review_partner"
    assert answer.fields["you_win"] is False


@pytest.mark.parametrize("staff", [GS, PDM])
def test_gs_and_pdm_see_the_names(staff: Viewer) -> None:
    text = shown(best_partner_wins(SCENARIOS["rule3"], viewer=staff), "en", staff)
    assert ACME in text
    assert BLUE in text
    assert COBALT in text


def test_a_staff_answer_shown_to_a_partner_is_refused() -> None:
    staff_answer = best_partner_wins(SCENARIOS["rule4"])  # names the winner, Acme
    with pytest.raises(ConfidentialityError) as caught:
        render(staff_answer, "en", viewer=as_partner(BLUE))
    assert ACME not in str(caught.value)
    with pytest.raises(ConfidentialityError):
        render(staff_answer, "ja", viewer=as_partner(BLUE))
    # Acme itself may see an answer that names only Acme.
    assert render(staff_answer, viewer=as_partner(ACME))["winner"] == ACME


def test_a_staff_answer_naming_a_secondary_is_refused_even_to_the_winner() -> None:
    staff_answer = best_partner_wins(SCENARIOS["rule3"])  # names Acme (winner) and Blue, Cobalt (acks)
    with pytest.raises(ConfidentialityError) as caught:
        render(staff_answer, viewer=as_partner(ACME))
    assert BLUE not in str(caught.value)
    assert COBALT not in str(caught.value)


def test_staff_render_in_both_languages() -> None:
    answer = best_partner_wins(SCENARIOS["rule4"])
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["winner"] == ja["winner"] == ACME
    assert ACME in ja["reasons"][0]
    assert "MRRが最も高い" in ja["reasons"][0]
    assert ja["sections"] == [{"id": "best-partner-wins", "title": "Best Partner Winsのプロセス"}]
    partner_ja = render(best_partner_wins(SCENARIOS["rule4"], viewer=as_partner(BLUE)), "ja",
                        viewer=as_partner(BLUE))
    assert partner_ja["reasons"][-2] == (
        "同じ取引を進めている他のパートナー企業の名前をお教えすることはできません。")


# --- properties --------------------------------------------------------------------------------

_claims = st.lists(
    st.builds(
        lambda name, poi, sourced, ref, mrr, ack: (name, poi, sourced, ref, mrr, ack),
        st.sampled_from(("P0", "P1", "P2", "P3")), st.booleans(), st.booleans(),
        st.one_of(st.none(), st.sampled_from(("P0", "P1", "P2", "P3"))),
        st.one_of(st.none(), st.integers(0, 5).map(lambda n: usd(str(n * 100)))),
        st.one_of(st.none(), st.booleans()),
    ),
    min_size=1, max_size=4, unique_by=lambda t: t[0],
).map(lambda rows: [Claim(n, p, sourced=s, referred_by=r if r != n else None, onboarding_mrr=m,
                          acknowledged_secondary=a) for n, p, s, r, m, a in rows])

_PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(_claims)
def test_property_a_winner_always_has_a_signed_poi(claims: list[Claim]) -> None:
    decision = decide(claims)
    if decision.winner is not None:
        assert decision.winner.poi_signed
        assert decision.outcome is Outcome.DECIDED
    else:
        assert decision.outcome in (Outcome.NO_WINNER, Outcome.NEEDS_REVIEW)
    assert (decision.outcome is Outcome.NO_WINNER) == (not any(c.poi_signed for c in claims))
    assert 1 <= decision.rule <= 5


@_PROPERTY
@given(_claims)
def test_property_a_partner_view_names_no_other_partner(claims: list[Claim]) -> None:
    for claim in claims:
        viewer = as_partner(claim.partner)
        answer = best_partner_wins(claims, viewer=viewer)
        for lang in ("en", "ja"):
            body = render(answer, lang, viewer=viewer)
            text = json.dumps(body, ensure_ascii=False)
            others = [c.partner for c in claims if c.partner != claim.partner]
            assert not any(f'"{o}"' in text or o in " ".join(body["reasons"]) for o in others)
        assert answer.fields["you_win"] == (decide(claims).winner == claim)
