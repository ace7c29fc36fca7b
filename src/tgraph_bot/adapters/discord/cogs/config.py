"""/config view [key] and /config edit key value (admins: Manage Server by default, and
checked by the bot itself)."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.checks import require_manage_server
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_content, fit_embed, fit_embeds
from tgraph_bot.config.display import clip
from tgraph_bot.config.problems import ConfigError, unknown_key
from tgraph_bot.config.sample import allowed_values, sample_doc
from tgraph_bot.config.schema import DISCORD_EDITABLE_KEYS, KEYS, Settings
from tgraph_bot.config.store import display_value, is_default
from tgraph_bot.i18n import N_, Translator


def _choices(keys: tuple[str, ...], typed: str) -> list[app_commands.Choice[str]]:
    needle = typed.strip().upper()
    found = [k for k in keys if needle in k]
    found.sort(key=lambda k: (not k.startswith(needle), k))
    return [app_commands.Choice(name=k, value=k) for k in found[:25]]


EMBED_BUDGET = 5500  # Discord allows 6000 characters over a message's embeds
SECTION_TITLES = {
    "Essentials": N_("Essentials"),
    "Timing and retention": N_("Timing and retention"),
    "Graph options": N_("Graph options"),
    "Graph colours": N_("Graph colours"),
    "Annotations": N_("Annotations"),
    "Command cooldowns": N_("Command cooldowns"),
    "Personal stats": N_("Personal stats"),
    "Camera ranking": N_("Camera ranking"),
    "Plex automation": N_("Plex automation"),
    "Wrapped": N_("Wrapped"),
    "Advanced": N_("Advanced"),
}


def section_title(title: str, tr: Translator) -> str:
    """The sample's section heading, translated (its first words name it)."""
    for english, marked in SECTION_TITLES.items():
        if title.startswith(english):
            return tr._(marked)
    return title or tr._("Settings")


LISTED_VALUE = 300
"""The most characters of one value in the list of all settings: one long value must not
push the keys after it out of their section's embed."""


def key_line(
    settings: Settings,
    key: str,
    tr: Translator,
    from_env: frozenset[str],
    shown: int = LISTED_VALUE,
) -> str:
    marks: list[str] = []
    if not is_default(settings, key):
        marks.append(tr._("changed"))
    if key in from_env:
        marks.append(tr._("from the environment"))
    line = f"`{key}` {clip(display_value(settings, key, tr), shown)}"
    return line + (f" · *{', '.join(marks)}*" if marks else "")


def settings_embeds(
    settings: Settings, tr: Translator, from_env: frozenset[str]
) -> list[list[discord.Embed]]:
    """One embed per section of config.yml.sample; as many messages as Discord needs."""
    messages: list[list[discord.Embed]] = [[]]
    used = 0
    for section in sample_doc().sections:
        title = section_title(section.title, tr)
        text = "\n".join(key_line(settings, k, tr, from_env) for k in section.keys)
        size = len(title) + len(text)
        if messages[-1] and (used + size > EMBED_BUDGET or len(messages[-1]) == 10):
            messages.append([])
            used = 0
        messages[-1].append(
            discord.Embed(title=title, description=text, colour=discord.Colour.blurple())
        )
        used += size
    return messages


def key_embed(
    settings: Settings, key: str, tr: Translator, from_env: frozenset[str]
) -> discord.Embed:
    """One key: value, marks, the sample's comment and what is allowed."""
    doc = sample_doc()
    comment = doc.comments.get(key)
    embed = discord.Embed(
        title=key,
        description=tr._(comment) if comment else None,  # in the catalog: extract_comments
        colour=discord.Colour.blurple(),
    )
    value = key_line(settings, key, tr, from_env, shown=900)  # the field holds 1,024
    embed.add_field(name=tr._("Value"), value=value, inline=False)
    allowed = allowed_values(key, tr)
    if allowed:
        embed.add_field(name=tr._("Allowed"), value=allowed)
    default = display_value(Settings(), key, tr)
    embed.add_field(name=tr._("Default"), value=default)
    section = next((s.title for s in doc.sections if key in s.keys), "")
    if section:
        embed.set_footer(text=section_title(section, tr))
    return embed


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class ConfigCog(
    commands.GroupCog, group_name=N_("config"), group_description=N_("View or change the settings")
):
    def __init__(self, bot: BotHost) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        require_manage_server(interaction)  # every subcommand; before the cooldown
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
        tr = self.bot.tr_for(interaction)
        from_env = frozenset(self.bot.store.overrides())
        if key is not None:
            name = key.strip().upper()
            if name not in KEYS:
                raise ConfigError([unknown_key(key)])
            embed = key_embed(settings, name, tr, from_env)
            await interaction.response.send_message(embed=fit_embed(embed), ephemeral=True)
            return
        messages = settings_embeds(settings, tr, from_env)
        await interaction.response.send_message(embeds=fit_embeds(messages[0]), ephemeral=True)
        for embeds in messages[1:]:
            await interaction.followup.send(embeds=fit_embeds(embeds), ephemeral=True)

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
        result = await asyncio.to_thread(self.bot.store.set, name, value, from_discord=True)
        tr = self.bot.tr_for(interaction)  # after the edit: a new LANGUAGE is the new fallback
        text = tr._("{key} is now {value}.").format(
            key=name, value=clip(display_value(result.settings, name))
        )
        text += " " + (
            tr._("It takes effect when the bot restarts.")
            if result.needs_restart
            else tr._("Applied now.")
        )
        if result.overridden_by_environment:
            text += "\n" + tr._(
                "Note: {key} is also set in the environment or .env, which wins over the file."
            ).format(key=name)
        await interaction.response.send_message(fit_content(text), ephemeral=True)

    @edit.autocomplete("key")
    async def _edit_key(
        self, interaction: discord.Interaction[discord.Client], current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(DISCORD_EDITABLE_KEYS, current)
