"""/uptime: how long the bot has been running."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.i18n import N_, Translator


def describe_duration(seconds: float, tr: Translator) -> str:
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts: list[str] = []
    if days:
        parts.append(tr.ngettext("{n} day", "{n} days", days).format(n=days))
    if hours:
        parts.append(tr.ngettext("{n} hour", "{n} hours", hours).format(n=hours))
    if minutes:
        parts.append(tr.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes))
    if secs or not parts:
        parts.append(tr.ngettext("{n} second", "{n} seconds", secs).format(n=secs))
    return ", ".join(parts)


class UptimeCog(commands.Cog):
    def __init__(self, bot: BotHost) -> None:
        self.bot = bot

    @app_commands.command(name=N_("uptime"), description=N_("How long the bot has been running"))
    async def uptime(self, interaction: discord.Interaction[discord.Client]) -> None:
        tr = self.bot.tr_for(interaction)
        started = self.bot.started_at or self.bot.clock()
        elapsed = (self.bot.clock() - started).total_seconds()
        text = tr._("Up for {duration} (since <t:{since}:f>).").format(
            duration=describe_duration(elapsed, tr), since=int(started.timestamp())
        )
        await interaction.response.send_message(text, ephemeral=True)
