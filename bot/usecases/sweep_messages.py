"""What the sweep says, as typed messages (`bot.messages`): the reminders of a step, the breach
and lapse notices, the channel digests of many reminders at once, and the PDM's notice of a
partner's third breach. A reply the GS owes has its own words (`reminder.gs_response.*`): the
thread reminder and the DMs address the GS, and its breach notice carries no Extend or Remove
buttons (those act on a partner's breach) but tells the GS and the region's escalation contact.
Rendered at send time, for the reader where each lands."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.messages import (
    Button,
    Outgoing,
    Param,
    Text,
    ToChannel,
    ToPerson,
    ToThread,
    Typed,
    due_param,
)
from bot.usecases.reminder_currency import step_key
from bot.usecases.sweep_batch import Batch
from rules.clocks import Clock as RulesClock
from rules.clocks import hours_left
from rules.escalation import Action, Audience, PlannedStep
from storage.models import Breach, Party, Person
from storage.repositories.due_clocks import DueClock, DueDeal

__all__ = ["BREACH_BUTTONS", "DIGEST_LINES", "DIGEST_THRESHOLD", "GS_BREACH_BUTTONS",
           "PDM_LISTED", "REMINDER_BUTTONS", "act", "digests", "pdm_notices"]

DIGEST_THRESHOLD = 5
# Slack refuses a section over 3,000 characters: a digest goes out in parts of 20 lines, each
# line's company name cut to fit (a date token is about 80 characters)
DIGEST_LINES = 20
DIGEST_COMPANY_CHARS = 40
REMINDER_BUTTONS = ("bant_open", "ooo_open", "extension_open")
BREACH_BUTTONS = ("breach_extend", "breach_remove", "breach_dismiss", "breach_timeline")
GS_BREACH_BUTTONS = ("breach_timeline",)  # the evidence; extend and remove are partners'
_LABELS = {name: Text(f"button.{name}") for name in (*REMINDER_BUTTONS, *BREACH_BUTTONS)}


@lru_cache(maxsize=4096)  # a deal's thread reminder and its DMs carry the same (immutable) ones
def buttons(deal_id: int, names: tuple[str, ...], clock_id: int | None = None
            ) -> tuple[Button, ...]:
    """The named buttons (`bant_open`, ..., `breach_remove` with its confirmation), each
    carrying the deal id; a breach notice's carry `deal:clock`, so each acts on the breached
    clock (`bot.listeners.actions.breach_actions` reads both forms)."""
    def value(name: str) -> str:
        return f"{deal_id}:{clock_id}" if name in BREACH_BUTTONS and clock_id is not None \
            else str(deal_id)
    return tuple(Button(name, _LABELS.get(name) or Text(f"button.{name}"), value(name),
                        style="danger" if name == "breach_remove" else None,
                        confirm="breach.confirm" if name == "breach_remove" else None)
                 for name in names)


def _owners(batch: Batch, deal: DueDeal, row: DueClock) -> list[Person]:
    if row.owed_by.value == "gs":
        gs = batch.person(deal.gs_id)
        return [gs] if gs is not None else []
    registered = batch.person(deal.registered_by_id)
    if registered is not None and registered.partner_org_id == deal.partner_org_id:
        return [registered]
    return batch.org_people.get(deal.partner_org_id or -1, [])


def _dm(batch: Batch, key: str, person: Person, lines: tuple[Text, ...], deal: DueDeal, *,
        names: tuple[str, ...] = (), clock_id: int | None = None) -> None:
    # the key names the Slack user, as it always has (a step's messages stay unique)
    batch.outgoing.append(Outgoing(f"{key}:dm:{person.slack_user_id}", ToPerson(person.id), lines,
                                   buttons(deal.id, names, clock_id) if names else (),
                                   deal_id=deal.id))


def _kind(row: DueClock) -> str:
    return row.kind if row.kind in ("collaboration", "onboarding", "poi") else "response"


def act(batch: Batch, row: DueClock, deal: DueDeal, *, step: PlannedStep, clock: RulesClock,
        left: timedelta) -> None:
    """Queue (in the batch) the messages of one step. An extension re-arms a clock's steps
    (planned again from its new due time): their messages are keyed by how many extensions the
    clock has had, so a step taken before is said again, and once, for the new due time."""
    key = step_key(row.id, step.key, len(clock.extensions))
    if row.owed_by is Party.GS:
        _gs_step(batch, key, row, deal, step=step, clock=clock, left=left)
        return
    kind = _kind(row)
    company = Typed(deal.company)
    if step.action in (Action.REMIND, Action.DIRECT_MESSAGE):
        _remind(batch, key, row, deal, step=step, clock=clock, left=left)
        return
    gs = batch.person(deal.gs_id)
    if step.action is Action.LAPSE:
        lapsed = (Text("reminder.collaboration.lapsed", {"company": company}),)
        if deal.channel_id is not None:
            batch.outgoing.append(Outgoing(key, ToThread(deal.id), lapsed))
        for person in [*_owners(batch, deal, row), *([gs] if gs else [])]:
            _dm(batch, key, person, lapsed, deal)
        return
    # a breach: the GS in the thread with what to do, the PDM for onboarding
    due = due_param(row.kind, row.due_at, batch.zone(deal))
    notice = Text(f"reminder.{kind}.breach", {"company": company, "due": due})
    if gs is not None:
        notice = Text("reminder.mention", {"user": gs.slack_user_id, "text": notice})
    if deal.channel_id is not None:
        batch.outgoing.append(Outgoing(key, ToThread(deal.id), (notice,),
                                       buttons(deal.id, BREACH_BUTTONS, row.id)))
    elif gs is not None:
        _dm(batch, key, gs, (notice,), deal, names=BREACH_BUTTONS, clock_id=row.id)
    if Audience.PDM in step.audience:
        org = batch.orgs.get(deal.partner_org_id or -1)
        pdm = batch.person(org.pdm_id) if org is not None else None
        if org is not None and pdm is not None:
            _dm(batch, key, pdm, (Text(f"reminder.{kind}.breach_pdm",
                                       {"company": company, "partner": Typed(org.name)}),), deal)


def _remind(batch: Batch, key: str, row: DueClock, deal: DueDeal, *, step: PlannedStep,
            clock: RulesClock, left: timedelta) -> None:
    kind = _kind(row)
    hours = hours_left(left)
    params: dict[str, Param] = {"company": Typed(deal.company),
                               "due": due_param(row.kind, row.due_at, batch.zone(deal))}
    names = REMINDER_BUTTONS if kind == "response" else ()
    if Audience.THREAD in step.audience and deal.channel_id is not None:
        message = Outgoing(key, ToThread(deal.id),
                           (Text(f"reminder.{kind}.thread", params, hours),),
                           buttons(deal.id, names) if names else ())
        batch.thread_reminders[f"{deal.channel_id}|{deal.partner_org_id}"].append(
            (message, deal, row, batch.lang(deal)))
    dm = (Text(f"reminder.{kind}.dm", params, hours),)
    for audience in step.audience:
        if audience is Audience.OWNER:
            for person in _owners(batch, deal, row):
                _dm(batch, key, person, dm, deal, names=names)
        elif audience is Audience.DELEGATE:
            for absence in clock.delegated:
                delegate = batch.by_slack_id.get(absence.delegate or "")
                if absence.covers(step.at) and delegate is not None:
                    _dm(batch, key, delegate, (Text("reminder.delegate", params, hours),), deal,
                        names=names)
        elif audience is Audience.GS:
            gs = batch.person(deal.gs_id)
            if gs is not None:
                _dm(batch, key, gs, dm, deal)


def _gs_step(batch: Batch, key: str, row: DueClock, deal: DueDeal, *, step: PlannedStep,
             clock: RulesClock, left: timedelta) -> None:
    """A step of a reply the GS owes: reminded as a partner's is (the thread, addressed to
    the GS, then a DM), and at breach a notice in the thread, a DM to the GS and one to the
    escalation contact (the region's, else the partner's PDM)."""
    gs = batch.person(deal.gs_id) or batch.person(row.owed_by_person_id)
    params: dict[str, Param] = {"company": Typed(deal.company),
                               "due": due_param(row.kind, row.due_at, batch.zone(deal))}
    if step.action in (Action.REMIND, Action.DIRECT_MESSAGE):
        hours = hours_left(left)
        said = Text("reminder.gs_response.thread", params, hours)
        if Audience.THREAD in step.audience and deal.channel_id is not None:
            batch.outgoing.append(Outgoing(key, ToThread(deal.id), (
                Text("reminder.mention", {"user": gs.slack_user_id, "text": said})
                if gs is not None else said,)))
        for audience in step.audience:
            if audience is Audience.OWNER and gs is not None:
                _dm(batch, key, gs, (Text("reminder.gs_response.dm", params, hours),), deal)
            elif audience is Audience.DELEGATE:
                for absence in clock.delegated:
                    delegate = batch.by_slack_id.get(absence.delegate or "")
                    if absence.covers(step.at) and delegate is not None:
                        _dm(batch, key, delegate, (Text("reminder.delegate", params, hours),),
                            deal)
        return
    notice = Text("reminder.gs_response.breach", params)
    if deal.channel_id is not None:
        batch.outgoing.append(Outgoing(key, ToThread(deal.id), (
            Text("reminder.mention", {"user": gs.slack_user_id, "text": notice})
            if gs is not None else notice,), buttons(deal.id, GS_BREACH_BUTTONS, row.id)))
    if gs is not None:
        _dm(batch, key, gs, (Text("reminder.gs_response.breach_dm", params),), deal,
            names=GS_BREACH_BUTTONS, clock_id=row.id)
    contact = batch.escalation_contact(deal)
    org = batch.orgs.get(deal.partner_org_id or -1)
    if contact is not None and contact is not gs:
        _dm(batch, key, contact, (Text("reminder.gs_response.breach_escalation", {
            **params, "gs": Typed(gs.name if gs is not None else "-"),
            "partner": Typed(org.name if org is not None else "-")}),), deal,
            names=GS_BREACH_BUTTONS, clock_id=row.id)


def digests(batch: Batch) -> None:
    """Thread reminders: one by one, or one digest per channel and partner organisation when
    many fall due at once (in parts of `DIGEST_LINES` lines, under Slack's 3,000 characters)."""
    for group, items in batch.thread_reminders.items():
        channel, org_id = group.split("|", 1)
        org = batch.orgs.get(int(org_id)) if org_id.isdigit() else None
        # a digest is posted in the channel itself, outside the threads: only where the
        # organisation's own people read it (its own channel); elsewhere each thread is told
        if len(items) < DIGEST_THRESHOLD or org is None or org.channel_id != channel:
            batch.outgoing.extend(message for message, _, _, _ in items)
            continue
        langs = [lang for _, _, _, lang in items]
        lang = max(sorted(set(langs)), key=langs.count)
        for start in range(0, len(items), DIGEST_LINES):
            part = items[start:start + DIGEST_LINES]
            batch.outgoing.append(_digest(group, channel, lang, part, batch))


def _digest(group: str, channel: str, lang: str,
            part: Sequence[tuple[Outgoing, DueDeal, DueClock, str]], batch: Batch) -> Outgoing:
    keys = sorted(message.key for message, _, _, _ in part)
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
    lines = tuple(Text("reminder.digest.line",
                       {"company": Typed(deal.company[:DIGEST_COMPANY_CHARS]),
                        "due": due_param(row.kind, row.due_at, batch.zone(deal))})
                  for _, deal, row, _ in part)
    # about its deals (one organisation's: the group is per channel and organisation), so the
    # recipient door checks the channel's readers against the first of them
    return Outgoing(f"digest:{group}:{digest}", ToChannel(channel, lang),
                    (Text("reminder.digest.head", {}, len(part)), *lines),
                    deal_id=part[0][1].id)


PDM_LISTED = 5  # the breaches a PDM's notice lists, newest first


def pdm_notices(batch: Batch, counts: dict[int, int], threshold: int, at: datetime,
                listed: dict[int, Sequence[tuple[Breach, str | None]]]) -> None:
    """A PDM hears when one of their partners reaches `threshold` breaches (`counts`, in the
    window): one notice per organisation, however many breaches at once, listing the newest
    `PDM_LISTED` of them (`listed`) so the PDM can act without looking them up."""
    latest: dict[int, int] = {}
    for breach in batch.breaches:
        if breach["owed_by"] is not Party.PARTNER:
            continue  # a GS's breach is on no organisation's record
        org_id, clock_id = int(str(breach["partner_org_id"])), int(str(breach["clock_id"]))
        latest[org_id] = max(latest.get(org_id, 0), clock_id)
    for org_id, clock_id in sorted(latest.items()):
        org = batch.orgs.get(org_id)
        count = int(counts.get(org_id, 0))
        pdm = batch.person(org.pdm_id) if org is not None else None
        if org is None or pdm is None or count < threshold:
            continue
        zone = ZoneInfo(pdm.timezone)
        lines = tuple(Text(
            "reminder.pdm_breach_line" if row.deal_id is not None
            else "reminder.pdm_breach_line_no_deal", {
                "date": row.occurred_at.astimezone(zone).date(), "deal": row.deal_id,
                "company": Typed(company or ""),
                "kind": Text(f"reminder.pdm_breach_kind.{row.kind}")})
            for row, company in listed.get(org_id, ())[:PDM_LISTED])
        batch.outgoing.append(Outgoing(
            f"pdm:{org.id}:breach:{clock_id}", ToPerson(pdm.id),
            (Text("reminder.pdm_breaches", {"partner": Typed(org.name)}, count), *lines), at=at))
