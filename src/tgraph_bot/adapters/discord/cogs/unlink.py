"""/unlink: an admin unlinks a member from their Plex user (Manage Server, like /link)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.checks import require_manage_server
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.core.ids import MemberId
from tgraph_bot.i18n import N_
from tgraph_bot.services.my_stats import ADMIN_NOT_LINKED, ADMIN_UNLINKED, MyStatsService


class UnlinkCog(commands.Cog):
    def __init__(self, bot: BotHost, service: MyStatsService) -> None:
        self.bot = bot
        self.service = service

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        require_manage_server(interaction)
        return True

    @app_commands.command(name=N_("unlink"), description=N_("Unlink a member from their Plex user"))
    @app_commands.describe(member=N_("The Discord member"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def unlink(
        self, interaction: discord.Interaction[discord.Client], member: discord.Member
    ) -> None:
        removed = await self.service.unlink(MemberId(member.id))
        text = ADMIN_UNLINKED if removed else ADMIN_NOT_LINKED
        await interaction.response.send_message(
            self.bot.tr_for(interaction)._(text).format(member=member.mention), ephemeral=True
        )


__all__ = ["UnlinkCog"]
