"""The composition root: :func:`build` wires the whole program from the settings, out of
the factories in tgraph_bot.build; :func:`run` is signals, :func:`build` and :func:`serve`.

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
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
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
from tgraph_bot.adapters.plextv import PlexTvClient
from tgraph_bot.adapters.tautulli import TautulliClient
from tgraph_bot.build import (
    Endpoints,
    camera_service,
    database,
    graph_service,
    graph_source,
    history_mirror,
    my_stats_service,
    plex_service,
    plextv_client,
    posting_service,
    posting_store,
    renderer,
    summary_service,
    tautulli_client,
    wrapped_service,
)
from tgraph_bot.clock import utcnow
from tgraph_bot.config import schema
from tgraph_bot.config.display import mask_secrets
from tgraph_bot.config.schema import Settings
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.core.schedule import Backoff
from tgraph_bot.errors import DiscordNotApi, DiscordTokenRefused, DiscordUnreachable
from tgraph_bot.graphs.cards import CardJob
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.services.camera import CameraService
from tgraph_bot.services.history import HistoryMirror, SyncReport, history_policy
from tgraph_bot.services.jobs import ScheduledJob
from tgraph_bot.services.member_stats import MemberStats
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.plex import PlexService
from tgraph_bot.services.ports.common import Clock
from tgraph_bot.services.ports.graphs import GraphRendering
from tgraph_bot.services.ports.wrapped import WrappedAudience
from tgraph_bot.services.posting import PostingService
from tgraph_bot.services.summary import SummaryService
from tgraph_bot.services.wrapped import WrappedService
from tgraph_bot.services.wrapped_post import PostReport, WrappedPost, wrapped_post_policy
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.heartbeat import heartbeat_path, keep_heartbeat
from tgraph_bot.storage.jobs import MetaRunRecord
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
HISTORY_SYNC_KEYS = ("HISTORY_SYNC_MINUTES", "TIMEZONE")
TAUTULLI_KEYS = ("TAUTULLI_URL", "TAUTULLI_API_KEY")
PLEX_TV_KEYS = ("PLEX_TV_URL",)


def follow_settings(
    store: ConfigStore, tautulli: TautulliClient, plextv: PlexTvClient
) -> Callable[[], None]:
    """Rebuild the Tautulli and plex.tv clients when their keys change (a /config edit or a
    hand edit): the next request goes to the new address. Returns the unsubscribe."""

    def changed(old: Settings, new: Settings) -> None:
        if schema.changed(old, new, TAUTULLI_KEYS):
            tautulli.reconfigure(new.TAUTULLI_URL, new.TAUTULLI_API_KEY.get_secret_value())
            log.info("Tautulli is now asked at %s", tautulli.url)
        if schema.changed(old, new, PLEX_TV_KEYS):
            plextv.reconfigure(new.PLEX_TV_URL)
            log.info("plex.tv is now asked at %s", mask_secrets(new.PLEX_TV_URL))

    return store.subscribe(changed)


def history_job(
    store: ConfigStore, mirror: HistoryMirror, db: Database, clock: Clock
) -> ScheduledJob[SyncReport]:
    """The mirror kept every HISTORY_SYNC_MINUTES on the one scheduler (0: off, and
    nothing else changes)."""
    return ScheduledJob(
        "history sync",
        work=mirror.sync,
        policy=history_policy(lambda: store.settings),
        record=MetaRunRecord(db, HISTORY_JOB_KEY),
        clock=clock,
    )


def start_history_sync(
    stack: AsyncExitStack, store: ConfigStore, job: ScheduledJob[SyncReport]
) -> None:
    """Run the history job; an edit of its keys applies at once."""
    follow_keys(stack, store, HISTORY_SYNC_KEYS, job.reschedule)
    task = asyncio.create_task(job.run(), name="history-sync")
    stack.push_async_callback(_cancelled, task)


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
    clock: Clock = utcnow,
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


@dataclass(frozen=True)
class Program:
    """The whole program as :func:`build` wires it: nothing started, nothing connected."""

    store: ConfigStore
    db: Database
    tautulli: TautulliClient
    plextv: PlexTvClient
    services: CogServices
    bot: TGraphBot
    history: ScheduledJob[SyncReport]
    wrapped_post: ScheduledJob[PostReport]
    clock: Clock


async def build(
    store: ConfigStore,
    stack: AsyncExitStack,
    *,
    clock: Clock = utcnow,
    drawing: Renderer | None = None,
    endpoints: Endpoints | None = None,
) -> Program:
    """The whole object graph from ``store``'s settings; every resource is closed with
    ``stack``. ``clock``: the time of every service; ``drawing``: the graph workers (the
    bot's own by default: they start with the first render and stop when idle);
    ``endpoints``: the addresses the settings do not hold."""
    settings = store.settings
    _point_at_discord(settings, endpoints or Endpoints())
    db = await stack.enter_async_context(database(store.data_dir))
    tautulli = await stack.enter_async_context(tautulli_client(settings))
    plextv = await stack.enter_async_context(await plextv_client(settings, db))
    stack.callback(follow_settings(store, tautulli, plextv))
    drawing = drawing or _idle_renderer(stack)
    mirror = history_mirror(lambda: store.settings, db, tautulli, clock)
    services = await _cog_services(stack, store, db, tautulli, plextv, drawing, mirror, clock)
    bot = _bot(store, services, posting_store(db), clock)
    await stack.enter_async_context(bot)  # closes the gateway and HTTP session on exit
    post = _wrapped_post(store, db, services, drawing)
    audience = DiscordWrappedAudience(bot, lambda: store.settings)
    return Program(
        store=store,
        db=db,
        tautulli=tautulli,
        plextv=plextv,
        services=services,
        bot=bot,
        history=history_job(store, mirror, db, clock),
        wrapped_post=wrapped_post_job(post, audience, store, db, clock=clock),
        clock=clock,
    )


def _point_at_discord(settings: Settings, endpoints: Endpoints) -> None:
    """DISCORD_API_BASE_URL (or a test's fake Discord) instead of discord.com."""
    url = endpoints.discord_api or settings.DISCORD_API_BASE_URL
    if url:
        use_discord_api(url)
        log.info("using the Discord API at %s", mask_secrets(url))


def _idle_renderer(stack: AsyncExitStack) -> Renderer:
    """Not entered (that would start the workers now): the pool starts with the first
    render and stops again after RENDER_IDLE_SECONDS without one."""
    drawing = renderer(idle_seconds=render_idle_seconds(os.environ))
    stack.push_async_callback(drawing.aclose)
    return drawing


async def _cog_services(
    stack: AsyncExitStack,
    store: ConfigStore,
    db: Database,
    tautulli: TautulliClient,
    plextv: PlexTvClient,
    drawing: Renderer,
    mirror: HistoryMirror,
    clock: Clock,
) -> CogServices:
    """The services the cogs are built from, over the bot's storage and clients."""
    images = store.data_dir / "graphs"
    source = graph_source(tautulli, db, clock)
    graphs = graph_service(source, drawing, clock)
    summaries = summary_service(source, tautulli)
    return CogServices(
        posting=posting_service(graphs, posting_store(db), images, clock, summaries),
        my_stats=my_stats_service(db, plextv, tautulli, clock),
        rendering=graphs,
        summaries=summaries,
        images_dir=images,
        wrapped=wrapped_service(mirror),
        draw_cards=drawing.render,
        camera=camera_service(db, clock),
        plex=await _plex(stack, store, db, tautulli, clock),
    )


async def _plex(
    stack: AsyncExitStack, store: ConfigStore, db: Database, tautulli: TautulliClient, clock: Clock
) -> PlexService | None:
    """The Plex module when PLEX_ENABLED (read at start-up: it needs a restart)."""
    if not store.settings.PLEX_ENABLED:
        return None
    return await stack.enter_async_context(
        plex_service(lambda: store.settings, db, tautulli, clock=clock)
    )


def _bot(
    store: ConfigStore, services: CogServices, posted: SqlitePostingStore, clock: Clock
) -> TGraphBot:
    """The Discord bot on ``clock`` (its schedule, cooldowns and uptime), its cogs made
    from ``services`` once it exists."""
    return TGraphBot(
        BotParts(
            store=store,
            posting=services.posting,
            posting_store=posted,
            cogs=lambda host: bot_cogs(host, services),
            clock=clock,
        )
    )


def _wrapped_post(
    store: ConfigStore, db: Database, services: CogServices, drawing: Renderer
) -> WrappedPost:
    """The server's yearly Wrapped post and the members' DMs."""
    assert services.wrapped is not None and services.my_stats is not None  # built above
    return WrappedPost(
        services.wrapped,
        services.my_stats,
        drawing.render,
        services.images_dir / "my_stats",
        lambda: store.settings,
        MetaPostProgress(db),
    )


async def run(store: ConfigStore, *, stop: asyncio.Event | None = None) -> int:
    """Run the bot until SIGTERM/SIGINT (or ``stop`` is set). Returns the exit status."""
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    async with AsyncExitStack() as stack:
        status = await serve(await build(store, stack), stack, stop)
    log.info("stopped")
    return status


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows
            loop.add_signal_handler(signum, stop.set)


async def serve(program: Program, stack: AsyncExitStack, stop: asyncio.Event) -> int:
    """Start the jobs, the config watcher and the heartbeat; log in, stay connected until
    ``stop``; return the exit status. Everything started is stopped with ``stack``."""
    store, bot = program.store, program.bot
    start_history_sync(stack, store, program.history)
    watcher = asyncio.create_task(store.watch(), name="config-watch")
    stack.callback(watcher.cancel)
    _keep_heartbeat(stack, bot, store.data_dir, program.clock)
    stopping = asyncio.create_task(stop.wait(), name="stop")
    stack.callback(stopping.cancel)
    if not await _log_in_unless_stopped(bot, store.settings, stopping):
        return 0
    start_wrapped_post(stack, store, program.wrapped_post, bot.wait_until_ready)  # after login
    return await _stay_connected(bot, stopping)


def _keep_heartbeat(stack: AsyncExitStack, bot: TGraphBot, data_dir: Path, clock: Clock) -> None:
    """The heartbeat file Docker's health check reads, written again at once when the
    connection comes or goes."""
    connection_changed = asyncio.Event()

    async def beat_now(*_: object) -> None:
        connection_changed.set()

    for event in ("on_ready", "on_resumed", "on_disconnect"):
        bot.add_listener(beat_now, event)
    beat = asyncio.create_task(
        keep_heartbeat(
            heartbeat_path(data_dir), lambda: is_connected(bot), clock, connection_changed
        ),
        name="heartbeat",
    )
    stack.push_async_callback(_cancelled, beat)


async def _log_in_unless_stopped(
    bot: TGraphBot, settings: Settings, stopping: asyncio.Task[bool]
) -> bool:
    """Log in patiently; False when the stop signal came first (a Discord that accepts and
    never answers). A refused token or patience run out raises: one line, exit 4 or 5."""
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
        return False
    login.result()
    return True


async def _stay_connected(bot: TGraphBot, stopping: asyncio.Task[bool]) -> int:
    """Connect (reconnecting as needed) until the stop signal; close within SHUTDOWN_SECONDS.
    1 when the connection failed for good, else 0."""
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
    return status


__all__ = [
    "CogServices",
    "Program",
    "bot_cogs",
    "build",
    "follow_keys",
    "follow_settings",
    "history_job",
    "login_patience",
    "login_patiently",
    "render_idle_seconds",
    "run",
    "serve",
    "start_wrapped_post",
    "wrapped_post_job",
]
