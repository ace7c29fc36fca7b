"""A member's direct messages: what the bot sends them privately (their stats, their Wrapped).

:class:`DirectMessages` is implemented by adapters.discord.dms.DiscordDirectMessages.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Protocol

from tgraph_bot.core.ids import MemberId
from tgraph_bot.services.post_layout import OutgoingMessage


class Delivery(Enum):
    """What became of a member's direct messages (:meth:`DirectMessages.send`)."""

    SENT = "sent"
    REFUSED = "refused"
    """The member does not accept direct messages from the bot (Discord's 50007): a
    setting of theirs, not a failure; nothing was sent and nothing more is tried."""


class DirectMessages(Protocol):
    """A member's direct messages (adapters.discord.dms.DiscordDirectMessages)."""

    async def send(self, member: MemberId, messages: Sequence[OutgoingMessage]) -> Delivery:
        """Send ``messages`` to the member, in order. A member who does not accept DMs is
        :attr:`Delivery.REFUSED` (an answer, never an exception); any other failure raises."""
        ...


__all__ = ["Delivery", "DirectMessages"]
