"""The real bot against simcord (in-process Discord), with real storage and config on disk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest
import simcord

from tests.fakes.pngs import PngRenderer
from tgraph_bot.adapters.discord.bot import BotParts, TGraphBot
from tgraph_bot.app import CogServices, bot_cogs
from tgraph_bot.config.schema import Settings
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.core.users import TautulliUser, find_by_email
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.ports.graphs import GraphRendering
from tgraph_bot.services.ports.members import UserDirectory
from tgraph_bot.services.posting import PostingService
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.links import SqliteLinkStore
from tgraph_bot.storage.posting import SqlitePostingStore

CONFIG = """\
# TGraph Bot test configuration (this comment must survive /config edit)
TAUTULLI_API_KEY: "test-key"
TAUTULLI_URL: "http://127.0.0.1:9/api/v2"
DISCORD_TOKEN: "test-token"
CHANNEL_ID: 0
LANGUAGE: en
TV_COLOR: "#1f77b4"  # the TV series colour
MY_STATS_COOLDOWN_MINUTES: 0
MY_STATS_GLOBAL_COOLDOWN_SECONDS: 0
MY_STATS_VERIFICATION: none
"""


USERS = [
    TautulliUser(TautulliUserId(0), "Local", "Local", "local@example.com"),
    TautulliUser(TautulliUserId(42), "alice", "Alice", "Alice@Example.com"),
]


class Directory:
    """Tautulli's users, as the adapter serves them (a real UserDirectory)."""

    async def users(self) -> list[TautulliUser]:
        return list(USERS)

    async def find_user_by_email(self, email: str) -> TautulliUser | None:
        return find_by_email(USERS, email)


class LiveBot(TGraphBot):
    """The real bot whose live settings are a test's own (changed as /config edit would
    change them), for a rig that swaps settings without a config file."""

    def __init__(self, parts: BotParts, live: Callable[[], Settings]) -> None:
        self._live = live
        super().__init__(parts)

    @property
    def settings(self) -> Settings:
        return self._live()


@dataclass
class Parts:
    store: ConfigStore
    db: Database
    posting_store: SqlitePostingStore
    renderer: PngRenderer
    images: Path
    services: CogServices
    bot_parts: BotParts


@dataclass
class World:
    env: simcord.Env
    bot: TGraphBot
    store: ConfigStore
    db: Database
    posting_store: SqlitePostingStore
    renderer: PngRenderer
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    admin: simcord.MemberActor
    member: simcord.MemberActor
    images: Path


@asynccontextmanager
async def make_parts(
    tmp_path: Path,
    *,
    rendering: Callable[[Database], GraphRendering] | None = None,
    users: UserDirectory | None = None,
) -> AsyncIterator[Parts]:
    """The bot's parts over real storage in ``tmp_path``. ``rendering``: what draws the
    graphs, made over the database (the PngRenderer by default); ``users``: Tautulli's
    users as /my_stats finds them (:class:`Directory` by default)."""
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    store = ConfigStore(config, environ={}, use_dotenv=False)
    images = tmp_path / "images"
    renderer = PngRenderer()
    async with Database(tmp_path / "tgraph.sqlite3") as db:
        graphs = renderer if rendering is None else rendering(db)
        posting_store = SqlitePostingStore(db)
        clock = discord.utils.utcnow
        posting = PostingService(graphs, posting_store, images, clock=clock)
        directory = Directory() if users is None else users
        my_stats = MyStatsService(SqliteLinkStore(db), None, directory, clock=clock)
        services = CogServices(
            posting=posting, my_stats=my_stats, rendering=graphs, images_dir=images
        )
        bot_parts = BotParts(
            store=store,
            posting=posting,
            posting_store=posting_store,
            cogs=lambda host: bot_cogs(host, services),
            schedule=False,
        )
        yield Parts(store, db, posting_store, renderer, images, services, bot_parts)


@pytest.fixture
async def parts(tmp_path: Path) -> AsyncIterator[Parts]:
    async with make_parts(tmp_path) as built:
        yield built


@pytest.fixture
def simcord_bot(parts: Parts) -> TGraphBot:
    return TGraphBot(parts.bot_parts)


@pytest.fixture
def world(simcord_env: simcord.Env, simcord_bot: TGraphBot, parts: Parts) -> World:
    env = simcord_env
    guild = env.create_guild("Plex friends")
    channel = guild.create_text_channel("graphs")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("admin"), roles=[admins])
    member = guild.add_member(env.create_user("bob"))
    parts.store.set("CHANNEL_ID", str(channel.id))
    return World(
        env,
        simcord_bot,
        parts.store,
        parts.db,
        parts.posting_store,
        parts.renderer,
        guild,
        channel,
        admin,
        member,
        parts.images,
    )
