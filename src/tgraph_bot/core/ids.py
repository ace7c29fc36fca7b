"""Distinct id types, so a Discord user id is never passed where a Tautulli user id belongs."""

from typing import NewType

GuildId = NewType("GuildId", int)
ChannelId = NewType("ChannelId", int)
MemberId = NewType("MemberId", int)
MessageId = NewType("MessageId", int)
TautulliUserId = NewType("TautulliUserId", int)
GraphId = NewType("GraphId", str)

__all__ = ["ChannelId", "GraphId", "GuildId", "MemberId", "MessageId", "TautulliUserId"]
