"""A lock that other processes see: an exclusive ``flock`` on a file beside the database.

The Plex playlist job holds it (services.jobs.RunLock), so ``tgraph-bot plex
sync-playlists`` run beside the bot waits for the bot's sync, and the other way round. The
wait polls without blocking the event loop (a thread stuck in ``flock`` could not be
cancelled when the bot stops). Where there is no ``fcntl`` (Windows) it locks nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path

POLL_SECONDS = 0.2


class FileRunLock:
    def __init__(
        self,
        path: Path,
        *,
        poll: float = POLL_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.path = path
        self._poll = poll
        self._sleep = sleep

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncGenerator[None]:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: this process's lock only
            yield
            return
        with self.path.open("a") as handle:
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await self._sleep(self._poll)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


__all__ = ["POLL_SECONDS", "FileRunLock"]
