"""The DirectMessages port's Discord adapter and the "render a member's stats" service: the
real bot (real discord.py) against the fake Discord, which refuses a DM with 403 / 50007 when
the member does not accept DMs, as Discord does."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from tests.discord_env import Directory
from tests.fakes.discord import MEMBER_ID
from tests.fakes.pngs import PngRenderer, png_bytes
from tests.live_bot import Live
from tgraph_bot.adapters.discord.dms import DiscordDirectMessages
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.errors import NoGraphsError
from tgraph_bot.services.member_stats import MemberStats, personal_settings
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.ports.messages import Delivery
from tgraph_bot.services.post_layout import Attachment, OutgoingMessage
from tgraph_bot.storage.links import SqliteLinkStore

MEMBER = MemberId(MEMBER_ID)
ALICE = TautulliUserId(42)


async def test_a_member_who_accepts_dms_gets_every_message_in_order(live: Live) -> None:
    messages = [OutgoingMessage(content="one"), OutgoingMessage(content="two")]
    assert await live.bot.dms.send(MEMBER, messages) is Delivery.SENT
    assert [m.content for m in live.fake.dms_to(MEMBER_ID)] == ["one", "two"]


async def test_a_member_with_dms_closed_is_an_answer_not_an_exception(live: Live) -> None:
    live.fake.dm_blocked.add(MEMBER_ID)
    dms = DiscordDirectMessages(live.bot)
    assert await dms.send(MEMBER, [OutgoingMessage(content="hello")]) is Delivery.REFUSED
    assert live.fake.dms_to(MEMBER_ID) == []


async def test_any_other_refusal_is_raised(live: Live, tmp_path: Path) -> None:
    """Eleven files in one message (Discord's 30015) is the bot's fault, not the member's
    choice: it raises, for the command's error reply and the log."""
    pngs = []
    for i in range(11):
        png = tmp_path / f"{i}.png"
        png.write_bytes(png_bytes(2, 2, (0, 0, 0)))
        pngs.append(Attachment(png, png.name, "a graph"))
    with pytest.raises(discord.HTTPException) as raised:
        await live.bot.dms.send(MEMBER, [OutgoingMessage(files=tuple(pngs))])
    assert raised.value.code == 30015
    assert live.fake.dms_to(MEMBER_ID) == []


def member_stats(live: Live, images: Path) -> tuple[MemberStats, PngRenderer]:
    renderer = PngRenderer()
    folders = MyStatsService(
        SqliteLinkStore(live.db), None, Directory(), clock=discord.utils.utcnow
    )
    return MemberStats(renderer, live.bot.dms, folders, images), renderer


async def test_a_members_stats_arrive_by_dm_in_their_language(live: Live, tmp_path: Path) -> None:
    stats, renderer = member_stats(live, tmp_path / "stats")
    settings = personal_settings(live.store.settings, "da", days=30)
    assert await stats.send(MEMBER, ALICE, settings) is Delivery.SENT
    assert renderer.calls == [42]
    sent = live.fake.dms_to(MEMBER_ID)
    assert sum(len(m.files) for m in sent) == 12
    assert "Din Plex-statistik for de seneste 30 dage" in str(sent[0].payload)
    assert list((tmp_path / "stats").iterdir()) == []  # the images go once they are sent


async def test_a_refused_dm_is_told_and_leaves_nothing_behind(live: Live, tmp_path: Path) -> None:
    live.fake.dm_blocked.add(MEMBER_ID)
    stats, renderer = member_stats(live, tmp_path / "stats")
    assert await stats.send(MEMBER, ALICE, live.store.settings) is Delivery.REFUSED
    assert renderer.calls == [42] and live.fake.dms_to(MEMBER_ID) == []
    assert list((tmp_path / "stats").iterdir()) == []
    live.fake.dm_blocked.clear()  # the member opens their DMs: the next try gets through
    assert await stats.send(MEMBER, ALICE, live.store.settings) is Delivery.SENT


async def test_graphs_too_large_to_send_are_no_graphs(live: Live, tmp_path: Path) -> None:
    stats, _ = member_stats(live, tmp_path / "stats")
    with pytest.raises(NoGraphsError):
        await stats.send(MEMBER, ALICE, live.store.settings, upload_limit=1)
    assert live.fake.dms_to(MEMBER_ID) == []
    assert list((tmp_path / "stats").iterdir()) == []
