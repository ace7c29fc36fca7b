"""The real bot, in this process, against the fake Discord REST + gateway server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import discord

from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.fakes.pngs import PngRenderer
from tgraph_bot.adapters.discord.bot import BotParts, TGraphBot
from tgraph_bot.adapters.discord.endpoint import use_discord_api
from tgraph_bot.adapters.plextv import PlexTvClient
from tgraph_bot.app import CogServices, bot_cogs
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.ports.common import Sleep
from tgraph_bot.services.posting import PostingService
from tgraph_bot.storage import links
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.links import SqliteLinkStore
from tgraph_bot.storage.posting import SqlitePostingStore

from .discord_env import Directory


@dataclass
class Live:
    fake: FakeDiscord
    bot: TGraphBot
    store: ConfigStore
    db: Database
    posting_store: SqlitePostingStore


@contextlib.asynccontextmanager
async def live_bot(
    tmp_path: Path,
    *,
    verification: str = "none",
    plex_tv_url: str | None = None,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], datetime] = discord.utils.utcnow,
) -> AsyncIterator[Live]:
    """A connected bot. ``plex_tv_url``: where its plex.tv client signs members in;
    ``clock``: the bot's and its services' time (a test may move it on).

    Restore ``discord.http.Route.BASE`` and the gateway URL afterwards (monkeypatch)."""
    config = tmp_path / "config.yml"
    config.write_text(
        f"CHANNEL_ID: {CHANNEL_ID}\n"
        "MY_STATS_COOLDOWN_MINUTES: 0\nMY_STATS_GLOBAL_COOLDOWN_SECONDS: 0\n"
        f"MY_STATS_VERIFICATION: {verification}\n"
    )
    store = ConfigStore(config, environ={}, use_dotenv=False)
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeDiscord())
        db = await stack.enter_async_context(Database(tmp_path / "db.sqlite3"))
        use_discord_api(fake.url)
        plextv = None
        if plex_tv_url is not None:
            client_id = await db.run(links.plex_client_identifier)
            plextv = await stack.enter_async_context(PlexTvClient(plex_tv_url, client_id))
        renderer = PngRenderer()
        posting_store = SqlitePostingStore(db)
        images = tmp_path / "images"
        posting = PostingService(renderer, posting_store, images, clock=clock)
        services = CogServices(
            posting=posting,
            my_stats=MyStatsService(
                SqliteLinkStore(db), plextv, Directory(), clock=clock, sleep=sleep
            ),
            rendering=renderer,
            images_dir=images,
        )
        bot = TGraphBot(
            BotParts(
                store=store,
                posting=posting,
                posting_store=posting_store,
                cogs=lambda host: bot_cogs(host, services),
                schedule=False,
                guild_ready_timeout=0.1,
                clock=clock,
            )
        )
        async with bot:
            await bot.login("fake-token")
            task = asyncio.create_task(bot.connect(reconnect=False))
            await asyncio.wait_for(bot.wait_until_ready(), 20)
            yield Live(fake, bot, store, db, posting_store)
            await bot.close()
            await asyncio.gather(task, return_exceptions=True)
