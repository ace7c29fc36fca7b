"""What a scheduled job (services.jobs.ScheduledJob) records and holds."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol


class RunRecord(Protocol):
    """Where a job keeps the time of its last successful run."""

    async def last_run(self) -> datetime | None: ...

    async def record_run(self, at: datetime) -> None: ...


class RunLock(Protocol):
    """Held around every run (and every due check) of a job by each process that runs it,
    so the bot and a command-line run in another process never run it side by side."""

    def hold(self) -> AbstractAsyncContextManager[None]: ...


__all__ = ["RunLock", "RunRecord"]
