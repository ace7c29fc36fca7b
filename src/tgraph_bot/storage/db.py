"""SQLite in WAL mode, numbered ``.sql`` migrations, and a single worker thread.

Every statement runs on one dedicated thread (``Database.run``), so the event loop
never waits on disk and writes are serialised without extra locking. Opening it
applies the pending migrations (see :mod:`tgraph_bot.storage.migrations` for the rule).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from tgraph_bot.errors import StorageError
from tgraph_bot.files import file_lock
from tgraph_bot.i18n import N_
from tgraph_bot.storage import migrations

T = TypeVar("T")

DB_FILENAME = "tgraph.db"


def database_path(data_dir: Path) -> Path:
    """The one database file of this program, inside DATA_DIR."""
    return data_dir / DB_FILENAME


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection with the pragmas every connection of this program uses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def migration_lock(path: Path) -> contextlib.AbstractContextManager[None]:
    """Held while one process makes or migrates the database at ``path`` (DATA_DIR is
    created first, as :func:`connect` would)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return file_lock(path)


def open_migrated(path: Path) -> sqlite3.Connection:
    """A connection to the database at ``path`` with its migrations applied, opened by one
    process at a time (a lock file beside the database): two commands started together on
    a new database (the bot and ``history sync``, say) would otherwise race to make it (SQLite
    refuses one of two connections turning a new file to WAL) and to apply the same
    migration (the second fails to record it again)."""
    with migration_lock(path):
        conn = connect(path)
        try:
            migrate(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the bundled migrations this database has not applied; return the version."""
    migrations.upgrade(conn)
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


class Database:
    """The program's database: one connection, used only from one worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._conn: sqlite3.Connection | None = None

    def _open(self) -> None:
        self._conn = open_migrated(self.path)

    async def __aenter__(self) -> Database:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._open)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _conn_or_fail(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError(N_("The database is not open."))
        return self._conn

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work(conn)`` on the database thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: work(self._conn_or_fail()))

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._close)
        self._executor.shutdown(wait=True)

    def close_sync(self) -> None:
        self._executor.submit(self._close).result()
        self._executor.shutdown(wait=True)


def transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``work`` inside BEGIN IMMEDIATE ... COMMIT, rolling back on any error.

    The error raised is the one that stopped the work or the COMMIT. SQLite may already have
    rolled back (it does on a full disk), and a COMMIT that fails may leave the transaction
    open (a deferred constraint): either way the connection is left outside a transaction,
    ready for the next one.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # keep the error that stopped us
                conn.execute("ROLLBACK")
        raise
    return result


# SQLite's primary result codes (the low byte of an error's code) that say the storage
# failed, not the statement: BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL.
_UNAVAILABLE_CODES = frozenset({5, 6, 7, 8, 10, 13, 14, 15})


def unavailable(error: sqlite3.Error) -> bool:
    """Whether ``error`` says the database cannot take writes now (the same write may
    succeed later), rather than that the statement itself is wrong."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _UNAVAILABLE_CODES
