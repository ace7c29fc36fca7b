"""/config view [key] and /config edit key value (admins: Manage Server by default)."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.config.problems import unknown_key
from tgraph_bot.config.schema import EDITABLE_KEYS, KEYS
from tgraph_bot.config.store import display_value
from tgraph_bot.errors import ConfigError
from tgraph_bot.i18n import N_

MESSAGE_LIMIT = 1900


def _choices(keys: tuple[str, ...], typed: str) -> list[app_commands.Choice[str]]:
    needle = typed.strip().upper()
    found = [k for k in keys if needle in k]
    found.sort(key=lambda k: (not k.startswith(needle), k))
    return [app_commands.Choice(name=k, value=k) for k in found[:25]]


def chunk_lines(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class ConfigCog(
    commands.GroupCog, group_name=N_("config"), group_description=N_("View or change the settings")
):
    def __init__(self, bot: TGraphBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        self.bot.cooldowns.check("config", interaction)
        return True

    @app_commands.command(
        name=N_("view"), description=N_("Show the settings (secrets are never shown)")
    )
    @app_commands.describe(key=N_("One setting; all of them when left out"))
    async def view(
        self, interaction: discord.Interaction[discord.Client], key: str | None = None
    ) -> None:
        settings = self.bot.settings
        if key is not None:
            name = key.strip().upper()
            if name not in KEYS:
                raise ConfigError([unknown_key(key)])
            lines = [f"{name}: {display_value(settings, name)}"]
        else:
            lines = [f"{k}: {display_value(settings, k)}" for k in KEYS]
        chunks = [f"```yaml\n{c}\n```" for c in chunk_lines(lines)]
        await interaction.response.send_message(chunks[0], ephemeral=True)
        for chunk in chunks[1:]:
            await interaction.followup.send(chunk, ephemeral=True)

    @view.autocomplete("key")
    async def _view_key(
        self, interaction: discord.Interaction[discord.Client], current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(KEYS, current)

    @app_commands.command(name=N_("edit"), description=N_("Change a setting; it applies at once"))
    @app_commands.describe(key=N_("The setting to change"), value=N_("Its new value"))
    async def edit(
        self, interaction: discord.Interaction[discord.Client], key: str, value: str
    ) -> None:
        name = key.strip().upper()
        # Validated, saved with the file's comments kept, and published to subscribers.
        result = await asyncio.to_thread(self.bot.store.set, name, value)
        tr = self.bot.tr_for(interaction)  # after the edit: a new LANGUAGE is the new fallback
        text = tr._("{key} is now {value}.").format(
            key=name, value=display_value(result.settings, name)
        )
        if result.overridden_by_environment:
            text += "\n" + tr._(
                "Note: {key} is also set in the environment or .env, which wins over the file."
            ).format(key=name)
        await interaction.response.send_message(text, ephemeral=True)

    @edit.autocomplete("key")
    async def _edit_key(
        self, interaction: discord.Interaction[discord.Client], current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(EDITABLE_KEYS, current)
