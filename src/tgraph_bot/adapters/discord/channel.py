"""The graph channel port (services.posting.GraphChannel) over a discord.py text channel."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import discord

from tgraph_bot.adapters.discord.limits import fit_content, fit_embeds
from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.services.post_layout import Embed, OutgoingMessage

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


def invite_url(application_id: int) -> str:
    """The link that adds the bot with exactly the permissions it needs, and its commands."""
    permissions = discord.Permissions(**dict.fromkeys(NEEDED_PERMISSIONS, True))
    return discord.utils.oauth_url(
        application_id, permissions=permissions, scopes=("bot", "applications.commands")
    )


def missing_permissions(perms: discord.Permissions) -> list[str]:
    return [name for name in NEEDED_PERMISSIONS if not getattr(perms, name)]


def to_embed(spec: Embed) -> discord.Embed:
    embed = discord.Embed(
        title=spec.title, description=spec.description or None, colour=spec.colour
    )
    for item in spec.fields:
        embed.add_field(name=item.name, value=item.value, inline=item.inline)
    if spec.image is not None:
        embed.set_image(url=f"attachment://{spec.image}")
    if spec.footer:
        embed.set_footer(text=spec.footer)
    return embed


async def send_composed(
    target: discord.abc.Messageable, message: OutgoingMessage
) -> discord.Message:
    """Send one composed message (services.post_layout) to a channel or a DM."""
    return await target.send(
        content=fit_content(message.content or None),
        embeds=fit_embeds(to_embed(e) for e in message.embeds),
        files=[
            discord.File(a.path, filename=a.filename, description=a.description)
            for a in message.files
        ],
    )


def file_name(url: str) -> str:
    """The file an embed's image URL names: ``attachment://users.png`` as sent, or the
    CDN address Discord answers with (``https://cdn…/attachments/C/A/users.png?ex=…``)."""
    if url.startswith("attachment://"):
        return url.removeprefix("attachment://")
    return unquote(PurePosixPath(urlsplit(url).path).name)


def files_of(message: discord.Message) -> list[str]:
    """The names of the files a message carries. Discord lists a file among the message's
    attachments only when no embed shows it; a file an embed shows (``attachment://``) is
    named by that embed's image URL alone, so both are read."""
    names = [a.filename for a in message.attachments]
    for embed in message.embeds:
        names += [file_name(url) for url in (embed.image.url, embed.thumbnail.url) if url]
    return names


def plain_mention(command: str) -> str:
    return f"/{command}"


class DiscordGraphChannel:
    def __init__(
        self, channel: discord.TextChannel, mention: Callable[[str], str] = plain_mention
    ) -> None:
        self._channel = channel
        self._mention = mention

    @property
    def channel_id(self) -> ChannelId:
        return ChannelId(self._channel.id)

    async def upload_limit(self) -> int:
        return self._channel.guild.filesize_limit

    async def delete(self, message: MessageId) -> None:
        with contextlib.suppress(discord.NotFound):
            await self._channel.get_partial_message(message).delete()

    async def send(self, message: OutgoingMessage) -> MessageId:
        sent = await send_composed(self._channel, message)
        return MessageId(sent.id)

    async def own_messages_since(self, moment: datetime) -> list[tuple[MessageId, list[str]]]:
        """Ours since ``moment`` (a second earlier: Discord's clock is not ours), oldest
        first; at most 100, far more than one post sends."""
        me = self._channel.guild.me.id
        since = moment - timedelta(seconds=1)
        return [
            (MessageId(m.id), files_of(m))
            async for m in self._channel.history(after=since, limit=100, oldest_first=True)
            if m.author.id == me
        ]

    def mention(self, command: str) -> str:
        return self._mention(command)

    def jump_url(self, message: MessageId) -> str:
        return self._channel.get_partial_message(message).jump_url


__all__ = [
    "NEEDED_PERMISSIONS",
    "DiscordGraphChannel",
    "file_name",
    "files_of",
    "invite_url",
    "missing_permissions",
    "plain_mention",
    "send_composed",
    "to_embed",
]
