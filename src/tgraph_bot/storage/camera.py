"""Repository over migration 003: camera sessions, open sessions, names, imports.

Plain functions over a ``sqlite3.Connection``, and :class:`CameraRepository`, the
:class:`~tgraph_bot.services.ports.camera.CameraStore` the service writes through: it runs them
on the database thread (``Database.run``), a batch of writes in one transaction. Times
are integer milliseconds since the Unix epoch, UTC.

Which sessions a period (week, month) holds: a session belongs to it when some of its
time lies inside, i.e. when it ends after the period starts, and then counts once with
only its time inside. A session of no length belongs to the period its instant is in.
So a session ending exactly at the start belongs to the period before only, and one
crossing the start counts once on each side, its time split (tests/storage/
test_camera_periods.py). In-progress sessions always belong to the current period.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from tgraph_bot.core.camera import Metric, OpenRow, TotalRow, Totals
from tgraph_bot.core.ids import GuildId, MemberId
from tgraph_bot.errors import StorageUnavailable, storage_problem
from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database, transaction, unavailable

T = TypeVar("T")

HEARTBEAT_KEY = "camera.heartbeat_ms"


def open_sessions(conn: sqlite3.Connection, guild_id: int, member_id: int) -> dict[Metric, int]:
    rows = conn.execute(
        "SELECT metric, started_at FROM camera_open WHERE guild_id = ? AND member_id = ?",
        (guild_id, member_id),
    ).fetchall()
    return {Metric(str(r[0])): int(r[1]) for r in rows}


def all_open(conn: sqlite3.Connection, guild_id: int | None = None) -> list[OpenRow]:
    if guild_id is None:
        rows = conn.execute(
            "SELECT guild_id, member_id, metric, started_at FROM camera_open"
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT guild_id, member_id, metric, started_at FROM camera_open WHERE guild_id = ?",
            (guild_id,),
        ).fetchall()
    return [
        OpenRow(GuildId(int(r[0])), MemberId(int(r[1])), Metric(str(r[2])), int(r[3])) for r in rows
    ]


def open_session(
    conn: sqlite3.Connection, guild_id: int, member_id: int, metric: Metric, at: int
) -> None:
    """Start a session; a session already open for that key is kept (first start wins)."""
    conn.execute(
        "INSERT INTO camera_open (guild_id, member_id, metric, started_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, member_id, metric) DO NOTHING",
        (guild_id, member_id, metric.value, at),
    )


def close_session(
    conn: sqlite3.Connection,
    guild_id: int,
    member_id: int,
    metric: Metric,
    started_at: int,
    ended_at: int,
) -> bool:
    """Turn the open session (started at ``started_at``) into a finished one.

    Returns False, writing nothing, when that open session is no longer there: a
    session is finished at most once.
    """
    cur = conn.execute(
        "DELETE FROM camera_open WHERE guild_id = ? AND member_id = ? AND metric = ? "
        "AND started_at = ?",
        (guild_id, member_id, metric.value, started_at),
    )
    if cur.rowcount != 1:
        return False
    conn.execute(
        "INSERT INTO camera_session (guild_id, member_id, metric, started_at, ended_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (guild_id, member_id, metric.value, started_at, max(started_at, ended_at)),
    )
    return True


def put_name(conn: sqlite3.Connection, guild_id: int, member_id: int, name: str) -> None:
    conn.execute(
        "INSERT INTO camera_member (guild_id, member_id, last_name) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id, member_id) DO UPDATE SET last_name = excluded.last_name "
        "WHERE last_name IS NOT excluded.last_name",
        (guild_id, member_id, name),
    )


def put_heartbeat(conn: sqlite3.Connection, at: int) -> None:
    meta.put(conn, HEARTBEAT_KEY, str(at))


def get_heartbeat(conn: sqlite3.Connection) -> int | None:
    value = meta.get(conn, HEARTBEAT_KEY)
    return None if value is None else int(value)


# -- queries ---------------------------------------------------------------------------

# The end of every ranking query: sum the rows ``s`` per member, keep the top ``:limit``,
# and name them by their last known name.
_TOP = """), top (member_id, millis, sessions) AS (
    SELECT member_id, SUM(millis), SUM(sessions) FROM s
     GROUP BY member_id
     ORDER BY 2 DESC, 3 DESC, member_id
     LIMIT :limit
)
SELECT top.member_id, m.last_name, top.millis, top.sessions
  FROM top LEFT JOIN camera_member AS m ON m.guild_id = :guild AND m.member_id = top.member_id
 ORDER BY top.millis DESC, top.sessions DESC, top.member_id
"""

# For each member who has ever finished a session (camera_total), seek their sessions
# ending after :start in camera_session_member; the GROUP BY follows the outer loop's
# order, so SQLite sorts only the per-member totals, not the period's sessions.
_PERIOD_TOP = (
    """
WITH finished (member_id, millis, sessions) AS (
    SELECT t.member_id, SUM(s.ended_at - MAX(s.started_at, :start)), COUNT(*)
      FROM camera_total AS t
     CROSS JOIN camera_session AS s INDEXED BY camera_session_member
     WHERE t.guild_id = :guild AND t.metric = :metric
       AND s.guild_id = :guild AND s.member_id = t.member_id AND s.metric = :metric
       AND s.ended_at >= :start AND (s.ended_at > :start OR s.started_at >= :start)
     GROUP BY t.member_id
), s (member_id, millis, sessions) AS (
    SELECT member_id, millis, sessions FROM finished
    UNION ALL
    SELECT member_id, MAX(:now, started_at) - MAX(started_at, :start), 1
      FROM camera_open
     WHERE guild_id = :guild AND metric = :metric
"""
    + _TOP
)

_ALL_TOP = (
    """
WITH s (member_id, millis, sessions) AS (
    SELECT member_id, millis, sessions FROM camera_total
     WHERE guild_id = :guild AND metric = :metric AND sessions > 0
    UNION ALL
    SELECT member_id, seconds * 1000, sessions FROM camera_import
     WHERE guild_id = :guild AND metric = :metric
    UNION ALL
    SELECT member_id, MAX(:now, started_at) - started_at, 1 FROM camera_open
     WHERE guild_id = :guild AND metric = :metric
"""
    + _TOP
)


def top(
    conn: sqlite3.Connection,
    guild_id: int,
    metric: Metric,
    start: int | None,
    now: int,
    limit: int = 10,
) -> list[TotalRow]:
    """The ``limit`` members with the most time since ``start`` (all time when None)."""
    params = {"guild": guild_id, "metric": metric.value, "now": now, "limit": limit}
    if start is None:
        rows = conn.execute(_ALL_TOP, params).fetchall()
    else:
        rows = conn.execute(_PERIOD_TOP, {**params, "start": start}).fetchall()
    return [
        TotalRow(MemberId(int(r[0])), None if r[1] is None else str(r[1]), int(r[2]), int(r[3]))
        for r in rows
    ]


def member_total(
    conn: sqlite3.Connection,
    guild_id: int,
    member_id: int,
    metric: Metric,
    start: int | None,
    now: int,
) -> Totals:
    """One member's (seconds, sessions) since ``start`` (all time, imports included, when None)."""
    lower = -(2**62) if start is None else start
    row = conn.execute(
        """
        WITH s (millis) AS (
            SELECT ended_at - MAX(started_at, :start)
              FROM camera_session INDEXED BY camera_session_member
             WHERE guild_id = :guild AND member_id = :member AND metric = :metric
               AND ended_at >= :start AND (ended_at > :start OR started_at >= :start)
            UNION ALL
            SELECT MAX(:now, started_at) - MAX(started_at, :start) FROM camera_open
             WHERE guild_id = :guild AND member_id = :member AND metric = :metric
        )
        SELECT COALESCE(SUM(millis), 0), COUNT(*) FROM s
        """,
        {
            "guild": guild_id,
            "member": member_id,
            "metric": metric.value,
            "start": lower,
            "now": now,
        },
    ).fetchone()
    millis, sessions = int(row[0]), int(row[1])
    if start is None:
        imported = conn.execute(
            "SELECT seconds, sessions FROM camera_import "
            "WHERE guild_id = ? AND member_id = ? AND metric = ?",
            (guild_id, member_id, metric.value),
        ).fetchone()
        if imported is not None:
            millis += int(imported[0]) * 1000
            sessions += int(imported[1])
    return Totals(seconds=millis / 1000, sessions=sessions)


# -- import ----------------------------------------------------------------------------


def import_totals(
    conn: sqlite3.Connection,
    guild_id: int,
    metric: Metric,
    totals: Iterable[tuple[int, int, int]],
    source_hash: str,
) -> int:
    """Store imported (member, seconds, sessions); returns how many rows changed.

    A member's imported totals are replaced by a later file's (the original bot's file is a
    snapshot of totals), and the same file imported again changes nothing.
    """
    changed = 0
    for member_id, seconds, sessions in totals:
        cur = conn.execute(
            "INSERT INTO camera_import "
            "(guild_id, member_id, metric, seconds, sessions, source_hash) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, member_id, metric) DO UPDATE SET "
            "seconds = excluded.seconds, sessions = excluded.sessions, "
            "source_hash = excluded.source_hash "
            "WHERE seconds IS NOT excluded.seconds OR sessions IS NOT excluded.sessions",
            (guild_id, member_id, metric.value, seconds, sessions, source_hash),
        )
        changed += cur.rowcount
    return changed


def finished_sessions(
    conn: sqlite3.Connection, guild_id: int | None = None
) -> Sequence[tuple[int, int, str, int, int]]:
    """Every finished session (guild, member, metric, start, end); for tests and tools."""
    sql = "SELECT guild_id, member_id, metric, started_at, ended_at FROM camera_session"
    rows = (
        conn.execute(sql + " ORDER BY id").fetchall()
        if guild_id is None
        else conn.execute(sql + " WHERE guild_id = ? ORDER BY id", (guild_id,)).fetchall()
    )
    return [(int(r[0]), int(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in rows]


class SqliteCameraTables:
    """The functions above bound to one connection (a ``services.ports.camera.CameraTables``)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def open_sessions(self, guild_id: int, member_id: int) -> dict[Metric, int]:
        return open_sessions(self._conn, guild_id, member_id)

    def all_open(self, guild_id: int | None = None) -> list[OpenRow]:
        return all_open(self._conn, guild_id)

    def open_session(self, guild_id: int, member_id: int, metric: Metric, at: int) -> None:
        open_session(self._conn, guild_id, member_id, metric, at)

    def close_session(
        self, guild_id: int, member_id: int, metric: Metric, started_at: int, ended_at: int
    ) -> bool:
        return close_session(self._conn, guild_id, member_id, metric, started_at, ended_at)

    def put_name(self, guild_id: int, member_id: int, name: str) -> None:
        put_name(self._conn, guild_id, member_id, name)

    def put_heartbeat(self, at: int) -> None:
        put_heartbeat(self._conn, at)

    def get_heartbeat(self) -> int | None:
        return get_heartbeat(self._conn)

    def top(
        self, guild_id: int, metric: Metric, start: int | None, now: int, limit: int = 10
    ) -> list[TotalRow]:
        return top(self._conn, guild_id, metric, start, now, limit)

    def member_total(
        self, guild_id: int, member_id: int, metric: Metric, start: int | None, now: int
    ) -> Totals:
        return member_total(self._conn, guild_id, member_id, metric, start, now)

    def import_totals(
        self,
        guild_id: int,
        metric: Metric,
        totals: Sequence[tuple[int, int, int]],
        source_hash: str,
    ) -> int:
        return import_totals(self._conn, guild_id, metric, totals, source_hash)


class CameraRepository:
    """The camera's storage in the program's database (a ``services.ports.camera.CameraStore``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def write(self, ops: Sequence[Callable[[SqliteCameraTables], object]]) -> list[object]:
        """Run ``ops`` in one transaction: all written, or none (then
        :class:`StorageUnavailable` when the database cannot take writes now)."""

        def work(conn: sqlite3.Connection) -> list[object]:
            tables = SqliteCameraTables(conn)
            return [op(tables) for op in ops]

        try:
            return await self._db.run(lambda conn: transaction(conn, work))
        except sqlite3.Error as exc:
            if unavailable(exc):
                problem = storage_problem(exc)  # names the cause and its fix, when it can
                raise StorageUnavailable(str(exc if problem is None else problem)) from exc
            raise

    async def read(self, work: Callable[[SqliteCameraTables], T]) -> T:
        return await self._db.run(lambda conn: work(SqliteCameraTables(conn)))


__all__ = [
    "CameraRepository",
    "OpenRow",
    "SqliteCameraTables",
    "TotalRow",
    "all_open",
    "close_session",
    "finished_sessions",
    "get_heartbeat",
    "import_totals",
    "member_total",
    "open_session",
    "open_sessions",
    "put_heartbeat",
    "put_name",
    "top",
]
