"""The generic scheduled job, over a real database, driven by a test-controlled clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from tests.fakes.time import Clock, ManualSleep, running
from tgraph_bot.core.schedule import Backoff, Policy, every
from tgraph_bot.services.jobs import MemoryRunRecord, ScheduledJob
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.jobs import MetaRunRecord

T = TypeVar("T")

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
EVERY_SIX_HOURS = every(6 * HOUR)


class Work:
    """The job's work: counts runs, fails while ``failing`` > 0, can be held mid-run."""

    def __init__(self, failing: int = 0) -> None:
        self.runs = 0
        self.failing = failing
        self.inside = 0
        self.most_inside = 0
        self.hold: asyncio.Event | None = None
        self.entered = asyncio.Event()

    async def __call__(self) -> None:
        self.entered.set()
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            if self.hold is not None:
                await self.hold.wait()
            if self.failing:
                self.failing -= 1
                raise ConnectionError("Plex is down")
            self.runs += 1
        finally:
            self.inside -= 1


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "tgraph.db") as database:
        yield database


def job(
    db: Database,
    work: Callable[[], Awaitable[T]],
    clock: Clock,
    *,
    policy: Policy = EVERY_SIX_HOURS,
    **kw: object,
) -> ScheduledJob[T]:
    return ScheduledJob(
        "playlist sync",
        work=work,
        policy=policy,
        record=MetaRunRecord(db, "job:playlist_sync"),
        clock=clock,
        **kw,  # type: ignore[arg-type]
    )


async def test_a_job_runs_when_due_and_a_restart_remembers_its_last_run(db: Database) -> None:
    clock, work = Clock(NOW), Work()
    first = job(db, work, clock)
    assert await first.step() == 0  # never ran: due now; ran
    assert await first.step() == 3600  # six hours away; looks again within the hour
    assert work.runs == 1
    clock.now = NOW + 2 * HOUR
    restarted = job(db, work, clock)  # a new process: the last run comes from the database
    assert await restarted.due_at() == NOW + 6 * HOUR
    assert await restarted.step() == 3600
    clock.now = NOW + 5.5 * HOUR
    assert await restarted.step() == 1800
    clock.now = NOW + 30 * HOUR  # down for a day: runs once, not once per missed period
    assert await restarted.step() == 0
    assert await restarted.step() == 3600
    assert work.runs == 2
    assert await MetaRunRecord(db, "job:playlist_sync").last_run() == NOW + 30 * HOUR
    assert await MetaRunRecord(db, "job:activity").last_run() is None  # one record per job


async def test_failures_are_retried_with_growing_waits_and_record_nothing(db: Database) -> None:
    clock, work = Clock(NOW), Work(failing=3)
    failing = job(db, work, clock, backoff=Backoff(base=10, cap=25))
    assert [await failing.step() for _ in range(3)] == [10, 20, 25]
    assert failing.failures == 3
    assert await MetaRunRecord(db, "job:playlist_sync").last_run() is None
    assert await failing.step() == 0  # the fourth attempt succeeds ...
    assert failing.failures == 0  # ... and the next failure starts from the base again
    work.failing = 1
    clock.now = NOW + 7 * HOUR
    assert await failing.step() == 10


async def test_a_job_never_overlaps_itself(db: Database) -> None:
    clock, work = Clock(NOW), Work()
    work.hold = asyncio.Event()
    sleep = ManualSleep()
    scheduled = job(db, work, clock, sleep=sleep)
    async with running(scheduled):
        await work.entered.wait()  # the scheduled run has started and is held
        manual = [asyncio.create_task(scheduled.run_now()) for _ in range(2)]
        for _ in range(10):
            await asyncio.sleep(0)
        assert work.inside == 1
        work.hold.set()
        await asyncio.gather(*manual)
        assert await sleep.next_wait() == 3600
    assert work.runs == 3 and work.most_inside == 1


async def test_a_failing_run_now_raises_to_its_caller(db: Database) -> None:
    clock, work = Clock(NOW), Work(failing=1)
    with pytest.raises(ConnectionError):
        await job(db, work, clock).run_now()
    assert await MetaRunRecord(db, "job:playlist_sync").last_run() is None


async def test_reschedule_ends_a_wait_early(db: Database) -> None:
    clock, work = Clock(NOW), Work()
    sleep = ManualSleep()
    scheduled = job(db, work, clock, sleep=sleep)
    async with running(scheduled):
        assert await sleep.next_wait() == 3600
        clock.now = NOW + 6 * HOUR
        scheduled.reschedule()
        assert await sleep.next_wait() == 3600
    assert work.runs == 2


async def test_a_policy_answering_none_switches_the_job_off(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "tgraph_bot.services.jobs")
    clock, work = Clock(NOW), Work()
    hours = [0]  # a live setting: 0 is off

    def policy(last: datetime | None, now: datetime) -> datetime | None:
        return None if hours[0] == 0 else every(hours[0] * HOUR)(last, now)

    switchable = job(db, work, clock, policy=policy, max_wait=600)
    assert await switchable.due_at() is None
    assert [await switchable.step() for _ in range(3)] == [600, 600, 600]  # asks again
    assert work.runs == 0
    hours[0] = 6
    assert await switchable.step() == 0  # on: never ran, so due now
    assert await switchable.step() == 600
    hours[0] = 0
    assert await switchable.step() == 600
    assert work.runs == 1
    assert [r.getMessage() for r in caplog.records] == [
        "playlist sync: off",  # once, not once per turn
        "playlist sync: next run at 2026-06-01T15:00:00+00:00",
        "playlist sync: off",
    ]


async def test_run_now_returns_the_result_and_counts_as_the_last_run(db: Database) -> None:
    clock = Clock(NOW)

    async def count() -> int:
        return 42

    counting = job(db, count, clock)
    clock.now = NOW + 2 * HOUR
    assert await counting.run_now() == 42
    assert await counting.due_at() == NOW + 8 * HOUR  # a full period after the manual run
    clock.now = NOW + 7.5 * HOUR  # when the schedule alone would have run
    assert await counting.step() == 1800


async def test_a_memory_record_starts_afresh_with_the_process() -> None:
    clock, work = Clock(NOW), Work()

    def make() -> ScheduledJob[None]:
        return ScheduledJob(
            "activity",
            work=work,
            policy=every(timedelta(seconds=30)),
            record=MemoryRunRecord(),
            clock=clock,
        )

    first = make()
    assert await first.step() == 0
    assert await first.step() == 30
    assert await make().step() == 0  # a restart refreshes at once
    assert work.runs == 2


async def test_a_quiet_job_logs_its_next_run_only_at_debug(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "tgraph_bot.services.jobs")
    clock, work = Clock(NOW), Work()
    quiet = job(db, work, clock, quiet=True)
    assert await quiet.step() == 0
    assert await quiet.step() == 3600
    assert caplog.records == []
    loud = job(db, work, clock)
    assert [await loud.step() for _ in range(3)] == [3600, 3600, 3600]
    assert len(caplog.records) == 1  # one line per due time, not one per wake
