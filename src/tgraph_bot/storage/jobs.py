"""The last successful run of a scheduled job, kept in the ``meta`` table (no migration)."""

from __future__ import annotations

from datetime import datetime

from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database


class MetaRunRecord:
    """A :class:`~tgraph_bot.services.jobs.RunRecord` under one meta key (the Plex playlist
    sync's is ``plex.playlist_sync_at``, storage.plex)."""

    def __init__(self, db: Database, key: str) -> None:
        self._db = db
        self._key = key

    async def last_run(self) -> datetime | None:
        return await self._db.run(lambda conn: meta.get_time(conn, self._key))

    async def record_run(self, at: datetime) -> None:
        await self._db.run(lambda conn: meta.put_time(conn, self._key, at))


__all__ = ["MetaRunRecord"]
