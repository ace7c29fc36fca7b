"""Posting the server graphs to the graph channel: on schedule and on demand.

The Discord side is a small port (:class:`GraphChannel`) so this use case is tested with a
real implementation that is not Discord. The schedule is :mod:`tgraph_bot.core.schedule`, run
by a :class:`~tgraph_bot.services.jobs.ScheduledJob`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.core.schedule import Backoff, Policy, next_run, parse_fixed_time
from tgraph_bot.errors import NoGraphsError
from tgraph_bot.i18n import translator
from tgraph_bot.services.jobs import ScheduledJob, Sleep
from tgraph_bot.services.rendering import GraphRendering, Progress
from tgraph_bot.storage.posting import PostingStore

log = logging.getLogger(__name__)

MAX_FILES_PER_MESSAGE = 10


class GraphChannel(Protocol):
    """The channel graphs are posted to."""

    @property
    def channel_id(self) -> ChannelId: ...

    async def upload_limit(self) -> int:
        """The largest file the channel accepts, in bytes."""
        ...

    async def delete(self, message: MessageId) -> None:
        """Delete one of our messages; a message already gone is not an error."""
        ...

    async def send(self, content: str, files: Sequence[Path]) -> MessageId: ...


@dataclass(frozen=True, slots=True)
class PostResult:
    channel_id: ChannelId
    messages: list[MessageId]
    posted: int
    failed: list[str]
    skipped_too_large: list[str]
    at: datetime


def batches(
    files: Sequence[Path], limit: int, size_of: Callable[[Path], int]
) -> tuple[list[list[Path]], list[Path]]:
    """Group files into messages of at most 10; files over ``limit`` bytes are left out."""
    fitting = [f for f in files if size_of(f) < limit]
    too_large = [f for f in files if size_of(f) >= limit]
    groups = [
        fitting[i : i + MAX_FILES_PER_MESSAGE]
        for i in range(0, len(fitting), MAX_FILES_PER_MESSAGE)
    ]
    return groups, too_large


def delete_old_images(root: Path, now: datetime, keep_days: int) -> int:
    """Delete image files (and their sidecars) under ``root`` older than ``keep_days``."""
    if not root.is_dir():
        return 0
    cutoff = (now - timedelta(days=keep_days)).timestamp()
    removed = 0
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only empty ones go
    return removed


def header(settings: Settings, now: datetime) -> str:
    tr = translator(settings.LANGUAGE)
    tz = ZoneInfo(settings.TIMEZONE)
    end = now.astimezone(tz).date()
    start = end - timedelta(days=settings.TIME_RANGE_DAYS - 1)
    return tr.ngettext(
        "Server statistics for the last {days} day ({start} – {end})",
        "Server statistics for the last {days} days ({start} – {end})",
        settings.TIME_RANGE_DAYS,
    ).format(days=settings.TIME_RANGE_DAYS, start=tr.date(start), end=tr.date(end))


class PostingService:
    """Render the enabled graphs, replace the previous post, remember it."""

    def __init__(
        self,
        rendering: GraphRendering,
        store: PostingStore,
        images_dir: Path,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        self._rendering = rendering
        self._store = store
        self._images_dir = images_dir
        self._clock = clock
        self._lock = asyncio.Lock()

    async def post(
        self, settings: Settings, channel: GraphChannel, *, progress: Progress | None = None
    ) -> PostResult:
        async with self._lock:  # a manual post and the schedule never interleave
            return await self._post(settings, channel, progress)

    async def _post(
        self, settings: Settings, channel: GraphChannel, progress: Progress | None
    ) -> PostResult:
        now = self._clock()
        out_dir = self._images_dir / now.strftime("%Y%m%dT%H%M%S%f")
        report = await self._rendering.render(settings, out_dir, progress=progress)
        pngs = [g.png for g in report.graphs]
        failed = [f.graph_id for f in report.failures]
        if not pngs:
            raise NoGraphsError()
        limit = await channel.upload_limit()
        groups, too_large = await asyncio.to_thread(
            batches, pngs, limit, lambda p: p.stat().st_size
        )
        for path in too_large:
            log.warning(
                "graph %s is over the upload limit (%d bytes): not posted", path.name, limit
            )
        previous = await self._store.posted_messages(channel.channel_id)
        for message in previous:
            await channel.delete(message)
        await self._store.forget_messages(channel.channel_id, previous)
        sent: list[MessageId] = []
        text = header(settings, now)
        for i, group in enumerate(groups):
            sent.append(await channel.send(text if i == 0 else "", group))
        posted_at = self._clock()
        await self._store.record_post(channel.channel_id, sent, posted_at)
        removed = await asyncio.to_thread(
            delete_old_images, self._images_dir, posted_at, settings.KEEP_DAYS
        )
        log.info(
            "posted %d graphs in %d messages to channel %d (%d failed, %d old files removed)",
            sum(len(g) for g in groups),
            len(sent),
            channel.channel_id,
            len(failed),
            removed,
        )
        return PostResult(
            channel.channel_id,
            sent,
            sum(len(g) for g in groups),
            failed,
            [p.name for p in too_large],
            posted_at,
        )


def posting_policy(settings: Callable[[], Settings]) -> Policy:
    """When the graphs are next due, by the live UPDATE_DAYS, FIXED_UPDATE_TIME, TIMEZONE."""

    def policy(last_post: datetime | None, now: datetime) -> datetime:
        current = settings()
        return next_run(
            last_post,
            now,
            current.UPDATE_DAYS,
            parse_fixed_time(current.FIXED_UPDATE_TIME),
            ZoneInfo(current.TIMEZONE),
        )

    return policy


class Scheduler(ScheduledJob):
    """Graph posting as a :class:`ScheduledJob`: posts when due by the live settings to the
    channel they name; a failed post is retried with growing waits, not a period later."""

    def __init__(
        self,
        service: PostingService,
        store: PostingStore,
        settings: Callable[[], Settings],
        channel: Callable[[Settings], Awaitable[GraphChannel]],
        *,
        clock: Callable[[], datetime],
        sleep: Sleep = asyncio.sleep,
        retry_base: float = 30.0,
    ) -> None:
        async def post() -> None:
            current = settings()
            await service.post(current, await channel(current))

        super().__init__(
            "graph posting",
            work=post,
            policy=posting_policy(settings),
            record=store,
            clock=clock,
            sleep=sleep,
            backoff=Backoff(base=retry_base),
        )


__all__ = [
    "MAX_FILES_PER_MESSAGE",
    "GraphChannel",
    "PostResult",
    "PostingService",
    "Scheduler",
    "batches",
    "delete_old_images",
    "header",
    "posting_policy",
]
