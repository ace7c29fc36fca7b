"""The factories the program is built from: one per client, store and service.

:func:`tgraph_bot.app.build` composes them into the running bot; the command line (``render``,
``demo``, ``plex``, ``history``, ``wrapped``, ``import-camera``, ``check --online``), the
benchmarks and the test rigs call the same ones, so each piece is wired in one place. With
app.py, the only module of src/ that constructs the concrete clients, storage and services
(tests/test_build.py fails on any other). Resources (the database, the HTTP clients, the
renderer) are returned unopened: the caller enters them on its own ``AsyncExitStack`` or
``async with``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tgraph_bot.adapters.memory import give_back
from tgraph_bot.adapters.plextv import PlexTvClient
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.clock import utcnow
from tgraph_bot.config.schema import Settings
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.services.camera import CameraService
from tgraph_bot.services.graphs import GraphService
from tgraph_bot.services.history import HistoryMirror
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.plex import COMMAND_DEADLINE, PlexService
from tgraph_bot.services.ports.common import Clock, Sleep
from tgraph_bot.services.ports.graphs import GraphDrawing, GraphRendering, GraphSource, HomeStats
from tgraph_bot.services.ports.jobs import RunLock
from tgraph_bot.services.ports.members import PlexSignIn, UserDirectory
from tgraph_bot.services.ports.plex import CreditsSource, PlexPort, TautulliPort
from tgraph_bot.services.posting import PostingService
from tgraph_bot.services.summary import SummaryService
from tgraph_bot.services.wrapped import WrappedService
from tgraph_bot.storage import links
from tgraph_bot.storage.camera import CameraRepository
from tgraph_bot.storage.db import Database, database_path
from tgraph_bot.storage.graph_cache import SqliteGraphCache
from tgraph_bot.storage.history import SqliteHistoryStore
from tgraph_bot.storage.links import SqliteLinkStore
from tgraph_bot.storage.posting import SqlitePostingStore

if TYPE_CHECKING:
    from tgraph_bot.adapters.plex import PlexLibrary

PLAYLIST_LOCK = "plex-playlist-sync.lock"
"""Beside the database: held by whichever process syncs the playlist (storage.locks)."""


@dataclass(frozen=True)
class Endpoints:
    """Where the program finds the services it talks to, when not where the settings say:
    a test's or a benchmark's fake servers on 127.0.0.1. None: DISCORD_API_BASE_URL, or
    discord.com when that is empty."""

    discord_api: str | None = None


# -- resources: returned unopened ------------------------------------------------------------


def database(data_dir: Path) -> Database:
    """DATA_DIR's database (migrated when opened)."""
    return Database(database_path(data_dir))


def tautulli_client(settings: Settings, *, one_try_within: float | None = None) -> TautulliClient:
    """The configured Tautulli. ``one_try_within``: one try within that many seconds, no retry
    (``check --online``); else the bot's patient client."""
    key = settings.TAUTULLI_API_KEY.get_secret_value()
    if one_try_within is None:
        return TautulliClient(settings.TAUTULLI_URL, key)
    return TautulliClient(settings.TAUTULLI_URL, key, timeout=one_try_within, retry_budget=0)


async def plextv_client(settings: Settings, db: Database) -> PlexTvClient:
    """plex.tv's sign-in, as this installation (its client id is kept in the database)."""
    client_id = await db.run(links.plex_client_identifier)
    return PlexTvClient(settings.PLEX_TV_URL, client_id)


def renderer(*, workers: int | None = None, idle_seconds: float | None = None) -> Renderer:
    """The graph workers' pool. With ``idle_seconds`` (the bot's) it starts with the first
    render and stops again after that long without one: do not enter it, that would start
    the workers now. Without (a command's), it runs for as long as it is entered."""
    return Renderer(workers, idle_seconds=idle_seconds)


# -- services ---------------------------------------------------------------------------------


def graph_source(tautulli: TautulliClient, db: Database, clock: Clock) -> CachedGraphSource:
    """Tautulli's graph data, kept in the database to draw from when Tautulli is down."""
    return CachedGraphSource(tautulli, SqliteGraphCache(db), clock=clock)


def graph_service(source: GraphSource, drawing: GraphDrawing, clock: Clock) -> GraphService:
    """The enabled graphs, fetched from ``source`` and drawn by ``drawing``."""
    return GraphService(source, drawing, clock=clock)


def summary_service(source: GraphSource, home: HomeStats | None) -> SummaryService:
    """The period summary beside the graphs (and /my_stats's embed)."""
    return SummaryService(source, home)


def posting_store(db: Database) -> SqlitePostingStore:
    """What was posted, and when (the schedule's memory)."""
    return SqlitePostingStore(db)


def posting_service(
    rendering: GraphRendering,
    store: SqlitePostingStore,
    images: Path,
    clock: Clock,
    summaries: SummaryService | None = None,
) -> PostingService:
    """The channel post of the graphs (/update_graphs and the schedule)."""
    return PostingService(rendering, store, images, clock=clock, summaries=summaries)


def my_stats_service(
    db: Database,
    plextv: PlexSignIn | None,
    users: UserDirectory,
    clock: Clock,
    sleep: Sleep = asyncio.sleep,
) -> MyStatsService:
    """/my_stats, /link and /unlink: a member's link to their Tautulli user."""
    return MyStatsService(SqliteLinkStore(db), plextv, users, clock=clock, sleep=sleep)


def camera_service(db: Database, clock: Clock) -> CameraService:
    """The camera ranking (the cog and ``import-camera``)."""
    return CameraService(CameraRepository(db), clock=clock)


def history_mirror(
    settings: Callable[[], Settings], db: Database, tautulli: TautulliClient, clock: Clock
) -> HistoryMirror:
    """The local copy of Tautulli's play history (the bot's job and the CLI alike)."""
    return HistoryMirror(
        tautulli,
        SqliteHistoryStore(db),
        timezone=lambda: settings().TIMEZONE,
        clock=clock,
        release_memory=give_back,
    )


def wrapped_service(mirror: HistoryMirror) -> WrappedService:
    """A member's or the server's year, from the history copy."""
    return WrappedService(mirror)


def plex_library(settings: Settings) -> PlexLibrary:
    """The configured Plex server's music library."""
    from tgraph_bot.adapters.plex import PlexLibrary  # plexapi: only with the Plex module

    token = settings.PLEX_TOKEN.get_secret_value()
    return PlexLibrary(settings.PLEX_URL, token, settings.PLEX_MUSIC_LIBRARY)


def plex_service_over(
    plex: PlexPort,
    tautulli: TautulliPort,
    db: Database,
    sources: Sequence[CreditsSource],
    settings: Callable[[], Settings],
    *,
    clock: Clock,
    run_lock: RunLock | None,
    sleep: Sleep = asyncio.sleep,
    deadline: float = COMMAND_DEADLINE,
) -> PlexService:
    """The Plex module over ``plex``, ``tautulli`` and the credit ``sources``: its cache and
    the members' links (the same table as /my_stats's) in ``db``."""
    from tgraph_bot.storage.plex import SqlitePlexStore

    return PlexService(
        plex,
        tautulli,
        SqlitePlexStore(db),
        SqliteLinkStore(db),
        sources,
        settings,
        clock=clock,
        sleep=sleep,
        run_lock=run_lock,
        deadline=deadline,
    )


@asynccontextmanager
async def plex_service(
    settings: Callable[[], Settings],
    db: Database,
    tautulli: TautulliClient,
    *,
    clock: Clock = utcnow,
) -> AsyncGenerator[PlexService]:
    """The Plex module (bot and CLI alike): Plex, MusicBrainz (one rate limit for the whole
    process, made here once), Discogs first when DISCOGS_TOKEN is set."""
    from tgraph_bot.adapters.musicbrainz import (
        DISCOGS_URL,
        INTERVAL,
        Discogs,
        MusicBrainz,
        RateLimiter,
    )
    from tgraph_bot.storage.locks import FileRunLock
    from tgraph_bot.storage.musicbrainz import SqliteMetadataCache

    now = settings()
    cache = SqliteMetadataCache(db)
    agent = now.MUSICBRAINZ_USER_AGENT
    brainz = MusicBrainz(
        now.MUSICBRAINZ_URL, agent, limiter=RateLimiter(INTERVAL), cache=cache, clock=clock
    )
    sources: list[CreditsSource] = [brainz]
    async with AsyncExitStack() as stack:
        stack.push_async_callback(brainz.aclose)
        token = now.DISCOGS_TOKEN.get_secret_value()
        if token:
            discogs = Discogs(
                DISCOGS_URL, agent, token, limiter=RateLimiter(INTERVAL), cache=cache, clock=clock
            )
            stack.push_async_callback(discogs.aclose)
            sources.insert(0, discogs)
        plex = plex_library(now)
        stack.callback(plex.close)
        lock = FileRunLock(db.path.with_name(PLAYLIST_LOCK))
        yield plex_service_over(plex, tautulli, db, sources, settings, clock=clock, run_lock=lock)


__all__ = [
    "PLAYLIST_LOCK",
    "Clock",
    "Endpoints",
    "camera_service",
    "database",
    "graph_service",
    "graph_source",
    "history_mirror",
    "my_stats_service",
    "plex_library",
    "plex_service",
    "plex_service_over",
    "plextv_client",
    "posting_service",
    "posting_store",
    "renderer",
    "summary_service",
    "tautulli_client",
    "utcnow",
    "wrapped_service",
]
