"""MusicBrainz's and Discogs's answers, kept in the program's database (migration 006).

Every good answer is kept by its URL, so asking again asks nobody until the answer is older
than the ``max_age`` the adapter asks with.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from tgraph_bot.storage.db import Database


class SqliteMetadataCache:
    """The :class:`~tgraph_bot.services.ports.plex.CreditsCache` of the credit sources."""

    def __init__(self, db: Database) -> None:
        self._db = db

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


__all__ = ["SqliteMetadataCache"]
