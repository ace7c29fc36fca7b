"""The renderer: a pool of worker processes that draw graphs off the event loop.

Created once and reused for the life of the bot, so matplotlib is imported once per
worker, not once per graph. Workers start from a bare "forkserver" (never ``fork``
from a process running asyncio; "spawn" where forkserver does not exist) and import
matplotlib themselves while the main process goes on: the main process never imports
it. The forkserver does not preload matplotlib, because its copy would be a third
resident one (sharing pages, but counted in every RSS sum).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path
from types import TracebackType
from typing import cast

from tgraph_bot.graphs.model import RenderJob

log = logging.getLogger(__name__)


def _draw(job: RenderJob) -> str:
    from tgraph_bot.graphs.worker import draw_job

    return draw_job(job)


def _warm() -> int:
    from tgraph_bot.graphs.worker import warm

    return warm()


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class Renderer:
    """Owns the worker pool. Use as a context manager (sync or async) or call close()."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None
        self._warming: list[Future[int]] = []

    def _context(self) -> BaseContext:
        if "forkserver" in multiprocessing.get_all_start_methods():
            return multiprocessing.get_context("forkserver")
        return multiprocessing.get_context("spawn")

    def start(self) -> None:
        """Start the workers now (and import matplotlib in them) instead of on first use."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=self._context())
            self._warming = [self._pool.submit(_warm) for _ in range(self.workers)]

    async def ready(self) -> None:
        """Start the workers and wait until they have imported the drawing code."""
        self.start()
        await asyncio.gather(*(asyncio.wrap_future(f) for f in self._warming))

    @property
    def worker_pids(self) -> list[int]:
        """The workers' process ids (for the benchmark's memory figures)."""
        if self._pool is None:
            return []
        processes = cast("dict[int, object] | None", getattr(self._pool, "_processes", None))
        return list(processes or {})

    async def render(self, job: RenderJob) -> Path:
        """Draw one graph in a worker; raises what the drawing raised."""
        self.start()
        assert self._pool is not None
        loop = asyncio.get_running_loop()
        try:
            return Path(await loop.run_in_executor(self._pool, _draw, job))
        except BrokenProcessPool:
            log.warning("a graph worker died; starting new workers")
            self._restart()
            raise

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

    def _restart(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

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
        await asyncio.get_running_loop().run_in_executor(None, self.close)


__all__ = ["Renderer", "default_workers"]
