"""The DirectMessages port (services.ports) over discord.py: a member's own messages.

The DM channel is opened by the member's id alone (``POST /users/@me/channels``): the bot
has no members intent, and needs no user object to write to someone. Discord answers
403 with code 50007 when the member does not accept direct messages from the bot (their
privacy settings, or the bot is blocked): that is :attr:`Delivery.REFUSED`, a setting of
theirs the caller tells them about, never an exception that escapes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from tgraph_bot.adapters.discord.channel import send_composed
from tgraph_bot.core.ids import MemberId
from tgraph_bot.services.ports.messages import Delivery
from tgraph_bot.services.post_layout import OutgoingMessage

log = logging.getLogger(__name__)

DMS_REFUSED = 50007
"""Discord's code for "Cannot send messages to this user"."""


def refuses_dms(error: discord.HTTPException) -> bool:
    """Whether Discord refused a DM because the member does not accept them."""
    return isinstance(error, discord.Forbidden) and error.code == DMS_REFUSED


class DiscordDirectMessages:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def send(self, member: MemberId, messages: Sequence[OutgoingMessage]) -> Delivery:
        try:
            channel = await self._client.create_dm(discord.Object(member))
            for message in messages:
                await send_composed(channel, message)
        except discord.Forbidden as exc:
            if not refuses_dms(exc):
                raise
            log.info("member %d does not accept direct messages from the bot", member)
            return Delivery.REFUSED
        return Delivery.SENT


__all__ = ["DMS_REFUSED", "DiscordDirectMessages", "refuses_dms"]
