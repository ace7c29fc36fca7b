"""The graph channel port (services.posting.GraphChannel) over a discord.py text channel."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from pathlib import Path

import discord

from tgraph_bot.core.ids import ChannelId, MessageId

log = logging.getLogger(__name__)

# What the bot needs in CHANNEL_ID (discord.Permissions attribute names).
NEEDED_PERMISSIONS: tuple[str, ...] = (
    "view_channel",
    "send_messages",
    "attach_files",
    "embed_links",
    "read_message_history",
    "manage_messages",
)


def missing_permissions(perms: discord.Permissions) -> list[str]:
    return [name for name in NEEDED_PERMISSIONS if not getattr(perms, name)]


class DiscordGraphChannel:
    def __init__(self, channel: discord.TextChannel) -> None:
        self._channel = channel

    @property
    def channel_id(self) -> ChannelId:
        return ChannelId(self._channel.id)

    async def upload_limit(self) -> int:
        return self._channel.guild.filesize_limit

    async def delete(self, message: MessageId) -> None:
        with contextlib.suppress(discord.NotFound):
            await self._channel.get_partial_message(message).delete()

    async def send(self, content: str, files: Sequence[Path]) -> MessageId:
        sent = await self._channel.send(
            content or None, files=[discord.File(path, filename=path.name) for path in files]
        )
        return MessageId(sent.id)

    def jump_url(self, message: MessageId) -> str:
        return self._channel.get_partial_message(message).jump_url


__all__ = ["NEEDED_PERMISSIONS", "DiscordGraphChannel", "missing_permissions"]
