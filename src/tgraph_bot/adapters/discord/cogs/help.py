"""/help: what the bot does and every command the caller may use, in their language.

Every command is listed whole: the lines are packed into fields without cutting one
(a field holds 1,024 characters, about a dozen ``</name:id>`` mentions with their
descriptions), within 25 fields and 6,000 characters a message; more goes to a second
message. A member is offered only what the bot lets them run: the admin commands and
subcommands need Manage Server (:func:`~tgraph_bot.adapters.discord.checks.is_admin_command`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.checks import (
    is_admin_command,
    may_manage_server,
    needs_manage_server,
)
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import (
    EMBED_TOTAL,
    FIELDS,
    fit_content,
    fit_embed,
    pack_lines,
)
from tgraph_bot.i18n import N_, Translator

Leaf = app_commands.Command[Any, ..., Any]
AnyCommand = Leaf | app_commands.Group

CONTINUED = "\u200b"
"""The name of a field that continues the one above it (Discord needs a name)."""


def leaves(command: AnyCommand) -> list[Leaf]:
    if isinstance(command, app_commands.Group):
        return [leaf for sub in command.commands for leaf in leaves(sub)]
    return [command]


def command_lines(
    tr: Translator,
    commands_: Sequence[AnyCommand],
    mention: Callable[[str], str],
    *,
    admin: bool,
) -> list[str]:
    """One line per command that is (``admin``) or is not an admin command, by name."""
    lines: list[str] = []
    for command in sorted(commands_, key=lambda c: c.name):
        for leaf in leaves(command):
            if is_admin_command(leaf) == admin:
                text = tr._(str(leaf.description)) if leaf.description else ""
                lines.append(f"{mention(leaf.qualified_name)} — {text}")
    return lines


def help_embeds(
    tr: Translator,
    commands_: Sequence[AnyCommand],
    mention: Callable[[str], str],
    *,
    admin: bool,
) -> list[discord.Embed]:
    """The help, one embed per message: the first says what the bot does; the commands
    fill fields (a section's later fields are continuations) and further embeds."""
    colour = discord.Colour.blurple()
    embeds = [
        discord.Embed(
            title=tr._("TGraph Bot"),
            description=tr._(
                "Statistics of this Plex server from Tautulli: graphs posted to the server on "
                "a schedule, your own statistics privately by DM, and a ranking of camera "
                "time in the voice channels."
            ),
            colour=colour,
        )
    ]
    sections = [(tr._("Commands you can use"), command_lines(tr, commands_, mention, admin=False))]
    if admin:
        sections.append(
            (
                tr._("Admin commands (Manage Server)"),
                command_lines(tr, commands_, mention, admin=True),
            )
        )
    for title, lines in sections:
        for number, value in enumerate(pack_lines(lines)):
            name = title if number == 0 else CONTINUED
            current = embeds[-1]
            if len(current.fields) == FIELDS or len(current) + len(name) + len(value) > EMBED_TOTAL:
                current = discord.Embed(colour=colour)
                embeds.append(current)
            current.add_field(name=name, value=value, inline=False)
    return embeds


def prefix_help(
    tr: Translator,
    found: Sequence[commands.Command[Any, ..., Any]],
    prefix: str,
    mention: Callable[[str], str],
    *,
    admin: bool,
) -> str:
    """``!help``: the text commands the caller may run, and where every command is."""
    lines = [tr._("Text commands:")]
    for command in sorted(found, key=lambda c: c.qualified_name):
        if isinstance(command, commands.Group) or command.name == "help":
            continue
        if needs_manage_server(command) and not admin:
            continue
        text = tr._(command.description) if command.description else ""
        lines.append(f"`{prefix}{command.qualified_name}` — {text}")
    lines.append(tr._("Every command, and what it does: {help}").format(help=mention("help")))
    return "\n".join(lines)


class HelpCog(commands.Cog):
    def __init__(self, bot: BotHost) -> None:
        self.bot = bot

    @app_commands.command(name=N_("help"), description=N_("What this bot does and its commands"))
    async def help(self, interaction: discord.Interaction[discord.Client]) -> None:
        tr = self.bot.tr_for(interaction)
        found = self.bot.tree.get_commands(type=discord.AppCommandType.chat_input)
        admin = may_manage_server(interaction.user)
        first, *more = help_embeds(tr, found, self.bot.mention, admin=admin)
        await interaction.response.send_message(embed=fit_embed(first), ephemeral=True)
        for embed in more:
            await interaction.followup.send(embed=fit_embed(embed), ephemeral=True)

    @commands.command(name="help")
    async def help_text_command(self, ctx: commands.Context[Any]) -> None:
        """``!help`` (with ENABLE_PREFIX_COMMANDS): a prefix command has no member locale,
        so it answers in LANGUAGE (the host's one language rule)."""
        tr = self.bot.tr_for(ctx)
        found = list(ctx.bot.walk_commands())
        admin = may_manage_server(ctx.author)
        text = prefix_help(tr, found, ctx.clean_prefix, self.bot.mention, admin=admin)
        await ctx.send(fit_content(text))
