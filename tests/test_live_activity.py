"""The live "Now playing" message through a Tautulli outage and a stop: the real discord.py
against simcord, the real service and Tautulli client against the fake Tautulli, the job
driven turn by turn (:meth:`ScheduledJob.step`) on a clock the test sets."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest

from tests.fakes.time import Clock
from tests.plex_support import NOW, Rig, plex_cog_bot, plex_rig
from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.adapters.discord.cogs.plex import PlexCog
from tgraph_bot.errors import TautulliUnreachable

if TYPE_CHECKING:
    import simcord

    from tests.discord_env import Parts, World


NOBODY = "Nobody is watching or listening right now."
STOPPED = "The bot has stopped: this message is no longer updated."


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with plex_rig(tmp_path / "plex", PLAYLIST_SYNC_HOURS=0) as rig:
        yield rig


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def simcord_bot(parts: Parts, rig: Rig, clock: Clock) -> TGraphBot:
    # The job's own loop turns once (off: no channel yet), then waits an hour of simcord's
    # virtual time, which these tests never advance: only their steps run it.
    return plex_cog_bot(parts, rig, clock=clock, settings=rig.live)


def the_cog(world: World) -> PlexCog:
    cog = world.bot.get_cog("PlexCog")
    assert isinstance(cog, PlexCog)
    return cog


def stamp(at: datetime) -> str:
    return f"<t:{int(at.timestamp())}:R>"


def shown(channel: simcord.ChannelHandle) -> discord.Embed:
    (message,) = channel.history()  # always the one message, edited in place
    (embed,) = message.embeds
    return embed


async def switched_on(world: World, rig: Rig, seconds: int = 30) -> simcord.ChannelHandle:
    await world.env.settle()  # the job's own first turn: off
    channel = world.guild.create_text_channel("now-playing")
    rig.configure(ACTIVITY_CHANNEL_ID=channel.id, ACTIVITY_REFRESH_SECONDS=seconds)
    return channel


async def test_the_live_message_through_an_outage_and_a_stop(
    world: World, rig: Rig, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tgraph_bot")
    channel = await switched_on(world, rig)
    job = the_cog(world).activity_job
    assert await job.step() == 0
    embed = shown(channel)
    assert embed.description == f"Updated {stamp(NOW)}"
    assert len(embed.fields) == 3 and embed.colour == discord.Colour.orange()

    await rig.tautulli.set_mode("down")
    for minutes in (1, 2):  # two refreshes in the outage: the last streams stay, marked
        clock.now = NOW + timedelta(minutes=minutes)
        assert await job.step() == 0
        assert await job.step() == 30  # the next refresh one period later, not backed off
        embed = shown(channel)
        assert (
            embed.description == f"Tautulli cannot be reached right now. Last updated {stamp(NOW)}."
        )
        assert (embed.fields[0].name or "").startswith("H****r K.")
        assert len(embed.fields) == 3 and embed.colour == discord.Colour.light_grey()
    assert job.failures == 0
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and "showing the last streams read" in warned[0].getMessage()

    await rig.tautulli.set_mode("ok")
    rig.tautulli.activity = "idle"
    with pytest.raises(TautulliUnreachable):  # the client still holds back after the outage
        await rig.service.usage()
    clock.now = NOW + timedelta(minutes=3)
    assert await job.step() == 0  # yet the first refresh after recovery shows it
    embed = shown(channel)
    assert embed.description == f"Updated {stamp(clock.now)}\n{NOBODY}"
    assert embed.colour == discord.Colour.orange()
    assert "Tautulli answers again" in caplog.text

    await world.bot.close()
    embed = shown(channel)
    assert embed.description == f"{STOPPED} Last updated {stamp(clock.now)}."
    assert embed.fields == [] and embed.colour == discord.Colour.light_grey()


async def test_a_bot_started_in_an_outage_says_so_without_streams(
    world: World, rig: Rig, clock: Clock
) -> None:
    channel = await switched_on(world, rig)
    await rig.tautulli.set_mode("down")
    assert await the_cog(world).activity_job.step() == 0
    embed = shown(channel)
    assert embed.description == f"Tautulli cannot be reached right now. Checked {stamp(NOW)}."
    assert embed.fields == []
    await world.bot.close()
    assert shown(channel).description == STOPPED


async def test_a_failed_refresh_is_retried_within_one_period(world: World, rig: Rig) -> None:
    job = the_cog(world).activity_job
    await world.env.settle()
    rig.configure(ACTIVITY_CHANNEL_ID=123456789012345678, ACTIVITY_REFRESH_SECONDS=120)
    assert [await job.step() for _ in range(4)] == [30, 60, 120, 120]  # no such channel
    rig.configure(ACTIVITY_REFRESH_SECONDS=20)
    assert [await job.step() for _ in range(2)] == [20, 20]
    assert rig.tautulli.api_requests("get_activity") == []  # the channel is checked first


async def test_a_bot_that_showed_no_live_message_leaves_the_channel_alone(
    world: World, rig: Rig
) -> None:
    channel = await switched_on(world, rig)
    await world.bot.close()
    assert channel.history() == []


async def test_a_discord_that_fails_the_last_edit_leaves_the_message_and_one_log_line(
    world: World, rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await switched_on(world, rig)
    assert await the_cog(world).activity_job.step() == 0
    world.env.inject_error("PATCH", "/channels/*/messages/*", status=503, times=None)
    await world.bot.close()
    assert (shown(channel).description or "").startswith("Updated ")  # left as it was
    (warned,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned.startswith("the activity message could not say that the bot stopped")
