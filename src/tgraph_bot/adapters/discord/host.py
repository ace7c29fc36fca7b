"""What a cog may ask of the bot that hosts it (TGraphBot satisfies it).

Cogs depend on this, never on bot.py: the bot is built from its parts, the cogs from
their services and this host (app.bot_cogs, the one place cogs are made), and neither
imports the other's module. Everything a cog needs of Discord beyond its commands comes
from here: the live settings and clock, the member's language (one rule for every
command), readiness and the connection, channels, direct messages, and listeners run
inside dispatch; so no cog reaches for discord.py's private hooks. A cog that follows
settings changes (to reschedule its jobs) implements :class:`FollowsSettings`; the bot
calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.channel import DiscordGraphChannel
from tgraph_bot.adapters.discord.checks import CooldownGate
from tgraph_bot.adapters.discord.dispatch import SyncListener
from tgraph_bot.config.schema import Settings
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.i18n import Translator
from tgraph_bot.services.ports.messages import DirectMessages

Asker = discord.Interaction[discord.Client] | commands.Context[Any] | None
"""Who a reply is for: a slash command's interaction, a prefix command's context (which
has no locale), or nobody in particular (a channel post)."""


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

    def tr_for(self, asker: Asker = None) -> Translator:
        """The member's Discord language when we have it (any English locale is English),
        else LANGUAGE: the one language rule of every reply."""
        ...

    def mention(self, command: str) -> str:
        """A clickable ``</command:ID>`` once the tree is synced; ``/command`` before."""
        ...

    async def graph_channel(self, settings: Settings) -> DiscordGraphChannel:
        """CHANNEL_ID as a channel graphs can be posted to, or ChannelUnavailableError."""
        ...

    def text_channel(self, channel_id: int) -> discord.TextChannel | None:
        """A text channel the bot can see, from its cache; None otherwise."""
        ...

    def partial_message(self, channel_id: int, message_id: int) -> discord.PartialMessage:
        """A message to edit or delete by its ids (no channel lookup)."""
        ...

    @property
    def dms(self) -> DirectMessages:
        """Members' direct messages, with the refused-DM answer (services.ports)."""
        ...

    # -- readiness and the connection ----------------------------------------------------

    @property
    def guilds(self) -> Sequence[discord.Guild]: ...

    def is_ready(self) -> bool: ...

    async def wait_until_ready(self) -> None: ...

    def connected(self) -> bool:
        """Ready, and the gateway open now (events are arriving)."""
        ...

    def gateway_position(self) -> tuple[str | None, int | None]:
        """The gateway session and the number of the event being parsed (inside a
        synchronous listener); None for what the gateway does not say."""
        ...

    def add_sync_listener(self, event: str, func: SyncListener) -> None:
        """Call ``func(*args)`` inside dispatch whenever ``event`` (no ``on_``) arrives."""
        ...

    def remove_sync_listener(self, event: str, func: SyncListener) -> None: ...


@runtime_checkable
class FollowsSettings(Protocol):
    """A cog that wants to hear of settings changes (e.g. to reschedule its jobs)."""

    def settings_changed(self, old: Settings, new: Settings) -> None:
        """Called on the event loop after the settings changed; must not block."""
        ...


__all__ = ["Asker", "BotHost", "FollowsSettings"]
