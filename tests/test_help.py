"""/help through the real discord.py against simcord, with every cog (the Plex one too) and
real 19-digit command ids: every command the caller may run appears whole, none that
refuses them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import pytest
import simcord
from discord.ext import commands
from discord.utils import utcnow

from tests.plex_support import Rig, plex_rig
from tests.simcord_locale import client_locale
from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.adapters.discord.cogs.help import help_embeds
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import EMBED_TOTAL, FIELD_VALUE, FIELDS, pack_lines
from tgraph_bot.app import bot_cogs
from tgraph_bot.i18n import translator
from tgraph_bot.services.camera import CameraService
from tgraph_bot.storage.camera import CameraRepository

if TYPE_CHECKING:
    from tests.discord_env import Parts, World


LINE = re.compile(r"^</(?P<name>[a-z_]+(?: [a-z_]+)?):(?P<id>\d{19})> — \S.*$")
ADMIN_ONLY_SUBCOMMANDS = ("plex enrich", "plex sync_playlists")


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with plex_rig(tmp_path / "plex", PLAYLIST_SYNC_HOURS=0) as rig:
        yield rig


@pytest.fixture
def simcord_bot(parts: Parts, rig: Rig) -> TGraphBot:
    """The bot with the Plex and camera cogs too: every command the real bot has but /wrapped."""
    camera = CameraService(CameraRepository(parts.db), clock=utcnow)
    services = replace(parts.services, plex=rig.service, camera=camera)

    def cogs(host: BotHost) -> list[commands.Cog]:
        return bot_cogs(host, services)

    return TGraphBot(replace(parts.bot_parts, cogs=cogs))


def all_embeds(result: simcord.InteractionResult) -> list[discord.Embed]:
    assert result.ephemeral and result.response is not None
    return [*result.response.embeds, *(e for f in result.followups for e in f.embeds)]


def listed(embeds: list[discord.Embed], ids: dict[str, int]) -> list[str]:
    """The commands the help names, each line checked whole: a complete mention with the
    command's real id, then its description; every embed within Discord's limits."""
    names: list[str] = []
    for embed in embeds:
        assert len(embed.fields) <= FIELDS and len(embed) <= EMBED_TOTAL
        for field in embed.fields:
            assert field.value is not None and len(field.value) <= FIELD_VALUE
            for line in field.value.split("\n"):
                match = LINE.match(line)
                assert match is not None, line
                assert int(match["id"]) == ids[match["name"].split(" ")[0]]
                names.append(match["name"])
    return names


ADMIN_HEADING = {
    "en": "Admin commands (Manage Server)",
    "da": "Kommandoer for administratorer (Administrer server)",
}
MY_STATS = {
    "en": "Get your own Plex statistics by direct message",
    "da": "Få din egen Plex-statistik som direkte besked",
}


@pytest.mark.parametrize(("locale", "language"), [("en-US", "en"), ("da", "da")])
async def test_help_lists_every_command_the_caller_may_run_whole(
    world: World, monkeypatch: pytest.MonkeyPatch, locale: str, language: str
) -> None:
    client_locale(monkeypatch, locale)  # members with an English and a Danish Discord
    ids = world.bot.command_ids
    assert all(len(str(i)) == 19 for i in ids.values())
    admin_help = all_embeds(await world.admin.slash(world.channel, "help"))
    admin = listed(admin_help, ids)
    assert sorted(admin) == sorted(world.admin.available_commands(world.channel))
    assert {"update_graphs", "uptime", *ADMIN_ONLY_SUBCOMMANDS} <= set(admin)
    assert ADMIN_HEADING[language] in [f.name for e in admin_help for f in e.fields]
    # more than one field's worth: one field alone would have cut it (the old help did)
    assert sum(len(f.value or "") for e in admin_help for f in e.fields) > FIELD_VALUE
    member_help = all_embeds(await world.member.slash(world.channel, "help"))
    first = member_help[0].fields[0].value or ""
    assert f"</my_stats:{ids['my_stats']}> — {MY_STATS[language]}" in first
    member = listed(member_help, ids)
    offered = set(world.member.available_commands(world.channel))
    assert sorted(member) == sorted(offered - set(ADMIN_ONLY_SUBCOMMANDS))
    assert {"help", "my_stats", "plex usage", "plex completion", "uptime"} <= set(member)
    refusal = translator(language)._("You are not permitted to use this command.")
    for refused in ADMIN_ONLY_SUBCOMMANDS:  # Discord shows them, the bot refuses them
        options = {"album": "Kind of Blue"} if refused == "plex enrich" else {}
        answer = await world.member.slash(world.channel, refused, **options)
        assert answer.response is not None
        assert answer.response.content == refusal
    assert len(world.env.errors) == 2  # the two refused checks, answered above


def test_pack_lines_never_cuts_a_line() -> None:
    lines = [f"</command_{n}:1234567890123456789> — {'x' * 40}" for n in range(60)]
    packed = pack_lines(lines)
    assert all(len(text) <= FIELD_VALUE for text in packed)
    assert "\n".join(packed).split("\n") == lines
    assert len(packed) == 5  # 18 lines of 76 characters (and their newlines) to a field


async def _run(interaction: discord.Interaction[discord.Client]) -> None:
    del interaction


def test_help_goes_on_in_a_second_embed_past_discords_limits() -> None:
    commands: list[discord.app_commands.Command[Any, ..., Any]] = [
        discord.app_commands.Command(name=f"c{n:03}", description="x" * 90, callback=_run)
        for n in range(200)
    ]
    embeds = help_embeds(
        translator("en"), commands, lambda name: f"</{name}:1234567890123456789>", admin=False
    )
    assert len(embeds) > 1  # 200 lines of 120 characters: more than 6,000
    lines = [line for e in embeds for f in e.fields for line in (f.value or "").split("\n")]
    assert [line[2:6] for line in lines] == [f"c{n:03}" for n in range(200)]
    assert all(len(e) <= EMBED_TOTAL and len(e.fields) <= FIELDS for e in embeds)
