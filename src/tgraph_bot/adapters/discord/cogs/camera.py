"""Camera-time ranking on Discord: voice listeners, a heartbeat, /ranking, /camera, !rankingvideo.

Thin: it turns discord.py objects into a :class:`~tgraph_bot.core.camera.ObservedState`
and hands it to the service. Voice events are read *synchronously, inside discord.py's
dispatch* (a :class:`SyncDispatchBot` listener), not in a listener task: discord.py keeps
one ``VoiceState`` per member and updates it in place, so a task that runs after later
frames were parsed would read the newest state instead of its event's. The snapshot
(clock, channel, flags, AFK/ignored, bot) is queued in the same step, so the service
applies snapshots in gateway order. A reconcile reads the voice cache and queues its
operation in one synchronous step too: the cache then holds exactly the events queued
before it, so it agrees with the queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands, tasks

from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_embed
from tgraph_bot.config.display import clip
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.camera import Metric, ObservedState, Period, RankRow, Replays, Totals
from tgraph_bot.errors import StorageUnavailable
from tgraph_bot.i18n import N_, Translator
from tgraph_bot.services.camera import CameraService, Present

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
MAX_HEARTBEAT_SECONDS = 300.0  # the longest wait between tries after failed heartbeats
STOP_WAIT_SECONDS = 10.0  # how long a clean stop waits for a database that refuses writes
TOP = 10
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}

PERIOD_TITLES: dict[Period, str] = {
    Period.WEEK: N_("this week"),
    Period.MONTH: N_("this month"),
    Period.ALL: N_("all time"),
}
METRIC_TITLES: dict[Metric, str] = {
    Metric.VIDEO: N_("Camera ranking"),
    Metric.STREAM: N_("Screen sharing ranking"),
}
METRIC_NAMES: dict[Metric, str] = {
    Metric.VIDEO: N_("Camera"),
    Metric.STREAM: N_("Screen sharing"),
}

_PERIOD_ALIASES: dict[str, Period] = {
    "week": Period.WEEK,
    "month": Period.MONTH,
    "all": Period.ALL,
    "alltime": Period.ALL,
}


def observed_state(
    guild: discord.Guild, voice: discord.VoiceState | None, is_bot: bool, settings: Settings
) -> ObservedState:
    """What counts of a member's voice state under the live settings."""
    channel = None if voice is None else voice.channel
    if voice is None or channel is None:
        return ObservedState(counted=False, is_bot=is_bot)
    afk = guild.afk_channel  # VoiceState.afk is the "suppressed" flag, not this
    counted = not (
        (afk is not None and channel.id == afk.id)
        or channel.id in settings.CAMERA_IGNORED_CHANNEL_IDS
    )
    return ObservedState(
        counted=counted,
        self_video=voice.self_video,
        self_stream=bool(voice.self_stream),
        is_bot=is_bot,
    )


def present_in(guild: discord.Guild, settings: Settings) -> dict[int, Present]:
    """Everyone in a voice or stage channel of ``guild`` right now.

    Read from the channels' voice states, which do not need the member cache; the name
    and bot flag come from the cache when the member is in it (Discord sends the members
    in voice with the guild).
    """
    present: dict[int, Present] = {}
    channels: Iterable[discord.VoiceChannel | discord.StageChannel] = [
        *guild.voice_channels,
        *guild.stage_channels,
    ]
    for channel in channels:
        for member_id, voice in channel.voice_states.items():
            member = guild.get_member(member_id)
            name = "" if member is None else member.display_name
            is_bot = False if member is None else member.bot
            present[member_id] = Present(name, observed_state(guild, voice, is_bot, settings))
    return present


def _rank_line(tr: Translator, guild: discord.Guild, row: RankRow) -> str:
    member = guild.get_member(row.member_id)
    who = member.mention if member is not None else (row.name or f"<@{row.member_id}>")
    sessions = tr.ngettext("{n} session", "{n} sessions", row.sessions).format(
        n=tr.number(row.sessions)
    )
    position = MEDALS.get(row.position, f"**{row.position}.**")
    return tr._("{position} {who} — {time} ({sessions})").format(
        position=position, who=who, time=tr.duration(row.seconds), sessions=sessions
    )


def ranking_embed(
    tr: Translator,
    guild: discord.Guild,
    rows: list[RankRow],
    period: Period,
    metric: Metric,
    caller: int | None = None,
) -> discord.Embed:
    """The top 10 (medals for the first three); the caller's own line below when lower."""
    title = tr._("{ranking} — {period}").format(
        ranking=tr._(METRIC_TITLES[metric]), period=tr._(PERIOD_TITLES[period])
    )
    lines = [_rank_line(tr, guild, row) for row in rows[:TOP]]
    own = next((r for r in rows[TOP:] if r.member_id == caller), None)
    if own is not None:
        lines += ["…", tr._("Your place:") + " " + _rank_line(tr, guild, own)]
    description = "\n".join(lines) if lines else tr._("Nobody has been counted yet.")
    embed = discord.Embed(title=title, description=description, colour=discord.Colour.blurple())
    embed.set_footer(text=guild.name)
    return embed


def member_embed(
    tr: Translator, who: str, totals: dict[Period, dict[Metric, Totals]]
) -> discord.Embed:
    embed = discord.Embed(
        title=tr._("Camera time of {member}").format(member=who), colour=discord.Colour.blurple()
    )
    for period in (Period.WEEK, Period.MONTH, Period.ALL):
        lines: list[str] = []
        for metric in Metric:
            t = totals[period][metric]
            sessions = tr.ngettext("{n} session", "{n} sessions", t.sessions).format(
                n=tr.number(t.sessions)
            )
            lines.append(
                tr._("{metric}: {time} ({sessions})").format(
                    metric=tr._(METRIC_NAMES[metric]),
                    time=tr.duration(t.seconds),
                    sessions=sessions,
                )
            )
        embed.add_field(name=tr._(PERIOD_TITLES[period]).capitalize(), value="\n".join(lines))
    return embed


def _log_failure(written: asyncio.Future[Any]) -> None:
    if written.cancelled() or isinstance(written.exception(), StorageUnavailable):
        return  # the service logs an outage once, not once per event
    if (exc := written.exception()) is not None:
        log.error("camera: a change could not be stored: %s", exc)


class CameraCog(commands.Cog):
    """Counts camera (and screen-sharing) time per member and shows the rankings."""

    def __init__(self, host: BotHost, service: CameraService) -> None:
        self.host = host
        self._service = service
        self._tracking = True
        self._failed_beats = 0
        self._replays = Replays()

    async def cog_load(self) -> None:
        # Runs in setup_hook, before the gateway connects: close what a crash left open
        # (at the last heartbeat); on_ready then reopens for those still on camera. Voice
        # events are read inside the bot's dispatch (see the module docstring).
        await self._service.recover(self._now())
        self.host.add_sync_listener("voice_state_update", self.voice_state_update)
        self.heartbeat.start()

    async def cog_unload(self) -> None:
        # Bot.close() removes every cog: this is the clean stop, so open sessions end now
        # (a kill instead leaves them to recover() at the last heartbeat).
        now = self._now()
        self.host.remove_sync_listener("voice_state_update", self.voice_state_update)
        self.heartbeat.cancel()
        try:
            await self._service.stop(now, STOP_WAIT_SECONDS)
        except Exception as exc:  # the bot stops anyway; recover() closes them at next start
            log.error("camera: open sessions could not be closed at the stop: %s", exc)

    def _now(self) -> datetime:
        return self.host.clock()

    # -- listeners ------------------------------------------------------------------

    def voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """Synchronous, in gateway order: ``after`` is still this event's state here."""
        now = self._now()
        if not self._replays.fresh(*self.host.gateway_position()):
            return  # a RESUME re-sent an event already applied
        settings = self.host.settings
        if not settings.CAMERA_TRACKING_ENABLED:
            return
        state = observed_state(member.guild, after, member.bot, settings)
        written = self._service.observe(member.guild.id, member.id, member.display_name, state, now)
        written.add_done_callback(_log_failure)

    def reconcile_now(
        self, guild: discord.Guild, settings: Settings, gone_since: datetime | None = None
    ) -> asyncio.Future[int]:
        # One synchronous step: the clock, the voice cache and the queue agree.
        return self._service.reconcile(
            guild.id, present_in(guild, settings), self._now(), gone_since=gone_since
        )

    async def _reconcile(self, guilds: Iterable[discord.Guild]) -> None:
        settings = self.host.settings
        if not settings.CAMERA_TRACKING_ENABLED or self._replays.replaying(
            *self.host.gateway_position()
        ):
            return  # off, or the voice cache shows a past state until a replay is through
        gone_since = self._service.last_heartbeat
        for guild in guilds:
            if not guild.unavailable:
                self.reconcile_now(guild, settings, gone_since).add_done_callback(_log_failure)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self._reconcile(list(self.host.guilds))

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self._reconcile([guild])

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        # Added to a guild (or, on some gateways, a guild arriving after READY).
        await self._reconcile([guild])

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        # A resume replays the missed events, which observe() settles; just note we are up.
        now = self._now()
        if self.host.settings.CAMERA_TRACKING_ENABLED:
            self._service.beat(now).add_done_callback(_log_failure)

    @tasks.loop(seconds=HEARTBEAT_SECONDS)
    async def heartbeat(self) -> None:
        """One tick; whatever goes wrong is logged and the loop goes on, less often."""
        try:
            await self._beat()
        except Exception as exc:
            self._failed_beats += 1
            wait = min(MAX_HEARTBEAT_SECONDS, HEARTBEAT_SECONDS * 2**self._failed_beats)
            log.error("camera: heartbeat failed (%s); next try in %d s", exc, wait)
            self.heartbeat.change_interval(seconds=wait)
            return
        if self._failed_beats:
            log.info("camera: heartbeat back after %d failed tries", self._failed_beats)
            self._failed_beats = 0
            self.heartbeat.change_interval(seconds=HEARTBEAT_SECONDS)

    async def _beat(self) -> None:
        now = self._now()
        if not self.host.connected():
            return  # not connected: no heartbeat, so a crash now closes at the last one
        enabled = self.host.settings.CAMERA_TRACKING_ENABLED
        if not enabled:
            if self._tracking:
                await self._service.close_all(now)
            self._tracking = False
            return
        self._tracking = True
        await self._service.heartbeat(now)
        if self._replays.replaying(*self.host.gateway_position()):
            return  # the voice cache shows a past state until the replay is through
        # Apply live settings (ignored channels, the switch) to members who sent no event.
        settings = self.host.settings
        for guild in list(self.host.guilds):
            if not guild.unavailable:
                await self.reconcile_now(guild, settings)

    # -- commands -------------------------------------------------------------------

    async def _ranking(
        self,
        guild: discord.Guild,
        period: Period,
        metric: Metric,
        tr: Translator,
        caller: int | None = None,
    ) -> discord.Embed:
        now = self._now()
        settings = self.host.settings
        tz = ZoneInfo(settings.TIMEZONE)
        # Everyone counted (a guild's members, a small list), so the caller's place is known.
        limit = TOP if caller is None else 1_000_000
        rows = await self._service.ranking(guild.id, period, metric, now, tz, limit=limit)
        return ranking_embed(tr, guild, rows, period, metric, caller)

    @app_commands.command(
        name=N_("ranking"), description=N_("Top 10 by camera or screen-sharing time")
    )
    @app_commands.guild_only()
    @app_commands.describe(period=N_("Which period (default: all time)"), metric=N_("What to rank"))
    @app_commands.choices(
        period=[
            app_commands.Choice(name=N_("this week"), value="week"),
            app_commands.Choice(name=N_("this month"), value="month"),
            app_commands.Choice(name=N_("all time"), value="all"),
        ],
        metric=[
            app_commands.Choice(name=N_("camera"), value="video"),
            app_commands.Choice(name=N_("screen sharing"), value="stream"),
        ],
    )
    async def ranking(
        self,
        interaction: discord.Interaction,
        period: app_commands.Choice[str] | None = None,
        metric: app_commands.Choice[str] | None = None,
    ) -> None:
        guild = interaction.guild
        if guild is None:
            return
        chosen_period = Period.ALL if period is None else Period(period.value)
        chosen_metric = Metric.VIDEO if metric is None else Metric(metric.value)
        embed = await self._ranking(
            guild, chosen_period, chosen_metric, self.host.tr_for(interaction), interaction.user.id
        )
        await interaction.response.send_message(embed=fit_embed(embed))

    @app_commands.command(name=N_("camera"), description=N_("One member's camera time"))
    @app_commands.guild_only()
    @app_commands.describe(member=N_("Whose totals (default: yours)"))
    async def camera(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        now = self._now()
        guild = interaction.guild
        if guild is None:
            return
        target = member or interaction.user
        settings = self.host.settings
        totals = await self._service.member_totals(
            guild.id, target.id, now, ZoneInfo(settings.TIMEZONE)
        )
        tr = self.host.tr_for(interaction)
        if not any(t.seconds for by_metric in totals.values() for t in by_metric.values()):
            await interaction.response.send_message(
                tr._("{member} has not been counted on camera or screen sharing yet.").format(
                    member=clip(target.display_name)
                )
            )
            return
        embed = member_embed(tr, target.display_name, totals)
        await interaction.response.send_message(embed=fit_embed(embed))

    @commands.command(
        name="rankingvideo",
        description=N_("Top 10 by camera time; optional period: week, month or all"),
    )
    @commands.guild_only()
    async def rankingvideo(self, ctx: commands.Context[Any], period: str = "all") -> None:
        """Top 10 by camera time (the original camera-ranking bot's command); optional period:
        week, month, all."""
        guild = ctx.guild
        if guild is None:
            return
        chosen = _PERIOD_ALIASES.get(period.lower().replace(" ", ""))
        if chosen is None:
            tr = self.host.tr_for(ctx)
            await ctx.send(
                tr._("Unknown period {period!r}: use week, month or all.").format(
                    period=clip(period)
                )
            )
            return
        embed = await self._ranking(guild, chosen, Metric.VIDEO, self.host.tr_for(ctx))
        await ctx.send(embed=fit_embed(embed))


__all__ = ["CameraCog", "member_embed", "observed_state", "present_in", "ranking_embed"]
