"""`/roe`: Rules of Engagement answers, with reasons and the sections they come from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.listeners.common import actor_of, say_private, stranger
from bot.roe_syntax import SyntaxProblem, parse_roe
from bot.views.answer import answer_blocks, answer_text

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.app import Runtime

__all__ = ["register"]


def register(app: App, runtime: Runtime) -> None:
    """Register `/roe`."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(body: dict[str, Any], context: Any, respond: Any) -> None:
        actor = actor_of(context)
        if stranger(actor, respond):
            return
        assert actor is not None
        text = str(body.get("text") or "").strip()
        try:
            question = parse_roe(text)
        except SyntaxProblem as problem:
            say_private(respond, t("roe.usage_error", actor.lang, problem=problem.text(actor.lang),
                                   usage=t(f"roe.usage.{problem.command}", actor.lang)))
            return
        if question is None:
            say_private(respond, t("roe.help", actor.lang))
            return
        answer = question.decide()
        say_private(respond, answer_text(answer, actor.lang, actor.viewer, actor.tz),
                    answer_blocks(answer, actor.lang, actor.viewer, actor.tz))

    app.command("/roe")(ack=ack_now, lazy=[work])
