"""Migrations: a gapless sequence, a record of what ran, nothing skipped, nothing run twice."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tgraph_bot.errors import StorageError
from tgraph_bot.storage import connect
from tgraph_bot.storage.db import open_migrated
from tgraph_bot.storage.migrations import bundled, pending, upgrade


def write(folder: Path, name: str, sql: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(sql, encoding="utf-8")


def folder_of(tmp_path: Path, *names: str) -> Path:
    """A migrations folder; ``001_a.sql`` creates the table ``t_a``."""
    folder = tmp_path / "m"
    for name in names:
        write(folder, name, f"CREATE TABLE t_{name[4:-4]} (x INTEGER);")
    return folder


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(tmp_path / "tgraph.db")
    yield connection
    connection.close()


def tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'").fetchall()
    return {str(r[0]) for r in rows}


def record(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    rows = conn.execute("SELECT number, name FROM schema_migrations ORDER BY number").fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def test_the_bundled_migrations_are_gapless_and_all_applied(conn: sqlite3.Connection) -> None:
    steps = bundled()
    assert [m.number for m in steps] == list(range(1, len(steps) + 1))
    assert [m.name for m in upgrade(conn)] == [m.name for m in steps]
    assert record(conn) == [(m.number, m.name) for m in steps]
    row = conn.execute("SELECT checksum, applied_at FROM schema_migrations").fetchone()
    assert len(row[0]) == 64 and row[1].endswith("+00:00")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(steps)
    assert upgrade(conn) == []  # nothing runs twice


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["001_a.sql", "003_c.sql"], "expected 002, found 003_c.sql"),
        (["001_a.sql", "001_b.sql"], "expected 002, found 001_b.sql"),
        (["002_b.sql"], "expected 001, found 002_b.sql"),
        (["001_a.sql", "2_b.sql"], "2_b.sql is not named NNN_name.sql"),
    ],
)
def test_a_missing_or_misnamed_file_refuses_to_start(
    tmp_path: Path, names: list[str], expected: str
) -> None:
    for name in names:
        write(tmp_path / "m", name, "CREATE TABLE t_x (a INTEGER);")
    with pytest.raises(StorageError) as caught:
        bundled(tmp_path / "m")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_migration_merged_late_still_runs(tmp_path: Path, conn: sqlite3.Connection) -> None:
    """The database recorded 1, 2 and 3, then a branch merged with 2 missing from the
    record (say it was applied by hand and dropped from the record); it must still run,
    though the database's user_version is already past it."""
    folder = folder_of(tmp_path, "001_a.sql", "002_b.sql", "003_c.sql")
    upgrade(conn, bundled(folder))
    conn.execute("DROP TABLE t_b")
    conn.execute("DELETE FROM schema_migrations WHERE number = 2")
    assert [m.name for m in pending(conn, bundled(folder))] == ["002_b.sql"]
    assert [m.name for m in upgrade(conn, bundled(folder))] == ["002_b.sql"]
    assert {"t_a", "t_b", "t_c"} <= tables(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3


def test_a_new_number_after_the_applied_ones_runs_once(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    folder = folder_of(tmp_path, "001_a.sql")
    upgrade(conn, bundled(folder))
    write(folder, "002_plex.sql", "CREATE TABLE t_plex (x INTEGER);")  # not IF NOT EXISTS
    assert [m.name for m in upgrade(conn, bundled(folder))] == ["002_plex.sql"]
    assert upgrade(conn, bundled(folder)) == []  # a second run would fail on CREATE TABLE
    assert record(conn) == [(1, "001_a.sql"), (2, "002_plex.sql")]


def test_an_applied_migration_that_changed_is_refused(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    folder = folder_of(tmp_path, "001_a.sql")
    upgrade(conn, bundled(folder))
    write(folder, "001_a.sql", "CREATE TABLE t_a (x INTEGER, y TEXT);")
    with pytest.raises(StorageError, match=re.escape("001_a.sql was changed after it was applied")):
        upgrade(conn, bundled(folder))


def test_a_renumbered_migration_is_refused(tmp_path: Path, conn: sqlite3.Connection) -> None:
    folder = folder_of(tmp_path, "001_a.sql", "002_b.sql")
    upgrade(conn, bundled(folder))
    (folder / "002_b.sql").rename(folder / "002_other.sql")
    with pytest.raises(
        StorageError, match=re.escape("applied as 002_b.sql but this program has 002_other")
    ):
        upgrade(conn, bundled(folder))


def test_a_database_from_a_newer_program_is_refused(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    folder = folder_of(tmp_path, "001_a.sql", "002_b.sql")
    upgrade(conn, bundled(folder))
    (folder / "002_b.sql").unlink()
    with pytest.raises(
        StorageError, match=re.escape("002_b.sql applied, which this program does not have")
    ):
        upgrade(conn, bundled(folder))


def test_a_database_from_before_the_record_is_adopted_by_its_user_version(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    folder = folder_of(tmp_path, "001_a.sql", "002_b.sql")
    conn.executescript("CREATE TABLE t_a (x INTEGER); PRAGMA user_version = 1;")
    assert [m.name for m in pending(conn, bundled(folder))] == ["002_b.sql"]
    assert "schema_migrations" not in tables(conn)  # pending() only reads
    assert [m.name for m in upgrade(conn, bundled(folder))] == ["002_b.sql"]
    assert record(conn) == [(1, "001_a.sql"), (2, "002_b.sql")]


def test_a_failing_migration_changes_nothing_and_says_which(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    folder = folder_of(tmp_path, "001_a.sql")
    write(folder, "002_b.sql", "CREATE TABLE t_b (x INTEGER); INSERT INTO nowhere VALUES (1);")
    with pytest.raises(StorageError, match=re.escape("Migration 002_b.sql failed: no such table")):
        upgrade(conn, bundled(folder))
    assert "t_b" not in tables(conn)
    assert record(conn) == [(1, "001_a.sql")]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_commands_started_together_on_a_new_database_each_open_it(tmp_path: Path) -> None:
    """The bot and a command (or two commands) opening a database that does not exist yet:
    one makes it and applies the migrations, the others wait and find them applied."""
    path = tmp_path / "new.db"
    start = threading.Barrier(4, timeout=30)
    failures: list[BaseException] = []

    def open_it() -> None:
        try:
            start.wait()
            open_migrated(path).close()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_it, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    check = connect(path)
    try:
        assert pending(check, bundled()) == []
        recorded = [r[0] for r in check.execute("SELECT number FROM schema_migrations")]
        assert sorted(recorded) == [m.number for m in bundled()]  # each once
    finally:
        check.close()
