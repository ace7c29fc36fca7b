"""Posted graph messages and the last post time, per channel (migration 004), and the start
of a post still being sent (meta ``posting.sending:CHANNEL``, gone once it is recorded)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database, transaction


class SqlitePostingStore:
    """The :class:`~tgraph_bot.services.ports.posting.PostingStore` over the program's database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def last_post(self) -> datetime | None:
        """The last successful post in any channel (the schedule is one, not per channel)."""

        def work(conn: sqlite3.Connection) -> datetime | None:
            row = conn.execute("SELECT MAX(last_post_at) FROM graph_post").fetchone()
            return None if row[0] is None else datetime.fromisoformat(str(row[0])).astimezone(UTC)

        return await self._db.run(work)

    # The graph posting job's RunRecord (services.jobs): its last run is the last post.

    async def last_run(self) -> datetime | None:
        return await self.last_post()

    async def record_run(self, at: datetime) -> None:
        """Nothing to do: a post records its own time with its messages (record_post)."""

    async def posted_messages(self, channel: ChannelId) -> list[MessageId]:
        def work(conn: sqlite3.Connection) -> list[MessageId]:
            rows = conn.execute(
                "SELECT message_id FROM posted_message WHERE channel_id = ? ORDER BY message_id",
                (channel,),
            ).fetchall()
            return [MessageId(int(r[0])) for r in rows]

        return await self._db.run(work)

    async def remember_message(self, channel: ChannelId, message: MessageId, at: datetime) -> None:
        """Store one sent message at once, before the rest of its post is sent."""
        stamp = at.astimezone(UTC).isoformat()
        await self._db.run(
            lambda conn: transaction(conn, lambda c: _insert(c, channel, [message], stamp))
        )

    async def forget_messages(self, channel: ChannelId, messages: Sequence[MessageId]) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "DELETE FROM posted_message WHERE channel_id = ? AND message_id = ?",
                [(channel, m) for m in messages],
            )

        await self._db.run(lambda conn: transaction(conn, work))

    async def begin_post(self, channel: ChannelId, at: datetime) -> None:
        await self._db.run(lambda conn: meta.put_time(conn, _sending_key(channel), at))

    async def unfinished_post(self, channel: ChannelId) -> datetime | None:
        return await self._db.run(lambda conn: meta.get_time(conn, _sending_key(channel)))

    async def record_post(
        self, channel: ChannelId, messages: Sequence[MessageId], at: datetime
    ) -> None:
        """Remember a successful post: its messages (if not stored yet) and its time; the
        post is no longer unfinished."""
        stamp = at.astimezone(UTC).isoformat()

        def work(conn: sqlite3.Connection) -> None:
            _insert(conn, channel, messages, stamp)
            conn.execute(
                "INSERT INTO graph_post (channel_id, last_post_at) VALUES (?, ?) "
                "ON CONFLICT (channel_id) DO UPDATE SET last_post_at = excluded.last_post_at",
                (channel, stamp),
            )
            meta.delete(conn, _sending_key(channel))

        await self._db.run(lambda conn: transaction(conn, work))


def _sending_key(channel: ChannelId) -> str:
    return f"posting.sending:{channel}"


def _insert(
    conn: sqlite3.Connection, channel: ChannelId, messages: Sequence[MessageId], stamp: str
) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO posted_message (channel_id, message_id, posted_at) VALUES (?, ?, ?)",
        [(channel, m, stamp) for m in messages],
    )


__all__ = ["SqlitePostingStore"]
