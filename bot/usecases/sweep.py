"""The sweep: claim the clocks whose next step has come, plan it with the rules, and write the
messages (to the outbox) and the clocks' new state in one transaction.

Claiming hands each clock to one replica; the outbox keys (`clock:<id>:<step>`) make a step's
messages unique even if a sweep is interrupted and runs again. After downtime only the latest
step that fell due is acted on (a breach notice, not every missed reminder). When many thread
reminders fall due in one channel at once, they become one digest message.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.messages import queue_many
from bot.usecases.cards import refresh_card
from bot.usecases.sweep_batch import Batch, load_batch
from bot.usecases.sweep_messages import (
    DIGEST_THRESHOLD,
    PDM_LISTED,
    act,
    digests,
    pdm_notices,
)
from bot.usecases.sweep_plan import Planner
from rules.escalation import Action
from storage.models import OPEN_DEAL_STATUSES, ClockState, DealStatus, Party

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["DIGEST_THRESHOLD", "PDM_BREACH_THRESHOLD", "SWEEP_BATCH", "SweepReport", "sweep"]

# the deal statuses in which a clock of a kind still matters (others: the deal is open)
_LIVE_STATUSES = {"poi": (DealStatus.ACCEPTED, DealStatus.WON), "onboarding": (DealStatus.WON,)}
PDM_BREACH_THRESHOLD = 3
PDM_WINDOW = timedelta(days=90)
# clocks claimed and handled per transaction: a claim and a batch cost about the same whatever
# their size, so few large ones (the lease, 5 minutes, outlasts one by far)
SWEEP_BATCH = 5000


@dataclass
class SweepReport:
    """What one sweep did."""

    claimed: int = 0
    acted: int = 0
    breaches: int = 0
    messages: int = 0
    batches: int = 0


def _handle(uow: AbstractUnitOfWork, services: Services, ids: list[int], *, now: datetime,
            report: SweepReport, token: str | None = None,
            planner: Planner | None = None) -> None:
    # only the rows this claim still holds, locked: a lease that ran out meanwhile may have
    # handed a row to another replica, which then acts on it instead
    pairs = uow.clocks.due(ids, token)
    batch = load_batch(uow, pairs)
    planner = planner or Planner(now)
    lapsed: list[int] = []
    for row, deal in pairs:
        # "version" is the version read: the row is written only if it still has it (see
        # `clocks.update_versioned`), and its version becomes one more
        changes: dict[str, Any] = {"id": row.id, "claimed_by": None, "claimed_until": None,
                                   "version": row.version}
        batch.clock_updates.append(changes)
        if deal is None:
            changes["next_action_at"] = None
            continue
        calendar = services.regions.calendar(deal.region_code)
        inputs = batch.inputs(row, deal)
        clock = planner.clock(inputs, calendar)
        if clock is None or row.state is not ClockState.RUNNING:
            changes["next_action_at"] = None
            continue
        if deal.status not in _LIVE_STATUSES.get(row.kind, OPEN_DEAL_STATUSES):
            # the deal moved on (closed, declined, removed) and left this clock running:
            # no reminder about it any more
            changes.update(state=ClockState.CANCELLED, stopped_at=now, next_action_at=None)
            continue
        changes["due_at"] = clock.due_at
        decision = planner.decide(clock, inputs, calendar, row.escalation_step)
        chosen = decision.chosen
        if chosen is None:
            changes["next_action_at"] = decision.next_action_at
            continue
        act(batch, row, deal, step=chosen, clock=clock, left=decision.left)
        report.acted += 1
        changes["escalation_step"] = chosen.key
        if chosen.action is Action.LAPSE:
            # an offer not answered in time lapses: not a breach, never on the partner's record
            changes["state"] = ClockState.LAPSED
            changes["next_action_at"] = None
            lapsed.append(deal.id)
        elif chosen.action is Action.BREACH:
            changes["state"] = ClockState.BREACHED
            changes["next_action_at"] = None
            if row.owed_by is Party.GS:
                # the GS's own breach: never on the partner organisation's record
                batch.breaches.append({"partner_org_id": None, "owed_by": Party.GS,
                                       "person_id": deal.gs_id or row.owed_by_person_id,
                                       "deal_id": deal.id, "clock_id": row.id,
                                       "kind": row.kind, "occurred_at": chosen.at})
            elif deal.partner_org_id is not None:
                batch.breaches.append({"partner_org_id": deal.partner_org_id,
                                       "owed_by": Party.PARTNER,
                                       "person_id": row.owed_by_person_id, "deal_id": deal.id,
                                       "clock_id": row.id, "kind": row.kind,
                                       "occurred_at": chosen.at})
        else:
            changes["next_action_at"] = decision.next_action_at
    digests(batch)
    _write(uow, batch, now=now, report=report, lapsed=lapsed)


def _write(uow: AbstractUnitOfWork, batch: Batch, *, now: datetime, report: SweepReport,
           lapsed: list[int]) -> None:
    if batch.clock_updates:
        uow.clocks.update_versioned(batch.clock_updates)
    for deal_id in lapsed:
        deal = uow.deals.find(deal_id)  # the few lapsed ones as objects: versioned, audited
        if deal is not None and deal.status is DealStatus.OFFERED:
            deal.status = DealStatus.LAPSED
            deal.updated_at = now
    for deal_id in {*lapsed, *(int(str(b["deal_id"])) for b in batch.breaches)}:
        refresh_card(uow, deal_id)
    if batch.breaches:
        uow.breaches.add_many(batch.breaches)
        report.breaches += len(batch.breaches)
        # a PDM hears when one of their partners reaches 3 breaches in 90 days
        counts = uow.breaches.counts_since({int(str(b["partner_org_id"])) for b in batch.breaches
                                            if b["owed_by"] is Party.PARTNER}, now - PDM_WINDOW)
        listed = {org_id: uow.breaches.recent(now - PDM_WINDOW, org_id=org_id, limit=PDM_LISTED)
                  for org_id, count in counts.items() if count >= PDM_BREACH_THRESHOLD}
        pdm_notices(batch, counts, PDM_BREACH_THRESHOLD, now, listed)
    if batch.outgoing:
        report.messages += queue_many(uow, batch.outgoing, at=now)


def sweep(services: Services, *, limit: int = SWEEP_BATCH, now: datetime | None = None
          ) -> SweepReport:
    """Handle every clock whose next step is due at `now` (default: the services' clock),
    `limit` at a time."""
    now = now or services.now()
    report = SweepReport()
    planner = Planner(now)  # one plan per distinct clock, across the sweep's batches
    while True:
        token = f"{services.worker}:{uuid.uuid4().hex[:12]}"
        with services.uow(actor="sweep") as uow:
            ids = uow.clocks.claim_due(now=now, limit=limit, worker=token)
            uow.commit()  # the claim holds from here: its own short transaction
        if not ids:
            return report
        report.batches += 1
        report.claimed += len(ids)
        with gc_paused(), services.uow(actor="sweep") as uow:
            _handle(uow, services, ids, now=now, report=report, token=token, planner=planner)
            uow.commit()
        if len(ids) < limit:
            return report


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off while a batch builds its thousands of short-lived objects
    (none of them in cycles that outlive the batch): collections would only rescan them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
