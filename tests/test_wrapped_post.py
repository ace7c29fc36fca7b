"""The yearly Wrapped post through the real discord.py against simcord: on WRAPPED_DATE the
server's story lands in CHANNEL_ID naming only members who said yes, and exactly those
members get their own story by DM, one at a time; a member with DMs closed is skipped.

Real SQLite (the history copy filled with the sample history, links and consent), the real
job (driven turn by turn with ScheduledJob.step and a clock the test sets). The cards are
small PNGs written per card (drawing them is test_wrapped_cards' and test_bot_wrapped's
business): what each card says is checked through its alt text.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest
import simcord

from tests.fakes.pngs import png_bytes
from tests.fakes.time import Clock
from tgraph_bot.adapters.discord.cogs.wrapped import DiscordWrappedAudience
from tgraph_bot.app import follow_keys, wrapped_post_job
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.history import parse_play
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.my_stats import Link
from tgraph_bot.graphs.cards import CardJob
from tgraph_bot.graphs.sample_history import history
from tgraph_bot.services.history import HistoryMirror
from tgraph_bot.services.jobs import ScheduledJob
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.wrapped import WrappedService
from tgraph_bot.services.wrapped_post import PostReport, WrappedPost, post_window
from tgraph_bot.storage import links
from tgraph_bot.storage.history import SqliteHistoryStore
from tgraph_bot.storage.links import SqliteLinkStore
from tgraph_bot.storage.wrapped import MetaPostProgress

if TYPE_CHECKING:
    from tests.discord_env import World


DEC_1 = datetime(2026, 12, 1, 12, tzinfo=UTC)  # WRAPPED_DATE 12-01 at 12:00 in UTC


async def draw(job: CardJob) -> Path:
    png = Path(job.png)
    await asyncio.to_thread(png.write_bytes, png_bytes(4, 5, (229, 160, 13)))
    return png


@dataclasses.dataclass
class Post:
    clock: Clock  # now, for the job and the history copy alike
    pauses: list[float]  # the waits between DMs, asked for (nobody waits)
    stop_at_pause: bool = False  # the bot is stopped at the next wait between DMs


@pytest.fixture
def post() -> Post:
    return Post(Clock(DEC_1 - timedelta(days=1)), [])


@pytest.fixture(autouse=True)
async def sample_history(world: World) -> None:
    """This year's sample plays (users 101-104) in the history copy, synced on the day."""
    store = SqliteHistoryStore(world.db)
    await store.upsert([parse_play(r) for r in history(date(2026, 1, 1), DEC_1.date())])
    await store.mark_synced(DEC_1.date(), DEC_1)


def make_job(world: World, post: Post) -> ScheduledJob[PostReport]:
    """The job as app.run builds it, over the test's bot, storage and clock."""

    async def pause(seconds: float) -> None:
        post.pauses.append(seconds)
        if post.stop_at_pause:
            post.stop_at_pause = False
            raise asyncio.CancelledError  # as a stop signal cancels the job's task

    def settings() -> Settings:
        return world.store.settings

    mirror = HistoryMirror(
        None,  # type: ignore[arg-type]  # Tautulli: the copy is only read here
        SqliteHistoryStore(world.db),
        timezone=lambda: "UTC",
        clock=post.clock,
    )
    service = WrappedPost(
        WrappedService(mirror),
        my_stats(world),
        draw,
        world.images / "my_stats",
        settings,
        MetaPostProgress(world.db),
        pause=pause,
    )
    audience = DiscordWrappedAudience(world.bot, settings)
    return wrapped_post_job(service, audience, world.store, world.db, clock=post.clock)


def my_stats(world: World) -> MyStatsService:
    return MyStatsService(SqliteLinkStore(world.db), None, None, clock=lambda: DEC_1)  # type: ignore[arg-type]


async def link(world: World, member: simcord.MemberActor, user_id: int, *, share: bool) -> None:
    made = Link(MemberId(member.id), TautulliUserId(user_id), f"u{user_id}", DEC_1, "plex")
    await world.db.run(lambda conn: links.put_link(conn, made))
    if share:
        await my_stats(world).set_consent(MemberId(member.id), True)


def dms(actor: simcord.MemberActor) -> list[discord.Message]:
    channel = actor.user.dm_channel
    return [] if channel is None else list(channel.history())


def gallery(message: discord.Message) -> tuple[str, list[str], list[str]]:
    """A Components V2 story message: its text, its files, each card's alt text."""
    assert message.flags.value & discord.MessageFlags.components_v2.flag
    [container] = [c.to_dict() for c in message.components]
    text, media = container["components"]  # type: ignore[typeddict-item]
    alts = [item["description"] for item in media["items"]]
    urls = [item["media"]["url"].rsplit("/", 1)[-1] for item in media["items"]]
    files = [a.filename for a in message.attachments]
    assert urls == files  # every card shown is a file of the message
    return text["content"], files, alts


@pytest.fixture
async def members(world: World) -> tuple[simcord.MemberActor, simcord.MemberActor]:
    """bob (said yes), the admin (linked, never said yes), cleo (said yes, DMs closed),
    dev (said yes), in the order their DMs are sent."""
    cleo = world.guild.add_member(world.env.create_user("cleo"))
    dev = world.guild.add_member(world.env.create_user("dev"))
    await link(world, world.member, 101, share=True)
    await link(world, world.admin, 102, share=False)
    await link(world, cleo, 103, share=True)
    await link(world, dev, 104, share=True)
    closed = world.env.backend.get_dm_channel(cleo.id)
    world.env.inject_error(
        "POST",
        f"/channels/{closed.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    return cleo, dev


async def test_on_the_day_the_server_story_is_posted_and_each_member_who_said_yes_gets_theirs(
    world: World,
    post: Post,
    members: tuple[simcord.MemberActor, simcord.MemberActor],
    caplog: pytest.LogCaptureFixture,
) -> None:
    cleo, dev = members
    job = make_job(world, post)
    assert await job.step() > 0  # the day before: nothing
    assert world.channel.history() == []

    post.clock.now = DEC_1
    with caplog.at_level(logging.INFO, "tgraph_bot.services.wrapped_post"):
        assert await job.step() == 0.0

    [posted] = world.channel.history()
    text, files, alts = gallery(posted)
    assert (
        text.startswith("## Wrapped: Plex friends: 2026") and "Jan 1, 2026 to Nov 30, 2026" in text
    )
    assert files == [f"card-{n}.png" for n in range(1, len(files) + 1)] and len(files) <= 10
    [board] = [alt for alt in alts if alt.startswith("Most plays")]
    assert "bob" in board and "dev" in board and "a member" in board
    assert "admin" not in board and "u10" not in board  # nobody else is named

    for got in (world.member, dev):  # said yes: their own story, and only theirs
        [dm] = dms(got)
        dm_text, dm_files, dm_alts = gallery(dm)
        assert dm_text.startswith(f"## Your Wrapped: {got.user.name}: 2026")
        assert dm_files and dm_alts[0].startswith("Time played")
        assert not any(alt.startswith("Most plays") for alt in dm_alts)
    assert dms(world.admin) == []  # never said yes: nothing
    assert dms(cleo) == []  # DMs closed
    refused = [r.getMessage() for r in caplog.records if "does not accept DMs" in r.getMessage()]
    assert refused == [f"wrapped post: member {cleo.id} does not accept DMs from the bot; skipped"]
    assert post.pauses == [2.0, 2.0]  # between the three DMs tried, no real waiting

    post.clock.now = DEC_1 + timedelta(hours=3)  # later that day, and after a restart
    assert await job.step() > 0
    assert await make_job(world, post).step() > 0
    assert len(world.channel.history()) == 1 and len(dms(world.member)) == 1


async def test_a_bot_stopped_during_the_dms_goes_on_with_the_next_member_when_back(
    world: World, post: Post, members: tuple[simcord.MemberActor, simcord.MemberActor]
) -> None:
    _, dev = members
    post.clock.now = DEC_1
    post.stop_at_pause = True  # after bob's DM
    with pytest.raises(asyncio.CancelledError):
        await make_job(world, post).step()
    assert len(world.channel.history()) == 1 and len(dms(world.member)) == 1
    assert dms(dev) == []

    post.clock.now = DEC_1 + timedelta(minutes=10)  # restarted
    assert await make_job(world, post).step() == 0.0
    assert len(world.channel.history()) == 1  # not posted again
    assert len(dms(world.member)) == 1 and len(dms(dev)) == 1  # bob not twice; dev his


async def test_a_bot_down_on_the_day_posts_once_when_back_within_days_and_never_after(
    world: World, post: Post
) -> None:
    job = make_job(world, post)
    post.clock.now = DEC_1 + timedelta(days=2, hours=5)
    assert await job.step() == 0.0
    assert len(world.channel.history()) == 1
    post.clock.now += timedelta(hours=1)
    assert await job.step() > 0
    assert len(world.channel.history()) == 1

    another = DEC_1 + timedelta(days=365 + 4)  # the next year, back too late
    post.clock.now = another
    assert await job.step() > 0
    assert len(world.channel.history()) == 1


async def test_an_empty_wrapped_date_is_off_and_an_edit_reschedules_the_job(
    world: World, post: Post
) -> None:
    world.store.set("WRAPPED_DATE", "")
    job = make_job(world, post)
    post.clock.now = DEC_1
    await job.step()
    assert await job.due_at() is None and world.channel.history() == []

    rescheduled = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        follow_keys(stack, world.store, ("WRAPPED_DATE",), rescheduled.set)
        await asyncio.to_thread(world.store.set, "WRAPPED_DATE", "12-01")  # as a file edit
        await asyncio.wait_for(rescheduled.wait(), 10)
    assert await job.due_at() == DEC_1
    await job.step()
    assert len(world.channel.history()) == 1


def test_the_window_is_the_calendar_year_up_to_the_day_before() -> None:
    window = post_window(date(2026, 12, 1))
    assert (window.after, window.before) == (date(2026, 1, 1), date(2026, 11, 30))
    new_year = post_window(date(2027, 1, 1))
    assert (new_year.after, new_year.before) == (date(2026, 1, 1), date(2026, 12, 31))
