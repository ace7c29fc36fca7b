"""The play-history mirror's tables: rows upserted by Tautulli's row id, and a count per month.

:class:`SqliteHistoryStore` is the :class:`~tgraph_bot.services.ports.history.HistoryStore` the
history services use; every method runs on the database thread, writes in one transaction.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import astuple
from datetime import date, datetime

from tgraph_bot.core.history import MEDIA_TYPES, Play
from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database, transaction

_COLUMNS = (
    "row_id, reference_id, user_id, user_name, started, stopped, paused_seconds, media_type, "
    "rating_key, grandparent_rating_key, title, parent_title, grandparent_title, year, "
    "platform, player, transcode_decision, percent_complete"
)
_UPSERT = (
    f"INSERT OR REPLACE INTO play_history ({_COLUMNS}) "
    f"VALUES ({', '.join('?' for _ in _COLUMNS.split(','))})"
)
_SYNCED_DAY = "history.synced_through"  # the last day fully asked for (Tautulli's days)
_SYNCED_AT = "history.synced_at"  # when the last sync ended
_CHECKED_AT = "history.checked_at"  # when the months were last compared with Tautulli's


def _n(value: object) -> int:
    """A whole number as SQLite gives it back (an int, in a STRICT table)."""
    return value if isinstance(value, int) else int(str(value))


def _text(value: object) -> str:
    """Titles, names and players repeat across thousands of rows: one string each."""
    return sys.intern(str(value))


def _play(row: Sequence[object]) -> Play:
    media = str(row[7])
    return Play(
        row_id=_n(row[0]),
        reference_id=_n(row[1]),
        user_id=_n(row[2]),
        user_name=_text(row[3]),
        started=_n(row[4]),
        stopped=_n(row[5]),
        paused_seconds=_n(row[6]),
        media_type=media if media in MEDIA_TYPES else "movie",
        rating_key=None if row[8] is None else _n(row[8]),
        grandparent_rating_key=None if row[9] is None else _n(row[9]),
        title=_text(row[10]),
        parent_title=_text(row[11]),
        grandparent_title=_text(row[12]),
        year=None if row[13] is None else _n(row[13]),
        platform=_text(row[14]),
        player=_text(row[15]),
        transcode_decision=_text(row[16]),
        percent_complete=_n(row[17]),
    )


def replace_window(conn: sqlite3.Connection, start: int, end: int, rows: Sequence[Play]) -> None:
    """The window ``[start, end)`` (Unix seconds) holds exactly ``rows`` now: rows Tautulli
    no longer has there (deleted, or merged) go, the others are upserted by row id."""
    conn.execute("DELETE FROM play_history WHERE started >= ? AND started < ?", (start, end))
    upsert(conn, rows)


def upsert(conn: sqlite3.Connection, rows: Sequence[Play]) -> None:
    conn.executemany(_UPSERT, [astuple(row) for row in rows])


def rows_between(
    conn: sqlite3.Connection, start: int, end: int, user_id: int | None = None
) -> list[Play]:
    """Sessions started in ``[start, end)``, oldest first; of one user when given."""
    if user_id is None:
        cursor = conn.execute(
            f"SELECT {_COLUMNS} FROM play_history WHERE started >= ? AND started < ? "
            "ORDER BY started, row_id",
            (start, end),
        )
    else:
        cursor = conn.execute(
            f"SELECT {_COLUMNS} FROM play_history "
            "WHERE user_id = ? AND started >= ? AND started < ? ORDER BY started, row_id",
            (user_id, start, end),
        )
    return [_play(row) for row in cursor]


def plays_by_user(conn: sqlite3.Connection, start: int, end: int) -> dict[int, int]:
    """Each user's plays (resumed sessions counted once) among the sessions in the window."""
    rows = conn.execute(
        "SELECT user_id, COUNT(DISTINCT reference_id) FROM play_history "
        "WHERE started >= ? AND started < ? GROUP BY user_id",
        (start, end),
    )
    return {int(user): int(n) for user, n in rows}


def count_between(conn: sqlite3.Connection, start: int, end: int) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM play_history WHERE started >= ? AND started < ?", (start, end)
    ).fetchone()
    return int(row[0])


class SqliteHistoryStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def replace_window(self, start: int, end: int, rows: Sequence[Play]) -> None:
        await self._db.run(
            lambda conn: transaction(conn, lambda c: replace_window(c, start, end, rows))
        )

    async def upsert(self, rows: Sequence[Play]) -> None:
        await self._db.run(lambda conn: transaction(conn, lambda c: upsert(c, rows)))

    async def rows(self, start: int, end: int, user_id: int | None = None) -> list[Play]:
        return await self._db.run(lambda conn: rows_between(conn, start, end, user_id))

    async def plays_by_user(self, start: int, end: int) -> dict[int, int]:
        return await self._db.run(lambda conn: plays_by_user(conn, start, end))

    async def count(self, start: int, end: int) -> int:
        return await self._db.run(lambda conn: count_between(conn, start, end))

    async def first_started(self) -> int | None:
        """The oldest session kept (Unix seconds), None for an empty mirror."""
        row = await self._db.run(
            lambda conn: conn.execute("SELECT MIN(started) FROM play_history").fetchone()
        )
        return None if row is None or row[0] is None else int(row[0])

    async def synced_through(self) -> date | None:
        value = await self._db.run(lambda conn: meta.get(conn, _SYNCED_DAY))
        return None if value is None else date.fromisoformat(value)

    async def synced_at(self) -> datetime | None:
        return await self._db.run(lambda conn: meta.get_time(conn, _SYNCED_AT))

    async def mark_synced(self, through: date, at: datetime) -> None:
        def work(conn: sqlite3.Connection) -> None:
            meta.put(conn, _SYNCED_DAY, through.isoformat())
            meta.put_time(conn, _SYNCED_AT, at)

        await self._db.run(lambda conn: transaction(conn, work))

    async def checked_at(self) -> datetime | None:
        return await self._db.run(lambda conn: meta.get_time(conn, _CHECKED_AT))

    async def mark_checked(self, at: datetime) -> None:
        await self._db.run(
            lambda conn: transaction(conn, lambda c: meta.put_time(c, _CHECKED_AT, at))
        )

    async def size(self) -> tuple[int, int]:
        """(rows, bytes the table and its indexes take on disk)."""

        def work(conn: sqlite3.Connection) -> tuple[int, int]:
            rows = int(conn.execute("SELECT COUNT(*) FROM play_history").fetchone()[0])
            try:
                used = conn.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'play_history%'"
                ).fetchone()[0]
            except sqlite3.OperationalError:  # SQLite built without the dbstat table
                used = None
            return rows, int(used or 0)

        return await self._db.run(work)


__all__ = ["SqliteHistoryStore", "count_between", "replace_window", "rows_between", "upsert"]
