"""/my_stats email: the member's own graphs, by DM. Replies never reveal whether an email exists."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.core.ids import MemberId
from tgraph_bot.i18n import N_
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.posting import MAX_FILES_PER_MESSAGE

log = logging.getLogger(__name__)

DM_BLOCKED = 50007


class MyStatsCog(commands.Cog):
    def __init__(self, bot: TGraphBot, service: MyStatsService) -> None:
        self.bot = bot
        self.service = service

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        self.bot.cooldowns.check("my_stats", interaction)
        return True

    @app_commands.command(
        name=N_("my_stats"), description=N_("Get your own Plex statistics by direct message")
    )
    @app_commands.describe(email=N_("The email address of your Plex account"))
    async def my_stats(self, interaction: discord.Interaction[discord.Client], email: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        settings = self.bot.settings
        tr = self.bot.tr
        same_reply = tr._(
            "If that email belongs to an account on this Plex server, "
            "its statistics are on their way to you by direct message."
        )
        files = await self.service.graphs_for(
            settings, requester=MemberId(interaction.user.id), email=email
        )
        if not files:
            await interaction.followup.send(same_reply, ephemeral=True)
            return
        limit = interaction.guild.filesize_limit if interaction.guild else 10 * 1024 * 1024
        usable = [f for f in files if f.stat().st_size < limit]
        try:
            for i in range(0, len(usable), MAX_FILES_PER_MESSAGE):
                group = usable[i : i + MAX_FILES_PER_MESSAGE]
                await interaction.user.send(
                    tr.ngettext(
                        "Your Plex statistics for the last {days} day.",
                        "Your Plex statistics for the last {days} days.",
                        settings.TIME_RANGE_DAYS,
                    ).format(days=settings.TIME_RANGE_DAYS)
                    if i == 0
                    else None,
                    files=[discord.File(p, filename=p.name) for p in group],
                )
        except discord.Forbidden as exc:
            if exc.code != DM_BLOCKED:
                raise
            log.info("my_stats: member %d does not accept direct messages", interaction.user.id)
            await interaction.followup.send(
                tr._(
                    "I cannot send you direct messages. Allow direct messages from server "
                    "members (Privacy Settings of this server) and try again."
                ),
                ephemeral=True,
            )
            return
        await interaction.followup.send(same_reply, ephemeral=True)
