"""The sweep: claim the clocks whose next step has come, plan it with the rules, and write the
messages (to the outbox) and the clocks' new state in one transaction.

Claiming hands each clock to one replica; the outbox keys (`clock:<id>:<step>`) make a step's
messages unique even if a sweep is interrupted and runs again. After downtime only the latest
step that fell due is acted on (a breach notice, not every missed reminder). When many thread
reminders fall due in one channel at once, they become one digest message.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.exc import StaleDataError

from bot.i18n import t, tn
from bot.outbox import conversation_of
from bot.usecases.cards import refresh_card
from bot.usecases.clock_facts import load_clock_facts, rules_clock
from bot.views.reminders import buttons, due_token, message
from rules.clocks import Clock as RulesClock
from rules.clocks import remaining
from rules.escalation import Action, Audience, PlannedStep, plan
from storage.claims import claim_due_clocks
from storage.models import (
    OPEN_DEAL_STATUSES,
    Breach,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    DealThread,
    OutboxMessage,
    OutboxState,
    PartnerOrg,
    Person,
)

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import UnitOfWork

__all__ = ["DIGEST_THRESHOLD", "PDM_BREACH_THRESHOLD", "SweepReport", "sweep"]

DIGEST_THRESHOLD = 5
DIGEST_LINES = 20
DIGEST_LINE_CHARS = 120
# the deal statuses in which a clock of a kind still matters (others: the deal is open)
_LIVE_STATUSES = {"poi": (DealStatus.ACCEPTED, DealStatus.WON), "onboarding": (DealStatus.WON,)}
PDM_BREACH_THRESHOLD = 3
PDM_WINDOW = timedelta(days=90)
REMINDER_BUTTONS = ("bant_open", "ooo_open", "extension_open")
BREACH_BUTTONS = ("breach_extend", "breach_remove", "breach_dismiss")


@dataclass
class SweepReport:
    """What one sweep did."""

    claimed: int = 0
    acted: int = 0
    breaches: int = 0
    messages: int = 0
    batches: int = 0


@dataclass
class _Batch:
    """What a batch loaded, and what it will write."""

    deals: dict[int, Deal]
    threads: dict[int, DealThread]
    people: dict[int, Person]
    org_people: dict[int, list[Person]]
    orgs: dict[int, PartnerOrg]
    outbox: list[dict[str, Any]] = field(default_factory=list)
    thread_reminders: dict[str, list[tuple[dict[str, Any], str, str]]] = field(
        default_factory=lambda: defaultdict(list))
    clock_updates: list[dict[str, Any]] = field(default_factory=list)
    breaches: list[dict[str, Any]] = field(default_factory=list)


_BUTTON_TEMPLATES: dict[tuple[str, tuple[str, ...]], dict[str, Any] | None] = {}


def _for_deal(template: dict[str, Any], deal_id: int) -> dict[str, Any]:
    block = copy.deepcopy(template)
    block["block_id"] = f"actions-{deal_id}"
    for element in block.get("elements", []):
        element["value"] = str(deal_id)
    return block


def _buttons(lang: str, deal_id: int, names: tuple[str, ...]) -> dict[str, Any]:
    """`buttons(lang, deal_id, names)`, its Block Kit objects built (and validated, which is slow)
    once per language and set of buttons: a sweep makes thousands of blocks that differ only in
    the deal id, which the block id and each button's value carry. That this is all the deal id
    changes is checked once against a second deal's block; if not, every block is built."""
    key = (lang, names)
    if key not in _BUTTON_TEMPLATES:
        first = buttons(lang, 0, names)
        same = _for_deal(first, 1) == buttons(lang, 1, names)
        _BUTTON_TEMPLATES[key] = first if same else None
    template = _BUTTON_TEMPLATES[key]
    return buttons(lang, deal_id, names) if template is None else _for_deal(template, deal_id)


def _lang_of(batch: _Batch, deal: Deal) -> str:
    person = batch.people.get(deal.registered_by_id or -1) or batch.people.get(deal.gs_id or -1)
    return person.locale if person is not None and person.locale in ("en", "ja") else "en"


def _queue(batch: _Batch, now: datetime, key: str, payload: dict[str, Any],
           channel: str = "-") -> None:
    batch.outbox.append({"idempotency_key": key, "team_id": None,
                         "channel": conversation_of(payload, "" if channel == "-" else channel),
                         "thread_ts": None, "payload": payload,
                         "state": OutboxState.PENDING.value, "attempts": 0,
                         "next_attempt_at": now, "created_at": now})


def _dm(batch: _Batch, now: datetime, key: str, user_id: str, text: str, *,
        extra: list[dict[str, Any]] | None = None) -> None:
    _queue(batch, now, f"{key}:dm:{user_id}",
           {"method": "chat.postMessage", "dm": user_id, "args": message(text, extra)},
           channel=user_id)


def _locale(person: Person | None, fallback: str) -> str:
    return person.locale if person is not None and person.locale in ("en", "ja") else fallback


def _owners(batch: _Batch, deal: Deal, row: Clock) -> list[Person]:
    if row.owed_by.value == "gs":
        gs = batch.people.get(deal.gs_id or -1)
        return [gs] if gs is not None else []
    registered = batch.people.get(deal.registered_by_id or -1)
    if registered is not None and registered.partner_org_id == deal.partner_org_id:
        return [registered]
    return batch.org_people.get(deal.partner_org_id or -1, [])


def _act(batch: _Batch, now: datetime, row: Clock, deal: Deal, *, step: PlannedStep,
         clock: RulesClock, left: timedelta) -> None:
    """Queue the messages of one step."""
    key = f"clock:{row.id}:{step.key}"
    lang = _lang_of(batch, deal)
    due = due_token(row.due_at, lang)
    hours = int(left.total_seconds() // 3600)
    thread = batch.threads.get(deal.id)
    kind = row.kind if row.kind in ("collaboration", "onboarding", "poi") else "response"
    if step.action in (Action.REMIND, Action.DIRECT_MESSAGE):
        text_key = f"reminder.{kind}.{'thread' if Audience.THREAD in step.audience else 'dm'}"
        extra = [_buttons(lang, deal.id, REMINDER_BUTTONS)] if kind == "response" else []
        if Audience.THREAD in step.audience and thread is not None:
            text = tn(text_key, lang, hours, company=deal.company, due=due)
            payload = {"method": "chat.postMessage", "thread_of": deal.id,
                       "args": message(text, extra)}
            # pooled per channel AND partner organisation: a digest never lists two partners' deals
            batch.thread_reminders[f"{thread.channel_id}|{deal.partner_org_id}"].append(
                ({"key": key, "payload": payload}, f"{deal.company}: {due}", lang))
        for audience in step.audience:
            if audience is Audience.OWNER:
                for person in _owners(batch, deal, row):
                    plang = _locale(person, lang)
                    text = tn(f"reminder.{kind}.dm", plang, hours, company=deal.company,
                              due=due_token(row.due_at, plang))
                    _dm(batch, now, key, person.slack_user_id, text, extra=extra)
            elif audience is Audience.DELEGATE:
                for absence in clock.delegated:
                    if absence.covers(step.at) and absence.delegate:
                        text = tn("reminder.delegate", lang, hours, company=deal.company,
                                  due=due)
                        _dm(batch, now, key, absence.delegate, text, extra=extra)
            elif audience is Audience.GS:
                gs = batch.people.get(deal.gs_id or -1)
                if gs is not None:
                    glang = _locale(gs, lang)
                    text = tn(f"reminder.{kind}.dm", glang, hours, company=deal.company,
                              due=due_token(row.due_at, glang))
                    _dm(batch, now, key, gs.slack_user_id, text)
        return
    gs = batch.people.get(deal.gs_id or -1)
    if step.action is Action.LAPSE:
        text = t("reminder.collaboration.lapsed", lang, company=deal.company)
        if thread is not None:
            _queue(batch, now, key, {"method": "chat.postMessage", "thread_of": deal.id,
                                     "args": message(text)})
        for person in [*_owners(batch, deal, row), *([gs] if gs else [])]:
            _dm(batch, now, key, person.slack_user_id,
                t("reminder.collaboration.lapsed", _locale(person, lang), company=deal.company))
        return
    # a breach: the GS in the thread with what to do, the PDM for onboarding
    mention = f"<@{gs.slack_user_id}> " if gs is not None else ""
    text = mention + t(f"reminder.{kind}.breach", lang, company=deal.company, due=due)
    extra = [_buttons(lang, deal.id, BREACH_BUTTONS)]
    if thread is not None:
        _queue(batch, now, key, {"method": "chat.postMessage", "thread_of": deal.id,
                                 "args": message(text, extra)})
    elif gs is not None:
        _dm(batch, now, key, gs.slack_user_id, text, extra=extra)
    if Audience.PDM in step.audience:
        org = batch.orgs.get(deal.partner_org_id or -1)
        pdm = batch.people.get(org.pdm_id or -1) if org is not None else None
        if org is not None and pdm is not None:
            _dm(batch, now, key, pdm.slack_user_id,
                t(f"reminder.{kind}.breach_pdm", _locale(pdm, "en"), company=deal.company,
                  partner=org.name))


def _digests(batch: _Batch, now: datetime) -> None:
    """Thread reminders: one by one, or one digest per channel and partner organisation when
    many fall due at once."""
    for group, items in batch.thread_reminders.items():
        channel = group.split("|", 1)[0]
        if len(items) < DIGEST_THRESHOLD:
            for item, _, _ in items:
                _queue(batch, now, item["key"], item["payload"])
            continue
        langs = [lang for _, _, lang in items]
        lang = max(set(langs), key=langs.count)
        # Slack refuses a section over 3,000 characters: long digests go out in parts
        for start in range(0, len(items), DIGEST_LINES):
            part = items[start:start + DIGEST_LINES]
            keys = sorted(item["key"] for item, _, _ in part)
            digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
            lines = "\n".join(f"• {line}"[:DIGEST_LINE_CHARS] for _, line, _ in part)
            text = tn("reminder.digest", lang, len(part), lines=lines)
            _queue(batch, now, f"digest:{group}:{digest}",
                   {"method": "chat.postMessage", "args": {**message(text), "channel": channel}},
                   channel)


def _load(uow: UnitOfWork, rows: list[Clock]) -> _Batch:
    session = uow.session
    deals = {d.id: d for d in session.scalars(select(Deal).where(
        Deal.id.in_({r.deal_id for r in rows})))}
    threads = {th.deal_id: th for th in session.scalars(select(DealThread).where(
        DealThread.deal_id.in_(deals)))}
    org_ids = {d.partner_org_id for d in deals.values()} - {None}
    orgs = {o.id: o for o in session.scalars(select(PartnerOrg).where(PartnerOrg.id.in_(org_ids)))}
    person_ids = ({d.gs_id for d in deals.values()} | {d.registered_by_id for d in deals.values()}
                  | {o.pdm_id for o in orgs.values()}) - {None}
    people = {p.id: p for p in session.scalars(select(Person).where(
        (Person.id.in_(person_ids)) | (Person.partner_org_id.in_(org_ids))))}
    org_people: dict[int, list[Person]] = defaultdict(list)
    for person in people.values():
        if person.partner_org_id is not None and person.active:
            org_people[person.partner_org_id].append(person)
    return _Batch(deals=deals, threads=threads, people=people, org_people=org_people, orgs=orgs)


def _handle(uow: UnitOfWork, services: Services, ids: list[int], *, now: datetime,
            report: SweepReport, token: str | None = None) -> None:
    query = select(Clock).where(Clock.id.in_(ids))
    if token is not None:
        # only the rows this claim still holds, locked: a lease that ran out meanwhile may
        # have handed a row to another replica, which then acts on it instead
        query = query.where(Clock.claimed_by == token).with_for_update()
    rows = list(uow.session.scalars(query))
    batch = _load(uow, rows)
    facts = load_clock_facts(uow, rows, batch.deals)
    lapsed: list[int] = []
    for row in rows:
        # "version" is the version read: the row is written only if it still has it (see
        # `_update_clocks`), and its version becomes one more
        changes: dict[str, Any] = {"id": row.id, "claimed_by": None, "claimed_until": None,
                                   "version": row.version}
        batch.clock_updates.append(changes)
        deal = batch.deals.get(row.deal_id)
        built = rules_clock(row, deal, facts, services.regions) if deal is not None else None
        if deal is None or built is None or row.state is not ClockState.RUNNING:
            changes["next_action_at"] = None
            continue
        if deal.status not in _LIVE_STATUSES.get(row.kind, OPEN_DEAL_STATUSES):
            # the deal moved on (closed, declined, removed) and left this clock running:
            # no reminder about it any more
            changes.update(state=ClockState.CANCELLED, stopped_at=now, next_action_at=None)
            continue
        clock, calendar = built
        changes["due_at"] = clock.due_at
        steps = plan(clock, calendar)
        keys = [s.key for s in steps]
        start = keys.index(row.escalation_step) + 1 if row.escalation_step in keys else 0
        pending = steps[start:]
        due_now = [s for s in pending if s.at <= now]
        later = [s for s in pending if s.at > now]
        if not due_now:
            changes["next_action_at"] = later[0].at if later else None
            continue
        final = [s for s in due_now if s.action in (Action.BREACH, Action.LAPSE)]
        chosen = final[0] if final else due_now[-1]
        left = remaining(clock, calendar, now)
        _act(batch, now, row, deal, step=chosen, clock=clock, left=left)
        report.acted += 1
        changes["escalation_step"] = chosen.key
        if chosen.action in (Action.BREACH, Action.LAPSE):
            changes["state"] = ClockState.BREACHED
            changes["next_action_at"] = None
            if chosen.action is Action.LAPSE:
                lapsed.append(deal.id)
            elif deal.partner_org_id is not None:
                batch.breaches.append({"partner_org_id": deal.partner_org_id, "deal_id": deal.id,
                                       "clock_id": row.id, "kind": row.kind,
                                       "occurred_at": chosen.at})
        else:
            after = [s for s in later if s.at > chosen.at]
            changes["next_action_at"] = after[0].at if after else None
    _digests(batch, now)
    _write(uow, batch, now=now, report=report, lapsed=lapsed)


def _insert(uow: UnitOfWork) -> Any:
    return pg_insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _write(uow: UnitOfWork, batch: _Batch, *, now: datetime, report: SweepReport,
           lapsed: list[int]) -> None:
    session = uow.session
    if batch.clock_updates:
        _update_clocks(uow, batch.clock_updates)
    for deal_id in lapsed:
        deal = batch.deals[deal_id]
        if deal.status is DealStatus.OFFERED:
            deal.status = DealStatus.LAPSED
            deal.updated_at = now
    for deal_id in {*lapsed, *(b["deal_id"] for b in batch.breaches)}:
        refresh_card(uow, deal_id)
    if batch.breaches:
        statement = _insert(uow)(Breach).on_conflict_do_nothing(index_elements=["clock_id"])
        session.execute(statement, batch.breaches)
        report.breaches += len(batch.breaches)
        _tell_pdms(uow, batch, now)
    if batch.outbox:
        statement = _insert(uow)(OutboxMessage).on_conflict_do_nothing(
            index_elements=["idempotency_key"])
        session.execute(statement, batch.outbox)
        report.messages += len(batch.outbox)


def _update_clocks(uow: UnitOfWork, changes: list[dict[str, Any]]) -> None:
    """Write each clock's changes where its version is still the one read, and add one to it,
    as the ORM's versioning does (StaleDataError when a clock changed meanwhile), but in one
    executemany per set of columns rather than one UPDATE per clock."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in changes:
        groups[tuple(sorted(row))].append(row)
    connection = uow.session.connection()
    for keys, rows in groups.items():
        columns = [key for key in keys if key not in ("id", "version")]
        statement = (update(Clock)
                     .where(Clock.id == bindparam("p_id"), Clock.version == bindparam("p_version"))
                     .values({**{key: bindparam(f"p_{key}") for key in columns},
                              "version": Clock.version + 1}))
        result = connection.execute(statement, [{f"p_{key}": row[key] for key in keys}
                                                for row in rows])
        if result.rowcount != len(rows):
            raise StaleDataError(f"UPDATE statement on table 'clocks' expected to update "
                                 f"{len(rows)} row(s); {result.rowcount} were matched.")


def _tell_pdms(uow: UnitOfWork, batch: _Batch, now: datetime) -> None:
    """A PDM hears when one of their partners reaches 3 breaches in 90 days."""
    orgs = {b["partner_org_id"] for b in batch.breaches}
    counts = dict(uow.session.execute(
        select(Breach.partner_org_id, func.count()).where(
            Breach.partner_org_id.in_(orgs), Breach.occurred_at >= now - PDM_WINDOW)
        .group_by(Breach.partner_org_id)).all())
    rows: list[dict[str, Any]] = []
    latest: dict[int, int] = {}  # one notice per organisation, however many breaches at once
    for breach in batch.breaches:
        org_id = breach["partner_org_id"]
        latest[org_id] = max(latest.get(org_id, 0), breach["clock_id"])
    for org_id, clock_id in sorted(latest.items()):
        org = batch.orgs.get(org_id)
        count = int(counts.get(org_id, 0))
        pdm = batch.people.get(org.pdm_id or -1) if org is not None else None
        if org is None or pdm is None or count < PDM_BREACH_THRESHOLD:
            continue
        lang = pdm.locale if pdm.locale in ("en", "ja") else "en"
        text = tn("reminder.pdm_breaches", lang, count, partner=org.name)
        rows.append({"idempotency_key": f"pdm:{org.id}:breach:{clock_id}",
                     "team_id": None, "channel": f"dm:{pdm.slack_user_id}", "thread_ts": None,
                     "payload": {"method": "chat.postMessage", "dm": pdm.slack_user_id,
                                 "args": message(text)},
                     "state": OutboxState.PENDING.value, "attempts": 0,
                     "next_attempt_at": now, "created_at": now})
    if rows:
        uow.session.execute(_insert(uow)(OutboxMessage).on_conflict_do_nothing(
            index_elements=["idempotency_key"]), rows)


def sweep(services: Services, *, limit: int = 1000, now: datetime | None = None) -> SweepReport:
    """Handle every clock whose next step is due at `now` (default: the services' clock)."""
    now = now or services.now()
    report = SweepReport()
    while True:
        token = f"{services.worker}:{uuid.uuid4().hex[:12]}"
        ids = claim_due_clocks(services.factory, now=now, limit=limit, worker=token)
        if not ids:
            return report
        report.batches += 1
        report.claimed += len(ids)
        with services.uow(actor="sweep") as uow:
            _handle(uow, services, ids, now=now, report=report, token=token)
            uow.commit()
        if len(ids) < limit:
            return report


