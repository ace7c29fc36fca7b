"""The composition root: the one place that knows how everything is wired.

Resources are opened with ``async with`` on one AsyncExitStack (storage, Tautulli client,
renderer, bot) and closed in reverse order on SIGTERM or Ctrl-C, within a few seconds.
The renderer's worker pool starts with the first render and stops again when idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Mapping
from contextlib import AsyncExitStack
from datetime import UTC, datetime

from discord.ext import commands

from tgraph_bot.adapters.discord.bot import BotParts, TGraphBot
from tgraph_bot.adapters.discord.cogs.camera import CameraCog
from tgraph_bot.adapters.discord.endpoint import use_discord_api
from tgraph_bot.adapters.plextv import PlexTvClient
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.services.camera import CameraService
from tgraph_bot.services.graphs import GraphService
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.posting import PostingService
from tgraph_bot.services.summary import SummaryService
from tgraph_bot.storage import links
from tgraph_bot.storage.db import Database, database_path
from tgraph_bot.storage.posting import PostingStore

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 5.0
RENDER_IDLE_SECONDS = 120.0


def utcnow() -> datetime:
    return datetime.now(UTC)


def render_idle_seconds(environ: Mapping[str, str]) -> float:
    """How long the graph workers outlive the last render (they cost ~170 MB while up).

    TGRAPH_RENDER_IDLE_SECONDS (seconds, > 0) overrides the default; it exists for the
    memory benchmark (bench/bench_bot.py) and for anyone who posts often enough to want
    the workers kept warm. Not a config.yml setting on purpose.
    """
    text = environ.get("TGRAPH_RENDER_IDLE_SECONDS", "")
    if not text:
        return RENDER_IDLE_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        log.warning("ignoring TGRAPH_RENDER_IDLE_SECONDS=%r (not a positive number)", text)
        return RENDER_IDLE_SECONDS
    return value


async def run(store: ConfigStore, *, stop: asyncio.Event | None = None) -> int:
    """Run the bot until SIGTERM/SIGINT (or ``stop`` is set). Returns the exit status."""
    settings = store.settings
    if settings.DISCORD_API_BASE_URL:
        use_discord_api(settings.DISCORD_API_BASE_URL)
        log.info("using the Discord API at %s", settings.DISCORD_API_BASE_URL)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows
            loop.add_signal_handler(signum, stop.set)
    root = store.data_dir
    images = root / "graphs"

    async with AsyncExitStack() as stack:
        db = await stack.enter_async_context(Database(database_path(root)))
        tautulli = await stack.enter_async_context(
            TautulliClient(settings.TAUTULLI_URL, settings.TAUTULLI_API_KEY.get_secret_value())
        )
        client_id = await db.run(links.plex_client_identifier)
        plextv = await stack.enter_async_context(PlexTvClient(settings.PLEX_TV_URL, client_id))
        # Not entered (that would start the workers now): the pool starts with the first
        # render and stops again after RENDER_IDLE_SECONDS without one.
        renderer = Renderer(idle_seconds=render_idle_seconds(os.environ))
        stack.push_async_callback(renderer.aclose)
        source = CachedGraphSource(tautulli, db, clock=utcnow)
        graphs = GraphService(source, renderer)
        summaries = SummaryService(source, tautulli)
        posting_store = PostingStore(db)
        # Other modules' cogs (they get the live settings as a callable).
        extra_cogs: list[commands.Cog] = [
            CameraCog(CameraService(db, clock=utcnow), lambda: store.settings),
        ]
        bot = TGraphBot(
            BotParts(
                store=store,
                posting=PostingService(
                    graphs, posting_store, images, clock=utcnow, summaries=summaries
                ),
                posting_store=posting_store,
                my_stats=MyStatsService(db, plextv, tautulli, clock=utcnow),
                rendering=graphs,
                summaries=summaries,
                images_dir=images,
                extra_cogs=extra_cogs,
            )
        )
        await stack.enter_async_context(bot)  # closes the gateway and HTTP session on exit
        watcher = asyncio.create_task(store.watch(), name="config-watch")
        stack.callback(watcher.cancel)
        await bot.login(settings.DISCORD_TOKEN.get_secret_value())
        connection = asyncio.create_task(bot.connect(reconnect=True), name="discord")
        stopping = asyncio.create_task(stop.wait(), name="stop")
        done, _ = await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
        status = 0
        if connection in done and connection.exception() is not None:
            log.error("the Discord connection failed: %s", connection.exception())
            status = 1
        log.info("shutting down")
        stopping.cancel()
        try:
            await asyncio.wait_for(bot.close(), SHUTDOWN_SECONDS)
        except TimeoutError:
            log.warning("the Discord connection did not close in %.0f s", SHUTDOWN_SECONDS)
        connection.cancel()
        await asyncio.gather(connection, return_exceptions=True)
    log.info("stopped")
    return status


__all__ = ["render_idle_seconds", "run"]
