"""The real bot (in this process) against the fake Discord REST + gateway server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import discord
import discord.gateway
import discord.http
import pytest

from tests.fakes.discord import ADMIN_ID, CHANNEL_ID, MEMBER_ID, InteractionRecord
from tests.fakes.plextv import FakeAccount, FakePlexTv
from tests.fakes.pngs import PngRenderer
from tests.fakes.time import ManualSleep
from tests.live_bot import Live, live_bot
from tgraph_bot.adapters.discord.cogs.my_stats import MyStatsCog
from tgraph_bot.core.ids import MemberId
from tgraph_bot.storage import links


async def test_commands_are_synced(live: Live) -> None:
    names = {c["name"] for c in live.fake.commands}
    assert {"about", "uptime", "config", "update_graphs", "my_stats"} <= names
    config = next(c for c in live.fake.commands if c["name"] == "config")
    assert int(config["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    assert live.bot.permissions_report == []


async def test_update_graphs_posts_pngs_into_the_channel(live: Live) -> None:
    record = await live.fake.invoke("update_graphs", user=ADMIN_ID)
    await live.fake.wait_for(lambda: any("Posted" in t for t in record.texts()))
    assert record.deferred and record.ephemeral
    files = [f for m in live.fake.channel_messages() for f in m.files]
    assert len(files) == 12
    assert all(data.startswith(b"\x89PNG") for _, data in files)


async def test_a_429_is_waited_out(live: Live) -> None:
    live.fake.rate_limit_next[f"POST /channels/{CHANNEL_ID}/messages"] = 0.3
    record = await live.fake.invoke("update_graphs", user=ADMIN_ID)
    await live.fake.wait_for(lambda: any("Posted" in t for t in record.texts()))
    assert live.fake.rate_limited == [f"POST /channels/{CHANNEL_ID}/messages"]
    assert sum(len(m.files) for m in live.fake.channel_messages()) == 12


async def test_my_stats_dm_and_blocked_dm(live: Live) -> None:
    record = await live.fake.invoke(
        "my_stats", user=MEMBER_ID, options={"email": "alice@example.com"}
    )
    await live.fake.wait_for(lambda: bool(record.followups))
    assert sum(len(m.files) for m in live.fake.dms_to(MEMBER_ID)) == 12
    live.fake.dm_blocked.add(MEMBER_ID)
    blocked = await live.fake.invoke(
        "my_stats", user=MEMBER_ID, options={"email": "alice@example.com"}
    )
    await live.fake.wait_for(lambda: bool(blocked.followups))
    assert blocked.followups[0]["content"].startswith("I cannot send you direct messages")
    assert int(blocked.followups[0].get("flags", 0)) & 64


# -- /my_stats in plex mode (the default): sign-in link, then DMs once approved -----------

ALICE_PLEX = FakeAccount(4242, "a1b2c3", "alice", "alice@example.com", "Alice")


@pytest.fixture
async def plex_tv() -> AsyncIterator[FakePlexTv]:
    fake = FakePlexTv()
    await fake.start()
    yield fake
    await fake.close()


async def start_signin(live: Live, polls: ManualSleep, email: str) -> InteractionRecord:
    """/my_stats email:... in plex mode: answered with a sign-in link; the bot now waits."""
    record = await live.fake.invoke("my_stats", user=MEMBER_ID, options={"email": email})
    await live.fake.wait_for(lambda: bool(record.followups))
    assert await polls.next_wait() == 2.0  # polling plex.tv for the approval
    return record


async def test_plex_mode_signs_the_member_in_then_sends_their_stats(
    tmp_path: Path, restore_discord_urls: None, plex_tv: FakePlexTv
) -> None:
    polls = ManualSleep()
    async with live_bot(
        tmp_path, verification="plex", plex_tv_url=plex_tv.url, sleep=polls
    ) as live:
        record = await start_signin(live, polls, "Alice@Example.com")
        pin = plex_tv.last_pin
        [button] = [
            button
            for row in record.followups[0]["components"]
            for button in row["components"]
            if button.get("url")
        ]
        link = button["url"]
        assert "https://app.plex.tv/auth#?clientID=" in link and f"code={pin.code}" in link
        assert live.fake.dms_to(MEMBER_ID) == []  # nothing before the sign-in
        plex_tv.approve(pin.id, ALICE_PLEX)
        polls.elapse()
        await live.fake.wait_for(lambda: len(record.followups) == 2)
        assert "alice" in record.followups[1]["content"]
        assert sum(len(m.files) for m in live.fake.dms_to(MEMBER_ID)) == 12
        stored = await live.db.run(lambda conn: links.get_link(conn, MemberId(MEMBER_ID)))
        assert stored is not None and (stored.tautulli_user_id, stored.how) == (42, "plex")


async def test_forget_cancels_a_pending_plex_signin(
    tmp_path: Path, restore_discord_urls: None, plex_tv: FakePlexTv
) -> None:
    polls = ManualSleep()
    async with live_bot(
        tmp_path, verification="plex", plex_tv_url=plex_tv.url, sleep=polls
    ) as live:
        started = await start_signin(live, polls, "alice@example.com")
        forgot = await live.fake.invoke("my_stats", user=MEMBER_ID, options={"forget": True})
        await live.fake.wait_for(lambda: bool(forgot.followups))
        assert forgot.followups[0]["content"].startswith("Done: your link to a Plex account")
        assert polls.abandoned  # the sign-in stopped waiting before the answer was sent
        assert await live.db.run(lambda conn: links.get_link(conn, MemberId(MEMBER_ID))) is None
        assert live.fake.dms_to(MEMBER_ID) == []
        assert len(started.followups) == 1
        rows = await live.db.run(
            lambda conn: conn.execute("SELECT count(*) FROM my_stats_signins").fetchone()[0]
        )
        assert rows == 0


async def test_a_signin_approved_after_the_interactions_15_minutes_is_answered_by_dm(
    tmp_path: Path, restore_discord_urls: None, plex_tv: FakePlexTv
) -> None:
    """A strong PIN lives 30 minutes, a slash command's follow-ups 15: a member who
    approves late gets their stats and the answer by DM, not through the dead interaction."""
    polls = ManualSleep()
    later = timedelta(0)
    start = discord.utils.utcnow()

    def clock() -> datetime:
        return start + later

    plex_tv.clock = clock
    async with live_bot(
        tmp_path, verification="plex", plex_tv_url=plex_tv.url, sleep=polls, clock=clock
    ) as live:
        record = await start_signin(live, polls, "alice@example.com")
        later = timedelta(minutes=20)  # the PIN is still valid; the interaction is not
        plex_tv.approve(plex_tv.last_pin.id, ALICE_PLEX)
        polls.elapse()
        await live.fake.wait_for(
            lambda: any("alice" in m.content for m in live.fake.dms_to(MEMBER_ID))
        )
        assert len(record.followups) == 1  # only the sign-in link, sent in time
        assert sum(len(m.files) for m in live.fake.dms_to(MEMBER_ID)) == 12


async def test_an_edit_replaces_the_fields_sent_within_discords_limits(live: Live) -> None:
    channel = live.bot.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("kept", embed=discord.Embed(title="Now", description="one"))
    edited = await message.edit(embed=discord.Embed(title="Now", description="two"))
    (stored,) = live.fake.channel_messages()
    assert stored.content == edited.content == "kept"  # not sent: left as it was
    assert [e["description"] for e in stored.embeds] == ["two"]
    assert [e["embeds"] for e in stored.edits] == [stored.embeds]
    with pytest.raises(discord.HTTPException) as refused:
        await message.edit(embed=discord.Embed(title="x" * 257))  # over 256 characters
    assert refused.value.code == 50035
    assert [e["description"] for e in stored.embeds] == ["two"]  # a refused edit changes nothing
    await message.delete()
    with pytest.raises(discord.NotFound):
        await message.edit(content="gone")


async def test_a_signin_whose_stats_cannot_be_made_is_told_so(
    tmp_path: Path, restore_discord_urls: None, plex_tv: FakePlexTv
) -> None:
    """The work after the sign-in runs outside the command: its failure is answered by the
    same error ladder, not left in the log alone."""
    polls = ManualSleep()
    async with live_bot(
        tmp_path, verification="plex", plex_tv_url=plex_tv.url, sleep=polls
    ) as live:
        cog = live.bot.get_cog("MyStatsCog")
        assert isinstance(cog, MyStatsCog) and isinstance(cog.stats.rendering, PngRenderer)
        cog.stats.rendering.broken = True  # every graph fails, as when Tautulli is down
        record = await start_signin(live, polls, "alice@example.com")
        plex_tv.approve(plex_tv.last_pin.id, ALICE_PLEX)
        polls.elapse()
        await live.fake.wait_for(lambda: len(record.followups) == 2)
        assert record.followups[1]["content"] == (
            "Your graphs cannot be made right now. Please try again later."
        )
        assert int(record.followups[1].get("flags", 0)) & 64  # only to them
        assert live.fake.dms_to(MEMBER_ID) == []
