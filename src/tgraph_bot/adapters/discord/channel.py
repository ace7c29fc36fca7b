"""The graph channel port (services.posting.GraphChannel) over a discord.py text channel."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import discord
from discord import ui
from discord.components import Component, Container, FileComponent, MediaGalleryComponent
from discord.http import handle_message_parameters

from tgraph_bot.adapters.discord.limits import fit_content, fit_embeds, fit_texts
from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.services.post_layout import EMBED_COLOUR, Embed, OutgoingMessage

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


NO_PINGS = discord.AllowedMentions.none()
"""A graph post names no one to notify (the bot's own default, said again here so
:func:`payload` is what is sent)."""


def to_view(message: OutgoingMessage) -> ui.LayoutView:
    """A Components V2 message: one card in Plex's amber with the texts (a line between
    them), then the files as a media gallery, each with its alt text. At most five
    components, far under Discord's 40; the texts are fitted to its 4,000 characters."""
    parts: list[ui.Item[ui.LayoutView]] = []
    for text in fit_texts(message.texts):
        if parts:
            parts.append(ui.Separator())
        parts.append(ui.TextDisplay(text))
    if message.files:
        items = [
            discord.MediaGalleryItem(f"attachment://{a.filename}", description=a.description)
            for a in message.files
        ]
        parts.append(ui.MediaGallery(*items))
    view = ui.LayoutView(timeout=None)
    view.add_item(ui.Container(*parts, accent_colour=EMBED_COLOUR))
    return view


def _files(message: OutgoingMessage) -> list[discord.File]:
    return [
        discord.File(a.path, filename=a.filename, description=a.description) for a in message.files
    ]


def _content(message: OutgoingMessage) -> str | None:
    return fit_content(message.content or None)


def _embeds(message: OutgoingMessage) -> list[discord.Embed]:
    return fit_embeds(to_embed(e) for e in message.embeds)


async def send_composed(
    target: discord.abc.Messageable, message: OutgoingMessage
) -> discord.Message:
    """Send one composed message (services.post_layout) to a channel or a DM."""
    if message.gallery:
        return await target.send(
            view=to_view(message), files=_files(message), allowed_mentions=NO_PINGS
        )
    return await target.send(
        content=_content(message),
        embeds=_embeds(message),
        files=_files(message),
        allowed_mentions=NO_PINGS,
    )


def payload(message: OutgoingMessage) -> dict[str, Any]:
    """The JSON :func:`send_composed` sends Discord for ``message`` (``payload_json``: content,
    embeds or components, flags, and each file's name and alt text), made by discord.py
    from the same objects and read back from the very ``payload_json`` text it would upload,
    so a preview cannot drift from the post. Only the nonce that
    discord.py draws for each send is not in it. Opens the files (their contents are not
    in the JSON): call it in a thread."""
    gallery = message.gallery
    with handle_message_parameters(
        content=None if gallery else _content(message),
        embeds=discord.utils.MISSING if gallery else _embeds(message),
        view=to_view(message) if gallery else None,
        files=_files(message),
        allowed_mentions=NO_PINGS,
        previous_allowed_mentions=NO_PINGS,
    ) as params:
        if params.payload is not None:  # no files: the JSON is the whole body
            return params.payload
        first: dict[str, Any] = (params.multipart or [{}])[0]
        sent: dict[str, Any] = json.loads(str(first["value"]))  # payload_json, as uploaded
        return sent


def file_name(url: str) -> str:
    """The file an embed's image URL names: ``attachment://users.png`` as sent, or the
    CDN address Discord answers with (``https://cdn…/attachments/C/A/users.png?ex=…``)."""
    if url.startswith("attachment://"):
        return url.removeprefix("attachment://")
    return unquote(PurePosixPath(urlsplit(url).path).name)


def _media_urls(components: Iterable[Component]) -> Iterator[str]:
    """The addresses of the media a message's components show, cards' insides included."""
    for component in components:
        if isinstance(component, MediaGalleryComponent):
            yield from (item.media.url for item in component.items)
        elif isinstance(component, FileComponent):
            yield component.media.url
        elif isinstance(component, Container):
            yield from _media_urls(component.children)


def files_of(message: discord.Message) -> list[str]:
    """The names of the files a message carries. Discord lists a file among the message's
    attachments only when no embed shows it; a file an embed shows (``attachment://``) is
    named by that embed's image URL alone, and one a media gallery shows (the ``gallery``
    layout) by the gallery item's URL, so all three are read."""
    names = [a.filename for a in message.attachments]
    for embed in message.embeds:
        names += [file_name(url) for url in (embed.image.url, embed.thumbnail.url) if url]
    names += [file_name(url) for url in _media_urls(message.components) if url]
    return list(dict.fromkeys(names))  # a file both attached and shown is named once


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
    "payload",
    "plain_mention",
    "send_composed",
    "to_embed",
    "to_view",
]
