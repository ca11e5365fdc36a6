"""Pressing what the bot showed: `/click` on a button or menu, `/submit` and `/cancel` of the open
modal, each sent to the app as the interaction payload Slack would send
(`bot.console.requests`), with the state of the modal's inputs filled in from what was typed.
"""

from __future__ import annotations

import shlex
from datetime import UTC
from typing import Any

from bot.console import requests
from bot.console.output import json_or_text, modal_inputs
from bot.console.render import Clickable, plain
from bot.console.state import Shown, Surface
from bot.console.threads import Threads
from bot.demo.seed import DEMO_TEAM
from bot.syntax.moments import Moment, moment

__all__ = ["BadFieldError", "Interactions"]

_TEAM_DOMAIN = "coseller-demo"


class BadFieldError(ValueError):
    """A value typed in a modal field that is not what the field takes (a date, a time)."""

    def __init__(self, field: str, value: str, kind: str) -> None:
        super().__init__(f"{field}: {value}")
        self.field, self.value, self.kind = field, value, kind


def _element_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _pick(options: list[dict[str, Any]], given: str) -> dict[str, Any]:
    given = given.strip()
    for option in options:
        if given in (str(option.get("value")), plain(option.get("text"))):
            return option
    for option in options:
        if plain(option.get("text")).lower() == given.lower():
            return option
    return {"text": {"type": "plain_text", "text": given}, "value": given}


def _option(clickable: Clickable, value: str) -> dict[str, Any]:
    value = value.strip()
    for option_value, text in clickable.options:
        if value in (option_value, text):
            return {"text": {"type": "plain_text", "text": text}, "value": option_value}
    return {"text": {"type": "plain_text", "text": value}, "value": value}


class Interactions(Threads):
    """Clicks, modal submissions and closings."""

    def _send_interaction(self, payload: dict[str, Any]) -> Any:
        return self.dispatch(requests.interaction(payload, team_id=DEMO_TEAM,
                                                  team_domain=_TEAM_DOMAIN, token="console"))

    def _trigger_id(self) -> str:
        return f"console-trigger-{self.next_serial()}"

    def _pick_clickable(self, text: str) -> tuple[Clickable, Surface, str] | None:
        """The button or menu `/click` names, its surface and the value typed; None (after
        saying why) when there is none or more than one.

        `/click N <action_id|label> [value]` names message N's; `/click <action_id> [value]`
        the one current message that has it."""
        head, _, rest = text.strip().partition(" ")
        rest = rest.strip()
        if not head:
            self.say("console.click_usage")
            return None
        if head.isdigit():
            entry = self.shown.get(int(head))
            if entry is None:
                self.say("console.no_message", number=head)
                return None
            return self._in_message(entry, rest)
        having = [e for e in self.shown.values() if e.current and
                  any(c.action_id == head for c in e.clickables)]
        if not head or not having:
            self.say("console.no_button", action=head or "?")
            return None
        if len(having) > 1:
            numbers = ", ".join(str(e.number) for e in having)
            self.say("console.ambiguous_button", action=head, numbers=numbers,
                     example=f"/click {having[-1].number} {head}")
            return None
        clickable = next(c for c in having[0].clickables if c.action_id == head)
        return clickable, having[0].surface, rest

    def _in_message(self, entry: Shown, rest: str) -> tuple[Clickable, Surface, str] | None:
        lowered = rest.lower()
        word, _, value = rest.partition(" ")
        for clickable in entry.clickables:
            if clickable.action_id == word:
                return clickable, entry.surface, value.strip()
        by_label = sorted(entry.clickables, key=lambda c: -len(c.label))
        for clickable in by_label:
            label = clickable.label.lower()
            if label and (lowered == label or lowered.startswith(label + " ")):
                return clickable, entry.surface, rest[len(label):].strip()
        if not rest and len(entry.clickables) == 1:
            return entry.clickables[0], entry.surface, ""
        choices = ", ".join(f"{c.action_id} [{c.label}]" for c in entry.clickables) or "-"
        self.say("console.no_button_in", number=entry.number, action=rest or "?",
                 choices=choices)
        return None

    def user_id_of(self, who: str) -> str:
        """A Slack user id for a name, number or id typed in a field (as typed if no one)."""
        found = self.find_user(who) if who else None
        return found.user_id if found is not None else who

    def click(self, text: str) -> None:
        """`/click N <action_id|label> [value]` or `/click <action_id> [value]`: press a button
        (or pick a menu value) that was shown."""
        assert self.user is not None
        found = self._pick_clickable(text)
        if found is None:
            return
        clickable, surface, value = found
        action: dict[str, Any] = {"action_id": clickable.action_id, "block_id": clickable.block_id,
                                  "type": clickable.kind, "action_ts": self.new_ts()}
        chosen = value or clickable.value or ""
        if clickable.kind == "button":
            action["text"] = {"type": "plain_text", "text": clickable.label}
            action["value"] = chosen
        elif clickable.kind == "users_select":
            action["selected_user"] = self.user_id_of(chosen)
        elif clickable.kind == "datepicker":
            action["selected_date"] = chosen
        elif clickable.kind == "timepicker":
            action["selected_time"] = chosen
        elif clickable.kind in ("checkboxes", "multi_static_select"):
            action["selected_options"] = [_option(clickable, v) for v in chosen.split(",")
                                          if v.strip()]
        else:
            action["selected_option"] = _option(clickable, chosen)
        if surface.kind == "view" and surface.view is not None:
            payload = requests.block_actions(
                action, user=self.user_object(), trigger_id=self._trigger_id(),
                container={"type": "view", "view_id": surface.view.get("id", "")},
                view={**surface.view, "state": {"values": self._values(surface.view, {})}})
        else:
            channel = surface.channel or self.channel()
            payload = requests.block_actions(
                action, user=self.user_object(), trigger_id=self._trigger_id(),
                container={"type": "message", "message_ts": surface.ts or self.new_ts(),
                           "channel_id": channel, "is_ephemeral": surface.kind == "ephemeral"},
                channel_id=channel, response_url=self.response_url(self.user.user_id),
                message=surface.message if surface.kind == "message" else None)
        self.answer(self._send_interaction(payload))

    # -- modals -------------------------------------------------------------------------------

    def _typed(self, given: str, field: str, kind: str) -> Moment:
        """A date or time typed in a modal field, read in the user's zone (a date picker takes
        a day; a time or date-and-time picker needs a time)."""
        tz = self.user.tz if self.user is not None else UTC
        found = moment(given, tz=tz, now=self.clock())
        if found is None or (kind != "date" and not found.has_time):
            raise BadFieldError(field, given, kind)
        return found

    def _state(self, element: dict[str, Any], given: str | None, field: str = "") -> dict[str, Any]:
        kind = str(element.get("type") or "plain_text_input")
        state: dict[str, Any] = {"type": kind}
        options = _element_options(element)
        if kind in ("static_select", "external_select", "radio_buttons"):
            state["selected_option"] = element.get("initial_option") if given is None \
                else _pick(options, given)
        elif kind in ("multi_static_select", "checkboxes"):
            state["selected_options"] = element.get("initial_options") or [] if given is None \
                else [_pick(options, v) for v in given.split(",") if v.strip()]
        elif kind == "users_select":
            state["selected_user"] = element.get("initial_user") if given is None \
                else self.user_id_of(given)
        elif kind == "multi_users_select":
            state["selected_users"] = element.get("initial_users") or [] if given is None \
                else [self.user_id_of(v) for v in given.split(",") if v.strip()]
        elif kind in ("conversations_select", "channels_select"):
            key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
            state[key] = element.get(key.replace("selected", "initial")) if given is None else given
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date") if given is None \
                else self._typed(given, field, "date").day.isoformat()
        elif kind == "timepicker":
            state["selected_time"] = element.get("initial_time") if given is None \
                else self._typed(given, field, "time").at.strftime("%H:%M")
        elif kind == "datetimepicker":
            state["selected_date_time"] = element.get("initial_date_time") if given is None \
                else int(self._typed(given, field, "date_time").at.timestamp())
        else:
            state["value"] = element.get("initial_value") if given is None else given
        return state

    def _values(self, view: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for block_id, action_id, element in modal_inputs(view):
            value = given.get(block_id, given.get(action_id))
            values[block_id] = {action_id: self._state(element, value, block_id)}
        return values

    def submit(self, text: str) -> None:
        """`/submit field=value ...`: submit the open modal (fields by block or action id)."""
        assert self.user is not None
        if not self.modals:
            self.say("console.no_modal")
            return
        view = self.modals[-1]
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        given: dict[str, str] = {}
        inputs = modal_inputs(view)
        known = {name for block_id, action_id, _ in inputs for name in (block_id, action_id)}
        for word in words:
            name, sep, value = word.partition("=")
            if not sep or name not in known:
                fields = ", ".join(b for b, _, _ in inputs) or "-"
                self.say("console.bad_field", field=name, fields=fields)
                return
            given[name] = value
        try:
            values = self._values(view, given)
        except BadFieldError as bad:
            self.say(f"console.bad_{bad.kind}", field=bad.field, value=bad.value)
            return
        payload = requests.view_submission(
            view, values, user=self.user_object(), team_id=DEMO_TEAM,
            trigger_id=self._trigger_id(), view_hash=f"console-{self.next_serial()}")
        response = self._send_interaction(payload)
        if response.status >= 400:
            self.say("console.http_status", status=response.status)
        answer = json_or_text(response.body)
        action = answer.get("response_action") if isinstance(answer, dict) else None
        if action == "errors":
            self.say("console.modal_errors")
            for block_id, message in (answer.get("errors") or {}).items():
                self.write(f"  ✗ {block_id}: {message}")
        elif action in ("update", "push") and isinstance(answer.get("view"), dict):
            if action == "update":
                self.modals.pop()
            self.open_modal(answer["view"], "console.label.modal")
        elif action == "clear":
            self.modals.clear()
            self.say("console.modal_closed")
        else:
            self.modals.pop()
            self.say("console.modal_closed")
        self.settle()
        self.show()

    def cancel(self) -> None:
        """`/cancel`: close the open modal without submitting it."""
        if not self.modals:
            self.say("console.no_modal")
            return
        view = self.modals.pop()
        if view.get("notify_on_close") and self.user is not None:
            self._send_interaction(requests.view_closed(view, user=self.user_object()))
        self.say("console.modal_closed")
        self.settle()
        self.show()
