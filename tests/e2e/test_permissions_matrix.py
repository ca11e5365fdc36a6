"""Who may do what, over real HTTP: every role against every action, each cell its own test.

The roles: a partner on its own organisation's deal (Aiko, Sakura Digital, Japanese), a partner on
another organisation's deal (Dana, Northwind, English), the deal's GS (Hiro, Japanese), a PDM (Ken),
an admin, and a stranger who is not in the directory (Japanese Slack). The actions are driven with
the payloads Slack sends (slash commands, card and DM buttons, modal submissions). What is
expected comes from `bot.permissions` (the table and the ownership rule). A refused action
answers once, ephemerally, in the asker's language, opens no modal, and writes nothing: the whole
database reads the same afterwards and the audit log has no new entry. A stranger is told to ask
an admin. An allowed action does what it says, and the audit log names the person who did it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.i18n import t
from bot.messages import Reader
from bot.permissions import Action, allowed
from bot.usecases.clock_store import RESPONSE, start_clock
from bot.usecases.policy import roles
from bot.views.text import render_text
from rules.clocks import collaboration_clock
from rules.vocabulary import Edition, Motion, Role
from storage.models import (
    Absence,
    AuditEntry,
    BantUpdate,
    Base,
    Breach,
    CalendarClosure,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    DealThread,
    DiscountRequest,
    Extension,
    LineItem,
    OutboxMessage,
    OutboxState,
    Party,
    Poi,
    PoiStatus,
    RequestStatus,
)
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.deals_support import form, org_id, settle, submit
from tests.e2e.followup_support import (
    block_action,
    moment,
    response_url,
    text,
    view_submission,
)
from tests.e2e.support import TEAM, Harness
from tests.fakes.slack import FakeSlack

AIKO, DANA, HIRO, KEN, ADMIN = "U0AIKO01", "U0DANA01", "U0GSHIRO", "U0PDMKEN", "U0ADMIN1"
STRANGER = "U0STRANGE1"
SAKURA, NORTHWIND = "Sakura Digital KK", "Northwind Growth LLC"
CHANNEL = "C0DEALS"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass(frozen=True)
class Who:
    """A role of the matrix: who clicks, in which language, and whose deal it is."""

    user: str
    lang: str
    role: Role | None
    own: bool | None = None       # a partner: the deals acted on are its organisation's


ROLES: dict[str, Who] = {
    "partner_own": Who(AIKO, "ja", Role.PARTNER, own=True),
    "partner_other": Who(DANA, "en", Role.PARTNER, own=False),
    "gs": Who(HIRO, "ja", Role.GS),
    "pdm": Who(KEN, "en", Role.PDM),
    "admin": Who(ADMIN, "en", Role.ADMIN),
    "stranger": Who(STRANGER, "ja", None),
}


# -- the world every cell starts from ---------------------------------------------------------

@dataclass
class World:
    """Sakura Digital's deals in Japan (GS Hiro), written through storage: a registration
    waiting for its GS, a HubSpot deal offered to Sakura, and an accepted deal whose partner
    owes a reply, with a pending extension request, a pending discount and a breach."""

    harness: Harness
    clock: FakeClock
    registered: int
    offered: int
    accepted: int
    extension: int
    discount: int
    dead: int  # an outbox message given up on
    won: int = 0  # a won deal whose onboarding clock runs

    def version(self, deal_id: int) -> int:
        with self.harness.services.uow() as uow:
            return int(uow.deals.get(deal_id).version)

    def read(self, query: Callable[[Any], Any]) -> Any:
        with self.harness.services.uow() as uow:
            value = query(uow.session)
            uow.session.expunge_all()
            return value

    def person(self, user: str) -> int | None:
        with self.harness.services.uow() as uow:
            found = uow.directory.person(TEAM, user)
            return found.id if found is not None else None


def _deal(uow: Any, *, domain: str, company: str, status: DealStatus, motion: Motion,
          org: int, gs: int, registered_by: int, thread_ts: str, now: Any) -> Deal:
    deal = Deal(customer_domain=domain, company=company, currency="JPY", motion=motion,
                status=status, segment="smb", region_code="JP", gs_id=gs, partner_org_id=org,
                registered_by_id=registered_by, expected_close=date(2025, 12, 19))
    deal.items = [LineItem(line="marketing", edition=Edition.PROFESSIONAL,
                           mrr=Decimal("96000"))]
    uow.deals.add(deal, at=now)
    uow.session.add(DealThread(deal_id=deal.id, team_id=TEAM, channel_id=CHANNEL,
                               thread_ts=thread_ts, card_ts=thread_ts))
    uow.session.flush()
    return deal


@pytest.fixture
def world(harness: Harness, clock: FakeClock, slack: FakeSlack) -> World:
    slack.add_user(STRANGER, locale="ja-JP", tz="Asia/Tokyo")
    services = harness.services
    now = services.now()
    with services.uow(actor="setup") as uow:
        sakura = uow.directory.partner(SAKURA)
        hiro = uow.directory.person(TEAM, HIRO)
        aiko = uow.directory.person(TEAM, AIKO)
        assert sakura is not None and hiro is not None and aiko is not None
        registered = _deal(uow, domain="matrix-registered.co.jp", company="Matrix Registered KK",
                           status=DealStatus.REGISTERED, motion=Motion.PARTNER_SOURCED,
                           registered_by=aiko.id, thread_ts="1763700000.000101",
                           org=sakura.id, gs=hiro.id, now=now)
        offered = _deal(uow, domain="matrix-offered.co.jp", company="Matrix Offered KK",
                        status=DealStatus.OFFERED, motion=Motion.PARTNER_ASSISTED,
                        registered_by=hiro.id, thread_ts="1763700000.000102",
                        org=sakura.id, gs=hiro.id, now=now)
        record = collaboration_clock(now)
        uow.clocks.add(Clock(deal_id=offered.id, kind="collaboration", owed_by=Party.PARTNER,
                             started_at=record.started_at, due_at=record.due_at,
                             basis=record.basis.value, state=ClockState.RUNNING))
        accepted = _deal(uow, domain="matrix-accepted.co.jp", company="Matrix Accepted KK",
                         status=DealStatus.ACCEPTED, motion=Motion.PARTNER_SOURCED,
                         registered_by=aiko.id, thread_ts="1763700000.000103",
                         org=sakura.id, gs=hiro.id, now=now)
        row, _, _ = start_clock(uow, services.regions, accepted, kind=RESPONSE,
                                owed_by=Party.PARTNER, at=now)
        extension = Extension(clock_id=row.id, status=RequestStatus.REQUESTED,
                              reason="Waiting for the customer's board", requested_by_id=aiko.id,
                              extra_seconds=24 * 3600, requested_at=now)
        discount = DiscountRequest(deal_id=accepted.id, requested_by_id=aiko.id,
                                   description="10% off the first year",
                                   status=RequestStatus.REQUESTED, requested_at=now)
        uow.session.add_all([extension, discount])
        uow.breaches.add(Breach(partner_org_id=sakura.id, deal_id=accepted.id, kind="response",
                                occurred_at=now - timedelta(days=1)))
        uow.outbox.enqueue(key="matrix:dead", channel="C0GONE", at=now, payload={
            "method": "chat.postMessage", "args": {"channel": "C0GONE", "text": "Hello"}})
        dead = uow.outbox.by_key("matrix:dead")
        assert dead is not None
        dead.state, dead.attempts = OutboxState.DEAD, 8
        uow.session.flush()
        won = _deal(uow, domain="matrix-won.co.jp", company="Matrix Won KK",
                    status=DealStatus.WON, motion=Motion.PARTNER_SOURCED,
                    registered_by=aiko.id, thread_ts="1763700000.000104",
                    org=sakura.id, gs=hiro.id, now=now)
        won.subscription_start = now.date() - timedelta(days=1)
        start_clock(uow, services.regions, won, kind="onboarding", owed_by=Party.PARTNER,
                    at=now)
        made = World(harness, clock, registered.id, offered.id, accepted.id, extension.id,
                     discount.id, dead.id, won.id)
        uow.commit()
    clock.now = now + timedelta(minutes=5)
    return made


# -- what the ledger looks like ------------------------------------------------------------------

def snapshot(world: World) -> dict[str, list[str]]:
    """Every row of every table (as text), to compare before and after."""
    with world.harness.services.uow() as uow:
        connection = uow.session.connection()
        return {table.name: sorted(repr(tuple(row)) for row in
                                   connection.execute(table.select()).all())
                for table in Base.metadata.sorted_tables}


def audit_after(world: World, last: int) -> list[AuditEntry]:
    return list(world.read(lambda session: session.scalars(
        select(AuditEntry).where(AuditEntry.id > last)).all()))


def last_audit(world: World) -> int:
    return int(world.read(lambda session: session.scalar(select(func.max(AuditEntry.id)))) or 0)


# -- driving an action over HTTP -----------------------------------------------------------------

def command(world: World, who: Who, name: str, text_: str) -> None:
    assert world.harness.command(name, text_, user=who.user).status == 200


def click(world: World, who: Who, action_id: str, value: str, *, dm: bool = False) -> None:
    channel = f"D{who.user}" if dm else CHANNEL
    reply = world.harness.interaction(block_action(world.harness, who.user, action_id, value,
                                                   channel=channel))
    assert reply.status == 200, reply


def modal(world: World, who: Who, callback_id: str, before: int) -> dict[str, Any]:
    """The modal the last request opened (failing with the answer if it was refused)."""
    harness = world.harness

    def seen() -> Any:
        opened = [c.args["view"] for c in harness.slack.calls_of("views.open")
                  if (c.args.get("view") or {}).get("callback_id") == callback_id]
        return opened or harness.responses(who.user)[before:]
    found = harness.wait_for(seen)
    assert "callback_id" in found[0], f"refused instead of opening {callback_id}: {found}"
    view: dict[str, Any] = found[0]
    return view


def submit_view(world: World, who: Who, view: dict[str, Any],
                values: dict[str, dict[str, Any]]) -> None:
    reply = world.harness.interaction(view_submission(who.user, view["callback_id"], values,
                                                      private_metadata=view["private_metadata"]))
    assert reply.status == 200 and "errors" not in reply.body, reply.body


Drive = Callable[[World, Who, bool, int], "dict[str, Any] | None"]


def _register(world: World, who: Who, ok: bool, before: int) -> None:
    command(world, who, "/deal", "register")
    if ok:
        modal(world, who, "deal_register", before)
        region, currency = ("JP", "JPY") if who.user == AIKO else ("US", "USD")
        answer = submit(world.harness, who.user, "deal_register", form(
            domain="matrix-new.example", company="Matrix New", region=region,
            currency=currency))
        assert answer.get("response_action") == "update", answer


def _registered_by(world: World, who: Who) -> bool:
    return bool(world.read(lambda session: session.scalar(select(Deal.id).where(
        Deal.customer_domain == "matrix-new.example", Deal.status == DealStatus.REGISTERED,
        Deal.registered_by_id == world.person(who.user)))))


def _offer(world: World, who: Who, ok: bool, before: int) -> None:
    command(world, who, "/deal", "offer")
    if ok:
        modal(world, who, "deal_offer", before)
        answer = submit(world.harness, who.user, "deal_offer", form(
            domain="matrix-offer.example", company="Matrix Offer", qualified=(),
            partner=org_id(world.harness, SAKURA)))
        assert answer.get("response_action") == "update", answer


def _offered(world: World, who: Who) -> bool:
    del who
    return bool(world.read(lambda session: session.scalar(select(Deal.id).where(
        Deal.customer_domain == "matrix-offer.example", Deal.status == DealStatus.OFFERED))))


def _decide(action_id: str) -> Drive:
    def drive(world: World, who: Who, ok: bool, before: int) -> None:
        del ok, before
        click(world, who, action_id, f"{world.registered}:{world.version(world.registered)}")
    return drive


def _status_is(attribute: str, status: DealStatus) -> Callable[[World, Who], bool]:
    def check(world: World, who: Who) -> bool:
        del who
        deal_id = getattr(world, attribute)
        return bool(world.read(lambda session: session.get(Deal, deal_id).status) is status)
    return check


def _accept_offer(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    click(world, who, "offer_accept", f"{world.offered}:{world.version(world.offered)}")


def _bant(world: World, who: Who, ok: bool, before: int) -> None:
    command(world, who, "/deal", f"bant #{world.accepted}")
    if ok:
        view = modal(world, who, "followup_bant", before)
        submit_view(world, who, view, {
            "bant_budget": text("JPY 5m a year"), "bant_authority": text("The CFO decides"),
            "bant_need": text("One CRM for sales and service"),
            "bant_timing": text("January"), "bant_next_step": text("Demo"),
            "bant_close": {"type": "datepicker", "selected_date": None}})


def _bant_saved(world: World, who: Who) -> bool:
    return bool(world.read(lambda session: session.scalar(select(BantUpdate.id).where(
        BantUpdate.deal_id == world.accepted,
        BantUpdate.author_id == world.person(who.user)))))


def _poi(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/deal", f"poi #{world.accepted} signed 2025-11-20")


def _poi_saved(world: World, who: Who) -> bool:
    return bool(world.read(lambda session: session.scalar(select(Poi.id).where(
        Poi.deal_id == world.accepted, Poi.status == PoiStatus.SIGNED,
        Poi.recorded_by_id == world.person(who.user)))))


def _onboarding(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/deal", f"onboarding #{world.won} started")


def _onboarding_started(world: World, who: Who) -> bool:
    del who
    return bool(world.read(lambda session: session.scalar(select(Clock.id).where(
        Clock.deal_id == world.won, Clock.kind == "onboarding",
        Clock.state == ClockState.MET))))


def _ooo(world: World, who: Who, ok: bool, before: int) -> None:
    command(world, who, "/deal", "ooo")
    if ok:
        view = modal(world, who, "followup_ooo", before)
        now = world.clock.now
        submit_view(world, who, view, {
            "ooo_start": moment(now + timedelta(days=3)),
            "ooo_end": moment(now + timedelta(days=4)),
            "ooo_delegate": {"type": "users_select", "selected_user": None}})


def _ooo_saved(world: World, who: Who) -> bool:
    return bool(world.read(lambda session: session.scalar(select(Absence.id).where(
        Absence.person_id == world.person(who.user)))))


def _extend(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/deal", f"extend #{world.accepted} 24h Customer on holiday")


def _extension_filed(world: World, who: Who) -> bool:
    """A partner's request waits for its GS; a GS's or admin's is granted at once."""
    status = RequestStatus.REQUESTED if who.role is Role.PARTNER else RequestStatus.APPROVED
    return bool(world.read(lambda session: session.scalar(select(Extension.id).where(
        Extension.id != world.extension, Extension.status == status,
        Extension.reason == "Customer on holiday",
        Extension.requested_by_id == world.person(who.user)))))


def _approve_extension(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    click(world, who, "extension_approve", str(world.extension), dm=True)


def _extension_approved(world: World, who: Who) -> bool:
    row = world.read(lambda session: session.get(Extension, world.extension))
    return bool(row.status is RequestStatus.APPROVED
                and row.decided_by_id == world.person(who.user))


def _decline_extension(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    click(world, who, "extension_decline", str(world.extension), dm=True)


def _extension_declined(world: World, who: Who) -> bool:
    row = world.read(lambda session: session.get(Extension, world.extension))
    return bool(row.status is RequestStatus.DECLINED
                and row.decided_by_id == world.person(who.user))


def _discount(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/deal", f"discount #{world.accepted} 5% off services")


def _discount_filed(world: World, who: Who) -> bool:
    return bool(world.read(lambda session: session.scalar(select(DiscountRequest.id).where(
        DiscountRequest.description == "5% off services",
        DiscountRequest.requested_by_id == world.person(who.user)))))


def _approve_discount(world: World, who: Who, ok: bool, before: int) -> None:
    click(world, who, "discount_approve", str(world.discount), dm=True)
    if ok:
        view = modal(world, who, "followup_discount_approval", before)
        submit_view(world, who, view, {
            "discount_wording": text("HubSpot approves 10% off the first year only.")})


def _discount_approved(world: World, who: Who) -> bool:
    row = world.read(lambda session: session.get(DiscountRequest, world.discount))
    return bool(row.status is RequestStatus.APPROVED and row.written_approval
                and row.decided_by_id == world.person(who.user))


def _decline_discount(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    click(world, who, "discount_decline", str(world.discount), dm=True)


def _discount_declined(world: World, who: Who) -> bool:
    row = world.read(lambda session: session.get(DiscountRequest, world.discount))
    return bool(row.status is RequestStatus.DECLINED
                and row.decided_by_id == world.person(who.user))


def _close(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/deal", f"close won #{world.accepted}")


def _remove(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/deal", f"remove #{world.accepted} No reply after two reminders")


def _dismiss(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    click(world, who, "breach_dismiss", str(world.accepted))


def _dismissed(world: World, who: Who) -> bool:
    del who
    return not world.read(lambda session: session.scalars(select(Breach).where(
        Breach.deal_id == world.accepted)).all())


def _remove_after_breach(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    click(world, who, "breach_remove", str(world.accepted))


def _closure(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/deal", "closure add US-WA 2031-01-06 Matrix closure")


def _closure_added(world: World, who: Who) -> bool:
    del who
    return bool(world.read(lambda session: session.scalars(select(CalendarClosure)).all()))


def _retry(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    click(world, who, "admin_retry_message", str(world.dead))


def _retried(world: World, who: Who) -> bool:
    del who
    return bool(world.read(lambda session: session.get(OutboxMessage, world.dead).state
                           is not OutboxState.DEAD))


def _status(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/deal", f"status #{world.accepted}")


def _bpw(world: World, who: Who, ok: bool, before: int) -> None:
    del ok, before
    command(world, who, "/roe", "bpw A:poi:sourced B:poi:referred-by-A")


# The same actions with the modal submitted directly: a modal opened before the person's role
# changed, or a forged submission. The use case decides again; nothing relies on the command.

def _metadata(world: World, who: Who, **values: Any) -> str:
    return json.dumps({"response_url": response_url(world.harness, who.user), **values})


def _submitted(world: World, who: Who, callback_id: str, values: dict[str, dict[str, Any]],
               **metadata: Any) -> dict[str, Any]:
    reply = world.harness.interaction(view_submission(
        who.user, callback_id, values, private_metadata=_metadata(world, who, **metadata)))
    assert reply.status == 200, reply
    answer: dict[str, Any] = json.loads(reply.body) if reply.body else {}
    return answer


def _register_modal(world: World, who: Who, ok: bool, before: int) -> dict[str, Any]:
    del ok, before
    region, currency = ("JP", "JPY") if who.user in (AIKO, HIRO) else ("US", "USD")
    return submit(world.harness, who.user, "deal_register", form(
        domain="matrix-new.example", company="Matrix New", region=region, currency=currency))


def _offer_modal(world: World, who: Who, ok: bool, before: int) -> dict[str, Any]:
    del ok, before
    return submit(world.harness, who.user, "deal_offer", form(
        domain="matrix-offer.example", company="Matrix Offer", qualified=(),
        partner=org_id(world.harness, SAKURA)))


def _bant_modal(world: World, who: Who, ok: bool, before: int) -> dict[str, Any]:
    del ok, before
    return _submitted(world, who, "followup_bant", {
        "bant_budget": text("JPY 5m a year"), "bant_authority": text("The CFO decides"),
        "bant_need": text("One CRM"), "bant_timing": text("January"),
        "bant_close": {"type": "datepicker", "selected_date": None}}, deal_id=world.accepted)


def _ooo_modal(world: World, who: Who, ok: bool, before: int) -> dict[str, Any]:
    del ok, before
    now = world.clock.now
    return _submitted(world, who, "followup_ooo", {
        "ooo_start": moment(now + timedelta(days=3)), "ooo_end": moment(now + timedelta(days=4)),
        "ooo_delegate": {"type": "users_select", "selected_user": None}})


def _extension_modal(world: World, who: Who, ok: bool, before: int) -> dict[str, Any]:
    del ok, before
    return _submitted(world, who, "followup_extension", {
        "ext_hours": text("24"), "ext_until": {"type": "datetimepicker",
                                               "selected_date_time": None},
        "ext_reason": text("Customer on holiday")}, deal_id=world.accepted)


def _discount_modal(world: World, who: Who, ok: bool, before: int) -> dict[str, Any]:
    del ok, before
    return _submitted(world, who, "followup_discount_approval", {
        "discount_wording": text("HubSpot approves 10% off the first year only.")},
        discount_id=world.discount)


@dataclass(frozen=True)
class Act:
    """An action of the matrix: the permission it needs, how it is driven over HTTP, and what it
    leaves in the ledger when it is allowed (None: it only answers, `answers` says what)."""

    action: Action
    on_deal: bool
    drive: Drive
    done: Callable[[World, Who], bool] | None = None
    answers: Callable[[str], str] | None = None     # the allowed answer contains this (by lang)
    refused_key: str = "error.not_allowed"
    grants: Action | None = None                     # the same request made by staff grants it
    staff_only: bool = False                         # names other partners (confidentiality)
    in_ack: bool = False                             # refused inline, in the modal (errors)
    by_modal: bool = False                           # a modal submitted (a stranger: inline)


ACTS: dict[str, Act] = {
    "register_deal": Act(Action.REGISTER_DEAL, False, _register, _registered_by),
    "offer_deal": Act(Action.OFFER_DEAL, False, _offer, _offered),
    "accept_registration": Act(Action.DECIDE_REGISTRATION, True, _decide("deal_accept"),
                               _status_is("registered", DealStatus.ACCEPTED)),
    "decline_registration": Act(Action.DECIDE_REGISTRATION, True, _decide("deal_decline"),
                                _status_is("registered", DealStatus.DECLINED)),
    "accept_offer": Act(Action.ANSWER_OFFER, True, _accept_offer,
                        _status_is("offered", DealStatus.ACCEPTED)),
    "update_bant": Act(Action.UPDATE_BANT, True, _bant, _bant_saved),
    "record_poi": Act(Action.UPDATE_POI, True, _poi, _poi_saved),
    "record_onboarding": Act(Action.RECORD_ONBOARDING, True, _onboarding, _onboarding_started),
    "register_ooo": Act(Action.REGISTER_ABSENCE, False, _ooo, _ooo_saved),
    "request_extension": Act(Action.REQUEST_EXTENSION, True, _extend, _extension_filed,
                             grants=Action.GRANT_EXTENSION),
    "approve_extension": Act(Action.GRANT_EXTENSION, True, _approve_extension,
                             _extension_approved),
    "decline_extension": Act(Action.GRANT_EXTENSION, True, _decline_extension,
                             _extension_declined),
    "request_discount": Act(Action.REQUEST_DISCOUNT, True, _discount, _discount_filed),
    "approve_discount": Act(Action.APPROVE_DISCOUNT, True, _approve_discount,
                            _discount_approved),
    "decline_discount": Act(Action.APPROVE_DISCOUNT, True, _decline_discount,
                            _discount_declined),
    "close_deal": Act(Action.CLOSE_DEAL, True, _close, _status_is("accepted", DealStatus.WON)),
    "remove_partner": Act(Action.REMOVE_PARTNER, True, _remove,
                          _status_is("accepted", DealStatus.REMOVED)),
    "dismiss_breach": Act(Action.DISMISS_BREACH, True, _dismiss, _dismissed,
                          refused_key="breach.not_allowed"),
    "remove_after_breach": Act(Action.REMOVE_PARTNER, True, _remove_after_breach,
                               _status_is("accepted", DealStatus.REMOVED),
                               refused_key="breach.not_allowed"),
    "change_calendar": Act(Action.CHANGE_CALENDAR, False, _closure, _closure_added),
    "retry_message": Act(Action.RETRY_MESSAGE, False, _retry, _retried),
    "view_status": Act(Action.VIEW_DEAL, True, _status,
                       answers=lambda lang: "Matrix Accepted KK"),
    "roe_bpw": Act(Action.ASK_RULES, False, _bpw, staff_only=True,
                   answers=lambda lang: "決定" if lang == "ja" else "Decided"),
    # the same, with the modal submitted directly (opened before a role changed, or forged)
    "register_deal_by_modal": Act(Action.REGISTER_DEAL, False, _register_modal,
                                  _registered_by, in_ack=True, by_modal=True),
    "offer_deal_by_modal": Act(Action.OFFER_DEAL, False, _offer_modal, _offered, in_ack=True,
                               by_modal=True),
    "update_bant_by_modal": Act(Action.UPDATE_BANT, True, _bant_modal, _bant_saved,
                                by_modal=True),
    "register_ooo_by_modal": Act(Action.REGISTER_ABSENCE, False, _ooo_modal, _ooo_saved,
                                 by_modal=True),
    "request_extension_by_modal": Act(Action.REQUEST_EXTENSION, True, _extension_modal,
                                      _extension_filed, grants=Action.GRANT_EXTENSION,
                                      by_modal=True),
    "approve_discount_by_modal": Act(Action.APPROVE_DISCOUNT, True, _discount_modal,
                                     _discount_approved, by_modal=True),
}


def expected(who: Who, act: Act) -> str:
    """`ok`, or why the bot refuses: `stranger`, `not_allowed`, `not_your_deal`, `staff_only`."""
    if who.role is None:
        return "stranger"
    permitted = allowed(who.role, act.action) or (
        act.grants is not None and allowed(who.role, act.grants))
    if not permitted:
        return "not_allowed"
    if act.on_deal and who.own is False:
        return "not_your_deal"
    if act.staff_only and who.role is Role.PARTNER:
        return "staff_only"
    return "ok"


def refusal_text(who: Who, act: Act, why: str) -> str:
    return {
        "stranger": lambda: t("error.unknown_user", who.lang),
        "not_allowed": lambda: t(act.refused_key, who.lang,
                                 roles=render_text(roles(act.action), Reader(who.lang, UTC))),
        # another organisation's deal reads as a missing one: "none of yours is #N"
        "not_your_deal": lambda: t("error.no_deal_of_yours", who.lang, deal="{N}"),
        "staff_only": lambda: t("roe.bpw.staff_only", who.lang),
    }[why]()


# -- the matrix ----------------------------------------------------------------------------------

CELLS = [pytest.param(role, action, id=f"{role}-{action}-{expected(ROLES[role], ACTS[action])}")
         for action in ACTS for role in ROLES]


def test_the_matrix_follows_the_permissions_table() -> None:
    """The table above says what bot.permissions says (a guard on the expectations)."""
    assert expected(ROLES["partner_own"], ACTS["accept_offer"]) == "ok"
    assert expected(ROLES["partner_other"], ACTS["accept_offer"]) == "not_your_deal"
    assert expected(ROLES["partner_own"], ACTS["close_deal"]) == "not_allowed"
    assert expected(ROLES["gs"], ACTS["register_deal"]) == "not_allowed"
    assert expected(ROLES["gs"], ACTS["request_extension"]) == "ok"       # granted at once
    assert expected(ROLES["pdm"], ACTS["view_status"]) == "ok"
    assert expected(ROLES["pdm"], ACTS["update_bant"]) == "not_allowed"
    assert expected(ROLES["partner_own"], ACTS["roe_bpw"]) == "staff_only"
    assert {expected(ROLES["stranger"], act) for act in ACTS.values()} == {"stranger"}
    assert {act.action for act in ACTS.values()} == set(Action)   # every action is driven


@pytest.mark.parametrize(("role", "action"), CELLS)
def test_permission(world: World, role: str, action: str) -> None:
    who, act = ROLES[role], ACTS[action]
    why = expected(who, act)
    harness = world.harness
    settle(harness)
    before_rows = snapshot(world)
    before_audit = last_audit(world)
    before_answers = len(harness.responses(who.user))
    before_views = len(harness.slack.calls_of("views.open"))

    ack = act.drive(world, who, why == "ok", before_answers)

    if why == "ok":
        if act.done is not None:
            harness.wait_for(lambda: act.done(world, who))   # type: ignore[misc]
            entries = audit_after(world, before_audit)
            assert any(e.actor == who.user for e in entries), "the audit log names the actor"
            assert {e.actor for e in entries} <= {who.user, "outbox"}, entries   # the dispatcher
        else:  # a question: answered, nothing written
            [answer] = harness.wait_for(lambda: harness.responses(who.user)[before_answers:])
            assert act.answers is not None
            assert act.answers(who.lang) in answer["text"], answer["text"]
            assert answer["response_type"] == "ephemeral"
            assert snapshot(world) == before_rows
        settle(harness)
        for answer in harness.responses(who.user)[before_answers:]:   # in the asker's language
            shown = json.dumps(answer, ensure_ascii=False)
            assert bool(JAPANESE.search(shown)) == (who.lang == "ja"), shown[:400]
        return

    inline = act.in_ack or (act.by_modal and why == "stranger")
    if inline:   # a modal's problem is shown beside its field, in the modal
        assert ack is not None and ack.get("response_action") == "errors", ack
        assert len(ack["errors"]) == 1, ack
        answer = {"text": next(iter(ack["errors"].values())), "response_type": "ephemeral"}
        answers = [answer]
    else:
        answers = harness.wait_for(lambda: harness.responses(who.user)[before_answers:])
        assert len(answers) == 1, answers
        [answer] = answers
    assert answer["response_type"] == "ephemeral" and not answer.get("replace_original")
    wanted = refusal_text(who, act, why)
    if why == "not_your_deal":
        pattern = re.escape(wanted).replace(re.escape("{N}"), r"\d+")
        assert re.fullmatch(pattern, answer["text"]), (answer["text"], wanted)
    else:
        assert answer["text"] == wanted
    if why == "stranger":
        assert "管理者" in answer["text"]          # ask an admin (in the stranger's Japanese)
    assert bool(JAPANESE.search(answer["text"])) == (who.lang == "ja")
    assert len(harness.slack.calls_of("views.open")) == before_views, "no modal opens"
    assert last_audit(world) == before_audit, audit_after(world, before_audit)
    assert snapshot(world) == before_rows
    if not inline:
        assert harness.responses(who.user)[before_answers:] == answers   # answered once
