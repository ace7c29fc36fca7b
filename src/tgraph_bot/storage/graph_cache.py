"""The last good answer of every graph request Tautulli answered (migration table
``tautulli_graph_cache``), so a graph can still be drawn, marked stale, while Tautulli is
unavailable (adapters.tautulli.CachedGraphSource decides when).

A database that fails here never fails a graph: a live answer that cannot be kept is still
drawn, and a kept answer that cannot be read is as good as none (both logged).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from tgraph_bot.core.graphdata import GraphKey
from tgraph_bot.storage.db import Database

log = logging.getLogger(__name__)


def _save(conn: sqlite3.Connection, key: GraphKey, body: str, fetched_at: datetime) -> None:
    conn.execute(
        "INSERT INTO tautulli_graph_cache "
        "(command, time_range, y_axis, user_id, body, fetched_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (command, time_range, y_axis, ifnull(user_id, -1)) "
        "DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
        (
            key.command,
            key.time_range,
            key.y_axis,
            key.user_id,
            body,
            fetched_at.isoformat(),
        ),
    )


def _load(conn: sqlite3.Connection, key: GraphKey) -> tuple[str, datetime] | None:
    row = conn.execute(
        "SELECT body, fetched_at FROM tautulli_graph_cache "
        "WHERE command = ? AND time_range = ? AND y_axis = ? AND user_id IS ?",
        (key.command, key.time_range, key.y_axis, key.user_id),
    ).fetchone()
    if row is None:
        return None
    return str(row[0]), datetime.fromisoformat(str(row[1])).astimezone(UTC)


class SqliteGraphCache:
    """The :class:`~tgraph_bot.services.ports.graphs.GraphCache` over the program's
    database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def keep(self, key: GraphKey, body: str, fetched_at: datetime) -> None:
        try:
            await self._db.run(lambda conn: _save(conn, key, body, fetched_at))
        except sqlite3.Error as exc:
            # The live answer is good; failing to keep a copy must not hide it.
            log.warning("could not keep the %s answer in the database: %s", key.command, exc)

    async def kept(self, key: GraphKey) -> tuple[str, datetime] | None:
        try:
            return await self._db.run(lambda conn: _load(conn, key))
        except sqlite3.Error as exc:
            log.warning("could not read the kept %s answer: %s", key.command, exc)
            return None


__all__ = ["SqliteGraphCache"]
