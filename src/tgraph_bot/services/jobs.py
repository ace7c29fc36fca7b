"""One scheduled job: due by a pure policy, last run stored, never overlapping, retried.

How to use it (graph posting does, in :mod:`tgraph_bot.services.posting`; the Plex playlist
sync and the activity refresh are meant to)::

    job = ScheduledJob(
        "playlist_sync",
        work=sync_playlists,                      # async () -> None; raise to fail the run
        policy=lambda last, now: every(timedelta(hours=settings().PLAYLIST_SYNC_HOURS))(
            last, now
        ),                                        # core.schedule: (last_run, now) -> due
        record=MetaRunRecord(db, "playlist_sync"),  # storage.jobs, or any RunRecord
        clock=utcnow,
    )
    task = asyncio.create_task(job.run())        # forever; cancel the task to stop it
    await job.run_now()                          # a command's "now": waits for a run in
                                                 # progress, never runs beside it
    job.reschedule()                             # settings changed: recompute the due time

Behaviour:

- Due: ``policy(record.last_run(), clock())``, asked again before every run and after every
  wake, so a policy that reads live settings follows them (call :meth:`reschedule` when
  they change). At or before now means run at once; a bot that was down runs once, not
  once per missed period.
- Stored: after a run succeeds, ``record.record_run(clock())``. A restart reads it back, so
  it neither runs again early nor skips a run. A failed run records nothing.
- Never overlapping: scheduled runs and :meth:`run_now` share one lock.
- Retried: a failed run (any exception but cancellation) is logged on one line and retried
  after :class:`~tgraph_bot.core.schedule.Backoff` waits (30 s, 60 s, ... up to 30 min by
  default); the count starts again after a success.
- Time is injected: ``clock`` for now, ``sleep`` for waiting (``asyncio.sleep`` by default).
  :meth:`step` is one turn without the sleep, so a test drives the job turn by turn.
  Long waits are cut to ``max_wait`` (an hour) so a clock jump (suspend, NTP) is noticed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from tgraph_bot.core.schedule import Backoff, Policy, seconds_until

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class RunRecord(Protocol):
    """Where a job keeps the time of its last successful run."""

    async def last_run(self) -> datetime | None: ...

    async def record_run(self, at: datetime) -> None: ...


class ScheduledJob:
    """A job run when its policy says so; see the module docstring for the contract."""

    def __init__(
        self,
        name: str,
        *,
        work: Callable[[], Awaitable[None]],
        policy: Policy,
        record: RunRecord,
        clock: Callable[[], datetime],
        sleep: Sleep = asyncio.sleep,
        backoff: Backoff | None = None,
        max_wait: float = 3600.0,
    ) -> None:
        self.name = name
        self._work = work
        self._policy = policy
        self._record = record
        self._clock = clock
        self._sleep = sleep
        self._backoff = backoff or Backoff()
        self._max_wait = max_wait
        self._lock = asyncio.Lock()
        self._changed = False  # reschedule() since the due time was last computed
        self._sleeping: asyncio.Future[None] | None = None
        self.failures = 0  # failed runs in a row

    def reschedule(self) -> None:
        """Compute the due time again now (call it on the event loop's thread)."""
        self._changed = True
        if self._sleeping is not None:
            self._sleeping.cancel()

    async def due_at(self) -> datetime:
        return self._policy(await self._record.last_run(), self._clock())

    async def run_now(self) -> None:
        """Run the work now (after a run in progress) and record it; raises what it raised."""
        async with self._lock:
            await self._work()
            await self._record.record_run(self._clock())

    async def step(self) -> float:
        """One turn: run if due. Returns the seconds to wait before the next turn."""
        due = await self.due_at()
        wait = seconds_until(due, self._clock())
        if wait > 0:
            log.info("%s: next run at %s", self.name, due.isoformat())
            return min(wait, self._max_wait)
        try:
            await self.run_now()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.failures += 1
            delay = self._backoff.delay(self.failures)
            log.warning(
                "%s failed (%s: %s); retry %d in %.0f s",
                self.name,
                type(exc).__name__,
                exc,
                self.failures,
                delay,
            )
            return delay
        self.failures = 0
        return 0.0

    async def run(self) -> None:
        """Turn forever; a wait ends early on :meth:`reschedule`. Cancel to stop."""
        while True:
            self._changed = False  # before reading the due time: a change from now on counts
            wait = await self.step()
            if wait > 0 and not self._changed:
                await self._sleep_unless_rescheduled(wait)

    async def _sleep_unless_rescheduled(self, seconds: float) -> None:
        # A plain task awaiting the sleep, cancelled by reschedule(): no second waiter to
        # race, so tools that follow a bot's waits (simcord's virtual clock) see one sleep.
        self._sleeping = asyncio.ensure_future(self._sleep(seconds))
        try:
            await self._sleeping
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # run() itself is being stopped
        finally:
            self._sleeping = None


__all__ = ["RunRecord", "ScheduledJob", "Sleep"]
