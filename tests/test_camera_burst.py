"""Voice events back to back: the real discord.py (simcord) parses them with no await between.

discord.py keeps one VoiceState per member and updates it in place; these tests send
events with zero gaps (nothing runs between two gateway frames), so a listener that read
``after`` late would see only the newest state and lose sessions.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import simcord
from discord.ext import commands
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_camera_cog import T0, Harness, harness, ms, set_voice, simcord_bot
from tgraph_bot.adapters.discord.cogs.camera import CameraCog
from tgraph_bot.config.schema import Settings

# (member index, channel index or None, self_video, self_stream, milliseconds since the last)
Event = tuple[int, int | None, bool, bool, int]

N_MEMBERS = 3  # the last one is a bot: never counted
COUNTED = {0, 1}  # channel 2 is the AFK channel, 3 is ignored by the settings
__all__ = ["harness", "simcord_bot"]  # the simcord fixtures, shared with test_camera_cog


async def ann_in_lounge(env: simcord.Env) -> tuple[Any, Any, Any]:
    """A guild with one voice channel and one member in it, camera off."""
    guild = env.create_guild()
    lounge = guild.create_voice_channel("lounge")
    ann = guild.add_member(env.create_user("ann"))
    await set_voice(env, guild, ann, lounge)
    return guild, lounge, ann


async def test_one_member_toggling_twenty_times_back_to_back(
    simcord_env: simcord.Env, harness: Harness
) -> None:
    guild, lounge, ann = await ann_in_lounge(simcord_env)
    for i in range(20):  # no await between the events
        harness.advance(0.25)
        simcord_env.backend.set_voice_state(guild.id, ann.id, lounge.id, self_video=i % 2 == 0)
    await simcord_env.settle()
    await harness.services[-1].drain()
    assert harness.finished() == [
        (ann.id, "video", ms(0.25 + 0.5 * k), ms(0.5 + 0.5 * k)) for k in range(10)
    ]
    assert harness.open_rows() == []


async def test_a_reconcile_in_the_middle_of_a_burst_changes_nothing(
    simcord_env: simcord.Env, simcord_bot: commands.Bot, harness: Harness
) -> None:
    guild, lounge, ann = await ann_in_lounge(simcord_env)
    cog = simcord_bot.get_cog("CameraCog")
    seen = simcord_bot.get_guild(guild.id)
    assert isinstance(cog, CameraCog) and seen is not None
    reconciled: list[asyncio.Future[int]] = []
    for i in range(20):
        harness.advance(0.25)
        simcord_env.backend.set_voice_state(guild.id, ann.id, lounge.id, self_video=i % 2 == 0)
        if i in (8, 13):  # what a heartbeat does, while earlier events are still unapplied
            reconciled.append(cog.reconcile_now(seen, harness.settings))
    await simcord_env.settle()
    assert [await r for r in reconciled] == [0, 0]  # the cache agreed with the queue
    assert harness.finished() == [
        (ann.id, "video", ms(0.25 + 0.5 * k), ms(0.5 + 0.5 * k)) for k in range(10)
    ]
    assert harness.open_rows() == []


@dataclass
class Truth:
    """The sessions a sequence of voice states means, worked out the plain way."""

    open: dict[tuple[int, str], int] = field(default_factory=dict[tuple[int, str], int])
    sessions: list[tuple[int, str, int, int]] = field(
        default_factory=list[tuple[int, str, int, int]]
    )

    def see(self, member: int, channel: int | None, video: bool, stream: bool, at: int) -> None:
        counted = channel in COUNTED and member != N_MEMBERS - 1
        for metric, flag in (("video", video), ("stream", stream)):
            key = (member, metric)
            if counted and flag and key not in self.open:
                self.open[key] = at
            elif not (counted and flag) and key in self.open:
                self.sessions.append((member, metric, self.open.pop(key), at))


events = st.lists(
    st.tuples(
        st.integers(0, N_MEMBERS - 1),
        st.one_of(st.none(), st.integers(0, 3)),
        st.booleans(),
        st.booleans(),
        st.integers(0, 3000),
    ),
    max_size=60,
)


async def _replay(path: Path, script: list[Event]) -> tuple[list[Any], list[Any], Truth]:
    harness = Harness(path)
    bot = harness.build_bot()
    truth = Truth()
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        channels = [guild.create_voice_channel(f"v{i}") for i in range(4)]
        env.backend.edit_guild(guild.id, {"afk_channel_id": channels[2].id})
        harness.settings = Settings.model_validate({"CAMERA_IGNORED_CHANNEL_IDS": [channels[3].id]})
        users = [env.create_user(f"u{i}", bot=i == N_MEMBERS - 1) for i in range(N_MEMBERS)]
        members = [guild.add_member(u) for u in users]
        await env.settle()
        connected: set[int] = set()
        t = 0
        for member, channel, video, stream, gap in script:
            t += gap
            harness.now = T0 + timedelta(milliseconds=t)
            if channel is None and member not in connected:
                continue  # Discord sends nothing for leaving when not connected
            target = None if channel is None else channels[channel].id
            env.backend.set_voice_state(
                guild.id, members[member].id, target, self_video=video, self_stream=stream
            )
            (connected.add if channel is not None else connected.discard)(member)
            truth.see(member, channel, video, stream, ms(t / 1000))
        for member in sorted(connected):  # everyone leaves, still back to back
            env.backend.set_voice_state(guild.id, members[member].id, None)
            truth.see(member, None, False, False, ms(t / 1000))
        await env.settle()
        await harness.services[-1].drain()
        finished = harness.finished()
        still_open = harness.open_rows()
        ids = [m.id for m in members]
    for db in harness.databases:
        db.close_sync()
    truth.sessions = [(ids[m], metric, s, e) for m, metric, s, e in truth.sessions]
    return finished, still_open, truth


@settings(max_examples=40, deadline=None)
@given(script=events)
def test_totals_equal_the_truth_to_the_millisecond(script: list[Event]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        finished, still_open, truth = asyncio.run(_replay(Path(tmp) / "tgraph.db", script))
    assert still_open == []
    assert sorted(finished) == sorted(truth.sessions)
    for metric in ("video", "stream"):
        got = sum(e - s for _, m, s, e in finished if m == metric)
        assert got == sum(e - s for _, m, s, e in truth.sessions if m == metric)
