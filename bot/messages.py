"""Typed outgoing messages: what a use case wants said, to whom, without saying how.

    queue(uow, Outgoing(key="ext:7:granted", to=ToThread(deal_id),
                        lines=(Text("followup.extend.granted", {"due": due}),),
                        buttons=(Button("bant_open", Text("button.bant_open"), str(deal_id)),)))

A use case builds `Outgoing` messages (a recipient, message keys with parameters, buttons, an
optional rule answer) and queues them in its unit of work; the outbox renders them at send time
(`bot.views.messages`), in the reader's language and time zone: a deal thread speaks the
thread's language and shows times as Slack date tokens, a person is addressed in their own.
Use cases never build Block Kit, and nothing here knows Slack's wire format.

Parameters are plain JSON values, `Decimal`, aware `datetime`, `date`, a nested `Text` (rendered
in the same language), `Typed` text a person wrote, or a `Mention` / `ChannelLink` the bot builds
from a Slack id. Every text parameter (a `str` as much as `Typed`) is escaped when shown, so
nothing a person typed can ping a channel, mention someone or forge a link: only `Mention` and
`ChannelLink` become Slack tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Union
from zoneinfo import ZoneInfo

from bot.answer_codec import decode_answer, decode_value, encode_answer, encode_value
from rules.answers import Answer, Viewer
from rules.facts import Partner
from rules.sections import Section
from rules.upmarket import CRM_IMPLEMENTATION
from rules.vocabulary import PartnerKind, Role, Tier
from storage.lanes import ANSWER_KEYS

if TYPE_CHECKING:
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = [
    "Answered", "AssumedPartner", "Button", "ChannelLink", "Closest", "EndOfDay", "Mention",
    "Outgoing", "Param", "Reader", "Recipient", "Refused", "Reply", "Ruling", "Text",
    "ToChannel", "ToPerson", "ToThread", "Typed", "decode", "due_param", "encode", "queue",
    "queue_many"
]

RENDER = "message"  # the outbox renderer of every typed message


@dataclass(frozen=True)
class Reader:
    """Who reads a message: language, zone, and whether several people read it (a thread or
    a channel: instants as Slack date tokens) or one."""

    lang: str
    tz: tzinfo
    shared: bool = False


@dataclass(frozen=True)
class Typed:
    """Text a person typed: shown escaped, never as markup."""

    text: str


@dataclass(frozen=True)
class Mention:
    """A person the bot mentions on purpose, by Slack user id (`<@U…>`): built from an id,
    never from typed text (every other text parameter is escaped when shown)."""

    user_id: str


@dataclass(frozen=True)
class ChannelLink:
    """A channel the bot names on purpose, by Slack id (`<#C…>`), shown as a link."""

    channel_id: str


@dataclass(frozen=True)
class EndOfDay:
    """A due time that is the end of a day (a POI by the end of the close date, onboarding by
    the end of the 10th business day): `moment` is the instant the day ends, local midnight in
    `zone`. Shown as that day ("the end of Mon 28 Dec"), never as the next day's 00:00."""

    moment: datetime
    zone: str


# the clocks due at the end of a day rather than at an instant (`rules.clocks`)
END_OF_DAY_KINDS = frozenset({"poi", "onboarding"})


def due_param(kind: str, due_at: datetime, zone: str) -> datetime | EndOfDay:
    """A clock's due time as a message parameter: the end of a day for the date-based clocks
    (in the deal region's `zone`), the instant for the others."""
    return EndOfDay(due_at, zone) if kind in END_OF_DAY_KINDS else due_at


@dataclass(frozen=True)
class Text:
    """A catalog message and its parameters, rendered in the reader's language."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)
    count: int | None = None  # a plural message's count


# a recursive alias: `|` cannot take the forward reference
Param = Union[str, int, float, bool, None, Decimal, datetime, date, Text, Typed,  # noqa: UP007
              Mention, ChannelLink, EndOfDay, tuple["Param", ...]]


@dataclass(frozen=True)
class Button:
    """A button: its action, label, value, and (for a destructive one) a confirmation."""

    action_id: str
    label: Text
    value: str
    style: str | None = None
    confirm: str | None = None  # the catalog prefix of a confirmation dialog (`breach.confirm`)


@dataclass(frozen=True)
class ToThread:
    """A deal's thread: read by its partner and its GS."""

    deal_id: int


@dataclass(frozen=True)
class ToPerson:
    """One person of the directory, by direct message."""

    person_id: int


@dataclass(frozen=True)
class ToChannel:
    """A channel, by Slack id (for messages about no deal), or a thread in it (`thread_ts`:
    a reply to a message there), read in `lang`."""

    channel: str
    lang: str = "en"
    thread_ts: str | None = None


Recipient = ToThread | ToPerson | ToChannel


@dataclass(frozen=True)
class AssumedPartner:
    """The partner an answer assumed, named under it ("Assuming a Solutions Partner, Gold
    tier"; `crm`: with the CRM Implementation accreditation)."""

    kind: PartnerKind
    tier: Tier
    crm: bool = False

    @classmethod
    def of(cls, partner: Partner) -> AssumedPartner:
        """What is said of `partner` beside an answer."""
        return cls(partner.kind, partner.tier,
                   partner.is_solutions_partner and CRM_IMPLEMENTATION in partner.accreditations)


@dataclass(frozen=True)
class Answered:
    """A rule answer to show, rendered where it lands through `rules.answers.render` for
    `viewer` (the one confidentiality door), its times shown in `tz`. Under it: the `before`
    notes, the answer's own details (a schedule's payouts, a due time for the reader), the
    partner it assumed, the `after` notes."""

    answer: Answer
    viewer: Viewer
    tz: tzinfo | None = None
    before: tuple[Text, ...] = ()
    partner: AssumedPartner | None = None
    after: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Closest:
    """A question the rules cannot decide from what it says: the sections closest to it and the
    `/roe` commands that would answer it (`understood`: its topic was recognised)."""

    sections: tuple[Section, ...]
    commands: tuple[str, ...] = ()
    understood: bool = True


Ruling = Answered | Closest


@dataclass(frozen=True)
class Outgoing:
    """A message to send once (`key` is its idempotency key): lines of text and buttons below
    them, about a deal (`deal_id`; a thread's message is about its deal)."""

    key: str
    to: Recipient
    lines: tuple[Text, ...]
    buttons: tuple[Button, ...] = ()
    deal_id: int | None = None  # the deal it is about (a person's message may be about one)
    at: datetime | None = None  # not before (default: now)
    ruling: Ruling | None = None  # a rule answer (or the closest sections), under the lines

    def __post_init__(self) -> None:
        if self.deal_id is None and isinstance(self.to, ToThread):
            object.__setattr__(self, "deal_id", self.to.deal_id)  # a thread is about its deal


@dataclass(frozen=True)
class Reply:
    """What the person who acted is told at once (an ephemeral answer, a modal's error, a
    confirmation): lines of text for them; `field` is the modal block a refusal belongs to."""

    lines: tuple[Text, ...]
    ok: bool = True
    field: str | None = None

    @classmethod
    def of(cls, key: str, /, **params: Param) -> Reply:
        """A one-line reply."""
        return cls((Text(key, params),))

    @classmethod
    def refusal(cls, key: str, /, *, field: str | None = None, **params: Param) -> Reply:
        """A one-line refusal."""
        return cls((Text(key, params),), ok=False, field=field)


class Refused(Exception):  # noqa: N818 - a refusal to tell someone, not a failure
    """A use case declines to act; `reply` says why, for the person who asked."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.lines[0].key if reply.lines else "refused")
        self.reply = reply


# -- JSON, for the outbox row -------------------------------------------------------------------


def _encode_param(value: Param) -> Any:
    """Text, typed text and lists here; every other value as a rule answer's value is kept
    (`bot.answer_codec`: one tagged JSON for both)."""
    if isinstance(value, Text):
        return {"$": "text", "v": _encode_text(value)}
    if isinstance(value, Typed):
        return {"$": "typed", "v": value.text}
    if isinstance(value, Mention):
        return {"$": "mention", "v": value.user_id}
    if isinstance(value, ChannelLink):
        return {"$": "channel", "v": value.channel_id}
    if isinstance(value, EndOfDay):
        return {"$": "end_of_day", "v": value.moment.isoformat(), "zone": value.zone}
    if isinstance(value, tuple):
        return {"$": "params", "v": [_encode_param(item) for item in value]}
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("a message's time must be aware")
    return encode_value(value)


def _decode_param(value: Any) -> Param:
    if isinstance(value, dict) and value.get("$") == "text":
        return _decode_text(value["v"])
    if isinstance(value, dict) and value.get("$") == "typed":
        return Typed(str(value["v"]))
    if isinstance(value, dict) and value.get("$") == "mention":
        return Mention(str(value["v"]))
    if isinstance(value, dict) and value.get("$") == "channel":
        return ChannelLink(str(value["v"]))
    if isinstance(value, dict) and value.get("$") == "end_of_day":
        return EndOfDay(datetime.fromisoformat(value["v"]), str(value["zone"]))
    if isinstance(value, dict) and value.get("$") == "params":
        return tuple(_decode_param(item) for item in value["v"])
    decoded: Param = decode_value(value)
    return decoded


def _encode_text(text: Text) -> dict[str, Any]:
    encoded: dict[str, Any] = {"key": text.key,
                               "params": {k: _encode_param(v) for k, v in text.params.items()}}
    if text.count is not None:
        encoded["count"] = text.count
    return encoded


def _decode_text(raw: dict[str, Any]) -> Text:
    return Text(str(raw["key"]), {k: _decode_param(v) for k, v in raw["params"].items()},
                raw.get("count"))


def _encode_to(to: Recipient) -> dict[str, Any]:
    if isinstance(to, ToThread):
        return {"thread": to.deal_id}
    if isinstance(to, ToPerson):
        return {"person": to.person_id}
    if to.thread_ts is not None:
        return {"channel": to.channel, "lang": to.lang, "thread_ts": to.thread_ts}
    return {"channel": to.channel, "lang": to.lang}


def _decode_to(raw: dict[str, Any]) -> Recipient:
    if "thread" in raw:
        return ToThread(int(raw["thread"]))
    if "person" in raw:
        return ToPerson(int(raw["person"]))
    thread_ts = raw.get("thread_ts")
    return ToChannel(str(raw["channel"]), str(raw.get("lang") or "en"),
                     str(thread_ts) if thread_ts else None)


def _encode_ruling(ruling: Ruling) -> dict[str, Any]:
    if isinstance(ruling, Closest):
        return {"closest": [s.value for s in ruling.sections], "commands": list(ruling.commands),
                "understood": ruling.understood}
    tz = ruling.tz
    if tz is not None and not isinstance(tz, ZoneInfo):
        raise ValueError("a queued answer's zone must be a named zone")
    partner = ruling.partner
    return {"answer": encode_answer(ruling.answer),
            "viewer": {"role": ruling.viewer.role.value, "partner": ruling.viewer.partner},
            "tz": tz.key if tz is not None else None,
            "before": [_encode_text(t) for t in ruling.before],
            "partner": None if partner is None else
            {"kind": partner.kind.value, "tier": partner.tier.value, "crm": partner.crm},
            "after": [_encode_text(t) for t in ruling.after]}


def _decode_ruling(raw: dict[str, Any]) -> Ruling:
    if "closest" in raw:
        return Closest(tuple(Section(s) for s in raw["closest"]),
                       tuple(str(c) for c in raw["commands"]), bool(raw["understood"]))
    viewer, partner = raw["viewer"], raw.get("partner")
    return Answered(
        decode_answer(raw["answer"]), Viewer(Role(viewer["role"]), viewer.get("partner")),
        ZoneInfo(raw["tz"]) if raw.get("tz") else None,
        tuple(_decode_text(t) for t in raw["before"]),
        None if partner is None else AssumedPartner(PartnerKind(partner["kind"]),
                                                    Tier(partner["tier"]), bool(partner["crm"])),
        tuple(_decode_text(t) for t in raw["after"]))


def encode(message: Outgoing) -> dict[str, Any]:
    """The outbox payload of a message."""
    payload: dict[str, Any] = {
        "render": RENDER,
        "to": _encode_to(message.to),
        "lines": [_encode_text(line) for line in message.lines],
        "buttons": [{"action_id": b.action_id, "label": _encode_text(b.label), "value": b.value,
                     "style": b.style, "confirm": b.confirm} for b in message.buttons],
        "deal_id": message.deal_id,
    }
    if message.ruling is not None:
        payload["ruling"] = _encode_ruling(message.ruling)
    return payload


def decode(key: str, payload: Mapping[str, Any]) -> Outgoing:
    """The message an outbox payload holds."""
    return Outgoing(
        key=key, to=_decode_to(payload["to"]),
        lines=tuple(_decode_text(line) for line in payload["lines"]),
        buttons=tuple(Button(b["action_id"], _decode_text(b["label"]), str(b["value"]),
                             b.get("style"), b.get("confirm")) for b in payload["buttons"]),
        deal_id=payload.get("deal_id"),
        ruling=_decode_ruling(payload["ruling"]) if payload.get("ruling") else None)


def conversation(message: Outgoing) -> str:
    """The conversation in which messages keep their order: a deal's thread, a person's
    direct messages, or a channel; answers to people apart (they never wait behind others)."""
    plain = _plain(message.to)
    return f"answer:{plain}"[:32] if message.key.startswith(ANSWER_KEYS) else plain


def _plain(to: Recipient) -> str:
    if isinstance(to, ToThread):
        return f"deal:{to.deal_id}"
    if isinstance(to, ToPerson):
        return f"person:{to.person_id}"
    return to.channel


def queue(uow: AbstractUnitOfWork, message: Outgoing) -> bool:
    """Queue `message` in the unit of work's transaction; False when its key was queued before."""
    return uow.outbox.enqueue(key=message.key, channel=conversation(message),
                              payload=encode(message), at=message.at or uow.now())


def queue_many(uow: AbstractUnitOfWork, messages: Iterable[Outgoing], *,
               at: datetime | None = None) -> int:
    """Queue many messages in one statement (the sweep's thousands); a key queued before is
    skipped. `at` is when they were queued (default: the unit of work's now); the number given."""
    now = at or uow.now()
    rows = [{"idempotency_key": m.key, "team_id": None, "channel": conversation(m),
             "thread_ts": None, "payload": encode(m), "state": "pending", "attempts": 0,
             "next_attempt_at": m.at or now, "created_at": now} for m in messages]
    uow.outbox.enqueue_many(rows)
    return len(rows)
