"""/config edit of a schedule key wakes the posting schedule at once (real discord.py and
simcord, whose virtual clock runs the schedule's waits: nothing waits in real time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord
import pytest

from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.core.ids import ChannelId

if TYPE_CHECKING:
    from tests.discord_env import Parts, World


# simcord's virtual clock (the bot's discord.utils.utcnow) starts here; before its
# environment runs, utcnow is still the real time.
SIMCORD_START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def simcord_bot(parts: Parts) -> TGraphBot:
    """The bot with its schedule on; the last post was three days ago (UPDATE_DAYS is 7)."""
    last = SIMCORD_START - timedelta(days=3)
    await parts.posting_store.record_post(ChannelId(1), [], last)
    parts.bot_parts.schedule = True
    return TGraphBot(parts.bot_parts)


async def test_editing_the_schedule_posts_at_once_when_now_overdue(world: World) -> None:
    scheduler = world.bot.scheduler
    assert scheduler is not None
    assert world.renderer.calls == []  # four days to go; it sleeps (an hour at most)
    edit = await world.admin.slash(world.channel, "config edit", key="UPDATE_DAYS", value="2")
    assert (
        edit.response is not None and edit.response.content == "UPDATE_DAYS is now 2. Applied now."
    )
    await world.env.settle()
    assert world.renderer.calls == [None]  # woken and posted, without the hour going by
    posts = [m for m in world.channel.history() if m.attachments]
    assert posts and posts[0].author.id == world.bot.user.id  # type: ignore[union-attr]
    assert await scheduler.due_at() > discord.utils.utcnow() + timedelta(days=1)


async def test_editing_another_key_does_not_post(world: World) -> None:
    await world.admin.slash(world.channel, "config edit", key="TV_COLOR", value="#00ff00")
    await world.env.settle()
    assert world.renderer.calls == []
