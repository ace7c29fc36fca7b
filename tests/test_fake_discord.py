"""The real bot (in this process) against the fake Discord REST + gateway server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import discord.gateway
import discord.http
import pytest

from tests.fakes.discord import ADMIN_ID, CHANNEL_ID, MEMBER_ID, FakeDiscord
from tests.fakes.pngs import PngRenderer
from tgraph_bot.adapters.discord.bot import BotParts, TGraphBot
from tgraph_bot.adapters.discord.endpoint import use_discord_api
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.posting import PostingService
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.posting import PostingStore

from .discord_env import Directory


@dataclass
class Live:
    fake: FakeDiscord
    bot: TGraphBot
    store: ConfigStore
    posting_store: PostingStore


@pytest.fixture
async def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Live]:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    config = tmp_path / "config.yml"
    config.write_text(
        f"CHANNEL_ID: {CHANNEL_ID}\n"
        "MY_STATS_COOLDOWN_MINUTES: 0\nMY_STATS_GLOBAL_COOLDOWN_SECONDS: 0\n"
        "MY_STATS_VERIFICATION: none\n"
    )
    store = ConfigStore(config, environ={}, use_dotenv=False)
    async with FakeDiscord() as fake, Database(tmp_path / "db.sqlite3") as db:
        use_discord_api(fake.url)
        renderer = PngRenderer()
        posting_store = PostingStore(db)
        images = tmp_path / "images"
        bot = TGraphBot(
            BotParts(
                store=store,
                posting=PostingService(renderer, posting_store, images, clock=discord.utils.utcnow),
                posting_store=posting_store,
                my_stats=MyStatsService(db, None, Directory(), clock=discord.utils.utcnow),
                rendering=renderer,
                images_dir=images,
                schedule=False,
                guild_ready_timeout=0.1,
            )
        )
        async with bot:
            await bot.login("fake-token")
            task = asyncio.create_task(bot.connect(reconnect=False))
            await asyncio.wait_for(bot.wait_until_ready(), 20)
            yield Live(fake, bot, store, posting_store)
            await bot.close()
            await asyncio.gather(task, return_exceptions=True)


async def test_commands_are_synced(live: Live) -> None:
    names = {c["name"] for c in live.fake.commands}
    assert {"about", "uptime", "config", "update_graphs", "my_stats"} <= names
    config = next(c for c in live.fake.commands if c["name"] == "config")
    assert int(config["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    assert live.bot.permissions_report == []


async def test_update_graphs_posts_pngs_into_the_channel(live: Live) -> None:
    record = await live.fake.invoke("update_graphs", user=ADMIN_ID)
    await live.fake.wait_for(lambda: any("Posted" in t for t in record.texts()))
    assert record.deferred and record.ephemeral
    files = [f for m in live.fake.channel_messages() for f in m.files]
    assert len(files) == 12
    assert all(data.startswith(b"\x89PNG") for _, data in files)


async def test_a_429_is_waited_out(live: Live) -> None:
    live.fake.rate_limit_next[f"POST /channels/{CHANNEL_ID}/messages"] = 0.3
    record = await live.fake.invoke("update_graphs", user=ADMIN_ID)
    await live.fake.wait_for(lambda: any("Posted" in t for t in record.texts()))
    assert live.fake.rate_limited == [f"POST /channels/{CHANNEL_ID}/messages"]
    assert sum(len(m.files) for m in live.fake.channel_messages()) == 12


async def test_my_stats_dm_and_blocked_dm(live: Live) -> None:
    record = await live.fake.invoke(
        "my_stats", user=MEMBER_ID, options={"email": "alice@example.com"}
    )
    await live.fake.wait_for(lambda: bool(record.followups))
    assert sum(len(m.files) for m in live.fake.dms_to(MEMBER_ID)) == 12
    live.fake.dm_blocked.add(MEMBER_ID)
    blocked = await live.fake.invoke(
        "my_stats", user=MEMBER_ID, options={"email": "alice@example.com"}
    )
    await live.fake.wait_for(lambda: bool(blocked.followups))
    assert blocked.followups[0]["content"].startswith("I cannot send you direct messages")
    assert int(blocked.followups[0].get("flags", 0)) & 64
