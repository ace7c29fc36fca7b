"""The camera cog with the real discord.py against simcord (in-process Discord)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import simcord
from discord.ext import commands

from tests.simcord_locale import client_locale
from tgraph_bot.adapters.discord.bot import BotParts, TGraphBot
from tgraph_bot.adapters.discord.cogs.camera import CameraCog
from tgraph_bot.app import CogServices, bot_cogs
from tgraph_bot.config.schema import Settings
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.services.camera import CameraService
from tgraph_bot.storage import camera as repo
from tgraph_bot.storage.db import Database, connect

T0 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
CONFIG = """\
DISCORD_TOKEN: "test-token"
ENABLE_PREFIX_COMMANDS: true
COMMAND_PREFIX: "!"
"""


@dataclass
class Harness:
    path: Path
    now: datetime = T0
    settings: Settings = field(default_factory=Settings)
    databases: list[Database] = field(default_factory=lambda: [])
    services: list[CameraService] = field(default_factory=lambda: [])
    max_kept: int = 20_000  # CameraService's bound on writes waiting for the database
    env: simcord.Env | None = None
    """Set by a test whose database refuses writes: the service's waits before it writes
    again then pass on simcord's virtual clock (``advance_time``), not the wall clock."""

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if self.env is None:
            await asyncio.sleep(seconds)
        else:
            await self.env.external_wait(asyncio.sleep(seconds), reason="camera write retry")

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def build_bot(self) -> commands.Bot:
        """The real bot with the camera cog, made by the app's one cog factory. Its live
        settings are the harness's (a test swaps them as /config edit would); its clock
        is the harness's."""
        harness = self
        config = self.path.with_name("config.yml")
        config.write_text(CONFIG, encoding="utf-8")
        store = ConfigStore(config, environ={}, use_dotenv=False)

        class Bot(TGraphBot):
            @property
            def settings(self) -> Settings:
                return harness.settings

            async def setup_hook(self) -> None:
                db = Database(harness.path)
                await db.__aenter__()
                service = CameraService(
                    repo.CameraRepository(db),
                    clock=harness.clock,
                    sleep=harness.sleep,
                    max_kept=harness.max_kept,
                )
                harness.databases.append(db)
                harness.services.append(service)
                services = CogServices(camera=service)
                self.parts = replace(self.parts, cogs=lambda host: bot_cogs(host, services))
                await super().setup_hook()

        return Bot(BotParts(store=store, clock=harness.clock, schedule=False))

    def finished(self) -> list[tuple[int, str, int, int]]:
        conn = connect(self.path)
        try:
            return [(m, metric, s, e) for _, m, metric, s, e in repo.finished_sessions(conn)]
        finally:
            conn.close()

    def open_rows(self) -> list[tuple[int, str, int]]:
        conn = connect(self.path)
        try:
            return sorted((r.member_id, r.metric.value, r.started_at) for r in repo.all_open(conn))
        finally:
            conn.close()


def closed_after(h: Harness) -> Iterator[Harness]:
    """``h`` for a fixture to yield; its databases are closed after the test."""
    yield h
    for db in h.databases:
        db.close_sync()


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    yield from closed_after(Harness(tmp_path / "tgraph.db"))


@pytest.fixture
def simcord_bot(harness: Harness) -> commands.Bot:
    return harness.build_bot()


def ms(seconds: float) -> int:
    return int((T0 + timedelta(seconds=seconds)).timestamp() * 1000)


async def set_voice(
    env: simcord.Env, guild: Any, member: Any, channel: Any | None, **flags: bool
) -> None:
    env.backend.set_voice_state(
        guild.id, member.id, None if channel is None else channel.id, **flags
    )
    await env.settle()


async def ann_on_camera(env: simcord.Env) -> tuple[Any, Any, Any]:
    """A guild, its voice channel "lounge", and ann in it with her camera on."""
    guild = env.create_guild()
    lounge = guild.create_voice_channel("lounge")
    ann = guild.add_member(env.create_user("ann"))
    await set_voice(env, guild, ann, lounge, self_video=True)
    return guild, lounge, ann


async def test_camera_on_off_move_disconnect(simcord_env: simcord.Env, harness: Harness) -> None:
    guild = simcord_env.create_guild()
    a = guild.create_voice_channel("a")
    b = guild.create_voice_channel("b")
    ann = guild.add_member(simcord_env.create_user("ann"))
    await ann.join_voice(a)
    harness.advance(5)
    await set_voice(simcord_env, guild, ann, a, self_video=True)
    harness.advance(60)
    await set_voice(simcord_env, guild, ann, b)  # move with the camera on: same session
    assert harness.open_rows() == [(ann.id, "video", ms(5))]
    harness.advance(30)
    await set_voice(simcord_env, guild, ann, b, self_video=False)
    harness.advance(10)
    await set_voice(simcord_env, guild, ann, b, self_video=True, self_stream=True)
    harness.advance(20)
    await ann.leave_voice()
    assert harness.finished() == [
        (ann.id, "video", ms(5), ms(95)),
        (ann.id, "video", ms(105), ms(125)),
        (ann.id, "stream", ms(105), ms(125)),
    ]
    assert harness.open_rows() == []


async def test_afk_channel_ignored_channels_and_bots_do_not_count(
    simcord_env: simcord.Env, harness: Harness
) -> None:
    guild = simcord_env.create_guild()
    lounge = guild.create_voice_channel("lounge")
    afk = guild.create_voice_channel("afk")
    quiet = guild.create_voice_channel("quiet")
    simcord_env.backend.edit_guild(guild.id, {"afk_channel_id": afk.id})
    harness.settings = Settings.model_validate({"CAMERA_IGNORED_CHANNEL_IDS": [quiet.id]})
    await simcord_env.settle()
    ann = guild.add_member(simcord_env.create_user("ann"))
    robo = guild.add_member(simcord_env.create_user("robo", bot=True))
    await set_voice(simcord_env, guild, robo, lounge, self_video=True)
    await set_voice(simcord_env, guild, ann, afk, self_video=True)
    await set_voice(simcord_env, guild, ann, quiet, self_video=True)
    assert harness.open_rows() == []
    harness.advance(10)
    await set_voice(simcord_env, guild, ann, lounge, self_video=True)
    harness.advance(10)
    await set_voice(simcord_env, guild, ann, afk, self_video=True)  # moved to AFK: ends
    assert harness.finished() == [(ann.id, "video", ms(10), ms(20))]
    assert harness.open_rows() == []


async def test_restart_with_a_member_already_on_camera(
    simcord_env: simcord.Env, harness: Harness
) -> None:
    guild = simcord_env.create_guild()
    lounge = guild.create_voice_channel("lounge")
    ann = guild.add_member(simcord_env.create_user("ann"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    await set_voice(simcord_env, guild, ann, lounge, self_video=True)
    await set_voice(simcord_env, guild, bob, lounge, self_video=True)
    harness.advance(40)
    await harness.services[-1].heartbeat(harness.now)
    # While the bot is away bob leaves; ann stays on camera.
    harness.advance(50)
    gone = simcord_env.backend.prepare_voice_state(guild.id, bob.id, None)
    assert gone is not None
    simcord_env.backend.commit_voice_state(gone, broadcast=False)  # the bot never hears of it
    await simcord_env.restart_bot(harness.build_bot())
    await simcord_env.settle()
    # Start-up recovery closed both at the last heartbeat; READY re-opened ann's only.
    assert sorted(harness.finished()) == sorted(
        [(ann.id, "video", ms(0), ms(40)), (bob.id, "video", ms(0), ms(40))]
    )
    assert harness.open_rows() == [(ann.id, "video", ms(90))]


async def test_ranking_commands(simcord_env: simcord.Env, harness: Harness) -> None:
    guild = simcord_env.create_guild()
    text = guild.create_text_channel("general")
    lounge = guild.create_voice_channel("lounge")
    ann = guild.add_member(simcord_env.create_user("ann"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    await set_voice(simcord_env, guild, ann, lounge, self_video=True)
    await set_voice(simcord_env, guild, bob, lounge, self_video=True)
    harness.advance(3725)
    await set_voice(simcord_env, guild, bob, None)
    harness.advance(100)

    result = await ann.slash(text, "ranking")
    embed = result.response.embeds[0]
    assert embed.title == "Camera ranking — all time"
    lines = (embed.description or "").splitlines()
    assert lines == [
        f"🥇 {ann.mention} — 1 hour, 4 minutes (1 session)",  # 1 h 3 min 45 s
        "🥈 bob — 1 hour, 2 minutes (1 session)",  # bob left voice: not cached, last name
    ]

    result = await ann.slash(text, "ranking", period="week", metric="stream")
    assert result.response.embeds[0].description == "Nobody has been counted yet."

    await ann.send(text, "!rankingvideo week")
    message = text.last_message
    assert message is not None and message.embeds[0].title == "Camera ranking — this week"

    result = await ann.slash(text, "camera", member=bob)
    fields = {f.name: f.value for f in result.response.embeds[0].fields}
    assert (
        fields["All time"]
        == "Camera: 1 hour, 2 minutes (1 session)\nScreen sharing: 0 seconds (0 sessions)"
    )

    carl = guild.add_member(simcord_env.create_user("carl"))
    result = await ann.slash(text, "camera", member=carl)
    assert not result.response.embeds
    assert result.response.content == "carl has not been counted on camera or screen sharing yet."


async def test_the_caller_sees_their_own_place_below_the_top_ten(
    simcord_env: simcord.Env, harness: Harness
) -> None:
    guild = simcord_env.create_guild()
    text = guild.create_text_channel("general")
    lounge = guild.create_voice_channel("lounge")
    members = [guild.add_member(simcord_env.create_user(f"m{i:02d}")) for i in range(12)]
    for member in members:  # m00 joins first, so has the most time; m11 the least
        await set_voice(simcord_env, guild, member, lounge, self_video=True)
        harness.advance(60)
    last = members[-1]
    result = await last.slash(text, "ranking")
    lines = (result.response.embeds[0].description or "").splitlines()
    assert lines[0].startswith("🥇 ") and lines[1].startswith("🥈 ") and lines[2].startswith("🥉 ")
    assert lines[3].startswith("**4.** ") and len(lines) == 12
    assert lines[-2:] == ["…", f"Your place: **12.** {last.mention} — 1 minute (1 session)"]
    result = await members[0].slash(text, "ranking")  # in the top 10: no extra line
    assert len((result.response.embeds[0].description or "").splitlines()) == 10


async def test_a_clean_stop_closes_open_sessions_at_the_stop_time(
    simcord_env: simcord.Env, simcord_bot: commands.Bot, harness: Harness
) -> None:
    guild = simcord_env.create_guild()
    lounge = guild.create_voice_channel("lounge")
    ann = guild.add_member(simcord_env.create_user("ann"))
    await set_voice(simcord_env, guild, ann, lounge, self_video=True)
    harness.advance(75)
    await simcord_bot.remove_cog("CameraCog")
    assert harness.open_rows() == []
    assert harness.finished() == [(ann.id, "video", ms(0), ms(75))]


async def test_live_settings_apply_on_the_heartbeat_tick(
    simcord_env: simcord.Env, simcord_bot: commands.Bot, harness: Harness
) -> None:
    guild = simcord_env.create_guild()
    lounge = guild.create_voice_channel("lounge")
    ann = guild.add_member(simcord_env.create_user("ann"))
    await set_voice(simcord_env, guild, ann, lounge, self_video=True)
    cog = simcord_bot.get_cog("CameraCog")
    assert isinstance(cog, CameraCog)
    harness.advance(30)
    harness.settings = Settings.model_validate({"CAMERA_IGNORED_CHANNEL_IDS": [lounge.id]})
    await cog.heartbeat()  # one tick of the 30 s loop
    assert harness.finished() == [(ann.id, "video", ms(0), ms(30))]
    harness.advance(30)
    harness.settings = Settings.model_validate({"CAMERA_TRACKING_ENABLED": False})
    await cog.heartbeat()
    assert harness.open_rows() == []  # switched off: nothing opens
    harness.advance(30)
    harness.settings = Settings()
    await cog.heartbeat()  # switched back on: ann, still on camera, counts again
    assert harness.open_rows() == [(ann.id, "video", ms(90))]


async def test_durations_are_shown_to_the_nearest_unit_not_cut_down(
    simcord_env: simcord.Env, harness: Harness
) -> None:
    guild, lounge, ann = await ann_on_camera(simcord_env)
    text = guild.create_text_channel("general")
    harness.advance(7.99)
    await set_voice(simcord_env, guild, ann, lounge, self_video=False)
    result = await ann.slash(text, "ranking")
    assert (result.response.embeds[0].description or "").endswith("— 8 seconds (1 session)")
    result = await ann.slash(text, "camera")
    fields = {f.name: f.value for f in result.response.embeds[0].fields}
    assert fields["This week"].startswith("Camera: 8 seconds (1 session)")


async def test_rankings_answer_in_the_members_language_or_language(
    simcord_env: simcord.Env, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One language rule (the host's): a slash command speaks the member's Discord
    language; the text command, which has no locale, speaks LANGUAGE."""
    guild, _, ann = await ann_on_camera(simcord_env)
    text = guild.create_text_channel("general")
    client_locale(monkeypatch, "da")
    result = await ann.slash(text, "ranking")
    assert result.response.embeds[0].title == "Kamerarangliste — alle tider"
    harness.settings = Settings(LANGUAGE="da")
    await ann.send(text, "!rankingvideo week")
    message = text.last_message
    assert message is not None and message.embeds[0].title == "Kamerarangliste — denne uge"
