"""The scheduler's wiring: stable job ids, coalescing, one instance at a time, an explicit misfire
grace, a time zone on every trigger (the region's own for the morning jobs), each job one use case
that runs as the scheduler would call it; and the morning jobs keep to business days."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient

from bot.services import Services
from bot.usecases.periodic import bant_prompts, gs_digests
from scheduler import build_scheduler
from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import HIRO, add_deal, deliver_all, dms, posted, utc


def test_jobs_ids_defaults_and_time_zones(services: Services, client: WebClient) -> None:
    scheduler = build_scheduler(services)
    scheduler.start(paused=True)                             # the job defaults are applied
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert set(jobs) == {"sweep-clocks", "deliver-outbox", "ensure-clocks", "digest-pdm",
                         "calendar-closures",
                         "bant-prompts:JP", "bant-prompts:US", "digest-gs:JP", "digest-gs:US",
                         *(f"{kind}:{code}" for kind in ("bant-prompts", "digest-gs")
                           for code in services.regions.codes())}
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time is not None and job.misfire_grace_time > 0
        assert job.trigger.timezone is not None, job.id
    assert str(jobs["bant-prompts:JP"].trigger.timezone) == "Asia/Tokyo"
    assert str(jobs["digest-gs:US"].trigger.timezone) == "America/New_York"
    assert "sat" not in str(jobs["bant-prompts:JP"].trigger)  # the region's working week
    assert jobs["sweep-clocks"].trigger.interval == timedelta(seconds=30)


def test_every_job_runs_as_the_scheduler_calls_it(services: Services, client: WebClient,
                                                  slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 12, 2, 0, 30)                       # Tue 09:30 in Tokyo
    add_deal(services, company="Scheduled KK")
    scheduler = build_scheduler(services)
    for job in scheduler.get_jobs():
        job.func(*job.args, **job.kwargs)
    deliver_all(services, client)
    assert any(k.startswith("bant:") for k in posted(slack))
    assert any(k.startswith("digest:gs:") for k in posted(slack))
    assert dms(slack, HIRO)                                    # the GS's morning digest


def test_no_bant_prompt_or_gs_digest_on_a_public_holiday(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    clock.now = utc(2025, 11, 21, 0, 30)                      # Fri 21 Nov 09:30 in Tokyo
    add_deal(services, company="Holiday KK")
    clock.now = utc(2025, 11, 24, 0, 30)                      # Mon 24 Nov: a substitute holiday
    assert bant_prompts(services, "JP").prompts == 0
    assert gs_digests(services, "JP").digests == 0
    clock.now = utc(2025, 11, 25, 0, 30)                      # the next business morning
    assert bant_prompts(services, "JP").prompts == 1
    assert gs_digests(services, "JP").digests == 1
    deliver_all(services, client)
    assert all(n == 1 for n in posted(slack).values())
