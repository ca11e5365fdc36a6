"""The permission policy, every action for every kind of person: who may act, and the one refusal
each gets (a stranger is unknown, a role not in the table is told who may, a partner on another
organisation's deal is told it is not theirs), rendered in English and Japanese."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.context import Actor
from bot.messages import Reader, Refused
from bot.permissions import Action
from bot.usecases.policy import refusal, require, roles
from bot.views.text import render_text
from storage.models import Deal

from .world import World

A = Action
ALL = ("gs", "pdm", "partner", "admin")
STAFF = ("gs", "admin")
WORKERS = ("gs", "partner", "admin")
# Who may take each action (ROE: only GS and admins decide; a PDM changes nothing), in the
# order the policy names them: GS, PDM, partner, admin.
MAY: dict[Action, tuple[str, ...]] = {
    A.ASK_RULES: ALL, A.VIEW_DEAL: ALL,
    A.REGISTER_DEAL: ("partner",), A.ANSWER_OFFER: ("partner",),
    A.REQUEST_EXTENSION: ("partner",),
    A.UPDATE_BANT: WORKERS, A.UPDATE_POI: WORKERS, A.REGISTER_ABSENCE: WORKERS,
    A.REQUEST_DISCOUNT: WORKERS,
    A.OFFER_DEAL: STAFF, A.DECIDE_REGISTRATION: STAFF, A.GRANT_EXTENSION: STAFF,
    A.APPROVE_DISCOUNT: STAFF, A.CLOSE_DEAL: STAFF, A.REMOVE_PARTNER: STAFF,
    A.DISMISS_BREACH: STAFF, A.CHANGE_CALENDAR: ("admin",), A.RETRY_MESSAGE: ("admin",),
    A.RECORD_ONBOARDING: WORKERS,
}
WHO = {"own_partner": "aiko", "other_partner": "dana", "gs": "hiro", "pdm": "ken",
       "admin": "ada"}
ROLE_OF = {"own_partner": "partner", "other_partner": "partner", "gs": "gs", "pdm": "pdm",
           "admin": "admin"}
NAMES = {
    "en": {"gs": "Growth Specialists", "pdm": "Partner Development Managers",
           "partner": "partners", "admin": "admins"},
    "ja": {"gs": "グローススペシャリスト(GS)", "pdm": "パートナー デベロップメント マネージャー(PDM)",
           "partner": "パートナー", "admin": "管理者"},
}
OR = {"en": " or ", "ja": "または"}


@pytest.fixture(scope="module")
def world() -> World:
    return World.make()


@pytest.fixture(scope="module")
def deal(world: World) -> Deal:
    """A deal of Sakura (Aiko's organisation, not Dana's)."""
    return world.deal(partner="sakura")


def _actor(world: World, who: str) -> Actor:
    return world.stranger() if who == "stranger" else world.actor(WHO[who])


def _expected(action: Action, who: str) -> str | None:
    if who == "stranger":
        return "error.unknown_user"
    if ROLE_OF[who] not in MAY[action]:
        return "error.not_allowed"
    return "error.no_deal_of_yours" if who == "other_partner" else None


def test_the_table_covers_every_action() -> None:
    """A new action must be given its roles here too."""
    assert set(MAY) == set(Action)


@pytest.mark.parametrize("who", ["own_partner", "other_partner", "gs", "pdm", "admin",
                                 "stranger"])
@pytest.mark.parametrize("action", list(Action))
def test_refusal_and_require_agree_with_the_table(world: World, deal: Deal, action: Action,
                                                  who: str) -> None:
    actor = _actor(world, who)
    expected = _expected(action, who)
    reply = refusal(actor, action, deal)
    if expected is None:
        assert reply is None
        require(actor, action, deal)  # goes on
        return
    assert reply is not None and not reply.ok
    [line] = reply.lines
    assert line.key == expected
    if expected == "error.not_allowed":
        assert line.params == {"roles": roles(action)}
    elif expected == "error.no_deal_of_yours":
        assert line.params == {"deal": deal.id}  # the words of a missing deal
    else:
        assert line.params == {}
    with pytest.raises(Refused) as raised:
        require(actor, action, deal)
    assert raised.value.reply == reply


def test_without_a_deal_another_partner_is_not_refused_ownership(world: World) -> None:
    """Ownership is only asked of a deal; with none, the role alone decides."""
    dana = world.actor("dana")
    assert refusal(dana, Action.UPDATE_BANT) is None
    assert refusal(dana, Action.CLOSE_DEAL).lines[0].key == "error.not_allowed"  # type: ignore[union-attr]
    assert refusal(world.stranger(), Action.ASK_RULES).lines[0].key == "error.unknown_user"  # type: ignore[union-attr]


def _joined(names: list[str], lang: str) -> str:
    """The catalog's role names joined as `roles.joined` does: `a, b or c` (`a、bまたはc`)."""
    if len(names) == 1:
        return names[0]
    return ("、" if lang == "ja" else ", ").join(names[:-1]) + OR[lang] + names[-1]


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("action", list(Action))
def test_roles_render_as_the_catalog_names_joined(action: Action, lang: str) -> None:
    names = [NAMES[lang][role] for role in MAY[action]]
    shown = render_text(roles(action), Reader(lang, ZoneInfo("UTC")))
    assert shown == _joined(names, lang)


def test_roles_in_plain_words() -> None:
    """Spelled out once, so a change to the joining is seen."""
    en, ja = Reader("en", ZoneInfo("UTC")), Reader("ja", ZoneInfo("Asia/Tokyo"))
    assert render_text(roles(Action.CLOSE_DEAL), en) == "Growth Specialists or admins"
    assert render_text(roles(Action.CLOSE_DEAL), ja) == "グローススペシャリスト(GS)または管理者"
    assert render_text(roles(Action.REGISTER_DEAL), en) == "partners"
    assert render_text(roles(Action.UPDATE_BANT), en) == "Growth Specialists, partners or admins"
    assert render_text(roles(Action.UPDATE_BANT), ja) == \
        "グローススペシャリスト(GS)、パートナーまたは管理者"


def test_the_not_allowed_refusal_reads_whole(world: World, deal: Deal) -> None:
    reply = refusal(world.actor("ken"), Action.CLOSE_DEAL, deal)
    assert reply is not None
    assert render_text(reply.lines[0], Reader("en", ZoneInfo("UTC"))) == \
        "Only Growth Specialists or admins can do that."
    assert render_text(reply.lines[0], Reader("ja", ZoneInfo("UTC"))) == \
        "この操作はグローススペシャリスト(GS)または管理者のみ実行できます。"
