"""Decisions per second for eligibility and Best Partner Wins over 100,000 generated deals.

The reference, measured in the same run on the same deals, is the full scenario path a partner
operations script takes: JSON facts parsed and validated, the decision made, the answer rendered
in English. The ratio shows what the pure decision costs beside it.

    .venv/bin/python bench/rules_bench.py [--deals 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from rules.best_partner_wins import best_partner_wins
from rules.eligibility import eligibility
from rules.facts import Claim, Deal, Holding, LineItem, Partner
from rules.money import Money
from rules.scenarios import answer_scenario
from rules.vocabulary import HUBS, Edition, LineCredit, Motion, PartnerKind, ProductCatalog, Tier

LINES = ProductCatalog().lines()


def _item(rng: random.Random, currency: str) -> dict[str, Any]:
    line = rng.choice(LINES)
    item: dict[str, Any] = {"line": line, "mrr": str(rng.randint(20, 9000)), "currency": currency}
    if line in HUBS:
        item["edition"] = rng.choice(list(Edition)).value
    return item


def generate(count: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Deal and Best Partner Wins scenarios as JSON-shaped dicts."""
    rng = random.Random(seed)
    deals, cases = [], []
    for _ in range(count):
        currency = rng.choice(("USD", "JPY", "EUR"))
        holdings = []
        for line in rng.sample(HUBS, rng.randint(0, 2)):
            holdings.append({"line": line, "edition": rng.choice(list(Edition)).value,
                             "credited_partner": rng.choice(list(LineCredit)).value})
        deals.append({
            "question": "eligibility",
            "deal": {"motion": rng.choice(list(Motion)).value,
                     "items": [_item(rng, currency) for _ in range(rng.randint(1, 4))],
                     "customer_holdings": holdings},
            "partner": {"kind": rng.choice(list(PartnerKind)).value,
                        "tier": rng.choice(list(Tier)).value},
        })
        names = [f"partner{n}" for n in range(rng.randint(2, 4))]
        claims = []
        for name in names:
            claims.append({"partner": name, "poi_signed": rng.random() < 0.6,
                           "sourced": rng.random() < 0.3,
                           "referred_by": rng.choice([None, None, *names]) if name != names[0]
                           else None,
                           "onboarding_mrr": str(rng.randint(100, 5000)), "currency": "USD"})
        cases.append({"question": "best_partner_wins", "claims": claims})
    return deals, cases


def to_deal(data: dict[str, Any]) -> tuple[Deal, Partner]:
    """Typed facts from a generated scenario (done once, outside the timed loop)."""
    d = data["deal"]
    items = tuple(LineItem(i["line"], Money(Decimal(i["mrr"]), i["currency"]),
                           Edition(i["edition"]) if "edition" in i else None) for i in d["items"])
    holdings = tuple(Holding(h["line"], Edition(h["edition"]), LineCredit(h["credited_partner"]))
                     for h in d["customer_holdings"])
    partner = Partner(PartnerKind(data["partner"]["kind"]), Tier(data["partner"]["tier"]))
    return Deal(Motion(d["motion"]), items, holdings), partner


def to_claims(data: dict[str, Any]) -> list[Claim]:
    """Typed claims from a generated case."""
    return [Claim(c["partner"], c["poi_signed"], c["sourced"], c["referred_by"],
                  Money(Decimal(c["onboarding_mrr"]), c["currency"])) for c in data["claims"]]


def timed(label: str, work: Sequence[Any], decide: Callable[[Any], object]) -> float:
    """Run `decide` over `work`; print and return decisions per second."""
    start = time.perf_counter()
    for unit in work:
        decide(unit)
    elapsed = time.perf_counter() - start
    rate = len(work) / elapsed
    print(f"{label:<52} {len(work):>8,} in {elapsed:7.3f} s  {rate:>12,.0f} /s")
    return rate


def main() -> None:
    """Generate the deals, time both paths for both decisions, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    deals, cases = generate(args.deals, args.seed)
    typed_deals = [to_deal(d) for d in deals]
    typed_claims = [to_claims(c) for c in cases]
    texts = [json.dumps(d) for d in deals]
    case_texts = [json.dumps(c) for c in cases]
    print(f"rules_bench: {args.deals:,} generated deals (seed {args.seed})")
    elig = timed("eligibility: decision", typed_deals, lambda dp: eligibility(*dp))
    elig_ref = timed("eligibility: reference (JSON in, answer out)", texts,
                     lambda t: answer_scenario(json.loads(t)))
    bpw = timed("best partner wins: decision", typed_claims, best_partner_wins)
    bpw_ref = timed("best partner wins: reference (JSON in, answer out)", case_texts,
                    lambda t: answer_scenario(json.loads(t)))
    print(f"ratio eligibility decision / reference:       {elig / elig_ref:6.1f}x")
    print(f"ratio best partner wins decision / reference: {bpw / bpw_ref:6.1f}x")


if __name__ == "__main__":
    main()
