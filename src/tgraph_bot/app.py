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
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import discord
from discord.ext import commands
from discord.utils import MISSING

from tgraph_bot.adapters.discord.bot import BotParts, TGraphBot
from tgraph_bot.adapters.discord.cogs.about import AboutCog
from tgraph_bot.adapters.discord.cogs.camera import CameraCog
from tgraph_bot.adapters.discord.cogs.config import ConfigCog
from tgraph_bot.adapters.discord.cogs.graphs import GraphsCog
from tgraph_bot.adapters.discord.cogs.help import HelpCog
from tgraph_bot.adapters.discord.cogs.link import LinkCog
from tgraph_bot.adapters.discord.cogs.my_stats import MyStatsCog
from tgraph_bot.adapters.discord.cogs.unlink import UnlinkCog
from tgraph_bot.adapters.discord.cogs.uptime import UptimeCog
from tgraph_bot.adapters.discord.cogs.wrapped import DiscordWrappedAudience, WrappedCog
from tgraph_bot.adapters.discord.endpoint import use_discord_api
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.memory import give_back
from tgraph_bot.adapters.plextv import PlexTvClient
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.config import schema
from tgraph_bot.config.display import mask_secrets
from tgraph_bot.config.schema import Settings
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.core.schedule import Backoff
from tgraph_bot.errors import DiscordNotApi, DiscordTokenRefused, DiscordUnreachable
from tgraph_bot.graphs.cards import CardJob
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.services.camera import CameraService
from tgraph_bot.services.graphs import GraphService
from tgraph_bot.services.history import HistoryMirror, history_policy
from tgraph_bot.services.jobs import ScheduledJob
from tgraph_bot.services.member_stats import MemberStats
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.plex import PlexService
from tgraph_bot.services.ports.graphs import GraphRendering
from tgraph_bot.services.ports.wrapped import WrappedAudience
from tgraph_bot.services.posting import PostingService
from tgraph_bot.services.summary import SummaryService
from tgraph_bot.services.wrapped import WrappedService
from tgraph_bot.services.wrapped_post import PostReport, WrappedPost, wrapped_post_policy
from tgraph_bot.storage import links
from tgraph_bot.storage.camera import CameraRepository
from tgraph_bot.storage.db import Database, database_path
from tgraph_bot.storage.graph_cache import SqliteGraphCache
from tgraph_bot.storage.heartbeat import heartbeat_path, keep_heartbeat
from tgraph_bot.storage.history import SqliteHistoryStore
from tgraph_bot.storage.jobs import MetaRunRecord
from tgraph_bot.storage.links import SqliteLinkStore
from tgraph_bot.storage.posting import SqlitePostingStore
from tgraph_bot.storage.wrapped import MetaPostProgress

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 5.0
LOGIN_SECONDS = 60.0
LOGIN_PATIENCE = 15 * 60.0
"""Start-up keeps trying to reach Discord this long (seconds) before it gives up (exit 5)."""
LOGIN_BACKOFF = Backoff(base=1.0, cap=300.0)
RENDER_IDLE_SECONDS = 120.0
HISTORY_JOB_KEY = "history.sync_run_at"
WRAPPED_POST_KEY = "wrapped.post_at"
WRAPPED_POST_KEYS = ("WRAPPED_DATE", "FIXED_UPDATE_TIME", "TIMEZONE", "HISTORY_SYNC_MINUTES")
PLAYLIST_LOCK = "plex-playlist-sync.lock"
"""Beside the database: held by whichever process syncs the playlist (storage.locks)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def follow_settings(
    store: ConfigStore, tautulli: TautulliClient, plextv: PlexTvClient
) -> Callable[[], None]:
    """Rebuild the Tautulli and plex.tv clients when their keys change (a /config edit or a
    hand edit): the next request goes to the new address. Returns the unsubscribe."""

    def changed(old: Settings, new: Settings) -> None:
        if (old.TAUTULLI_URL, old.TAUTULLI_API_KEY) != (new.TAUTULLI_URL, new.TAUTULLI_API_KEY):
            tautulli.reconfigure(new.TAUTULLI_URL, new.TAUTULLI_API_KEY.get_secret_value())
            log.info("Tautulli is now asked at %s", tautulli.url)
        if old.PLEX_TV_URL != new.PLEX_TV_URL:
            plextv.reconfigure(new.PLEX_TV_URL)
            log.info("plex.tv is now asked at %s", mask_secrets(new.PLEX_TV_URL))

    return store.subscribe(changed)


def history_mirror(store: ConfigStore, db: Database, tautulli: TautulliClient) -> HistoryMirror:
    """The local copy of Tautulli's play history (the bot's job and the CLI alike)."""
    return HistoryMirror(
        tautulli,
        SqliteHistoryStore(db),
        timezone=lambda: store.settings.TIMEZONE,
        clock=utcnow,
        release_memory=give_back,
    )


async def start_history_sync(
    stack: AsyncExitStack, store: ConfigStore, db: Database, tautulli: TautulliClient
) -> HistoryMirror:
    """Keep the mirror every HISTORY_SYNC_MINUTES on the one scheduler (0: off, and
    nothing else changes); an edit of the key applies at once."""
    mirror = history_mirror(store, db, tautulli)
    job = ScheduledJob(
        "history sync",
        work=mirror.sync,
        policy=history_policy(lambda: store.settings),
        record=MetaRunRecord(db, HISTORY_JOB_KEY),
        clock=utcnow,
    )

    follow_keys(stack, store, ("HISTORY_SYNC_MINUTES", "TIMEZONE"), job.reschedule)
    task = asyncio.create_task(job.run(), name="history-sync")
    stack.push_async_callback(_cancelled, task)
    return mirror


def follow_keys(
    stack: AsyncExitStack, store: ConfigStore, keys: Sequence[str], reschedule: Callable[[], None]
) -> None:
    """Call ``reschedule`` (a job's) when one of ``keys`` changes: a /config edit or a hand
    edit, told from whichever thread saved the file; it is called on the event loop."""
    loop = asyncio.get_running_loop()

    def changed(old: Settings, new: Settings) -> None:
        if schema.changed(old, new, keys):
            loop.call_soon_threadsafe(reschedule)

    stack.callback(store.subscribe(changed))


def wrapped_post_job(
    post: WrappedPost,
    audience: WrappedAudience,
    store: ConfigStore,
    db: Database,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> ScheduledJob[PostReport]:
    """The server's Wrapped once a year on WRAPPED_DATE, then the members' DMs
    (services.wrapped_post); its last run is kept, so a restart never posts it twice."""
    return ScheduledJob(
        "wrapped post",
        work=lambda: post.run(audience),
        policy=wrapped_post_policy(lambda: store.settings),
        record=MetaRunRecord(db, WRAPPED_POST_KEY),
        clock=clock,
    )


def start_wrapped_post(
    stack: AsyncExitStack,
    store: ConfigStore,
    job: ScheduledJob[PostReport],
    ready: Callable[[], Awaitable[object]],
) -> None:
    """Run the yearly post once Discord is ``ready``; an edit of its keys applies at once."""
    follow_keys(stack, store, WRAPPED_POST_KEYS, job.reschedule)

    async def after_ready() -> None:
        await ready()
        await job.run()

    task = asyncio.create_task(after_ready(), name="wrapped-post")
    stack.push_async_callback(_cancelled, task)


def _env_seconds(
    environ: Mapping[str, str], name: str, default: float, *, zero_allowed: bool = False
) -> float:
    """Seconds from the environment variable ``name`` (finite, > 0, or >= 0 when
    ``zero_allowed``), else ``default``, with a warning when it is set to something else."""
    text = environ.get(name, "")
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    low_enough = value >= 0 if zero_allowed else value > 0
    if not low_enough or value == float("inf"):
        log.warning("ignoring %s=%r (not a number of seconds)", name, text)
        return default
    return value


def login_patience(environ: Mapping[str, str]) -> float:
    """How long the bot keeps trying to reach Discord at start-up before it exits with 5.

    TGRAPH_LOGIN_PATIENCE_SECONDS (seconds, >= 0; 0 = one try) overrides the default."""
    return _env_seconds(environ, "TGRAPH_LOGIN_PATIENCE_SECONDS", LOGIN_PATIENCE, zero_allowed=True)


def render_idle_seconds(environ: Mapping[str, str]) -> float:
    """How long the graph workers outlive the last render (they cost ~170 MB while up).

    TGRAPH_RENDER_IDLE_SECONDS (seconds, > 0) overrides the default; it exists for the
    memory benchmark (bench/bench_bot.py) and for anyone who posts often enough to want
    the workers kept warm. Not a config.yml setting on purpose.
    """
    return _env_seconds(environ, "TGRAPH_RENDER_IDLE_SECONDS", RENDER_IDLE_SECONDS)


@asynccontextmanager
async def plex_service(
    settings: Callable[[], Settings],
    db: Database,
    tautulli: TautulliClient,
    *,
    clock: Callable[[], datetime] = utcnow,
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
    from tgraph_bot.adapters.plex import PlexLibrary
    from tgraph_bot.services.ports.plex import CreditsSource
    from tgraph_bot.storage.locks import FileRunLock
    from tgraph_bot.storage.musicbrainz import SqliteMetadataCache
    from tgraph_bot.storage.plex import SqlitePlexStore

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
        plex = PlexLibrary(now.PLEX_URL, now.PLEX_TOKEN.get_secret_value(), now.PLEX_MUSIC_LIBRARY)
        stack.callback(plex.close)
        yield PlexService(
            plex,
            tautulli,
            SqlitePlexStore(db),
            SqliteLinkStore(db),
            sources,
            settings,
            clock=clock,
            run_lock=FileRunLock(db.path.with_name(PLAYLIST_LOCK)),
        )


@dataclass(frozen=True)
class CogServices:
    """What the bot's cogs are built from (:func:`bot_cogs`)."""

    posting: PostingService | None = None  # /update_graphs
    my_stats: MyStatsService | None = None  # /my_stats, /link, /unlink (with rendering)
    rendering: GraphRendering | None = None  # for /my_stats (the posting service has its own)
    summaries: SummaryService | None = None  # the /my_stats summary embed
    images_dir: Path = Path("data") / "graphs"
    wrapped: WrappedService | None = None  # /wrapped (with my_stats: the link and folders)
    draw_cards: Callable[[CardJob], Awaitable[Path]] | None = None  # Wrapped's cards
    camera: CameraService | None = None  # camera-time tracking, /ranking, /camera
    plex: PlexService | None = None  # /plex and its jobs (PLEX_ENABLED)


def bot_cogs(host: BotHost, services: CogServices) -> list[commands.Cog]:
    """Every cog of the bot, each handed the host and its services: the one place cogs are
    made (the bot calls it in setup_hook)."""
    cogs: list[commands.Cog] = [AboutCog(host), UptimeCog(host), ConfigCog(host), HelpCog(host)]
    if services.posting is not None:
        cogs.append(GraphsCog(host, services.posting))
    if services.my_stats is not None and services.rendering is not None:
        stats_dir = services.images_dir / "my_stats"
        stats = MemberStats(
            services.rendering, host.dms, services.my_stats, stats_dir, services.summaries
        )
        cogs += [
            MyStatsCog(host, services.my_stats, stats),
            LinkCog(host, services.my_stats),
            UnlinkCog(host, services.my_stats),
        ]
        if services.wrapped is not None and services.draw_cards is not None:
            cogs.append(
                WrappedCog(
                    host,
                    services.wrapped,
                    services.my_stats,
                    services.draw_cards,
                    stats_dir,
                )
            )
    if services.camera is not None:
        cogs.append(CameraCog(host, services.camera))
    if services.plex is not None:
        from tgraph_bot.adapters.discord.cogs.plex import PlexCog

        cogs.append(PlexCog(host, services.plex))
    return cogs


async def _login(bot: TGraphBot, settings: Settings) -> None:
    """Log in, turning Discord's refusal or silence into the one line that says what to do."""
    url = settings.DISCORD_API_BASE_URL or "https://discord.com"
    try:
        await asyncio.wait_for(bot.login(settings.DISCORD_TOKEN.get_secret_value()), LOGIN_SECONDS)
    except discord.LoginFailure:
        raise DiscordTokenRefused() from None
    except (aiohttp.ClientError, OSError, TimeoutError, discord.DiscordServerError):
        log.debug("the Discord login failed", exc_info=True)
        raise DiscordUnreachable(url=url) from None
    except (discord.HTTPException, TypeError, KeyError):
        # An answer discord.py cannot read as its user: a login page, a 404 page, ...
        log.debug("the Discord login got no Discord answer", exc_info=True)
        raise DiscordNotApi(url=url) from None


async def _forget_login(bot: TGraphBot) -> None:
    """Close the HTTP session a failed login opened, so the next try starts a fresh one."""
    await bot.http.close()
    bot.http.connector = MISSING  # closed with its session; the next login makes a new one


async def login_patiently(
    login: Callable[[], Awaitable[None]],
    forget: Callable[[], Awaitable[None]],
    patience: float,
    *,
    backoff: Backoff = LOGIN_BACKOFF,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """``login()`` again and again while Discord cannot be reached, waiting ``backoff``'s
    growing delays (1 s, 2 s, ... up to 5 min), for ``patience`` seconds in all: a network
    that comes up slowly at boot, a router restarting, a short Discord outage are ridden out
    here, not by a restart loop. A refused token ends it at once; so does a stop signal
    (the caller cancels). Raises the last :class:`DiscordUnreachable` when patience ends."""
    deadline = monotonic() + patience
    attempt = 0
    while True:
        try:
            return await login()
        except DiscordUnreachable as exc:
            left = deadline - monotonic()
            if left <= 0:
                raise
            attempt += 1
            delay = min(backoff.delay(attempt), left)
            log.warning("%s; trying again in %.0f s", exc, delay)
            await forget()
        await sleep(delay)


def is_connected(bot: TGraphBot) -> bool:
    return bot.connected()


async def _cancelled(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def run(store: ConfigStore, *, stop: asyncio.Event | None = None) -> int:
    """Run the bot until SIGTERM/SIGINT (or ``stop`` is set). Returns the exit status."""
    settings = store.settings
    if settings.DISCORD_API_BASE_URL:
        use_discord_api(settings.DISCORD_API_BASE_URL)
        log.info("using the Discord API at %s", mask_secrets(settings.DISCORD_API_BASE_URL))
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
        stack.callback(follow_settings(store, tautulli, plextv))
        mirror = await start_history_sync(stack, store, db, tautulli)
        # Not entered (that would start the workers now): the pool starts with the first
        # render and stops again after RENDER_IDLE_SECONDS without one.
        renderer = Renderer(idle_seconds=render_idle_seconds(os.environ))
        stack.push_async_callback(renderer.aclose)
        source = CachedGraphSource(tautulli, SqliteGraphCache(db), clock=utcnow)
        graphs = GraphService(source, renderer)
        summaries = SummaryService(source, tautulli)
        posting_store = SqlitePostingStore(db)
        plex = None
        if settings.PLEX_ENABLED:
            plex = await stack.enter_async_context(
                plex_service(lambda: store.settings, db, tautulli, clock=utcnow)
            )
        posting = PostingService(graphs, posting_store, images, clock=utcnow, summaries=summaries)
        my_stats = MyStatsService(SqliteLinkStore(db), plextv, tautulli, clock=utcnow)
        wrapped = WrappedService(mirror)
        services = CogServices(
            posting=posting,
            my_stats=my_stats,
            rendering=graphs,
            summaries=summaries,
            images_dir=images,
            wrapped=wrapped,
            draw_cards=renderer.render,
            camera=CameraService(CameraRepository(db), clock=utcnow),
            plex=plex,
        )
        bot = TGraphBot(
            BotParts(
                store=store,
                posting=posting,
                posting_store=posting_store,
                cogs=lambda host: bot_cogs(host, services),
            )
        )
        await stack.enter_async_context(bot)  # closes the gateway and HTTP session on exit
        post = WrappedPost(
            wrapped,
            my_stats,
            renderer.render,
            images / "my_stats",
            lambda: store.settings,
            MetaPostProgress(db),
        )
        audience = DiscordWrappedAudience(bot, lambda: store.settings)
        wrapped_job = wrapped_post_job(post, audience, store, db)
        watcher = asyncio.create_task(store.watch(), name="config-watch")
        stack.callback(watcher.cancel)
        connection_changed = asyncio.Event()

        async def beat_now(*_: object) -> None:
            connection_changed.set()

        for event in ("on_ready", "on_resumed", "on_disconnect"):
            bot.add_listener(beat_now, event)
        beat = asyncio.create_task(
            keep_heartbeat(
                heartbeat_path(root), lambda: is_connected(bot), utcnow, connection_changed
            ),
            name="heartbeat",
        )
        stack.push_async_callback(_cancelled, beat)
        stopping = asyncio.create_task(stop.wait(), name="stop")
        stack.callback(stopping.cancel)
        # The stop signal counts during login too (a Discord that accepts and never answers).
        login = asyncio.create_task(
            login_patiently(
                lambda: _login(bot, settings),
                lambda: _forget_login(bot),
                login_patience(os.environ),
            ),
            name="discord-login",
        )
        await asyncio.wait({login, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not login.done():
            log.info("stopped during the Discord login")
            await _cancelled(login)
            return 0
        login.result()  # DiscordTokenRefused or DiscordUnreachable: one line, exit 4 or 5
        start_wrapped_post(stack, store, wrapped_job, bot.wait_until_ready)  # after login
        connection = asyncio.create_task(bot.connect(reconnect=True), name="discord")
        done, _ = await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
        status = 0
        if connection in done and connection.exception() is not None:
            log.error("the Discord connection failed: %s", connection.exception())
            status = 1
        log.info("shutting down")
        try:
            await asyncio.wait_for(bot.close(), SHUTDOWN_SECONDS)
        except TimeoutError:
            log.warning("the Discord connection did not close in %.0f s", SHUTDOWN_SECONDS)
        connection.cancel()
        await asyncio.gather(connection, return_exceptions=True)
    log.info("stopped")
    return status


__all__ = [
    "CogServices",
    "bot_cogs",
    "follow_keys",
    "follow_settings",
    "history_mirror",
    "login_patience",
    "login_patiently",
    "plex_service",
    "render_idle_seconds",
    "run",
    "start_wrapped_post",
    "wrapped_post_job",
]
