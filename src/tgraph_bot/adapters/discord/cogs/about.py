"""/about: what the bot is."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot import LICENSE_NAME, PROJECT_URL, __version__
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.i18n import N_


class AboutCog(commands.Cog):
    def __init__(self, bot: BotHost) -> None:
        self.bot = bot

    @app_commands.command(
        name=N_("about"), description=N_("What this bot is and where it comes from")
    )
    async def about(self, interaction: discord.Interaction[discord.Client]) -> None:
        tr = self.bot.tr_for(interaction)
        text = tr._(
            "**TGraph Bot** {version}: Tautulli statistics graphs for this Plex server, "
            "personal stats by DM, and a camera-time ranking.\nProject: <{url}>\nLicence: {licence}"
        ).format(version=__version__, url=PROJECT_URL, licence=LICENSE_NAME)
        await interaction.response.send_message(text, ephemeral=True)
