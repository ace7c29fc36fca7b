"""The renderer: a pool of worker processes that draw graphs off the event loop.

Created once and reused, so matplotlib is imported once per worker, not once per
graph; the main process never imports it. The bot gives it an idle timeout: a bot that
posts once a week should not keep ~170 MB of workers resident in between, so the pool
is shut down when no graph has been drawn for a while and started again (about a
second, overlapping the first fetch from Tautulli) when the next render comes.

Workers are started with "spawn" (never ``fork`` from a process running asyncio).
Not "forkserver": multiprocessing keeps one forkserver per process, shared by every
pool in it, and it can only be stopped through a private method that blocks until
every process ever forked from it has exited; an idle bot would keep it (~13 MB)
for good. Measured on Python 3.11 (bench/bench_render.py), spawn costs nothing over
it: the same pool start-up time and the same render times, one process fewer and
about 11 MB less RSS, since the forkserver did not preload anything the workers use
(``__main__`` is prepared in each worker either way).

How many workers: each one imports matplotlib (about 65 MB and 0.8 s of CPU), and
Tautulli, which answers one request at a time, is what a render waits for. On two
cores or fewer one worker draws as fast as two (measured: no slower, 25 % less CPU,
96 MB less), so that is the default there; with cores to spare a second one helps.
Only one is started up front: ProcessPoolExecutor starts another (up to the limit)
only when a job is submitted and no worker is idle, that is when jobs queue.

Spawned pools need multiprocessing's resource tracker (a process of ~13 MB that
watches their semaphores). It outlives the pool, so when the last pool is gone the
renderer stops it too; the next pool starts a new one.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker
from multiprocessing.context import BaseContext
from pathlib import Path
from types import TracebackType
from typing import Protocol, cast

from tgraph_bot.graphs.cards import CardJob
from tgraph_bot.graphs.model import RenderJob

log = logging.getLogger(__name__)


Job = RenderJob | CardJob
"""What a worker draws: a graph, or one of Wrapped's cards."""


def _draw(job: Job) -> str:
    if isinstance(job, CardJob):
        from tgraph_bot.graphs.card_worker import draw_card

        return draw_card(job)
    from tgraph_bot.graphs.worker import draw_job

    return draw_job(job)


def _watch_parent(every: float = 1.0) -> None:
    """Every worker's initializer: exit when the process that started it is gone.

    A worker blocks reading its job queue, whose pipe it holds both ends of, so it never
    sees a bot killed with SIGKILL (or by the OOM killer) go: without this it stayed, 75 MB
    and orphaned, on a machine without a container around the bot. A daemon thread looks
    at the parent once a second (the only cost) and ends the worker when it has changed.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _warm() -> int:
    from tgraph_bot.graphs.worker import warm

    return warm()


class Cancellable(Protocol):
    def cancel(self) -> None: ...


CallLater = Callable[[float, Callable[[], None]], Cancellable]
"""``call_later(seconds, callback)``: how the idle countdown is timed (the running loop's
``call_later`` by default; tests pass a timer they expire by hand)."""


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def default_workers(cpus: int | None = None) -> int:
    """One worker on two cores or fewer (see the module docstring), two with cores to spare."""
    return 1 if (cpus or usable_cpus()) <= 2 else 2


class _Tracker:
    """multiprocessing's resource tracker is one per process, shared by every pool in it
    (several Renderers in the tests): it may be stopped only when no pool is left, and a
    pool must not be created while it is being stopped. Process-wide state, so it lives
    beside the process-wide thing it guards."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pools = 0

    def pool(self, workers: int, context: BaseContext) -> ProcessPoolExecutor:
        with self.lock:
            self.pools += 1
            return ProcessPoolExecutor(workers, mp_context=context, initializer=_watch_parent)

    def release(self) -> None:
        """One pool is shut down; stop the tracker when it was the last.

        ``_stop`` is private but present (and unchanged) from Python 3.8 to 3.13; without
        it the tracker just stays, as it did before.
        """
        gc.collect()  # the old pool's queues unregister their semaphores when collected
        with self.lock:
            self.pools -= 1
            if self.pools > 0:
                return
            tracker = resource_tracker._resource_tracker  # pyright: ignore[reportPrivateUsage]
            stop = getattr(tracker, "_stop", None)
            if callable(stop):
                stop()


_TRACKER = _Tracker()


class Renderer:
    """Owns the worker pool. Use as a context manager (sync or async) or call close().

    With ``idle_seconds`` the pool is retired once no job has been in flight for that
    long (the workers exit and give their memory back), and the next job starts a fresh
    pool. The countdown runs on the event loop of the coroutines that render, so all
    the bookkeeping below happens on that one thread; only close() may come from another
    thread (``__aexit__`` runs it in one), hence the lock around the pool swap.
    ``call_later`` replaces the loop's timer, so no test has to wait for the countdown.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        idle_seconds: float | None = None,
        call_later: CallLater | None = None,
    ) -> None:
        self.workers = workers or default_workers()
        self.idle_seconds = idle_seconds
        self._call_later = call_later
        self._pool: ProcessPoolExecutor | None = None
        self._warming: list[Future[int]] = []
        self._busy = 0  # render() and ready() calls in flight
        self._idle_timer: Cancellable | None = None
        self._retiring: list[threading.Thread] = []  # pools shutting down in the background
        self._lock = threading.Lock()

    def _context(self) -> BaseContext:
        # spawn, not forkserver: see the module docstring.
        return multiprocessing.get_context("spawn")

    def start(self) -> None:
        """Start the workers now (and import matplotlib in them) instead of on first use.

        Call it when a render is about to happen: the workers start while the caller
        goes on (fetching the data, say). With ``idle_seconds`` it also restarts the
        idle countdown, so a pool started early is not kept forever if no job comes.
        """
        with self._lock:
            if self._pool is None:
                self._pool = _TRACKER.pool(self.workers, self._context())
                # One worker now; the pool adds the others only when jobs queue.
                self._warming = [self._pool.submit(_warm)]
        if self._busy == 0:
            self._arm_idle_timer()

    async def ready(self) -> None:
        """Start the workers and wait until they have imported the drawing code."""
        self._begin()
        try:
            self.start()
            await asyncio.gather(*(asyncio.wrap_future(f) for f in self._warming))
        finally:
            self._end()

    @property
    def running(self) -> bool:
        """Whether a pool of workers exists now (False before the first job and when idle)."""
        return self._pool is not None

    @property
    def worker_pids(self) -> list[int]:
        """The workers' process ids (for the benchmark's memory figures)."""
        pool = self._pool
        if pool is None:
            return []
        processes = cast("dict[int, object] | None", getattr(pool, "_processes", None))
        return list(processes or {})

    async def render(self, job: Job) -> Path:
        """Draw one graph (or card) in a worker; raises what the drawing raised."""
        self._begin()
        try:
            self.start()
            pool = self._pool
            assert pool is not None
            loop = asyncio.get_running_loop()
            try:
                return Path(await loop.run_in_executor(pool, _draw, job))
            except BrokenProcessPool:
                log.warning("a graph worker died; starting new workers")
                self._restart(pool)
                raise
        finally:
            self._end()

    async def render_many(
        self, jobs: Iterable[RenderJob]
    ) -> AsyncIterator[tuple[RenderJob, Path | Exception]]:
        """Draw every job; yield ``(job, png or the exception)`` as each one finishes."""

        async def one(job: RenderJob) -> tuple[RenderJob, Path | Exception]:
            try:
                return job, await self.render(job)
            except Exception as exc:
                return job, exc

        tasks = [asyncio.ensure_future(one(job)) for job in jobs]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()

    # -- the idle countdown (event-loop thread only) -------------------------------

    def _begin(self) -> None:
        self._busy += 1
        self._cancel_idle_timer()

    def _end(self) -> None:
        self._busy -= 1
        if self._busy == 0:
            self._arm_idle_timer()

    def _arm_idle_timer(self) -> None:
        if self.idle_seconds is None:
            return
        call_later = self._call_later
        if call_later is None:
            try:
                call_later = asyncio.get_running_loop().call_later
            except RuntimeError:  # started outside a loop: nothing to count with
                return
        self._cancel_idle_timer()
        self._idle_timer = call_later(self.idle_seconds, self._idle_expired)

    def _cancel_idle_timer(self) -> None:
        timer, self._idle_timer = self._idle_timer, None
        if timer is not None:
            timer.cancel()

    def _idle_expired(self) -> None:
        self._idle_timer = None
        if self._busy:  # a job came in; its end re-arms the countdown
            return
        with self._lock:
            pool, self._pool = self._pool, None
            self._warming = []
            if pool is not None:
                log.info("no graph drawn for %.0f s; stopping the graph workers", self.idle_seconds)
                self._retire_locked(pool)

    # -- shutting pools down ---------------------------------------------------------

    def _retire_locked(self, pool: ProcessPoolExecutor) -> None:
        """Shut a detached pool down in a thread (joining workers blocks); close() waits.

        Called with the lock held, so close() either sees the pool or its thread.
        """
        thread = threading.Thread(target=self._shutdown, args=(pool,), name="graph-pool-shutdown")
        thread.start()
        self._retiring = [t for t in self._retiring if t.is_alive()] + [thread]

    @staticmethod
    def _shutdown(pool: ProcessPoolExecutor) -> None:
        pool.shutdown(wait=True, cancel_futures=True)
        _TRACKER.release()

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:  # not already replaced (idle retirement, another job)
                self._pool = None
                self._warming = []
                self._retire_locked(broken)

    def close(self) -> None:
        """Stop the workers and wait for them (and for any pool still retiring) to exit."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._warming = []
            retiring, self._retiring = self._retiring, []
        if pool is not None:
            self._shutdown(pool)
        for thread in retiring:
            thread.join()

    async def aclose(self) -> None:
        """close() without blocking the event loop (and without an idle countdown left)."""
        self._cancel_idle_timer()
        await asyncio.get_running_loop().run_in_executor(None, self.close)

    def __enter__(self) -> Renderer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Renderer:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


__all__ = ["CallLater", "Cancellable", "Renderer", "default_workers", "usable_cpus"]
