"""/help: what the bot does and every command the caller may use, in their language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_embed
from tgraph_bot.i18n import N_, Translator

Leaf = app_commands.Command[Any, ..., Any]
AnyCommand = Leaf | app_commands.Group


def may_use(command: AnyCommand, permissions: discord.Permissions | None) -> bool:
    """Discord's default_permissions rule: the member holds every permission it names."""
    needed = command.default_permissions
    root = command.root_parent
    if needed is None and root is not None:
        needed = root.default_permissions
    if needed is None:
        return True
    return permissions is not None and needed.is_subset(permissions)


def leaves(command: AnyCommand) -> list[Leaf]:
    if isinstance(command, app_commands.Group):
        return [leaf for sub in command.commands for leaf in leaves(sub)]
    return [command]


def help_embed(
    tr: Translator,
    commands_: Sequence[AnyCommand],
    permissions: discord.Permissions | None,
    mention: Callable[[str], str],
) -> discord.Embed:
    lines: list[str] = []
    for command in sorted(commands_, key=lambda c: c.name):
        for leaf in leaves(command):
            if may_use(leaf, permissions):
                description = leaf.description
                text = tr._(str(description)) if description else ""
                lines.append(f"{mention(leaf.qualified_name)} — {text}")
    embed = discord.Embed(
        title=tr._("TGraph Bot"),
        description=tr._(
            "Statistics of this Plex server from Tautulli: graphs posted to the server on a "
            "schedule, your own statistics privately by DM, and a ranking of camera time in "
            "the voice channels."
        ),
        colour=discord.Colour.blurple(),
    )
    embed.add_field(name=tr._("Commands you can use"), value="\n".join(lines), inline=False)
    return embed


class HelpCog(commands.Cog):
    def __init__(self, bot: BotHost) -> None:
        self.bot = bot

    @app_commands.command(name=N_("help"), description=N_("What this bot does and its commands"))
    async def help(self, interaction: discord.Interaction[discord.Client]) -> None:
        tr = self.bot.tr_for(interaction)
        member = interaction.user
        permissions = member.guild_permissions if isinstance(member, discord.Member) else None
        found = self.bot.tree.get_commands(type=discord.AppCommandType.chat_input)
        embed = help_embed(tr, found, permissions, self.bot.mention)
        await interaction.response.send_message(embed=fit_embed(embed), ephemeral=True)
