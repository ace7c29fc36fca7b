"""``/plex usage | completion | enrich | sync_playlists`` (and ``!plex ...``), the live
activity message, and the scheduled playlist sync.

Two :class:`~tgraph_bot.services.jobs.ScheduledJob` run while the cog is loaded, from the
moment the bot is ready: the service's playlist job and the activity job (every
ACTIVITY_REFRESH_SECONDS, its last refresh kept in memory only: a restart refreshes at
once; a failure is retried after 30 s, 60 s, ... never longer than that period). Each is
off while its setting says so, and :meth:`PlexCog.settings_changed` (the bot calls it on a
settings change) makes it look at its settings again at once.

The live message says when it was updated (a Discord timestamp each client shows in its
own words). While Tautulli cannot be reached it keeps the last streams read, greyed and
marked with their time, and says so in a plain sentence; the first refresh after Tautulli
is back shows it (the read is one attempt made even while the Tautulli client holds back).
When the bot stops, the message says so (within a few seconds, or not at all).

Hybrid commands: one definition serves the slash command and, when ENABLE_PREFIX_COMMANDS
is on, the prefix command. Discord applies default permissions to a whole group only, so
the admin subcommands (enrich, sync_playlists) are also checked when run: Manage Server,
like /config (the one check of adapters/discord/checks.py). Thin: parse, call
:class:`~tgraph_bot.services.plex.PlexService`, format.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.checks import manage_server_only
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_content, fit_embed
from tgraph_bot.config.schema import Settings, changed
from tgraph_bot.core.activity import Activity
from tgraph_bot.core.ids import ChannelId, MemberId, MessageId
from tgraph_bot.core.plex import closest_names
from tgraph_bot.errors import TautulliError
from tgraph_bot.i18n import N_, Translator
from tgraph_bot.services.jobs import MemoryRunRecord, ScheduledJob
from tgraph_bot.services.plex import PlexService, activity_backoff, activity_policy, album_label
from tgraph_bot.services.plex_text import (
    LiveState,
    UsageView,
    completion_text,
    enrich_text,
    live_note,
    live_view,
    sync_text,
    usage_view,
)
from tgraph_bot.services.ports.common import Sleep

log = logging.getLogger(__name__)

# Parameter names, marked for the catalog (Discord shows their Danish names).
PARAMETER_NAMES = (N_("artist"), N_("album"))

STOP_EDIT_SECONDS = 3.0
"""How long a stopping bot waits for the live message to say "stopped"."""
ACTIVITY_KEYS = ("ACTIVITY_CHANNEL_ID", "ACTIVITY_REFRESH_SECONDS")
PLAYLIST_KEYS = ("PLAYLIST_SYNC_HOURS",)

_ALBUM_KEY = re.compile(r"^(?P<title>.*\S)\s+#(?P<key>\d+)$")


def usage_embed(tr: Translator, view: UsageView) -> discord.Embed:
    embed = discord.Embed(title=view.title, colour=discord.Colour.orange())
    lines = [view.note] if view.note else []
    if view.empty:
        lines.append(tr._("Nobody is watching or listening right now."))
    embed.description = "\n".join(lines) or None
    for name, value in view.fields:
        embed.add_field(name=name, value=value, inline=False)
    if view.footer:
        embed.set_footer(text=view.footer)
    return embed


def split_album(text: str) -> tuple[str, int | None]:
    """``"Kind of Blue #10007"`` (what the autocomplete sends) -> ``("Kind of Blue", 10007)``."""
    match = _ALBUM_KEY.match(text.strip())
    if match is None:
        return text.strip(), None
    return match.group("title"), int(match.group("key"))


class PlexCog(commands.Cog):
    def __init__(
        self, host: BotHost, service: PlexService, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.host = host
        self._service = service
        self._tasks: list[asyncio.Task[None]] = []
        self._clock = host.clock
        self._last: tuple[Activity, datetime] | None = None  # the streams last read, and when
        self._down = False  # Tautulli could not be reached at the last refresh
        self._shown: tuple[ChannelId, MessageId] | None = None  # the live message, this run
        self.activity_job = ScheduledJob(
            "activity message",
            work=self._refresh_activity,
            policy=activity_policy(self._settings),
            record=MemoryRunRecord(),
            clock=self._clock,
            sleep=sleep,
            backoff=activity_backoff(self._settings),
            quiet=True,  # every few seconds: "next run at" only at DEBUG
        )

    def _settings(self) -> Settings:
        return self.host.settings

    async def cog_load(self) -> None:
        self._tasks = [
            asyncio.create_task(
                self._after_ready(self._service.playlist_job.run()), name="plex-playlist-sync"
            ),
            asyncio.create_task(self._after_ready(self.activity_job.run()), name="plex-activity"),
        ]

    def settings_changed(self, old: Settings, new: Settings) -> None:
        """A settings change (on the event loop): the jobs whose keys changed look again."""
        if changed(old, new, PLAYLIST_KEYS):
            self._service.playlist_job.reschedule()
        if changed(old, new, ACTIVITY_KEYS):
            self.activity_job.reschedule()

    async def cog_unload(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._say_stopped()

    async def _after_ready(self, work: Awaitable[object]) -> None:
        await self.host.wait_until_ready()
        await work

    # -- commands ---------------------------------------------------------------------------

    @commands.hybrid_group(name=N_("plex"), description=N_("Plex: what is playing, your listening"))
    @commands.guild_only()
    async def plex(self, ctx: commands.Context[Any]) -> None:
        """``!plex`` alone: say which subcommands exist."""
        tr = self.host.tr_for(ctx)
        await ctx.send(tr._("Use: plex usage, completion, enrich, sync_playlists"))

    @plex.command(name=N_("usage"), description=N_("What is playing on Plex right now"))
    async def usage(self, ctx: commands.Context[Any]) -> None:
        await ctx.defer()
        activity = await self._service.usage()
        tr = self.host.tr_for(ctx)
        view = usage_view(activity, tr, censor_names=self._settings().CENSOR_USERNAMES)
        await ctx.send(embed=fit_embed(usage_embed(tr, view)))

    @plex.command(
        name=N_("completion"), description=N_("How much of an artist's music you have played")
    )
    @app_commands.describe(artist=N_("An artist in the music library"))
    async def completion(self, ctx: commands.Context[Any], *, artist: str) -> None:
        await ctx.defer(ephemeral=True)
        report = await self._service.completion(artist, member=MemberId(ctx.author.id))
        await ctx.send(fit_content(completion_text(report, self.host.tr_for(ctx))), ephemeral=True)

    @completion.autocomplete("artist")
    async def _artist_choices(  # pyright: ignore[reportUnusedFunction]
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            names = [a.title for a in await self._service.artists()]
        except Exception as exc:  # an autocomplete must answer, even with nothing
            log.info("artist autocomplete: %s", exc)
            return []
        typed = current.strip().casefold()
        found = [n for n in names if typed in n.casefold()] if typed else names
        if not found and typed:
            found = closest_names(current, names)
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in found[:25]]

    @plex.command(name=N_("enrich"), description=N_("Put an album's performer credits in Plex"))
    @app_commands.describe(album=N_("An album in the music library"))
    @manage_server_only
    async def enrich(self, ctx: commands.Context[Any], *, album: str) -> None:
        await ctx.defer()
        title, key = split_album(album)
        outcome = await self._service.enrich(title, album_key=key)
        text = enrich_text(outcome, self.host.tr_for(ctx))
        await ctx.send(fit_content(text))

    @enrich.autocomplete("album")
    async def _album_choices(  # pyright: ignore[reportUnusedFunction]
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if len(current.strip()) < 2:
            return []
        try:
            albums = await self._service.find_albums(current.strip())
        except Exception as exc:
            log.info("album autocomplete: %s", exc)
            return []
        return [
            app_commands.Choice(name=album_label(a)[:100], value=f"{a.title[:80]} #{a.rating_key}")
            for a in albums[:25]
        ]

    @plex.command(
        name=N_("sync_playlists"), description=N_("Bring the Top Rated playlist up to date now")
    )
    @manage_server_only
    async def sync_playlists(self, ctx: commands.Context[Any]) -> None:
        await ctx.defer()
        result = await self._service.sync_playlists()
        tr = self.host.tr_for(ctx)
        text = sync_text(result, tr)
        upcoming = await self._service.next_sync()  # a full period after this one
        if upcoming is not None:
            when = discord.utils.format_dt(upcoming, "R")
            text += "\n" + tr._("Next automatic sync: {when}").format(when=when)
        await ctx.send(fit_content(text))

    # -- the live activity message ----------------------------------------------------------

    async def _refresh_activity(self) -> None:
        await self.refresh_activity(self._settings())

    async def refresh_activity(self, settings: Settings) -> MessageId:
        """Edit the one activity message in place (post it once if there is none yet).

        Raises LookupError when ACTIVITY_CHANNEL_ID is no text channel the bot can see (the
        job logs it and tries again after a growing wait)."""
        channel_id = ChannelId(settings.ACTIVITY_CHANNEL_ID)
        channel = self.host.text_channel(channel_id)
        if channel is None:
            raise LookupError(f"ACTIVITY_CHANNEL_ID {channel_id}: no text channel the bot can see")
        embed = self._live_embed(settings, await self._read_activity())
        message_id = await self._show(channel, embed)
        self._shown = (channel_id, message_id)
        return message_id

    async def _read_activity(self) -> LiveState:
        """Read what is playing; while Tautulli cannot be reached, keep the last streams
        (one log line when that starts and one when it ends)."""
        now = self._clock()
        try:
            activity = await self._service.usage(live=True)
        except TautulliError as exc:
            if not self._down:
                log.warning("activity message: showing the last streams read: %s", exc)
            self._down = True
            return "down"
        if self._down:
            log.info("activity message: Tautulli answers again")
        self._down, self._last = False, (activity, now)
        return "live"

    def _live_embed(self, settings: Settings, state: LiveState) -> discord.Embed:
        tr = self.host.tr_for()  # the channel's message: LANGUAGE
        last = self._last
        note = live_note(
            tr,
            state,
            updated=None if last is None else discord.utils.format_dt(last[1], "R"),
            checked=discord.utils.format_dt(self._clock(), "R"),
        )
        streams = None if last is None or state == "stopped" else last[0]
        view = live_view(streams, tr, note=note, censor_names=settings.CENSOR_USERNAMES)
        embed = usage_embed(tr, view)
        if state != "live":
            embed.colour = discord.Colour.light_grey()
        return fit_embed(embed)

    async def _show(self, channel: discord.TextChannel, embed: discord.Embed) -> MessageId:
        """Edit the stored message in place; post one (and store it) if there is none."""
        stored = await self._service.activity_message()
        if stored is not None and stored[0] == channel.id:
            try:
                await channel.get_partial_message(stored[1]).edit(embed=embed)
                return stored[1]
            except discord.NotFound:
                log.info("the activity message was deleted; posting a new one")
        message = await channel.send(embed=embed)
        await self._service.record_activity_message(ChannelId(channel.id), MessageId(message.id))
        return MessageId(message.id)

    async def _say_stopped(self) -> None:
        """The bot stops: the live message shown this run says it is no longer updated.
        Bounded (the bot is shutting down): after a few seconds it is left as it is."""
        if self._shown is None:
            return
        message = self.host.partial_message(*self._shown)
        try:
            async with asyncio.timeout(STOP_EDIT_SECONDS):
                await message.edit(embed=self._live_embed(self._settings(), "stopped"))
        except (TimeoutError, discord.HTTPException) as exc:
            log.warning("the activity message could not say that the bot stopped: %s", exc)


__all__ = ["PlexCog", "split_album", "usage_embed"]
