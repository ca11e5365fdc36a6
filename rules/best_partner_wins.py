"""Best Partner Wins (`best-partner-wins`): which of several partners on one sales process wins.

The decision is made once (`decide`), then told to each viewer: HubSpot staff see names, a
partner sees only whether it wins and its own facts, never another partner's identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rules.answers import HUBSPOT, Answer, PartnerName, Reason, Viewer, reason
from rules.facts import Claim
from rules.sections import Section
from rules.vocabulary import Outcome

__all__ = ["Decision", "best_partner_wins", "decide"]


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of the five rules: who wins (if anyone) and by which rule."""

    outcome: Outcome
    rule: int
    winner: Claim | None
    detail: str
    secondaries: tuple[Claim, ...] = ()


def _by_mrr(signed: list[Claim]) -> Decision:
    """Rule 4: two customer-signed POIs for divided services: the higher-MRR onboarding wins."""
    if any(c.onboarding_mrr is None for c in signed):
        return Decision(Outcome.NEEDS_REVIEW, 5, None, "mrr_missing")
    currencies = {c.onboarding_mrr.currency for c in signed if c.onboarding_mrr is not None}
    if len(currencies) > 1:
        return Decision(Outcome.NEEDS_REVIEW, 5, None, "mrr_currencies")
    ranked = sorted(signed, key=lambda c: c.onboarding_mrr.amount if c.onboarding_mrr else 0,
                    reverse=True)
    top, runner_up = ranked[0], ranked[1]
    if top.onboarding_mrr == runner_up.onboarding_mrr:
        return Decision(Outcome.NEEDS_REVIEW, 5, None, "equal_mrr")
    return Decision(Outcome.DECIDED, 4, top, "higher_mrr")


def decide(claims: Sequence[Claim]) -> Decision:
    """Apply the five rules in order. Only a partner with a customer-signed POI can win."""
    names = [c.partner for c in claims]
    if len(set(names)) != len(names):
        raise ValueError("each partner may claim a sales process only once")
    signed = [c for c in claims if c.poi_signed]
    if not signed:
        return Decision(Outcome.NO_WINNER, 1, None, "no_poi")
    if len(signed) == 1:
        return Decision(Outcome.DECIDED, 2, signed[0], "only_signed")
    for source in (c for c in signed if c.sourced):
        referred = tuple(c for c in claims if c.referred_by == source.partner)
        rivals = [c for c in signed if c is not source and c.referred_by != source.partner]
        if referred and not rivals:
            return Decision(Outcome.DECIDED, 3, source, "sourcing_priority", referred)
    return _by_mrr(signed)


def _staff_reasons(decision: Decision) -> list[Reason]:
    winner = PartnerName(decision.winner.partner) if decision.winner else None
    reasons: list[Reason] = []
    if decision.detail in ("only_signed", "higher_mrr") and winner:
        reasons.append(reason(f"bpw.{decision.detail}", winner=winner))
    elif decision.detail == "sourcing_priority" and winner:
        reasons.append(reason("bpw.sourcing_priority", winner=winner))
        for secondary in decision.secondaries:
            key = "bpw.ack_recorded" if secondary.acknowledged_secondary else "bpw.ack_missing"
            reasons.append(reason(key, partner=PartnerName(secondary.partner)))
    else:
        reasons.append(reason(f"bpw.{decision.detail}"))
    return reasons


def _partner_reasons(decision: Decision, own: Claim | None) -> list[Reason]:
    mine = own is not None and decision.winner is own
    if decision.outcome is Outcome.DECIDED:
        reasons = [reason(f"bpw.you_win_{decision.detail}" if mine else "bpw.you_do_not_win")]
    elif decision.outcome is Outcome.NO_WINNER:
        reasons = [reason("bpw.no_poi")]
    else:
        reasons = [reason("bpw.review_partner")]
    if own is not None and not own.poi_signed:
        reasons.append(reason("bpw.you_no_poi"))
    if own is not None and decision.winner is not own and own in decision.secondaries:
        reasons.append(reason("bpw.you_secondary"))
    reasons.append(reason("bpw.identities_private"))
    return reasons


def best_partner_wins(claims: Sequence[Claim], viewer: Viewer = HUBSPOT) -> Answer:
    """The Best Partner Wins answer for `viewer`.

    `winner` is the winning partner's name for HubSpot staff; for a partner it is the partner's
    own name when it wins, and absent otherwise (with `you_win`).
    """
    decision = decide(claims)
    fields: dict[str, Any] = {"rule": decision.rule}
    if viewer.is_partner:
        own = next((c for c in claims if c.partner == viewer.partner), None)
        reasons = _partner_reasons(decision, own)
        won = own is not None and decision.winner is own
        fields["you_win"] = won
        if won and own is not None:
            fields["winner"] = PartnerName(own.partner)
    else:
        reasons = _staff_reasons(decision)
        if decision.winner is not None:
            fields["winner"] = PartnerName(decision.winner.partner)
    reasons.append(reason("bpw.one_partner"))
    return Answer("best_partner_wins", decision.outcome, tuple(reasons),
                  (Section.BEST_PARTNER_WINS,), fields)
