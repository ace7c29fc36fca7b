"""What a cog may ask of the bot that hosts it (TGraphBot satisfies it).

Cogs depend on this, never on bot.py: the bot is built from its parts, the cogs from
their services (in app.py), and neither imports the other's module. A cog that follows
settings changes (to reschedule its jobs) implements :class:`FollowsSettings`; the bot
calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import discord
from discord import app_commands

from tgraph_bot.adapters.discord.channel import DiscordGraphChannel
from tgraph_bot.adapters.discord.checks import CooldownGate
from tgraph_bot.config.schema import Settings
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.i18n import Translator
from tgraph_bot.services.ports import DirectMessages


class BotHost(Protocol):
    @property
    def store(self) -> ConfigStore: ...

    @property
    def settings(self) -> Settings:
        """The live settings (they change with /config edit)."""
        ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

    @property
    def started_at(self) -> datetime | None: ...

    @property
    def cooldowns(self) -> CooldownGate: ...

    @property
    def tree(self) -> app_commands.CommandTree[Any]: ...

    def tr_for(self, interaction: discord.Interaction[discord.Client]) -> Translator:
        """The member's Discord language when we have it (any English locale is English),
        else LANGUAGE."""
        ...

    def mention(self, command: str) -> str:
        """A clickable ``</command:ID>`` once the tree is synced; ``/command`` before."""
        ...

    async def graph_channel(self, settings: Settings) -> DiscordGraphChannel:
        """CHANNEL_ID as a channel graphs can be posted to, or ChannelUnavailableError."""
        ...

    @property
    def dms(self) -> DirectMessages:
        """Members' direct messages, with the refused-DM answer (services.ports)."""
        ...


@runtime_checkable
class FollowsSettings(Protocol):
    """A cog that wants to hear of settings changes (e.g. to reschedule its jobs)."""

    def settings_changed(self, old: Settings, new: Settings) -> None:
        """Called on the event loop after the settings changed; must not block."""
        ...


__all__ = ["BotHost", "FollowsSettings"]
