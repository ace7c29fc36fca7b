"""The Plex module's test rig: real adapters against the local fakes, one SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from tests.fakes.musicbrainz import FakeMusicBrainz
from tests.fakes.plex import FakePlex, jazz_library
from tests.fakes.tautulli import DEFAULT_API_KEY, FakeTautulli
from tests.fakes.time import MonotonicClock
from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.adapters.musicbrainz import MusicBrainz, RateLimiter
from tgraph_bot.adapters.tautulli import TautulliClient
from tgraph_bot.app import bot_cogs
from tgraph_bot.build import database, plex_library, plex_service_over
from tgraph_bot.config.schema import Settings
from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator
from tgraph_bot.services.plex import COMMAND_DEADLINE, PlexService
from tgraph_bot.services.ports.jobs import RunLock
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.musicbrainz import SqliteMetadataCache

if TYPE_CHECKING:
    from tests.discord_env import Parts

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HARPER = 695734  # the recorded Tautulli's first real user (get_users.json)


async def no_sleep(_: float) -> None:
    return None


def said(error: BaseException, language: str = "en") -> str:
    """What an error says to a person, in ``language``."""
    assert isinstance(error, UserFacingError)
    return error.render(Translator(language))


class Live:
    """The settings the service reads, changed by the test (:meth:`Rig.configure`)."""

    def __init__(self, settings: Settings) -> None:
        self.value = settings

    def __call__(self) -> Settings:
        return self.value


@dataclass
class Rig:
    plex: FakePlex
    mb: FakeMusicBrainz
    tautulli: FakeTautulli
    db: Database
    service: PlexService
    library: dict[str, Any]
    live: Live
    musicbrainz: MusicBrainz
    brainz_time: MonotonicClock
    """MusicBrainz's rate limiter's time: a Retry-After is recorded in ``sleeps``, not
    waited out."""

    @property
    def settings(self) -> Settings:
        return self.live.value

    def configure(self, **changes: Any) -> None:
        """Change settings as an edit would (the jobs see it when they next look)."""
        self.live.value = self.live.value.model_copy(update=changes)

    def plays(self, user_id: int, tracks: list[int], times: int = 1) -> None:
        self.tautulli.plays = (self.tautulli.plays or []) + self.plex.plays(user_id, tracks, times)


@asynccontextmanager
async def plex_rig(
    tmp_path: Path,
    *,
    clock: Callable[[], datetime] = lambda: NOW,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    run_lock: RunLock | None = None,
    read_settings: Callable[[], Settings] | None = None,
    deadline: float = COMMAND_DEADLINE,
    **overrides: Any,
) -> AsyncIterator[Rig]:
    """The service over real adapters and the fakes; ``clock``, ``sleep`` and ``run_lock``
    are its jobs', ``deadline`` its commands'. ``read_settings``: what the service reads
    instead of the rig's own (a bot's config store, say; :meth:`Rig.configure` then does not
    reach the service)."""
    with FakePlex() as plex, FakeMusicBrainz() as mb:
        fixtures = jazz_library(plex)
        async with FakeTautulli(api_key=DEFAULT_API_KEY) as tautulli:
            tautulli.plays = []
            settings = Settings(
                PLEX_ENABLED=True,
                PLEX_URL=plex.url,
                PLEX_TOKEN=plex.token,  # pyright: ignore[reportArgumentType]
                MUSICBRAINZ_URL=mb.url,
                **overrides,
            )
            async with (
                database(tmp_path) as db,
                TautulliClient(tautulli.url, DEFAULT_API_KEY, retry_budget=0) as client,
            ):
                brainz_time = MonotonicClock()
                brainz = MusicBrainz(
                    mb.url,
                    settings.MUSICBRAINZ_USER_AGENT,
                    limiter=RateLimiter(
                        0.0, monotonic=brainz_time.monotonic, sleep=brainz_time.sleep
                    ),
                    cache=SqliteMetadataCache(db),
                    clock=lambda: NOW,
                    sleep=no_sleep,
                )
                live = Live(settings)
                library = plex_library(settings)
                service = plex_service_over(
                    library,
                    client,
                    db,
                    [brainz],
                    read_settings or live,
                    clock=clock,
                    sleep=sleep,
                    run_lock=run_lock,
                    deadline=deadline,
                )
                try:
                    yield Rig(plex, mb, tautulli, db, service, fixtures, live, brainz, brainz_time)
                finally:
                    library.close()
                    await brainz.aclose()


def plex_cog_bot(
    parts: Parts,
    rig: Rig,
    *,
    clock: Callable[[], datetime] = discord.utils.utcnow,
    settings: Callable[[], Settings] | None = None,
) -> TGraphBot:
    """The bot with the Plex cog over ``rig``'s service, for simcord, made by the app's one
    cog factory. The cog reads the bot's live settings (config.yml, changed by /config
    edit; or ``settings``, e.g. ``rig.live``, changed by :meth:`Rig.configure`) and keeps
    the bot's time (simcord's virtual clock, which also runs its jobs' waits, or ``clock``)."""
    from tests.discord_env import LiveBot  # a pytest plugin: loaded by the tests using it

    services = replace(parts.services, plex=rig.service)
    bot_parts = replace(parts.bot_parts, clock=clock, cogs=lambda host: bot_cogs(host, services))
    return TGraphBot(bot_parts) if settings is None else LiveBot(bot_parts, settings)
