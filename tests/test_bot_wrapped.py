"""/wrapped through the real discord.py against simcord: a linked member's private story of
cards (Components V2, ◀ ▶, Share), nobody else's numbers, consent kept and forgotten.

The history copy is a real SQLite mirror filled with the sample history; the cards are drawn
by a real graph worker.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import pytest
import simcord

from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.app import bot_cogs
from tgraph_bot.core.history import parse_play
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.my_stats import Link
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.graphs.sample_history import history
from tgraph_bot.services.history import HistoryMirror
from tgraph_bot.services.wrapped import WrappedService, year_window
from tgraph_bot.storage import links
from tgraph_bot.storage.history import SqliteHistoryStore

if TYPE_CHECKING:
    from tests.discord_env import Parts, World

pytestmark = pytest.mark.slow  # draws the cards in a real worker process

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def renderer() -> Any:
    with Renderer(workers=1) as started:
        yield started


@pytest.fixture
async def parts(tmp_path: Path, renderer: Renderer) -> AsyncIterator[Parts]:
    from tests.discord_env import make_parts

    async with make_parts(tmp_path) as built:
        store = SqliteHistoryStore(built.db)
        rows = [parse_play(r) for r in history(date(2026, 1, 1), NOW.date())]
        await store.upsert(rows)
        await store.mark_synced(NOW.date(), NOW)
        mirror = HistoryMirror(None, store, timezone=lambda: "UTC", clock=lambda: NOW)  # type: ignore[arg-type]
        services = dataclasses.replace(
            built.services, wrapped=WrappedService(mirror), draw_cards=renderer.render
        )
        bot_parts = dataclasses.replace(built.bot_parts, cogs=lambda host: bot_cogs(host, services))
        yield dataclasses.replace(built, services=services, bot_parts=bot_parts)


@pytest.fixture
def simcord_bot(parts: Parts) -> TGraphBot:
    return TGraphBot(parts.bot_parts)


async def link(world: World, member: simcord.MemberActor, user_id: int) -> None:
    made = Link(MemberId(member.id), TautulliUserId(user_id), "ann", NOW, "plex")
    await world.db.run(lambda conn: links.put_link(conn, made))


def story(result: simcord.InteractionResult) -> tuple[str, list[str], dict[str, Any]]:
    """The ephemeral story message (the deferred reply, which the story replaces): its
    title line, its attachments, its raw layout."""
    message = result.response
    assert message is not None
    assert message.ephemeral and message.flags.value & discord.MessageFlags.components_v2.flag
    [container] = message.components
    text = container["components"][0]["content"]
    return text.splitlines()[1], [a.filename for a in message.attachments], container


async def test_a_member_turns_through_their_own_story_and_shares_one_card(world: World) -> None:
    await link(world, world.member, 101)
    result = await world.member.slash(world.channel, "wrapped")
    title, files, layout = story(result)
    assert title == "### Time played" and files == ["card-1.png"]
    gallery = layout["components"][1]
    assert gallery["items"][0]["media"]["url"].endswith("/card-1.png")  # the file, resolved
    assert result.response is not None
    turned = await world.member.click(result.response, label="▶")
    assert turned.response is not None
    said = turned.response.components[0]["components"][0]["content"].splitlines()
    assert said[0].startswith("-# bob: 2026 · 2 of ") and said[1] == "### Top shows"
    assert [a.filename for a in turned.response.attachments] == ["card-2.png"]
    shared = await world.member.click(turned.response, label="Share this card")
    assert shared.response is not None and shared.response.ephemeral
    posted = world.channel.history()[-1]
    assert posted.content.startswith(f"<@{world.member.id}> shares their Wrapped: Top shows")
    assert [a.filename for a in posted.attachments] == ["card-2.png"]


async def test_nobody_sees_a_story_without_their_own_link(world: World) -> None:
    await link(world, world.member, 101)
    for other in (world.admin,):  # an admin, unlinked, gets no one's numbers
        result = await other.slash(world.channel, "wrapped")
        messages = [m for m in (result.response, *result.followups) if m is not None]
        assert any("not linked" in m.content for m in messages), messages
        assert not any(m.attachments or m.components for m in messages)
    assert len(world.env.errors) == 1  # through the error ladder (and acknowledged)


async def test_consent_is_kept_and_forgotten_with_the_link(world: World) -> None:
    await link(world, world.member, 101)
    said = await world.member.slash(world.channel, "wrapped", share="on")
    assert said.response is not None and "may now name you" in said.response.content
    consent = await world.db.run(
        lambda c: [tuple(r) for r in c.execute("SELECT member_id, share FROM wrapped_consent")]
    )
    assert consent == [(world.member.id, 1)]
    await world.member.slash(world.channel, "my_stats", forget=True)
    left = await world.db.run(lambda c: c.execute("SELECT * FROM wrapped_consent").fetchall())
    assert left == []  # forgotten with the link


async def test_the_servers_story_names_only_members_who_said_yes(world: World) -> None:
    await link(world, world.member, 101)  # Ann's plays are bob's
    await link(world, world.admin, 102)  # Bob's plays are the admin's, who never said yes
    await world.member.slash(world.channel, "wrapped", share="on")
    result = await world.admin.slash(world.channel, "wrapped", server=True)
    assert result.response is not None
    turned = result.response
    for _ in range(12):  # to the last card
        clicked = await world.admin.click(turned, label="▶")
        assert clicked.response is not None
        turned = clicked.response
        if "### Most plays" in turned.components[0]["components"][0]["content"]:
            break
    [_, gallery, _] = turned.components[0]["components"]
    said = gallery["items"][0]["description"]  # the card's alt text: its rows as drawn
    assert said.startswith("Most plays. 1. ") and "bob" in said and "a member" in said
    assert "admin" not in said


async def test_two_members_each_see_only_their_own_year(world: World, parts: Parts) -> None:
    carol = world.guild.add_member(world.env.create_user("carol"))
    await link(world, world.member, 101)
    await link(world, carol, 102)
    assert parts.services.wrapped is not None
    year = year_window(2026, NOW.date())
    for who, user_id, other in ((world.member, 101, 102), (carol, 102, 101)):
        mine = await parts.services.wrapped.member(user_id, year)
        theirs = await parts.services.wrapped.member(other, year)
        assert mine.plays != theirs.plays  # the sample history tells them apart
        result = await who.slash(world.channel, "wrapped")
        assert result.response is not None
        [item] = result.response.components[0]["components"][1]["items"]
        said = item["description"]  # the first card's alt text: what the card shows
        assert f"in {mine.plays} plays" in said and f"in {theirs.plays} plays" not in said
