"""What the Plex module remembers: two facts in meta.

- ``plex.playlist_sync_at``: when the Top Rated playlist was last synced, so a restart
  neither syncs again at once nor skips a due sync;
- ``plex.activity_message``: ``"channel_id:message_id"`` of the live activity message, so a
  restart edits the same message instead of posting a new one.
"""

from __future__ import annotations

from datetime import datetime

from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.jobs import MetaRunRecord

SYNC_KEY = "plex.playlist_sync_at"
ACTIVITY_KEY = "plex.activity_message"


class SqlitePlexStore:
    """The :class:`~tgraph_bot.services.ports.plex.PlexStore` over the program's database."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sync = MetaRunRecord(db, SYNC_KEY)

    async def last_sync(self) -> datetime | None:
        return await self._sync.last_run()

    async def record_sync(self, at: datetime) -> None:
        await self._sync.record_run(at)

    async def activity_message(self) -> tuple[ChannelId, MessageId] | None:
        value = await self._db.run(lambda conn: meta.get(conn, ACTIVITY_KEY))
        if value is None or ":" not in value:
            return None
        channel, message = value.split(":", 1)
        return ChannelId(int(channel)), MessageId(int(message))

    async def record_activity_message(self, channel: ChannelId, message: MessageId) -> None:
        await self._db.run(lambda conn: meta.put(conn, ACTIVITY_KEY, f"{channel}:{message}"))


__all__ = ["ACTIVITY_KEY", "SYNC_KEY", "SqlitePlexStore"]
