"""Block Kit and Slack mrkdwn as plain text lines, for the local console.

    lines = BlockText(lang="en", tz=ZoneInfo("Asia/Tokyo"), names={"U0AIKO01": "Aiko"}).blocks(blocks)

Sections, headers, contexts, fields, dividers, images, rich text and inputs become lines; buttons
and menus become `[Label]` with the console command that clicks them (`/click N action_id value`),
and every clickable element is collected in `BlockText.clickables` so the console can find it
again. Slack's tokens are resolved the way Slack shows them: `<!date^...|...>` in the reader's
language and time zone, `<@U…>` as the person's name, `<url|label>` as the label and the address.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.i18n import t
from rules.i18n import format_datetime

__all__ = ["BlockText", "Clickable", "plain"]

_TOKEN = re.compile(r"<([^<>]+)>")
_CLICKABLE_TYPES = ("button", "static_select", "external_select", "users_select",
                    "conversations_select", "channels_select", "overflow", "datepicker",
                    "timepicker", "radio_buttons", "checkboxes", "multi_static_select",
                    "multi_users_select")


@dataclass(frozen=True)
class Clickable:
    """An interactive element seen on a surface: what `/click` needs to build the payload."""

    action_id: str
    block_id: str
    kind: str
    label: str
    value: str | None
    options: tuple[tuple[str, str], ...] = ()   # (value, text) for menus


def plain(text_object: Any) -> str:
    """The text of a text object (or a string)."""
    if isinstance(text_object, dict):
        return str(text_object.get("text") or "")
    return str(text_object or "")


def _choice(value: str, text: str) -> str:
    """A menu option as the reader knows it, with the value `/submit` takes beside it
    (`Yuki Sato=U0YUKI01`; just the value when the label says the same)."""
    return value if not text or text.lower() == value.lower() else f"{text}={value}"


def _options(element: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    groups = element.get("option_groups") or [{"options": element.get("options") or []}]
    for group in groups:
        for option in group.get("options") or []:
            found.append((str(option.get("value", "")), plain(option.get("text"))))
    return tuple(found)


@dataclass
class BlockText:
    """Renders blocks and mrkdwn for one reader (language and time zone)."""

    lang: str = "en"
    tz: tzinfo | None = None
    names: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    clickables: list[Clickable] = field(default_factory=list)
    number: int | None = None          # the printed message's number, for `/click N`

    # -- text ---------------------------------------------------------------------------------

    def mrkdwn(self, text: str) -> str:
        """Slack mrkdwn with its angle-bracket tokens resolved for this reader."""
        return html.unescape(_TOKEN.sub(lambda m: self._token(m.group(1)), text))

    def _token(self, token: str) -> str:
        body, _, label = token.partition("|")
        if body.startswith("!date^"):
            parts = body.split("^")
            try:
                instant = datetime.fromtimestamp(int(parts[1]), UTC)
            except (IndexError, ValueError, OverflowError, OSError):
                return label or token
            return format_datetime(instant, self.lang, self.tz)
        if body.startswith("@"):
            user = body[1:]
            return "@" + (self.names.get(user) or label or user)
        if body.startswith("#"):
            channel = body[1:]
            return "#" + (label or self.channels.get(channel) or channel)
        if body.startswith("!subteam^"):
            return "@" + (label or body.split("^", 1)[1])
        if body.startswith("!"):
            return "@" + (label or body[1:])
        if label:
            return f"{label} ({body})"
        return body

    def text(self, text_object: Any) -> str:
        """A text object's text (mrkdwn resolved)."""
        if isinstance(text_object, dict) and text_object.get("type") == "plain_text":
            return html.unescape(plain(text_object))
        return self.mrkdwn(plain(text_object))

    # -- blocks -------------------------------------------------------------------------------

    def blocks(self, blocks: Any) -> list[str]:
        """Every block as lines of text."""
        lines: list[str] = []
        if not isinstance(blocks, list):
            return lines
        for index, block in enumerate(blocks):
            if isinstance(block, dict):
                lines += self.block(block, index)
        return lines

    def block(self, block: dict[str, Any], index: int = 0) -> list[str]:
        """One block as lines of text."""
        kind = block.get("type")
        block_id = str(block.get("block_id") or f"block{index}")
        lines: list[str] = []
        if kind == "header":
            lines.append(f"# {self.text(block.get('text'))}")
        elif kind == "section":
            if block.get("text"):
                lines += self.text(block.get("text")).splitlines()
            fields = block.get("fields") or []
            lines += [f"  {line}" for f in fields for line in self.text(f).splitlines()]
            accessory = block.get("accessory")
            if isinstance(accessory, dict):
                shown = self.element(accessory, block_id)
                if shown:
                    lines.append(f"  {shown}")
        elif kind == "context":
            parts = [self.text(e) if e.get("type") != "image" else f"[{e.get('alt_text', '')}]"
                     for e in block.get("elements") or [] if isinstance(e, dict)]
            lines.append("  " + "  ".join(p for p in parts if p))
        elif kind == "divider":
            lines.append("─" * 40)
        elif kind == "actions":
            elements = [self.element(e, block_id) for e in block.get("elements") or []
                        if isinstance(e, dict)]
            lines.append("  ".join(e for e in elements if e))
        elif kind == "image":
            lines.append(f"[{block.get('alt_text', 'image')}]")
        elif kind == "input":
            lines.append(self.input(block, block_id))
        elif kind == "rich_text":
            lines += self._rich(block).splitlines()
        elif kind == "video":
            lines.append(f"[{self.text(block.get('title'))}]")
        return lines

    def element(self, element: dict[str, Any], block_id: str) -> str:
        """An interactive element as a label and the console command that uses it."""
        kind = str(element.get("type") or "")
        action_id = str(element.get("action_id") or "")
        if kind not in _CLICKABLE_TYPES or not action_id:
            return ""
        label = self.text(element.get("text") or element.get("placeholder") or action_id)
        value = element.get("value")
        options = _options(element)
        self.clickables.append(Clickable(action_id=action_id, block_id=block_id, kind=kind,
                                         label=label, value=None if value is None else str(value),
                                         options=options))
        click = f"/click {self.number} {action_id}" if self.number else f"/click {action_id}"
        if kind == "button":
            return f"[{label}] ({click})"
        choices = " | ".join(f"{text}={value}" for value, text in options)
        return f"[{label} ▾ {choices}] ({click} <value>)" if choices else \
            f"[{label} ▾] ({click} <value>)"

    def input(self, block: dict[str, Any], block_id: str) -> str:
        """An input block: its label, the field name for `/submit`, and any choices or value."""
        element = block.get("element") or {}
        label = self.text(block.get("label"))
        optional = " " + t("console.optional", self.lang) if block.get("optional") else ""
        kind = str(element.get("type") or "")
        extra = ""
        options = _options(element)
        if options:
            extra = " ∈ {" + ", ".join(_choice(value, text) for value, text in options) + "}"
        elif kind == "datepicker":
            extra = " YYYY-MM-DD"
        elif kind in ("users_select", "multi_users_select"):
            extra = " @user"
        initial = element.get("initial_value") or element.get("initial_date") or \
            plain((element.get("initial_option") or {}).get("text")) or element.get("initial_user")
        shown = f" = {initial}" if initial else ""
        hint = f"  ({self.text(block['hint'])})" if block.get("hint") else ""
        return f"✎ {label}{optional}: {block_id}{extra}{shown}{hint}"

    def _rich(self, node: Any) -> str:
        if isinstance(node, list):
            return "".join(self._rich(n) for n in node)
        if not isinstance(node, dict):
            return ""
        kind = node.get("type")
        if kind == "text":
            return str(node.get("text") or "")
        if kind == "link":
            return str(node.get("text") or node.get("url") or "")
        if kind == "user":
            return "@" + self.names.get(str(node.get("user_id")), str(node.get("user_id")))
        if kind == "channel":
            return "#" + self.channels.get(str(node.get("channel_id")), str(node.get("channel_id")))
        if kind == "emoji":
            return f":{node.get('name')}:"
        if kind == "date":
            try:
                return format_datetime(datetime.fromtimestamp(int(node["timestamp"]), UTC),
                                       self.lang, self.tz)
            except (KeyError, ValueError, TypeError, OverflowError, OSError):
                return str(node.get("fallback") or "")
        inner = self._rich(node.get("elements") or [])
        if kind == "rich_text_list":
            return "".join(f"• {self._rich(e).rstrip()}\n" for e in node.get("elements") or [])
        if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            return inner + "\n"
        return inner
