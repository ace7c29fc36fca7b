"""``!plex ...``: the same hybrid commands as text commands, when ENABLE_PREFIX_COMMANDS is
on (read at start-up), through the real discord.py against simcord."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest
import simcord

from tests.plex_support import Rig, plex_cog_bot, plex_rig
from tests.simcord_locale import client_locale
from tgraph_bot.adapters.discord.bot import TGraphBot

if TYPE_CHECKING:
    from tests.discord_env import Parts, World


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with plex_rig(tmp_path / "plex", PLAYLIST_SYNC_HOURS=0) as rig:
        yield rig


@pytest.fixture
def simcord_bot(parts: Parts, rig: Rig) -> TGraphBot:
    parts.store.set("ENABLE_PREFIX_COMMANDS", "true")  # before the bot reads it
    return plex_cog_bot(parts, rig)


async def _reply(world: World, actor: simcord.MemberActor, text: str) -> discord.Message:
    """What the bot answered in the channel to ``text`` sent there by ``actor``."""
    before = world.channel.last_message
    await actor.send(world.channel, text)
    reply = world.channel.last_message
    assert reply is not None and reply is not before and reply.author.bot, text
    return reply


async def test_plex_alone_names_its_subcommands(world: World) -> None:
    reply = await _reply(world, world.member, "!plex")
    assert reply.content == "Use: plex usage, completion, enrich, sync_playlists"


async def test_prefix_usage_is_the_slash_commands_embed(world: World, rig: Rig) -> None:
    reply = await _reply(world, world.member, "!plex usage")
    (embed,) = reply.embeds
    assert len(embed.fields) == 3
    assert (embed.fields[0].name or "").startswith("H****r K.")  # censored, as the slash one


async def test_prefix_sync_is_for_admins_too(world: World, rig: Rig) -> None:
    refused = await _reply(world, world.member, "!plex sync_playlists")
    assert "not permitted" in refused.content
    assert [type(e).__name__ for e in world.env.errors] == ["MissingPermissions"]  # answered
    assert rig.plex.writes == []
    done = await _reply(world, world.admin, "!plex sync_playlists")
    assert "added 5, removed 0, 5 tracks" in done.content
    assert len(rig.plex.writes) > 0


async def test_help_lists_the_text_commands_the_caller_may_run(world: World) -> None:
    member = await _reply(world, world.member, "!help")
    lines = member.content.split("\n")
    assert lines[0] == "Text commands:"
    assert "`!plex usage` — What is playing on Plex right now" in lines
    assert "`!plex completion` — How much of an artist's music you have played" in lines
    assert not [line for line in lines if "enrich" in line or "sync_playlists" in line]
    help_id = world.bot.command_ids["help"]
    assert lines[-1] == f"Every command, and what it does: </help:{help_id}>"
    admin = await _reply(world, world.admin, "!help")
    assert "`!plex sync_playlists` — Bring the Top Rated playlist up to date now" in admin.content


async def test_a_message_that_names_no_command_is_left_alone(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # simcord listens to command errors itself (and then discord.py logs none): let the
    # bot's own handling show, as in production.
    simcords = list(world.bot.extra_events.get("on_command_error", []))
    for listener in simcords:
        world.bot.remove_listener(listener, "on_command_error")
    await world.member.send(world.channel, "!!! what a goal")
    await world.member.send(world.channel, "!nonsense")
    last = world.channel.last_message
    assert last is not None and last.content == "!nonsense"  # no answer after it
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    for listener in simcords:
        world.bot.add_listener(listener, "on_command_error")


async def test_a_prefix_command_answers_in_language_a_slash_one_in_the_members(
    world: World, rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One language rule (the host's): a text command has no locale, so LANGUAGE; the same
    command as a slash command speaks the member's Discord language."""
    rig.tautulli.activity = "idle"
    world.store.set("LANGUAGE", "da")
    reply = await _reply(world, world.member, "!plex usage")
    assert reply.embeds[0].description == "Ingen ser eller lytter lige nu."
    client_locale(monkeypatch, "en-GB")
    result = await world.member.slash(world.channel, "plex usage")
    shown = [*(result.response.embeds if result.response else [])]
    (embed,) = shown + [e for f in result.followups for e in f.embeds]
    assert embed.description == "Nobody is watching or listening right now."


async def test_a_text_command_typed_wrong_says_how_to_use_it(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    reply = await _reply(world, world.member, "!plex completion")  # no artist
    help_id = world.bot.command_ids["help"]
    assert reply.content == (
        "Something that command needs is missing or could not be read. "
        f"</help:{help_id}> shows how to use it."
    )
    assert [type(e).__name__ for e in world.env.errors] == ["MissingRequiredArgument"]
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
