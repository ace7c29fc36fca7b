"""SQLite in WAL mode, numbered ``.sql`` migrations, and a single worker thread.

Every statement runs on one dedicated thread (``Database.run``), so the event loop
never waits on disk and writes are serialised without extra locking. Migrations
``NNN_name.sql`` are applied in order inside one transaction each, together with
``PRAGMA user_version = NNN``: a process killed mid-migration leaves the database at
the previous version, and running them again is a no-op.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import TypeVar

from tgraph_bot.errors import StorageError

T = TypeVar("T")

DB_FILENAME = "tgraph.db"


def database_path(data_dir: Path) -> Path:
    """The one database file of this program, inside DATA_DIR."""
    return data_dir / DB_FILENAME


_MIGRATION = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


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


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every bundled migration, in order."""
    found: list[tuple[int, str, str]] = []
    for entry in resources.files("tgraph_bot.storage.migrations").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions) or any(v < 1 for v in versions):
        raise StorageError(f"migration numbers must be unique and positive: {versions}")
    return found


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations this database has not seen; return the final version."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    steps = migrations()
    latest = steps[-1][0] if steps else 0
    if current > latest:
        raise StorageError(
            f"the database is at version {current}, newer than this program ({latest})"
        )
    # Numbers are reserved per feature branch, so a gap (002 not merged yet) is allowed.
    for version, name, sql in (step for step in steps if step[0] > current):
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StorageError(f"migration {name} failed: {exc}") from exc
    return latest


class Database:
    """The program's database: one connection, used only from one worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._conn: sqlite3.Connection | None = None

    def _open(self) -> None:
        conn = connect(self.path)
        migrate(conn)
        self._conn = conn

    async def __aenter__(self) -> Database:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._open)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _conn_or_fail(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError("the database is not open")
        return self._conn

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work(conn)`` on the database thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: work(self._conn_or_fail()))

    def run_sync(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """The same from synchronous code (CLI commands); blocks until done."""
        return self._executor.submit(lambda: work(self._conn_or_fail())).result()

    def open_sync(self) -> Database:
        self._executor.submit(self._open).result()
        return self

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
    """Run ``work`` inside BEGIN IMMEDIATE ... COMMIT, rolling back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result
