"""The graph channel and what is remembered of the posts made to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.services.post_layout import OutgoingMessage


class PostingStore(Protocol):
    """The posted graph messages and the time of the last post, per channel.

    It is also the graph posting job's RunRecord (services.jobs): its last run is the last
    post, which :meth:`record_post` stores with the post's messages.
    """

    async def last_post(self) -> datetime | None:
        """The last successful post in any channel."""
        ...

    async def last_run(self) -> datetime | None: ...

    async def record_run(self, at: datetime) -> None: ...

    async def posted_messages(self, channel: ChannelId) -> list[MessageId]: ...

    async def remember_message(self, channel: ChannelId, message: MessageId, at: datetime) -> None:
        """Store one sent message at once, before the rest of its post is sent."""
        ...

    async def forget_messages(self, channel: ChannelId, messages: Sequence[MessageId]) -> None: ...

    async def begin_post(self, channel: ChannelId, at: datetime) -> None:
        """A post to ``channel`` starts sending now (:meth:`record_post` ends it)."""
        ...

    async def unfinished_post(self, channel: ChannelId) -> datetime | None:
        """When a post to ``channel`` began that never finished (a crash), if one did."""
        ...

    async def record_post(
        self, channel: ChannelId, messages: Sequence[MessageId], at: datetime
    ) -> None:
        """Remember a successful post: its messages (if not stored yet) and its time; the
        post is no longer unfinished."""
        ...


class GraphChannel(Protocol):
    """The channel graphs are posted to."""

    @property
    def channel_id(self) -> ChannelId: ...

    async def upload_limit(self) -> int:
        """The largest file the channel accepts, in bytes."""
        ...

    async def delete(self, message: MessageId) -> None:
        """Delete one of our messages; a message already gone is not an error."""
        ...

    async def send(self, message: OutgoingMessage) -> MessageId: ...

    async def own_messages_since(self, moment: datetime) -> list[tuple[MessageId, list[str]]]:
        """Our own messages in the channel created at or after ``moment``, each with the
        file names it carries, attached or shown by its embeds or its media galleries (a post
        that was cut short looks for what it left)."""
        ...

    def mention(self, command: str) -> str:
        """How a reply names a slash command: a clickable mention where one is known."""
        ...


__all__ = ["GraphChannel", "PostingStore"]
