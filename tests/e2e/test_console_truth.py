"""The console does what its help says: slash commands in a thread act on the thread's deal,
`/click N`, `/advance` to a moment (never backwards), dates typed in modals, `/reset`, the time
kept with the database, and the scheduler's every periodic job run once per due time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.triggers.base import BaseTrigger

from bot.services import Job
from scheduler import job_table, trigger
from tests.e2e.test_console import START, after, opened


def test_slash_commands_in_a_thread_act_on_its_deal(tmp_path: Path) -> None:
    with opened(tmp_path, "dana") as (console, out):
        console.handle("/thread 3")
        start = len(out)
        console.handle("/roe deal")
        answer = "\n".join(out[start:])
        assert "*Deal #3: Bluebird Health* (bluebirdhealth.com) · Accepted · Partner Sourced" \
            in answer
        assert "not a deal's thread" not in answer
        start = len(out)
        console.handle("/deal status")
        assert "Bluebird Health" in "\n".join(out[start:])
        assert "Which deal?" not in "\n".join(out[start:])
        start = len(out)
        console.handle("/deal timeline")
        timeline = out[start + 1:]
        assert timeline[0] == ("  *Timeline of deal #3, Bluebird Health* (region US; times in "
                               "America/New_York)")
        assert "  No message between the parties yet." in timeline
        console.handle("/leave")
        start = len(out)
        console.handle("/roe deal")
        assert "This is not a deal's thread" in "\n".join(out[start:])


def test_advance_to_a_moment_click_by_number_and_dates_in_a_modal(tmp_path: Path) -> None:
    with opened(tmp_path, "dana") as (console, out):
        console.handle("/advance monday 10am")
        assert "The clock moved to Mon 24 Nov 10:00 EST." in out
        assert console.clock() == START + timedelta(days=3, hours=8)
        console.handle("/advance 2025-11-20 09:00")
        assert out[-1] == ("Thu 20 Nov 09:00 EST is not after now (Mon 24 Nov 10:00 EST): "
                           "the clock only moves forward.")
        console.handle("/advance someday")
        assert out[-1].startswith("How far, or until when?")
        assert console.clock() == START + timedelta(days=3, hours=8)
        # the prompt [1] and the reminder [n] both have "Update BANT"
        assert "── [1] Coseller in the thread of deal 3 ──" in out
        assert out[out.index("── [1] Coseller in the thread of deal 3 ──") + 2] == \
            "  [Update BANT] (/click 1 bant_open)"
        n = next(int(line.split("/click ")[1].split()[0]) for line in out
                 if "extension_open" in line)
        assert f"  [Update BANT] (/click {n} bant_open)  [I'm out of office] (/click {n} " \
               f"ooo_open)  [Request extension] (/click {n} extension_open)" in out
        console.handle("/click bant_open")
        assert out[-1] == (f"'bant_open' is on more than one message (1, {n}); say which, for "
                           f"example: /click {n} bant_open")
        console.handle("/click 99 bant_open")
        assert out[-1] == "No message [99] has been shown."
        console.handle(f"/click {n} nothing")
        assert out[-1].startswith(f"Message [{n}] has no button or menu 'nothing'. Its buttons: "
                                  "bant_open [Update BANT]")
        console.handle(f"/click {n} Request extension")
        assert "  ✎ Or a new due time (optional): ext_until" in out
        console.handle("/submit ext_until=someday ext_reason=x")
        assert out[-1] == ("The field 'ext_until' takes a date and time; 'someday' is not one. "
                           "For example: 2026-12-03 09:00, 12/3 9am, tomorrow 5pm.")
        assert len(console.modals) == 1
        console.handle('/submit ext_until="tomorrow 5pm" ext_reason="customer travel"')
        assert console.modals == []
        assert "  Your extension request went to Maya Brooks. Until it is approved, the reply " \
               "is still due Tue 25 Nov 09:30 EST." in out
        start = len(out)
        console.handle("/as maya")                 # the request waited for her
        request = "\n".join(out[start:])
        # two digests, the lapsed offer, the request
        assert "4 message(s) came for you meanwhile:" in request
        assert "Tue 25 Nov 17:00 EST" in request


def test_the_console_time_is_kept_with_its_database(tmp_path: Path) -> None:
    with opened(tmp_path, "hiroshi") as (console, out):
        console.handle("/advance 3d")
        assert "時計を 3d 進めました。現在時刻は 11月24日(月) 16:00 JST です。" in out
    with opened(tmp_path, "hiroshi") as (console, out):      # restarted: not back at START
        assert console.clock() == START + timedelta(days=3)
        console.handle("/now")
        assert out[-1] == "現在時刻は 11月24日(月) 16:00 JST です。"
        console.handle("/advance 12月1日 9時")
        assert out[-1 - len(after(out, "時計を進めました").splitlines())] == \
            "時計を進めました。現在時刻は 12月1日(月) 09:00 JST です。"
    with opened(tmp_path, "dana") as (console, out):
        assert console.clock() == datetime(2025, 12, 1, 0, 0, tzinfo=START.tzinfo)
        console.handle("/reset")
        assert out[-1].startswith("This empties the demo database")
        assert console.clock() == datetime(2025, 12, 1, 0, 0, tzinfo=START.tzinfo)
        console.handle("/thread 3")
        console.handle("hello")
        console.handle("/reset yes")
        assert out[-1] == "The demo starts afresh: new demo data, and it is Fri 21 Nov 02:00 EST."
        assert console.clock() == START and console.thread is None
        with console.services.uow() as uow:
            assert uow.messages.first_from(3, _partner(), since=START) is None
            assert len(uow.deals.with_status(list(_statuses()))) == 5
        start = len(out)
        console.handle("/deals")
        assert out[start + 1] == "  3. Bluebird Health (bluebirdhealth.com) · Accepted: co-selling"
        assert out[start + 2].startswith("  4. Acme Outdoor (acmeoutdoor.com) · ")   # not lapsed
    with opened(tmp_path, "dana") as (console, out):
        assert console.clock() == START


def _partner() -> Any:
    from storage.models import Party
    return Party.PARTNER


def _statuses() -> Any:
    from storage.models import DealStatus
    return DealStatus


def test_advance_runs_every_periodic_job_once_per_due_time(tmp_path: Path) -> None:
    runs: list[tuple[str, datetime]] = []
    with opened(tmp_path, "U0PDMKEN") as (console, _out):
        services = console.services
        # the console runs the real scheduler's job table, every job of it
        assert [j.id for j in services.jobs] == [j.id for j in job_table(services)]
        schedules: dict[str, BaseTrigger] = {j.id: trigger(j) for j in services.jobs}

        def recorded(job: Job) -> Job:
            return replace(job, run=lambda: (runs.append((job.id, services.now())), job.run()))

        services.jobs = [recorded(j) for j in services.jobs]
        for step in ("1d", "2d", "monday 8am", "1h", "2h", "4d"):
            console.handle(f"/advance {step}")
        end = console.clock()
    for job in job_table(services):
        times = [at for ident, at in runs if ident == job.id]
        assert times, job.id
        assert len(times) == len(set(times)), job.id            # never twice for one time
        if job.cron is None:
            continue
        expected: list[datetime] = []
        moment = schedules[job.id].get_next_fire_time(START, START)
        while moment is not None and moment <= end:
            expected.append(moment)
            moment = schedules[job.id].get_next_fire_time(moment, moment)
        assert times == expected, job.id                        # at each fire time, once
    pdm = [at for ident, at in runs if ident == "digest-pdm"]
    assert [at.isoformat() for at in pdm] == ["2025-11-24T09:00:00+00:00",
                                             "2025-12-01T09:00:00+00:00"]
