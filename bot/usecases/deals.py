"""A shared deal's life: register, offer, accept or decline, close, remove the partner, POI.

    deal_id = register_deal(services, actor, form)      # then runtime.delivered()

Each use case checks the actor's permission (`bot.permissions`), works in one unit of work acting
as the Slack user (storage audits every change), queues the deal card's refresh and the direct
messages in the same transaction, and commits. What a person must be told about a refusal is a
`DealProblem`: a message key with its parameters (and the modal field it belongs to), rendered by
the listener in that person's language.

Confidentiality: a Best Partner Wins case (another partner's open deal on the same customer) is
told to GSs and PDMs by direct message only; nothing a partner sees mentions it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject
from sqlalchemy import select

from bot.i18n import lang_of, t
from bot.outbox import enqueue
from bot.permissions import PERMISSIONS, Action, allowed
from bot.usecases.cards import refresh_card
from bot.views.deal_card import card_blocks, escape, load_card, plain_date  # + its renderer
from rules.clocks import collaboration_clock
from rules.escalation import plan
from rules.shared_selling import collaboration
from rules.vocabulary import Edition, Motion, Outcome, Role
from storage.errors import ChangedMeanwhileError, DuplicateDealError, NotFoundError
from storage.models import (
    BpwCase,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    DealThread,
    GsRoute,
    LineItem,
    PartnerOrg,
    Party,
    Person,
    Poi,
    PoiStatus,
    Region,
)

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services
    from storage.unit_of_work import UnitOfWork

__all__ = [
    "SEGMENTS",
    "DealInput",
    "DealProblem",
    "Done",
    "ItemInput",
    "answer_offer",
    "close_deal",
    "deal_summary",
    "decide_registration",
    "default_region",
    "find_deal_id",
    "message",
    "metadata",
    "offer_deal",
    "open_deals",
    "partner_choices",
    "record_poi",
    "register_deal",
    "remove_partner",
    "roles_text",
]

SEGMENTS: tuple[str, ...] = ("smb", "mid", "enterprise")
_ROLE_ORDER = (Role.GS, Role.PDM, Role.PARTNER, Role.ADMIN)


@dataclass(frozen=True)
class ItemInput:
    """One product line of a deal form."""

    line: str
    edition: Edition | None
    mrr: Decimal


@dataclass(frozen=True)
class DealInput:
    """A validated deal form (registration or offer)."""

    domain: str
    company: str
    region: str
    segment: str
    currency: str
    items: tuple[ItemInput, ...]
    expected_close: date | None = None
    subscription_start: date | None = None
    partner_org_id: int | None = None


class DealProblem(Exception):  # noqa: N818 - a refusal to tell someone, not a failure
    """Why a deal action was refused, as a message key with parameters; `field` is the modal
    block the message belongs to, when there is one."""

    def __init__(self, key: str, *, field: str | None = None, action: Action | None = None,
                 **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.action = action
        self.params = params

    def text(self, lang: str, tz: ZoneInfo | None = None) -> str:
        """The message in `lang` (times in `tz`)."""
        params = dict(self.params)
        if self.action is not None:
            params["roles"] = roles_text(self.action, lang)
        return message(self.key, lang, tz, params)


@dataclass
class Done:
    """What a use case did, for the listener to confirm (a message key and parameters)."""

    deal_id: int
    key: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self, lang: str, tz: ZoneInfo | None = None) -> str:
        """The confirmation in `lang` (times in `tz`)."""
        return message(self.key, lang, tz, self.params)


def message(key: str, lang: str, tz: ZoneInfo | None, params: dict[str, object]) -> str:
    """A deals message: instants shown in `tz`, `status_key` as the status's name."""
    shown: dict[str, object] = {}
    for name, value in params.items():
        if name == "status_key":
            shown["status"] = t(f"deals.status.{value}", lang)
        elif isinstance(value, datetime):
            shown[name] = plain_date(value, lang, tz)
        else:
            shown[name] = value
    return t(key, lang, **shown)


def roles_text(action: Action, lang: str) -> str:
    """`Growth Specialists or admins`: who may take `action`, in `lang`."""
    names = [t(f"role.{role.value}", lang) for role in _ROLE_ORDER if role in PERMISSIONS[action]]
    if len(names) == 1:
        return names[0]
    return t("roles.joined", lang, first=", ".join(names[:-1]), last=names[-1])


# -- helpers ---------------------------------------------------------------------------------


def _require(actor: Actor, action: Action, deal: Deal | None = None) -> None:
    if actor.role is None or actor.role not in PERMISSIONS[action]:
        raise DealProblem("error.not_allowed", action=action)
    own = None if deal is None or actor.role is not Role.PARTNER \
        else actor.owns(deal.partner_org_id)
    if not allowed(actor.role, action, own_deal=own):
        raise DealProblem("error.not_your_deal")


def _get(uow: UnitOfWork, deal_id: int) -> Deal:
    try:
        return uow.deals.get(deal_id)
    except NotFoundError:
        raise DealProblem("deals.error.not_found", deal=deal_id) from None


def _check_version(uow: UnitOfWork, deal_id: int, version: int | None) -> None:
    if version is None:
        return
    try:
        uow.deals.get(deal_id, expected_version=version)
    except ChangedMeanwhileError:
        raise DealProblem("error.changed_meanwhile") from None


def _commit(uow: UnitOfWork) -> None:
    try:
        uow.commit()
    except ChangedMeanwhileError:
        raise DealProblem("error.changed_meanwhile") from None


def _person(uow: UnitOfWork, actor: Actor) -> Person:
    person = uow.directory.person(actor.team_id, actor.user_id)
    if person is None:
        raise DealProblem("error.unknown_user")
    return person


def _ensure_region(uow: UnitOfWork, services: Services, code: str) -> None:
    """Regions of the calendar table are added to the ledger on first use."""
    if uow.directory.region(code) is not None:
        return
    spec = services.regions.spec(code)
    uow.session.add(Region(code=spec.code, country=spec.country, subdiv=spec.subdiv,
                           timezone=spec.timezone, workweek=sorted(spec.workweek), closures={}))
    uow.session.flush()


def _route(uow: UnitOfWork, region: str, segment: str) -> Person | None:
    """The GS for a region and segment; a subdivision (US-CA) falls back to its country."""
    gs = uow.directory.gs_for(region, segment)
    if gs is None and "-" in region:
        gs = uow.directory.gs_for(region.split("-", 1)[0], segment)
    return gs


def _lang(person: Person) -> str:
    return lang_of(person.locale)


def _tz(person: Person) -> ZoneInfo:
    try:
        return ZoneInfo(person.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _dm(uow: UnitOfWork, key: str, person: Person, text: str,
        blocks: list[dict[str, Any]] | None = None) -> None:
    args: dict[str, Any] = {"text": text}
    if blocks:
        args["blocks"] = blocks
    enqueue(uow, key=key, payload={"method": "chat.postMessage", "dm": person.slack_user_id,
                                   "args": args}, team_id=person.slack_team_id)


def _partner_people(uow: UnitOfWork, org_id: int | None) -> Sequence[Person]:
    if org_id is None:
        return []
    return uow.session.scalars(select(Person).where(
        Person.partner_org_id == org_id, Person.role == Role.PARTNER,
        Person.active.is_(True)).order_by(Person.id)).all()


def _mention(person: Person | None) -> str:
    return f"<@{person.slack_user_id}>" if person is not None else "-"


def _deal_args(deal: Deal) -> dict[str, object]:
    return {"deal": deal.id, "company": escape(deal.company), "domain": deal.customer_domain}


def _stop_clocks(uow: UnitOfWork, deal: Deal, now: datetime, state: ClockState,
                 *, kinds: Sequence[str] | None = None, owed_by: Party | None = None) -> None:
    for clock in uow.clocks.running(deal.id):
        if kinds is not None and clock.kind not in kinds:
            continue
        if owed_by is not None and clock.owed_by is not owed_by:
            continue
        clock.state = state
        clock.stopped_at = now
        clock.next_action_at = None


def _new_deal(uow: UnitOfWork, services: Services, form: DealInput, *, motion: Motion,
              status: DealStatus, gs: Person | None, partner_org_id: int,
              registered_by: Person, now: datetime, actor: Actor) -> Deal:
    _ensure_region(uow, services, form.region)
    deal = Deal(customer_domain=form.domain, company=form.company, currency=form.currency,
                motion=motion, status=status, segment=form.segment, region_code=form.region,
                gs_id=gs.id if gs else None, partner_org_id=partner_org_id,
                registered_by_id=registered_by.id, expected_close=form.expected_close,
                subscription_start=form.subscription_start,
                items=[LineItem(line=i.line, edition=i.edition, mrr=i.mrr) for i in form.items])
    try:
        uow.deals.add(deal, at=now)
    except DuplicateDealError as error:
        raise DealProblem("deals.error.duplicate", field="domain", domain=error.domain,
                          deal=error.deal_id if error.deal_id is not None else "?") from None
    # the deal's thread lives in its partner's own (Slack Connect) channel when it has one, so a
    # partner never sees another partner's cards; the configured deal channel otherwise
    org = uow.session.get(PartnerOrg, deal.partner_org_id) if deal.partner_org_id else None
    channel = (org.channel_id if org is not None else None) or services.settings.deal_channel
    uow.session.add(DealThread(deal_id=deal.id, team_id=actor.team_id, channel_id=channel))
    uow.session.flush()
    return deal


def _tell_unrouted(uow: UnitOfWork, deal: Deal) -> None:
    for admin in uow.directory.staff(Role.ADMIN):
        lang = _lang(admin)
        _dm(uow, f"deal:{deal.id}:no_gs:{admin.id}", admin,
            t("deals.dm.no_gs", lang, region=deal.region_code, segment=deal.segment,
              **_deal_args(deal)))


def _tell_best_partner_wins(uow: UnitOfWork, deal: Deal) -> None:
    """Staff only: the GSs of every deal in the case and the PDMs of every partner in it."""
    case = uow.session.get(BpwCase, deal.bpw_case_id) if deal.bpw_case_id else None
    if case is None:
        return
    others: list[str] = []
    people: dict[int, Person] = {}
    for claim in case.claims:
        member = uow.session.get(Deal, claim.deal_id)
        org = uow.session.get(PartnerOrg, claim.partner_org_id)
        if member is None or org is None:
            continue
        if member.id != deal.id:
            others.append(f"{escape(org.name)} (#{member.id})")
        for person_id in (member.gs_id, org.pdm_id):
            if person_id is not None and person_id not in people:
                person = uow.session.get(Person, person_id)
                if person is not None and person.role is not Role.PARTNER and person.active:
                    people[person_id] = person
    org = uow.session.get(PartnerOrg, deal.partner_org_id) if deal.partner_org_id else None
    for person in people.values():
        _dm(uow, f"deal:{deal.id}:bpw:{case.id}:{person.id}", person,
            t("deals.dm.best_partner_wins", _lang(person), case=case.id,
              partner=escape(org.name if org else "-"), others=", ".join(others) or "-",
              **_deal_args(deal)))


# -- registration and offers -----------------------------------------------------------------


def default_region(services: Services, actor: Actor) -> str | None:
    """The region a form starts with: the partner organisation's, else the GS's first route."""
    with services.uow(actor=actor.user_id) as uow:
        if actor.partner_org_id is not None:
            org = uow.session.get(PartnerOrg, actor.partner_org_id)
            if org is not None and org.region_code:
                return org.region_code
        if actor.person_id is not None:
            return uow.session.scalar(select(GsRoute.region_code).where(
                GsRoute.gs_id == actor.person_id).order_by(GsRoute.id).limit(1))
    return None


def partner_choices(services: Services, actor: Actor) -> list[tuple[int, str]]:
    """Partner organisations a GS can offer a deal to (staff only: it names every partner)."""
    if not actor.is_staff:
        return []
    with services.uow(actor=actor.user_id) as uow:
        orgs = uow.session.scalars(select(PartnerOrg).order_by(PartnerOrg.name)).all()
        return [(org.id, org.name) for org in orgs]


def register_deal(services: Services, actor: Actor, form: DealInput) -> Done:
    """A partner registers a Partner Sourced deal: routed to a GS, card queued, GS told."""
    _require(actor, Action.REGISTER_DEAL)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        person = _person(uow, actor)
        if person.partner_org_id is None:
            raise DealProblem("deals.error.no_org")
        gs = _route(uow, form.region, form.segment)
        deal = _new_deal(uow, services, form, motion=Motion.PARTNER_SOURCED,
                         status=DealStatus.REGISTERED, gs=gs,
                         partner_org_id=person.partner_org_id, registered_by=person, now=now,
                         actor=actor)
        org = uow.session.get(PartnerOrg, person.partner_org_id)
        refresh_card(uow, deal.id)
        if gs is not None:
            lang = _lang(gs)
            _dm(uow, f"deal:{deal.id}:registered:gs", gs, t(
                "deals.dm.new_registration", lang, partner=escape(org.name if org else "-"),
                channel=f"<#{services.settings.deal_channel}>", **_deal_args(deal)))
        else:
            _tell_unrouted(uow, deal)
        if deal.bpw_case_id is not None:
            _tell_best_partner_wins(uow, deal)
        result = Done(deal.id, "deals.done.registered", {
            "gs": _mention(gs), "channel": f"<#{services.settings.deal_channel}>",
            **_deal_args(deal)})
        try:
            _commit(uow)
        except DuplicateDealError:
            raise DealProblem("deals.error.duplicate", field="domain", domain=form.domain,
                              deal="?") from None
    return result


def offer_deal(services: Services, actor: Actor, form: DealInput) -> Done:
    """A GS offers a HubSpot-owned deal to a partner: 72 hours to accept (collaboration clock)."""
    _require(actor, Action.OFFER_DEAL)
    if form.partner_org_id is None:
        raise DealProblem("deals.error.partner", field="partner")
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        person = _person(uow, actor)
        org = uow.session.get(PartnerOrg, form.partner_org_id)
        if org is None:
            raise DealProblem("deals.error.partner", field="partner")
        gs = person if person.role is Role.GS else _route(uow, form.region, form.segment)
        deal = _new_deal(uow, services, form, motion=Motion.PARTNER_ASSISTED,
                         status=DealStatus.OFFERED, gs=gs, partner_org_id=org.id,
                         registered_by=person, now=now, actor=actor)
        record = collaboration_clock(now)
        steps = plan(record, services.regions.calendar(deal.region_code))
        uow.clocks.add(Clock(deal_id=deal.id, kind="collaboration", owed_by=Party.PARTNER,
                             started_at=record.started_at, due_at=record.due_at,
                             basis=record.basis.value, state=ClockState.RUNNING,
                             next_action_at=steps[0].at if steps else record.due_at,
                             escalation_step=None))
        refresh_card(uow, deal.id)
        for member in _partner_people(uow, org.id):
            lang = _lang(member)
            _dm(uow, f"deal:{deal.id}:offered:{member.id}", member, t(
                "deals.dm.offer", lang, gs=_mention(gs),
                due=plain_date(record.due_at, lang, _tz(member)),
                channel=f"<#{services.settings.deal_channel}>", **_deal_args(deal)))
        if deal.bpw_case_id is not None:
            _tell_best_partner_wins(uow, deal)
        result = Done(deal.id, "deals.done.offered", {
            "partner": escape(org.name), "due": record.due_at, **_deal_args(deal)})
        try:
            _commit(uow)
        except DuplicateDealError:
            raise DealProblem("deals.error.duplicate", field="domain", domain=form.domain,
                              deal="?") from None
    return result


def decide_registration(services: Services, actor: Actor, deal_id: int, version: int | None,
                        *, accept: bool) -> Done:
    """A GS (or admin) accepts or declines a Partner Sourced registration."""
    _require(actor, Action.DECIDE_REGISTRATION)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = _get(uow, deal_id)
        _check_version(uow, deal_id, version)
        if deal.status is not DealStatus.REGISTERED:
            raise DealProblem("deals.error.already_decided", deal=deal.id,
                              status_key=deal.status.value)
        deal.status = DealStatus.ACCEPTED if accept else DealStatus.DECLINED
        deal.updated_at = now
        person = _person(uow, actor)
        if deal.gs_id is None and person.role is Role.GS:
            deal.gs_id = person.id
        refresh_card(uow, deal.id)
        registrant = uow.session.get(Person, deal.registered_by_id) \
            if deal.registered_by_id else None
        key = "deals.dm.registration_accepted" if accept else "deals.dm.registration_declined"
        if registrant is not None and registrant.role is Role.PARTNER:
            _dm(uow, f"deal:{deal.id}:decision:{deal.status.value}", registrant,
                t(key, _lang(registrant), gs=_mention(person), **_deal_args(deal)))
        result = Done(deal.id, "deals.done.decided", {"status_key": deal.status.value,
                                                          **_deal_args(deal)})
        _commit(uow)
    return result


def answer_offer(services: Services, actor: Actor, deal_id: int, version: int | None,
                 *, accept: bool) -> Done:
    """The partner accepts or declines a HubSpot-owned deal within the 72 hours."""
    _require(actor, Action.ANSWER_OFFER)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = _get(uow, deal_id)
        _require(actor, Action.ANSWER_OFFER, deal)
        _check_version(uow, deal_id, version)
        if deal.status is not DealStatus.OFFERED:
            raise DealProblem("deals.error.already_decided", deal=deal.id,
                              status_key=deal.status.value)
        running = list(uow.clocks.running(deal.id, "collaboration"))
        notified = running[0].started_at if running else deal.created_at
        answer = collaboration(notified_at=notified, answered_at=now, accepted=accept)
        if answer.outcome is Outcome.NOT_ELIGIBLE and \
                answer.reasons[0].key == "collaboration.lapsed":
            raise DealProblem("deals.error.offer_lapsed", deal=deal.id,
                              due=answer.fields["due_at"])
        deal.status = DealStatus.ACCEPTED if accept else DealStatus.DECLINED
        deal.updated_at = now
        _stop_clocks(uow, deal, now, ClockState.MET if accept else ClockState.CANCELLED,
                     kinds=("collaboration",))
        refresh_card(uow, deal.id)
        org = uow.session.get(PartnerOrg, deal.partner_org_id) if deal.partner_org_id else None
        gs = uow.session.get(Person, deal.gs_id) if deal.gs_id else None
        if gs is not None:
            key = "deals.dm.offer_accepted" if accept else "deals.dm.offer_declined"
            _dm(uow, f"deal:{deal.id}:offer:{deal.status.value}", gs,
                t(key, _lang(gs), partner=escape(org.name if org else "-"),
                  who=f"<@{actor.user_id}>", **_deal_args(deal)))
        result = Done(deal.id, "deals.done.decided", {"status_key": deal.status.value,
                                                          **_deal_args(deal)})
        _commit(uow)
    return result


# -- close, remove, POI ----------------------------------------------------------------------


def close_deal(services: Services, actor: Actor, deal_id: int, *, won: bool) -> Done:
    """A GS (or admin) closes a deal won or lost; its reply clocks stop."""
    _require(actor, Action.CLOSE_DEAL)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = _get(uow, deal_id)
        if not deal.is_open:
            raise DealProblem("deals.error.not_open", deal=deal.id, status_key=deal.status.value)
        deal.status = DealStatus.WON if won else DealStatus.LOST
        deal.updated_at = now
        _stop_clocks(uow, deal, now, ClockState.CANCELLED, kinds=("response", "collaboration"))
        refresh_card(uow, deal.id)
        result = Done(deal.id, "deals.done.closed", {"status_key": deal.status.value,
                                                         **_deal_args(deal)})
        _commit(uow)
    return result


def remove_partner(services: Services, actor: Actor, deal_id: int, reason: str) -> Done:
    """A GS (or admin) removes the partner from a deal (e.g. after a breach). The partner is
    told the reason: the rules promise feedback on a removal."""
    _require(actor, Action.REMOVE_PARTNER)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = _get(uow, deal_id)
        if deal.partner_org_id is None:
            raise DealProblem("deals.error.no_partner", deal=deal.id)
        if not deal.is_open:
            raise DealProblem("deals.error.not_open", deal=deal.id, status_key=deal.status.value)
        deal.status = DealStatus.REMOVED
        deal.updated_at = now
        _stop_clocks(uow, deal, now, ClockState.CANCELLED, owed_by=Party.PARTNER)
        refresh_card(uow, deal.id)
        person = _person(uow, actor)
        for member in _partner_people(uow, deal.partner_org_id):
            _dm(uow, f"deal:{deal.id}:removed:{member.id}", member,
                t("deals.dm.removed", _lang(member), gs=_mention(person),
                  reason=escape(reason), **_deal_args(deal)))
        result = Done(deal.id, "deals.done.removed", {"reason": escape(reason),
                                                          **_deal_args(deal)})
        _commit(uow)
    return result


def record_poi(services: Services, actor: Actor, deal_id: int, status: PoiStatus, *,
               signed_on: date | None = None, names_partner_onboarding: bool = False,
               url: str | None = None) -> Done:
    """Record a POI confirmation link's status; a signed POI meets the POI clock."""
    _require(actor, Action.UPDATE_POI)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = _get(uow, deal_id)
        _require(actor, Action.UPDATE_POI, deal)
        if status is PoiStatus.SIGNED and signed_on is None:
            signed_on = now.astimezone(actor.tz).date()
        uow.session.add(Poi(deal_id=deal.id, status=status, signed_on=signed_on,
                            names_partner_onboarding=names_partner_onboarding, url=url,
                            recorded_by_id=actor.person_id, recorded_at=now))
        if status is PoiStatus.SIGNED:
            _stop_clocks(uow, deal, now, ClockState.MET, kinds=("poi",))
        refresh_card(uow, deal.id)
        result = Done(deal.id, f"deals.done.poi.{status.value}", {
            "date": signed_on.isoformat() if signed_on else "", **_deal_args(deal)})
        _commit(uow)
    return result


# -- reading ---------------------------------------------------------------------------------


def find_deal_id(services: Services, actor: Actor, *, deal_id: int | None, channel: str | None,
                 thread_ts: str | None) -> int | None:
    """The deal a command means: the thread it was typed in, else the number given."""
    if channel and thread_ts:
        with services.uow(actor=actor.user_id) as uow:
            deal = uow.deals.by_thread(channel, thread_ts)
            if deal is not None:
                return deal.id
    return deal_id


def open_deals(services: Services, actor: Actor, limit: int = 10) -> list[tuple[int, str]]:
    """The actor's open deals (a partner: its organisation's; a GS: theirs), for a hint."""
    with services.uow(actor=actor.user_id) as uow:
        if actor.role is Role.PARTNER and actor.partner_org_id is not None:
            deals = uow.deals.for_partner(actor.partner_org_id, limit=limit)
        elif actor.person_id is not None and actor.role is Role.GS:
            deals = uow.deals.for_gs(actor.person_id, limit=limit)
        else:
            deals = []
        return [(d.id, d.customer_domain) for d in deals]


def deal_summary(services: Services, actor: Actor, deal_id: int
                 ) -> tuple[str, list[dict[str, Any]]]:
    """The deal as the actor may see it: the card without buttons, times in their zone; staff
    also see a Best Partner Wins case."""
    _require(actor, Action.VIEW_DEAL)
    with services.uow(actor=actor.user_id) as uow:
        deal = _get(uow, deal_id)
        _require(actor, Action.VIEW_DEAL, deal)
        facts = load_card(uow, deal.id)
        extra: list[Block] = []
        if actor.is_staff and deal.bpw_case_id is not None:
            case = uow.session.get(BpwCase, deal.bpw_case_id)
            names = []
            for claim in case.claims if case else []:
                if claim.deal_id == deal.id:
                    continue
                org = uow.session.get(PartnerOrg, claim.partner_org_id)
                names.append(f"{escape(org.name if org else '-')} (#{claim.deal_id})")
            extra.append(ContextBlock(elements=[MarkdownTextObject(text=t(
                "deals.summary.best_partner_wins", actor.lang, case=deal.bpw_case_id,
                others=", ".join(names) or "-"))]))
        return card_blocks(facts, lang=actor.lang, viewer=actor.viewer,
                           when=lambda moment: plain_date(moment, actor.lang, actor.tz),
                           buttons=False, extra=extra)


def metadata(**values: object) -> str:
    """private_metadata for a modal (JSON, Slack's 3000-character limit)."""
    return json.dumps(values)[:3000]
