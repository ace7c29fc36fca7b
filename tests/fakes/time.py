"""Time a test controls: a clock it sets, a sleep that ends when it says so, and a job it runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol


class Clock:
    """Now, as the test sets it (``clock.now = ...``); call it for the time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class MonotonicClock:
    """``monotonic()`` and ``sleep()`` where time moves only when the code sleeps: a budget or
    a back-off is checked without waiting. ``sleeps`` lists every wait asked for."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class ManualSleep:
    """Stands in for ``asyncio.sleep``: each call is queued and ends on :meth:`elapse`."""

    def __init__(self) -> None:
        self._calls: asyncio.Queue[tuple[float, asyncio.Future[None]]] = asyncio.Queue()
        self._current: asyncio.Future[None] | None = None
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waits.append(seconds)
        await self._calls.put((seconds, ended))
        await ended

    async def next_wait(self, limit: float = 60.0) -> float:
        """The next wait asked for (the code under test is now sleeping). ``limit`` only
        turns a hang into a failure; no assertion depends on it."""
        seconds, self._current = await asyncio.wait_for(self._calls.get(), limit)
        return seconds

    @property
    def abandoned(self) -> bool:
        """Whether the current wait was cancelled (its sleeper was stopped)."""
        return self._current is not None and self._current.cancelled()

    def elapse(self) -> None:
        """The current wait is over."""
        assert self._current is not None, "nothing is sleeping"
        if not self._current.done():
            self._current.set_result(None)
        self._current = None


class Runnable(Protocol):
    async def run(self) -> None: ...


@contextlib.asynccontextmanager
async def running(job: Runnable) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``job.run()`` in a task for the block; cancel it after (re-raising its error)."""
    task = asyncio.create_task(job.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
