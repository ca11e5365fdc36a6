"""The admin sections of the Home tab: what needs attention, in the admin's language and zone.

    blocks = admin_blocks(data.admin, lang="ja", tz=ZoneInfo("Asia/Tokyo"))

Every line is a catalog message rendered for one reader (`bot.views.text.render_text`): names,
companies, keys and Slack's errors are escaped; people and channels known only by their Slack id
are shown as Slack shows them (`Mention`, `ChannelLink`: built from ids; a Home tab notifies
nobody). Each list shows its total and the latest few, and each dead message its Retry button:
at most `LATEST` + 7 blocks, far under the Home tab's 100.
"""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.i18n import MESSAGES, t
from bot.messages import ChannelLink, Mention, Param, Reader, Text, Typed
from bot.usecases.admin_home import (
    AdminData,
    BreachLine,
    ChannelAlert,
    DirectoryHealth,
    OutboxLine,
    Stranger,
    Where,
)
from bot.views.text import HEADER_TEXT, SECTION_TEXT, clip, render_text
from storage.models import OutboxState

__all__ = ["RETRY_ACTION", "admin_blocks"]

RETRY_ACTION = "admin_retry_message"
_ERROR = 200  # characters of Slack's last answer shown


def _kind(kind: str) -> Text:
    key = f"home.breach.{kind}"
    return Text(key) if key in MESSAGES.catalog("en") else Text("home.breach.other", {"kind": kind})


def _where(where: Where, team: str | None) -> Text:
    params: dict[str, Param]
    if where.kind == "thread" and where.channel_id:
        text = Text("admin.where.thread", {"deal": where.deal_id or 0,
                                           "channel": ChannelLink(where.channel_id)})
    elif where.kind == "thread":
        text = Text("admin.where.thread_unposted", {"deal": where.deal_id or 0})
    elif where.kind == "person":
        text = Text("admin.where.person", {"name": Typed(where.person or "-")})
    elif where.kind == "user":
        text = Text("admin.where.person", {"name": Mention(where.user_id or "-")})
    elif where.kind == "channel":
        text = Text("admin.where.channel", {"channel": ChannelLink(where.channel_id or "-")})
    else:
        text = Text("admin.where.other", {"where": Typed(where.other or "-")})
    if not team:
        return text
    params = {"where": text, "team": team}
    return Text("admin.where.team", params)


def _about(line: OutboxLine) -> Text:
    if line.deal_id is None:
        return Text("admin.about.none")
    if line.company is None:
        return Text("admin.about.gone", {"deal": line.deal_id})
    return Text("admin.about.deal", {"deal": line.deal_id, "company": Typed(line.company)})


def _refused_line(line: OutboxLine) -> Text:
    reason = Text(line.reason, {"who": Typed(line.who or "-")}) if line.reason else \
        Text("admin.refused.unknown")
    return Text("admin.refused.line", {"at": line.queued_at, "about": _about(line),
                                       "where": _where(line.where, line.team_id),
                                       "reason": reason, "key": Typed(line.key)})


def _dead_line(line: OutboxLine) -> Text:
    return Text("admin.dead.line", {"at": line.queued_at, "about": _about(line),
                                    "where": _where(line.where, line.team_id),
                                    "attempts": line.attempts, "key": Typed(line.key),
                                    "error": Typed(clip(" ".join((line.error or "-").split()),
                                                        _ERROR, mrkdwn=False))})


def _breach_line(line: BreachLine) -> Text:
    deal = Text("admin.breach.deal", {"deal": line.deal_id, "company": Typed(line.company or "")}) \
        if line.deal_id is not None else Text("admin.breach.no_deal")
    key = "admin.breach.gs_line" if line.gs else "admin.breach.line"
    return Text(key, {"at": line.occurred_at, "org": Typed(line.org), "what": _kind(line.kind),
                      "deal": deal})


def _channel_line(alert: ChannelAlert) -> Text:
    members = tuple(Text("admin.channel.member", {
        "name": Typed(m.name), "org": Typed(m.org) if m.org else Text("admin.channel.no_org"),
        "since": m.since}) for m in alert.members)
    return Text("admin.channel.line", {"channel": ChannelLink(alert.channel_id),
                                       "orgs": tuple(Typed(o) for o in alert.orgs),
                                       "members": members})


def _stranger_line(stranger: Stranger) -> Text:
    return Text("admin.stranger.line", {"user": Mention(stranger.user_id),
                                        "channel": ChannelLink(stranger.channel_id),
                                        "first": stranger.first_seen,
                                        "last": stranger.last_seen}, count=stranger.times)


class _Writer:
    """Lines rendered for one reader, under titles, cut to a section's size."""

    def __init__(self, lang: str, tz: tzinfo) -> None:
        self.reader = Reader(lang, tz)
        self.lang = lang

    def text(self, text: Text) -> str:
        return render_text(text, self.reader)

    def section(self, title: Text, lines: list[Text], *, total: int | None = None,
                empty: str = "admin.none") -> SectionBlock:
        body = [f"• {self.text(line)}" for line in lines]
        if total is not None and total > len(lines):
            body.append(t("home.more", self.lang, count=total - len(lines)))
        if not body:
            body = [f"_{t(empty, self.lang)}_"]
        return SectionBlock(text=MarkdownTextObject(text=clip(
            f"*{self.text(title)}*\n" + "\n".join(body), SECTION_TEXT)))


def _outbox_blocks(data: AdminData, out: _Writer) -> list[Block]:
    counts = data.counts
    summary = Text("admin.outbox.counts", {
        "refused": counts.get(OutboxState.REFUSED, 0), "dead": counts.get(OutboxState.DEAD, 0),
        "held": counts.get(OutboxState.HELD, 0), "pending": counts.get(OutboxState.PENDING, 0)})
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=clip(
            f"*{out.text(Text('admin.outbox.title'))}*\n{out.text(summary)}", SECTION_TEXT))),
        out.section(Text("admin.refused.title"), [_refused_line(r) for r in data.refused],
                    total=counts.get(OutboxState.REFUSED, 0)),
        out.section(Text("admin.dead.title"), []) if not data.dead else
        SectionBlock(text=MarkdownTextObject(text=f"*{out.text(Text('admin.dead.title'))}*")),
    ]
    for line in data.dead:
        blocks.append(SectionBlock(
            text=MarkdownTextObject(text=clip(f"• {out.text(_dead_line(line))}", SECTION_TEXT)),
            accessory=ButtonElement(text=PlainTextObject(text=t("admin.retry.button", out.lang)),
                                    action_id=RETRY_ACTION, value=str(line.id))))
    more = counts.get(OutboxState.DEAD, 0) - len(data.dead)
    if data.dead and more > 0:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=t("home.more", out.lang, count=more))))
    return blocks


def _directory_lines(health: DirectoryHealth) -> list[Text]:
    lines: list[Text] = []
    for key, names, count in (("admin.directory.no_zone", health.no_zone, health.no_zone_count),
                              ("admin.directory.no_language", health.no_language,
                               health.no_language_count),
                              ("admin.directory.no_pdm", health.no_pdm, health.no_pdm_count),
                              ("admin.directory.no_gs", health.no_gs, health.no_gs_count)):
        if count:
            shown: tuple[Param, ...] = tuple(Typed(n) for n in names)
            if count > len(names):
                shown = (*shown, Text("home.more", {"count": count - len(names)}))
            lines.append(Text(key, {"names": shown}, count=count))
    return lines


def admin_blocks(data: AdminData, *, lang: str, tz: tzinfo) -> list[Block]:
    """The admin sections, in `lang`, times in `tz`."""
    out = _Writer(lang, tz)
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(
        text=clip(t("admin.title", lang), HEADER_TEXT, mrkdwn=False)))]
    blocks += _outbox_blocks(data, out)
    by_org = tuple(Text("admin.breaches.org", {"org": Typed(name), "count": count})
                   for name, count in data.breaches_by_org[:10])
    breaches_title = Text("admin.breaches.title", {"orgs": by_org}, count=data.breach_count) \
        if by_org else Text("admin.breaches.title_none")
    blocks.append(out.section(breaches_title, [_breach_line(b) for b in data.breaches],
                              total=data.breach_count))
    blocks.append(out.section(Text("admin.channels.title", count=data.channel_count),
                              [_channel_line(c) for c in data.channels],
                              total=data.channel_count))
    blocks.append(out.section(Text("admin.strangers.title", count=data.stranger_count),
                              [_stranger_line(s) for s in data.strangers],
                              total=data.stranger_count))
    blocks.append(out.section(Text("admin.directory.title"), _directory_lines(data.directory),
                              empty="admin.directory.healthy"))
    blocks.append(DividerBlock())
    return blocks
