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
from zoneinfo import ZoneInfo

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.highlights import PeriodSummary
from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.core.schedule import Backoff, Policy, next_run, parse_fixed_time
from tgraph_bot.errors import NoGraphsError
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.i18n import N_, Translator, translator
from tgraph_bot.services.jobs import ScheduledJob
from tgraph_bot.services.ports.common import Clock, Progress, Sleep
from tgraph_bot.services.ports.graphs import GraphRendering, RenderedLike, ReportLike
from tgraph_bot.services.ports.posting import GraphChannel, PostingStore
from tgraph_bot.services.post_layout import (
    MAX_FILES_PER_MESSAGE,
    GraphCard,
    OutgoingMessage,
    compose,
    read_card,
    summary_embed,
)
from tgraph_bot.services.summary import SummaryService

log = logging.getLogger(__name__)

GRAPH_FILES = frozenset(f"{graph.id}.png" for graph in GRAPHS)
"""The file names a graph post attaches (and nothing else of ours does)."""


@dataclass(frozen=True, slots=True)
class PostResult:
    channel_id: ChannelId
    messages: list[MessageId]
    posted: int
    failed: list[str]
    skipped_too_large: list[str]
    at: datetime
    stale_since: datetime | None = None
    """Drawn (partly) from data of this time: Tautulli could not be reached."""


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
        clock: Clock,
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
            raise NoGraphsError.of(f.error for f in report.failures)
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
        # The one gap, a crash after Discord made a message but before its id came back,
        # is closed by the post's start time, stored first: the next post looks for our
        # graph messages since then that it does not know, and deletes them too.
        previous = await self._store.posted_messages(channel.channel_id)
        previous += await self._strays(channel, set(previous))
        await self._store.begin_post(channel.channel_id, now)
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
        stale = report.stale_since
        log.log(
            logging.WARNING if stale else logging.INFO,
            "posted %d graphs in %d messages to channel %d (%d failed, %d old files removed)%s",
            sum(len(g) for g in groups),
            len(sent),
            channel.channel_id,
            len(failed),
            removed,
            f"; drawn from data of {stale.isoformat(timespec='minutes')}, "
            "Tautulli could not be reached"
            if stale
            else "",
        )
        return PostResult(
            channel.channel_id,
            sent,
            sum(len(g) for g in groups),
            failed,
            [p.name for p in too_large],
            posted_at,
            stale,
        )

    async def _strays(self, channel: GraphChannel, known: set[MessageId]) -> list[MessageId]:
        """Graph messages of a post that was cut short and whose ids were never stored."""
        started = await self._store.unfinished_post(channel.channel_id)
        if started is None:
            return []
        try:
            recent = await channel.own_messages_since(started)
        except Exception as exc:  # a tidy-up: it never stops the post itself
            log.warning(
                "could not look for messages of a post cut short (%s: %s)",
                type(exc).__name__,
                exc,
            )
            return []
        strays = [
            message
            for message, files in recent
            if message not in known and files and set(files) <= GRAPH_FILES
        ]
        if strays:
            log.info("found %d graph message(s) of a post cut short; deleting them", len(strays))
        return strays

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
        period = None
        if settings.POST_LAYOUT != "plain" and self._summaries is not None:
            period = await self._summaries.summary(settings.TIME_RANGE_DAYS)
        return post_messages(settings, cards, period, mention=channel.mention("my_stats"), now=now)


def post_messages(
    settings: Settings,
    cards: Sequence[GraphCard],
    period: PeriodSummary | None,
    *,
    mention: str,
    now: datetime,
) -> list[OutgoingMessage]:
    """The messages of a server post of ``cards`` made at ``now``, in the configured
    layout: what the bot sends, and what ``tgraph-bot render`` writes to post.json.
    ``mention``: how the summary names /my_stats."""
    tr = translator(settings.LANGUAGE)
    summary = None
    if settings.POST_LAYOUT != "plain" and period is not None:
        summary = summary_embed(
            period,
            tr,
            title=period_title(settings, tr),
            next_post=next_post(settings, now),
            hint=tr._(MY_STATS_HINT).format(command=mention),
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


def posting_policy(settings: Callable[[], Settings], started: datetime) -> Policy:
    """When the graphs are next due, by the live UPDATE_DAYS, FIXED_UPDATE_TIME, TIMEZONE.

    A bot that has never posted posts at once, unless POST_ON_START is false: then the
    first post comes one period after ``started``."""

    def policy(last_post: datetime | None, now: datetime) -> datetime:
        current = settings()
        if last_post is None and not current.POST_ON_START:
            last_post = started
        return next_run(
            last_post,
            now,
            current.UPDATE_DAYS,
            parse_fixed_time(current.FIXED_UPDATE_TIME),
            ZoneInfo(current.TIMEZONE),
        )

    return policy


class Scheduler(ScheduledJob[None]):
    """Graph posting as a :class:`ScheduledJob`: posts when due by the live settings to the
    channel they name; a failed post is retried with growing waits, not a period later."""

    def __init__(
        self,
        service: PostingService,
        store: PostingStore,
        settings: Callable[[], Settings],
        channel: Callable[[Settings], Awaitable[GraphChannel]],
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        retry_base: float = 30.0,
    ) -> None:
        async def post() -> None:
            current = settings()
            await service.post(current, await channel(current))

        super().__init__(
            "graph posting",
            work=post,
            policy=posting_policy(settings, clock()),
            record=store,
            clock=clock,
            sleep=sleep,
            backoff=Backoff(base=retry_base),
        )


__all__ = [
    "MAX_FILES_PER_MESSAGE",
    "PostResult",
    "PostingService",
    "Scheduler",
    "batches",
    "delete_old_images",
    "header",
    "post_messages",
    "posting_policy",
]
