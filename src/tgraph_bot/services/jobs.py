"""One scheduled job: due by a pure policy, last run stored, never overlapping, retried.

Every periodic job uses it: graph posting (:mod:`tgraph_bot.services.posting`), the Plex
playlist sync (:class:`~tgraph_bot.services.plex.PlexService`) and the live activity
message (the Plex cog)::

    job = ScheduledJob(
        "playlist sync",
        work=sync_playlists,                      # async () -> T; raise to fail the run
        policy=playlist_policy(settings),         # core.schedule: (last_run, now) -> due,
                                                  # or None: switched off
        record=SyncRecord(store),                 # storage.jobs.MetaRunRecord, or any
                                                  # RunRecord (MemoryRunRecord: no storage)
        clock=utcnow,
    )
    task = asyncio.create_task(job.run())        # forever; cancel the task to stop it
    result = await job.run_now()                 # a command's "now": T, what work returned
    job.reschedule()                             # settings changed: recompute the due time

Behaviour:

- Due: ``policy(record.last_run(), clock())``, asked again before every run and after every
  wake, so a policy that reads live settings follows them (call :meth:`reschedule` when
  they change). At or before now means run at once; a bot that was down runs once, not
  once per missed period.
- Off: a policy may answer None (e.g. PLAYLIST_SYNC_HOURS 0). The job then waits
  ``max_wait`` (or until :meth:`reschedule`) and asks again; it logs one line when it turns
  off, none while it stays off. :meth:`run_now` still runs (a command works while off).
- Stored: after a run succeeds, ``record.record_run(clock())``. A restart reads it back, so
  it neither runs again early nor skips a run. A failed run records nothing.
- One way in: a command's run goes through :meth:`run_now`, the schedule's through the same
  code, so the job's lock and its record are the only ones (the work neither locks nor
  records). Scheduled runs and :meth:`run_now` never overlap; with a ``run_lock``
  (:class:`RunLock`, e.g. storage.locks.FileRunLock) not even across processes (the bot
  and the command line take turns). A run now counts as the last run: the next scheduled
  one comes a full period later. A scheduled run that had to wait for a command's run
  asks the policy again first, so it does not run right after it.
- Retried: a failed scheduled run (any exception but cancellation) is logged on one line and
  retried after :class:`~tgraph_bot.core.schedule.Backoff` waits (30 s, 60 s, ... up to
  30 min by default); the count starts again after a success. :meth:`run_now` raises to its
  caller instead. ``backoff`` may be a function, asked at each failure, for waits that
  follow live settings (the activity message never waits longer than its period).
- Time is injected: ``clock`` for now, ``sleep`` for waiting (``asyncio.sleep`` by default).
  :meth:`step` is one turn without the sleep, so a test drives the job turn by turn.
  Long waits are cut to ``max_wait`` (an hour) so a clock jump (suspend, NTP) is noticed.
- Logs: "next run at" once per due time (at DEBUG for a ``quiet`` job that runs every few
  seconds), "off" once, and one line per failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Generic, TypeVar

from tgraph_bot.core.schedule import Backoff, Policy, seconds_until
from tgraph_bot.services.ports.common import Clock, Sleep
from tgraph_bot.services.ports.jobs import RunLock, RunRecord

log = logging.getLogger(__name__)

T = TypeVar("T")


class MemoryRunRecord:
    """A :class:`RunRecord` in memory only: after a restart the job is due at once (the
    live activity message, which a restart should refresh anyway)."""

    def __init__(self) -> None:
        self._last: datetime | None = None

    async def last_run(self) -> datetime | None:
        return self._last

    async def record_run(self, at: datetime) -> None:
        self._last = at


class ScheduledJob(Generic[T]):
    """A job run when its policy says so; see the module docstring for the contract."""

    def __init__(
        self,
        name: str,
        *,
        work: Callable[[], Awaitable[T]],
        policy: Policy,
        record: RunRecord,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        backoff: Backoff | Callable[[], Backoff] | None = None,
        max_wait: float = 3600.0,
        quiet: bool = False,
        run_lock: RunLock | None = None,
    ) -> None:
        self.name = name
        self._work = work
        self._policy = policy
        self._record = record
        self._clock = clock
        self._sleep = sleep
        self._backoff = backoff or Backoff()
        self._max_wait = max_wait
        self._routine = logging.DEBUG if quiet else logging.INFO
        self._lock = asyncio.Lock()
        self._run_lock = run_lock
        self._changed = False  # reschedule() since the due time was last computed
        self._sleeping: asyncio.Future[None] | None = None
        self._announced: datetime | None = None  # the due time last logged
        self._off = False  # the policy said "off" at the last turn
        self.failures = 0  # failed scheduled runs in a row

    def reschedule(self) -> None:
        """Compute the due time again now (call it on the event loop's thread)."""
        self._changed = True
        if self._sleeping is not None:
            self._sleeping.cancel()

    async def due_at(self) -> datetime | None:
        """When the next run is due; None while the job is switched off."""
        return self._policy(await self._record.last_run(), self._clock())

    async def run_now(self) -> T:
        """Run the work now (after a run in progress) and record it; returns what the work
        returned and raises what it raised."""
        async with self._lock, self._held():
            return await self._run_locked()

    def _held(self) -> AbstractAsyncContextManager[None]:
        return contextlib.nullcontext() if self._run_lock is None else self._run_lock.hold()

    async def _run_locked(self) -> T:
        result = await self._work()
        await self._record.record_run(self._clock())
        return result

    async def step(self) -> float:
        """One turn: run if due. Returns the seconds to wait before the next turn."""
        async with self._lock, self._held():  # a run in progress ends first, and counts
            due = await self.due_at()
            if due is None:
                if not self._off:
                    log.info("%s: off", self.name)
                self._off, self._announced = True, None
                return self._max_wait
            self._off = False
            wait = seconds_until(due, self._clock())
            if wait > 0:
                if due != self._announced:
                    log.log(self._routine, "%s: next run at %s", self.name, due.isoformat())
                    self._announced = due
                return min(wait, self._max_wait)
            try:
                await self._run_locked()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.failures += 1
                backoff = self._backoff() if callable(self._backoff) else self._backoff
                delay = backoff.delay(self.failures)
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


__all__ = ["MemoryRunRecord", "ScheduledJob"]
