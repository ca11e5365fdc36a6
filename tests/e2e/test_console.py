"""The local console: scripted sessions against the same listeners, in English and Japanese."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.config import Settings
from bot.console import Console, ConsoleClock, open_console, run_console
from bot.outbox import enqueue
from bot.services import Job
from bot.syntax.tokens import duration
from bot.usecases.deal_support import open_deals
from bot.usecases.home import home_data
from rules.vocabulary import Role
from storage.models import Deal, DealThread, Person

START = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)   # Fri 21 Nov 2025 16:00 JST, 02:00 EST


def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}")


def script(lines: Iterable[str]) -> Any:
    feed: Iterator[str] = iter(lines)

    def read(prompt: str) -> str | None:
        return next(feed, None)

    return read


def session(tmp_path: Path, lines: list[str], *, user: str | None = None) -> tuple[int, list[str]]:
    out: list[str] = []
    status = run_console(settings(tmp_path), user=user, read=script(lines), write=out.append,
                         clock=ConsoleClock(START))
    return status, out


def after(out: list[str], marker: str) -> str:
    """Everything printed after the first line containing `marker`."""
    index = next(i for i, line in enumerate(out) if marker in line)
    return "\n".join(out[index + 1:])


@contextmanager
def opened(tmp_path: Path, user: str) -> Iterator[tuple[Console, list[str]]]:
    out: list[str] = []
    with open_console(settings(tmp_path), write=out.append, clock=ConsoleClock(START)) as console:
        console.choose(user)
        yield console, out


def test_a_japanese_partner_session(tmp_path: Path) -> None:
    status, out = session(tmp_path, [
        "1",                                               # Aiko Tanaka, Sakura Digital KK
        "/roe eligibility sales/starter 20 USD",
        "/thread 1",
        "/deal status",
        "/advance 1d",
        "/quit",
    ])
    text = "\n".join(out)
    assert status == 0
    assert "People in the demo directory:" in text            # before anyone is chosen
    assert "Aiko Tanaka(パートナー)として操作します" in text
    answer = after(out, "操作します")
    assert "あなただけに表示" in answer
    assert "対象外" in answer and "対象となる取引の条件" in answer
    status_answer = after(out, "のスレッドに入りました")
    assert "あなただけに表示" in status_answer
    assert "時計を 1d 進めました。現在時刻は 11月22日(土) 16:00 JST です。" in text
    assert text.rstrip().endswith("終了します。")
    assert "only visible to you" not in text and "Eligible" not in text


def test_an_english_partner_session(tmp_path: Path) -> None:
    status, out = session(tmp_path, [
        "dana",
        "/roe eligibility marketing/professional 800 USD + sales/starter 20 USD",
        "/deal status",
        "/advance 1d",
        "/quit",
    ])
    text = "\n".join(out)
    assert status == 0
    assert "You are Dana Reyes (partner)" in text
    answer = after(out, "You are Dana Reyes")
    assert "Coseller · only visible to you" in answer
    assert "Eligible" in answer and "Deal Eligibility" in answer
    assert "/deal status" not in text or "Unknown command" not in text
    assert len([line for line in out if "only visible to you" in line]) >= 2   # /roe, /deal
    assert "The clock moved forward 1d: it is now Sat 22 Nov 02:00 EST." in text
    assert text.rstrip().endswith("Bye!")
    assert "対象" not in text


def test_the_bots_reads_of_slack_are_not_shown(tmp_path: Path) -> None:
    """The channel-member read Slack Connect needs is the bot's own business: a user of the
    console never sees `[conversations.members] {...}` among the messages."""
    _, out = session(tmp_path, ["/as hiroshi", "/thread 1", "ご確認ください。", "/quit"])
    assert out and not [line for line in out if "conversations.members" in line]


def test_the_language_follows_the_chosen_user(tmp_path: Path) -> None:
    _, out = session(tmp_path, ["/as aiko", "/help", "/as U0GSMAYA", "/help", "/quit"])
    text = "\n".join(out)
    assert "コンソールのコマンド:" in text and "Console commands:" in text
    assert text.index("コンソールのコマンド:") < text.index("Console commands:")


def test_demo_data_is_seeded_once(tmp_path: Path) -> None:
    for _ in range(2):
        with opened(tmp_path, "aiko") as (console, _out):
            with console.services.uow() as uow:
                deals = uow.session.scalar(select(func.count()).select_from(Deal))
                threads = uow.session.scalar(select(func.count()).select_from(DealThread))
                people = uow.session.scalar(select(func.count()).select_from(Person))
                regions = {d.region_code for d in uow.session.scalars(select(Deal))}
            assert (deals, threads, people) == (5, 5, 7)
            assert regions == {"JP", "US"}


def test_a_partner_sees_only_its_own_deals(tmp_path: Path) -> None:
    with opened(tmp_path, "dana") as (console, out):
        console.handle("/deals")
        console.handle("/thread 1")                # Sakura's deal: not Dana's
        text = "\n".join(out)
        assert "Bluebird Health" in text and "Acme Outdoor" in text
        assert "Hoshino Foods" not in text and "Sakura" not in text and "Kaze" not in text
        assert "There is no deal 1 that you can see" in text
        assert console.thread is None
        console.handle("/thread 3")
        assert console.thread is not None and console.thread.deal_id == 3


def test_buttons_modals_and_threads(tmp_path: Path) -> None:
    """The console's own mechanics, on probe listeners added to the real app."""
    with opened(tmp_path, "maya") as (console, out):
        app = console.app
        with console.services.uow() as uow:
            thread = uow.session.get(DealThread, 3)
            assert thread is not None
            channel, thread_ts = thread.channel_id, thread.thread_ts

        def probe(ack: Any, respond: Any) -> None:
            ack()
            respond(text="probe", response_type="ephemeral", blocks=[
                {"type": "section", "text": {"type": "mrkdwn",
                                             "text": "Due <!date^1763740800^{date_short_pretty} "
                                                     "{time}|soon>, ask <@U0DANA01>"}},
                {"type": "actions", "block_id": "probe_actions", "elements": [
                    {"type": "button", "action_id": "probe_open", "value": "v1",
                     "text": {"type": "plain_text", "text": "Open"}}]}])

        def open_modal(ack: Any, body: dict[str, Any], client: Any) -> None:
            ack()
            client.views_open(trigger_id=body["trigger_id"], view={
                "type": "modal", "callback_id": "probe_modal",
                "private_metadata": body["actions"][0]["value"],
                "title": {"type": "plain_text", "text": "Probe"},
                "submit": {"type": "plain_text", "text": "Save"},
                "blocks": [
                    {"type": "input", "block_id": "company",
                     "label": {"type": "plain_text", "text": "Company"},
                     "element": {"type": "plain_text_input", "action_id": "value"}},
                    {"type": "input", "block_id": "size",
                     "label": {"type": "plain_text", "text": "Size"},
                     "element": {"type": "static_select", "action_id": "choice", "options": [
                         {"text": {"type": "plain_text", "text": "Small"}, "value": "s"},
                         {"text": {"type": "plain_text", "text": "Large"}, "value": "l"}]}},
                    {"type": "input", "block_id": "when", "optional": True,
                     "label": {"type": "plain_text", "text": "When"},
                     "element": {"type": "datepicker", "action_id": "date",
                                 "initial_date": "2025-12-01"}}]})

        def submitted(ack: Any, view: dict[str, Any], client: Any, body: dict[str, Any]) -> None:
            values = view["state"]["values"]
            company = values["company"]["value"]["value"]
            if not company:
                ack(response_action="errors", errors={"company": "Company is required"})
                return
            ack()
            size = values["size"]["choice"]["selected_option"]["value"]
            when = values["when"]["date"]["selected_date"]
            client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                    text=f"{company}/{size}/{when}/{view['private_metadata']}"
                                         f"/{body['user']['id']}")

        app.command("/probe")(probe)
        app.action("probe_open")(open_modal)
        app.view("probe_modal")(submitted)
        console.slash_commands.add("/probe")

        console.handle("/probe")
        text = "\n".join(out)
        assert "Due Fri 21 Nov 11:00 EST, ask @Dana Reyes" in text
        assert "── [1] Coseller · only visible to you ──" in text
        assert "[Open] (/click 1 probe_open)" in text
        console.handle("/click probe_open")
        text = "\n".join(out)
        assert "modal: Probe" in text and "✎ Company: company" in text
        assert "Size: size ∈ {Small=s, Large=l}" in text and "= 2025-12-01" in text
        console.handle("/submit nosuch=1")
        assert "The open modal has no field 'nosuch'" in out[-1]
        console.handle("/submit company= size=Large")
        assert "  ✗ company: Company is required" in out
        assert len(console.modals) == 1
        console.handle('/submit company="Bluebird Health" size=Large')
        text = "\n".join(out)
        assert "Coseller in the thread of deal 3" in text
        assert "Bluebird Health/l/2025-12-01/v1/U0GSMAYA" in text
        assert console.modals == []


def test_advance_runs_due_work_and_delivers_it(tmp_path: Path) -> None:
    calls: list[datetime] = []
    with opened(tmp_path, "hiroshi") as (console, out):
        services = console.services
        services.jobs = [*services.jobs, Job("probe", lambda: calls.append(services.now()),
                                             every=3600)]
        with services.uow() as uow:
            enqueue(uow, key="console-test:reminder", at=START + timedelta(hours=2),
                    payload={"method": "chat.postMessage", "dm": "U0GSHIRO",
                             "args": {"text": "リマインダー: 案件 1 の返信期限が近づいています"}})
            enqueue(uow, key="console-test:thread", at=START + timedelta(hours=2),
                    payload={"method": "chat.postMessage", "thread_of": 1,
                             "args": {"text": "Reminder in the thread"}})
            uow.commit()
        console.handle("/advance 1h")
        assert not any("リマインダー" in line for line in out)
        console.handle("/advance 90m")
        text = "\n".join(out)
        assert "Hiroshi Satoさんへのダイレクトメッセージ" in text
        assert "リマインダー: 案件 1 の返信期限が近づいています" in text
        assert "案件 1 のスレッド" in text and "Reminder in the thread" in text
        # an hourly job fires at +1h, then once (coalesced) when the clock passes +2h
        assert calls == [START + timedelta(hours=1), START + timedelta(hours=2, minutes=30)]


def _recording(jobs: list[Job], now: Any, runs: list[tuple[str, datetime]]) -> list[Job]:
    def run(job: Job) -> Any:
        return lambda: (runs.append((job.id, now())), job.run())
    return [replace(job, run=run(job)) for job in jobs]


def test_advance_runs_the_schedulers_job_table(tmp_path: Path) -> None:
    """A GS's digest comes on their region's business morning, at the scheduler's hour in the
    region's zone, and not before; the weekend passes without one."""
    runs: list[tuple[str, datetime]] = []
    tokyo, new_york = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York")
    with opened(tmp_path, "maya") as (console, out):
        services = console.services
        assert {job.id for job in services.jobs} >= {"digest-gs:US", "digest-gs:JP",
                                                    "bant-prompts:US", "sweep-clocks",
                                                    "deliver-outbox", "ensure-clocks"}
        services.jobs = _recording(services.jobs, services.now, runs)

        def times(job_id: str, zone: ZoneInfo) -> list[datetime]:
            return [when.astimezone(zone) for job, when in runs if job == job_id]

        console.handle("/advance 5h")                     # Fri 21 Nov 07:00 EST
        assert times("digest-gs:US", new_york) == []
        assert "Good morning" not in "\n".join(out)
        console.handle("/advance 2h")                     # Fri 09:00 EST
        assert times("digest-gs:US", new_york) == [datetime(2025, 11, 21, 8, 30, tzinfo=new_york)]
        digest = after(out, "The clock moved forward 2h")
        assert "Coseller · direct message to Maya Brooks" in digest
        # the demo's offer to Northwind runs its 72 hours too (it lapses on Mon 24 Nov)
        assert "Good morning! 2 clocks are running on your deals:" in digest
        assert "Bluebird Health" in digest and "Acme Outdoor" in digest
        console.handle("/advance 3d")                     # Mon 24 Nov 09:00 EST
        assert times("digest-gs:US", new_york) == [datetime(2025, 11, 21, 8, 30, tzinfo=new_york),
                                                   datetime(2025, 11, 24, 8, 30, tzinfo=new_york)]
        assert times("digest-gs:JP", tokyo) == [datetime(2025, 11, 24, 8, 30, tzinfo=tokyo)]
        assert times("bant-prompts:US", new_york) == [
            datetime(2025, 11, 21, 9, 30, tzinfo=new_york)]
        # the sweep and the outbox run (coalesced) at each of those instants and at the end
        sweeps = times("sweep-clocks", new_york)
        assert sweeps[-1] == START + timedelta(days=3, hours=7)
        assert datetime(2025, 11, 21, 8, 30, tzinfo=new_york) in sweeps


def _deal_ids(lines: list[str]) -> set[int]:
    return {int(m.group(1)) for line in lines if (m := re.match(r"^  (\d+)\. ", line))}


def test_deals_lists_what_the_bot_shows_each_person(tmp_path: Path) -> None:
    with opened(tmp_path, "aiko") as (console, out):
        for person in console.people():
            console.handle(f"/as {person.user_id}")
            start = len(out)
            console.handle("/deals")
            shown = _deal_ids(out[start:])
            data = home_data(console.services, person)
            expected = {d.id for d in data.deals} | {d.id for o in data.orgs for d in o.deals}
            if person.role is Role.ADMIN:                  # an admin reads every deal's thread
                with console.services.uow() as uow:
                    expected = {d.id for d in uow.deals.every()}
            assert shown == expected, person.name
            assert all(console.may_see(deal) for deal in shown), person.name
            if person.role in (Role.PARTNER, Role.GS):
                with console.services.uow() as uow:
                    assert shown == {ident for ident, _ in open_deals(uow, person)}
            if person.role is Role.PARTNER:
                with console.services.uow() as uow:
                    owners = {uow.deals.get(i).partner_org_id for i in shown}
                assert owners <= {person.partner_org_id}, person.name
        console.handle("/as dana")
        console.handle("/deals")
        assert _deal_ids(out[-3:]) == {3, 4}


def test_bad_console_input_is_answered_not_fatal(tmp_path: Path) -> None:
    status, out = session(tmp_path, [
        "nobody", "7",                                     # no such person, then the admin
        "/thread 99", "/thread x", "/click nope", "/submit a=1", "/cancel",
        "/advance soon", "/advance 0h", "/as nobody", "/frobnicate", "", "/now", "/deals",
        "/roe eligibility marketing/pro 800 USD", "/deal nonsense",
    ])
    text = "\n".join(out)
    assert status == 0
    assert "No one matches 'nobody'" in text
    assert "You are Operations Admin (admin)" in text
    for expected in ("There is no deal 99", "Which deal?", "No button or menu 'nope'",
                     "No modal is open.", "How far, or until when?", "Unknown command /frobnicate",
                     "It is Fri 21 Nov 07:00 UTC.", "Usage:"):
        assert expected in text, expected
    assert text.count("How far, or until when?") == 2
    assert "Traceback" not in text
    assert text.rstrip().endswith("Bye!")                  # the end of input ends the session


def test_mentions_and_messages_reach_the_listeners(tmp_path: Path) -> None:
    with opened(tmp_path, "dana") as (console, _out):
        events: list[tuple[str, str, str | None]] = []
        console.app.middleware(_spy(events))
        console.handle("/thread 3")
        console.handle("hello from Dana")
        console.handle("@coseller what is due?")
        with console.services.uow() as uow:
            thread_ts = uow.session.scalar(select(DealThread.thread_ts).where(
                DealThread.deal_id == 3))
        assert ("message", "hello from Dana", thread_ts) in events
        assert ("app_mention", "<@U0COSELLBOT> what is due?", thread_ts) in events


def _spy(events: list[tuple[str, str, str | None]]) -> Any:
    def spy(body: dict[str, Any], next: Any) -> Any:
        event = body.get("event") or {}
        if event.get("type") in ("message", "app_mention"):
            events.append((event["type"], event["text"], event.get("thread_ts")))
        return next()
    return spy


def test_durations() -> None:
    assert duration("2h") == timedelta(hours=2)
    assert duration("3d") == timedelta(days=3)
    assert duration("1w") == timedelta(weeks=1)
    assert duration("1d12h") == timedelta(days=1, hours=12)
    assert duration("90m") == timedelta(minutes=90)
    for bad in ("", "soon", "0h", "2x", "-1d", "h"):
        assert duration(bad) is None, bad
