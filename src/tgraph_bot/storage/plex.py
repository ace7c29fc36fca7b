"""What the Plex module remembers: the metadata cache (migration 006) and two facts in meta.

- ``plex.playlist_sync_at``: when the Top Rated playlist was last synced, so a restart
  neither syncs again at once nor skips a due sync;
- ``plex.activity_message``: ``"channel_id:message_id"`` of the live activity message, so a
  restart edits the same message instead of posting a new one.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.jobs import MetaRunRecord

SYNC_KEY = "plex.playlist_sync_at"
ACTIVITY_KEY = "plex.activity_message"


class SqlitePlexStore:
    """The :class:`~tgraph_bot.services.ports.PlexStore`, and the MusicBrainz/Discogs answer
    cache (:class:`~tgraph_bot.adapters.musicbrainz.Cache`), over the program's database."""

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

    async def cached(self, url: str, max_age: timedelta, now: datetime) -> str | None:
        def work(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT body, fetched_at FROM metadata_cache WHERE url = ?", (url,)
            ).fetchone()
            if row is None or now - datetime.fromisoformat(str(row[1])) > max_age:
                return None
            return str(row[0])

        return await self._db.run(work)

    async def keep(self, url: str, body: str, now: datetime) -> None:
        stamp = now.astimezone(UTC).isoformat()
        await self._db.run(
            lambda conn: conn.execute(
                "INSERT INTO metadata_cache (url, body, fetched_at) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET body = excluded.body, "
                "fetched_at = excluded.fetched_at",
                (url, body, stamp),
            )
        )


__all__ = ["ACTIVITY_KEY", "SYNC_KEY", "SqlitePlexStore"]
