"""The camera heartbeat (the real ``tasks.loop``, on simcord's virtual time) through a full disk.

The disk is made full for real, on the bot's own database connection (see
tests/test_camera_outage.py): ``PRAGMA max_page_count`` with every free page used up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import simcord
from discord.ext import commands

from tests.test_camera_cog import Harness, closed_after, ms, set_voice
from tests.test_camera_outage import fill_disk, free_disk
from tgraph_bot.adapters.discord.cogs.camera import HEARTBEAT_SECONDS, CameraCog
from tgraph_bot.storage import camera as repo
from tgraph_bot.storage.db import connect

MEMBERS = 300  # their sessions ending at once need new pages: a full disk refuses them


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    # Room for the members' "camera off" events and no more: the heartbeat's own writes
    # are refused while they wait, so the heartbeat itself fails.
    yield from closed_after(Harness(tmp_path / "tgraph.db", max_kept=MEMBERS))


@pytest.fixture
def simcord_bot(harness: Harness) -> commands.Bot:
    return harness.build_bot()


def stored_heartbeat(harness: Harness) -> int | None:
    conn = connect(harness.path)
    try:
        return repo.get_heartbeat(conn)
    finally:
        conn.close()


async def test_the_heartbeat_goes_on_through_a_full_disk_and_the_kept_sessions_land(
    simcord_env: simcord.Env,
    simcord_bot: commands.Bot,
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
) -> None:
    harness.env = simcord_env  # the service's retry waits pass only with advance_time
    guild = simcord_env.create_guild()
    lounge = guild.create_voice_channel("lounge")
    members: list[Any] = [
        guild.add_member(simcord_env.create_user(f"m{i:03d}")) for i in range(MEMBERS)
    ]
    for member in members:  # no await between the events: one batch
        simcord_env.backend.set_voice_state(guild.id, member.id, lounge.id, self_video=True)
    await simcord_env.settle()
    cog = simcord_bot.get_cog("CameraCog")
    assert isinstance(cog, CameraCog) and cog.heartbeat.is_running()
    service = harness.services[-1]
    await service.drain()
    assert len(harness.open_rows()) == MEMBERS

    await fill_disk(harness.databases[-1])
    caplog.set_level(logging.INFO)
    harness.advance(10)
    for member in members:  # every camera goes off at 10 s; the disk is full
        simcord_env.backend.set_voice_state(guild.id, member.id, lounge.id, self_video=False)
    await simcord_env.settle()
    assert service.kept == MEMBERS and harness.finished() == []

    harness.advance(20)
    await simcord_env.advance_time(HEARTBEAT_SECONDS)  # a tick: its writes are refused
    assert cog.heartbeat.is_running()
    assert cog.heartbeat.seconds == 2 * HEARTBEAT_SECONDS  # it backs off
    assert stored_heartbeat(harness) is None

    await free_disk(harness.databases[-1])
    harness.advance(100)
    await simcord_env.advance_time(3 * HEARTBEAT_SECONDS)  # the kept batch goes in; a tick
    await service.drain()
    assert sorted(harness.finished()) == sorted(
        (m.id, "video", ms(0), ms(10))
        for m in members  # ended when the cameras went off
    )
    assert harness.open_rows() == []
    assert stored_heartbeat(harness) == ms(130)
    assert cog.heartbeat.is_running() and cog.heartbeat.seconds == HEARTBEAT_SECONDS
    messages = [r.getMessage() for r in caplog.records]
    assert len([m for m in messages if "heartbeat failed" in m]) == 1
    assert any("heartbeat back" in m for m in messages)
    await set_voice(simcord_env, guild, members[0], lounge, self_video=True)
    assert harness.open_rows() == [(members[0].id, "video", ms(130))]
