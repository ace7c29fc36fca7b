"""/update_graphs: regenerate the server graphs and post them now (admins: Manage Server,
checked by the bot itself too)."""

from __future__ import annotations

import asyncio
import contextlib

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.checks import require_manage_server
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_content
from tgraph_bot.i18n import N_
from tgraph_bot.services.graph_wording import STALE
from tgraph_bot.services.posting import PostingService

EDIT_EVERY = 1.0  # seconds between progress edits (Discord rate-limits edits)


class GraphsCog(commands.Cog):
    def __init__(self, bot: BotHost, posting: PostingService) -> None:
        self.bot = bot
        self.posting = posting

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        require_manage_server(interaction)  # before the cooldown
        self.bot.cooldowns.check("update_graphs", interaction)
        return True

    @app_commands.command(
        name=N_("update_graphs"), description=N_("Make the server graphs now and post them")
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def update_graphs(self, interaction: discord.Interaction[discord.Client]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        settings = self.bot.settings
        tr = self.bot.tr_for(interaction)
        loop = asyncio.get_running_loop()
        last_edit: float | None = None  # the first graph made is always shown

        async def progress(done: int, total: int) -> None:
            nonlocal last_edit
            if done < total and last_edit is not None and loop.time() - last_edit < EDIT_EVERY:
                return
            last_edit = loop.time()
            text = tr.ngettext(  # ``done``: graphs made; a graph that failed is not counted
                "{done} of {total} graph ready", "{done} of {total} graphs ready", total
            ).format(done=done, total=total)
            with contextlib.suppress(discord.HTTPException):  # a courtesy; the post matters
                await interaction.edit_original_response(content=fit_content(text))

        channel = await self.bot.graph_channel(settings)
        result = await self.posting.post(settings, channel, progress=progress)
        link = channel.jump_url(result.messages[0]) if result.messages else ""
        text = tr.ngettext(
            "Posted {count} graph: {link}", "Posted {count} graphs: {link}", result.posted
        ).format(count=result.posted, link=link)
        if result.failed:
            text += "\n" + tr._("Not made: {graphs}").format(graphs=", ".join(result.failed))
        if result.skipped_too_large:
            text += "\n" + tr._("Too large to upload: {graphs}").format(
                graphs=", ".join(result.skipped_too_large)
            )
        if result.stale_since is not None:
            when = discord.utils.format_dt(result.stale_since, "f")
            text += "\n" + tr._(STALE).format(when=when)
        await interaction.edit_original_response(content=fit_content(text))
