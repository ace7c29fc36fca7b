"""Posting the server graphs to the graph channel: on schedule and on demand.

The Discord side is a small port (:class:`GraphChannel`) so this use case is tested with a
real implementation that is not Discord. The schedule itself is :mod:`tgraph_bot.core.schedule`.
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
from tgraph_bot.core.schedule import next_run, parse_fixed_time, seconds_until
from tgraph_bot.errors import NoGraphsError
from tgraph_bot.i18n import N_, Translator, translator
from tgraph_bot.services.post_layout import (
    GraphCard,
    OutgoingMessage,
    compose,
    read_card,
    summary_embed,
)
from tgraph_bot.services.rendering import GraphRendering, Progress, RenderedLike, ReportLike
from tgraph_bot.services.summary import SummaryService
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

    async def send(self, message: OutgoingMessage) -> MessageId: ...

    def mention(self, command: str) -> str:
        """How a reply names a slash command: a clickable mention where one is known."""
        ...


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


async def graph_cards(graphs: Sequence[RenderedLike], tr: Translator) -> list[GraphCard]:
    """Title, caption and alt text of each rendered graph, from its sidecar."""

    def read() -> list[GraphCard]:
        return [read_card(g.graph_id, g.png, g.sidecar, tr) for g in graphs]

    return await asyncio.to_thread(read)


MY_STATS_HINT = N_("Your own stats, privately: {command}")


class PostingService:
    """Render the enabled graphs, replace the previous post, remember it."""

    def __init__(
        self,
        rendering: GraphRendering,
        store: PostingStore,
        images_dir: Path,
        *,
        clock: Callable[[], datetime],
        summaries: SummaryService | None = None,
    ) -> None:
        self._rendering = rendering
        self._summaries = summaries
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
        messages = await self.compose(
            settings, channel, [p for g in groups for p in g], report, now
        )
        # New first, old after: the channel is never empty, and every message id is stored
        # as soon as Discord gives it, so a crash or a failed send at any point leaves only
        # messages the next post knows and deletes (it deletes every id it finds stored).
        previous = await self._store.posted_messages(channel.channel_id)
        sent: list[MessageId] = []
        for message in messages:
            message_id = await channel.send(message)
            await self._store.remember_message(channel.channel_id, message_id, now)
            sent.append(message_id)
        posted_at = self._clock()
        await self._store.record_post(channel.channel_id, sent, posted_at)
        await self._delete(channel, previous)
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

    async def _delete(self, channel: GraphChannel, messages: Sequence[MessageId]) -> None:
        """Delete the previous post; an id is forgotten once its message is gone, and one
        that cannot be deleted now is kept for the next post to try again."""
        for message in messages:
            try:
                await channel.delete(message)
            except Exception as exc:
                log.warning(
                    "could not delete old graph message %d (%s: %s); will retry at the next post",
                    message,
                    type(exc).__name__,
                    exc,
                )
                continue
            await self._store.forget_messages(channel.channel_id, [message])

    async def compose(
        self,
        settings: Settings,
        channel: GraphChannel,
        pngs: Sequence[Path],
        report: ReportLike,
        now: datetime,
    ) -> list[OutgoingMessage]:
        """The post's messages (see services.post_layout) for the graphs that fit."""
        tr = translator(settings.LANGUAGE)
        fitting = set(pngs)
        cards = await graph_cards([g for g in report.graphs if g.png in fitting], tr)
        summary = None
        if settings.POST_LAYOUT == "embeds" and self._summaries is not None:
            period = await self._summaries.summary(settings.TIME_RANGE_DAYS)
            if period is not None:
                summary = summary_embed(
                    period,
                    tr,
                    title=period_title(settings, tr),
                    next_post=next_post(settings, now),
                    hint=tr._(MY_STATS_HINT).format(command=channel.mention("my_stats")),
                )
        return compose(
            cards, layout=settings.POST_LAYOUT, header=header(settings, now), summary=summary
        )


def period_title(settings: Settings, tr: Translator) -> str:
    return tr.ngettext(
        "Server statistics for the last {days} day",
        "Server statistics for the last {days} days",
        settings.TIME_RANGE_DAYS,
    ).format(days=tr.number(settings.TIME_RANGE_DAYS))


def next_post(settings: Settings, now: datetime) -> datetime:
    """When the schedule posts next, had it just posted now."""
    return next_run(
        now,
        now,
        settings.UPDATE_DAYS,
        parse_fixed_time(settings.FIXED_UPDATE_TIME),
        ZoneInfo(settings.TIMEZONE),
    )


def retry_delay(attempt: int, *, base: float = 30.0, cap: float = 1800.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...): doubling, capped."""
    return min(cap, base * 2 ** max(0, attempt - 1))


Sleeper = Callable[[float], Awaitable[None]]


class Scheduler:
    """Posts when due by the live settings; a failed post is retried with growing waits."""

    def __init__(
        self,
        service: PostingService,
        store: PostingStore,
        settings: Callable[[], Settings],
        channel: Callable[[Settings], Awaitable[GraphChannel]],
        *,
        clock: Callable[[], datetime],
        retry_base: float = 30.0,
    ) -> None:
        self._service = service
        self._store = store
        self._settings = settings
        self._channel = channel
        self._clock = clock
        self._retry_base = retry_base
        self._wake = asyncio.Event()
        self._started = clock()

    def reschedule(self) -> None:
        """The settings changed: compute the next run again (safe from the loop thread only)."""
        self._wake.set()

    async def due_at(self, settings: Settings) -> datetime:
        last = await self._store.last_post()
        if last is None and not settings.POST_ON_START:
            last = self._started  # never posted, and not at once: one period after start
        return next_run(
            last,
            self._clock(),
            settings.UPDATE_DAYS,
            parse_fixed_time(settings.FIXED_UPDATE_TIME),
            ZoneInfo(settings.TIMEZONE),
        )

    async def _sleep_or_wake(self, seconds: float) -> bool:
        """Sleep; True when woken early by a settings change."""
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    async def run(self) -> None:
        attempt = 0
        while True:
            self._wake.clear()  # before reading the settings: a change from now on wakes us
            settings = self._settings()
            due = await self.due_at(settings)
            wait = seconds_until(due, self._clock())
            if wait > 0:
                log.info("next graph post at %s", due.isoformat())
                # Wake at least hourly so clock jumps (suspend, NTP) are noticed.
                await self._sleep_or_wake(min(wait, 3600.0))
                continue
            try:
                channel = await self._channel(settings)
                await self._service.post(settings, channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                attempt += 1
                delay = retry_delay(attempt, base=self._retry_base)
                log.warning(
                    "scheduled graph post failed (%s: %s); retry %d in %.0f s",
                    type(exc).__name__,
                    exc,
                    attempt,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            attempt = 0


__all__ = [
    "MAX_FILES_PER_MESSAGE",
    "GraphChannel",
    "PostResult",
    "PostingService",
    "Scheduler",
    "batches",
    "delete_old_images",
    "header",
    "retry_delay",
]
