"""storage.db.transaction on a real file: the error that stopped it is the one raised, and
the connection is ready for the next transaction however it failed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tgraph_bot.storage.db import connect, transaction, unavailable


def test_a_full_disk_is_reported_as_such_and_the_next_transaction_runs(tmp_path: Path) -> None:
    conn = connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (b BLOB)")
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.execute(f"PRAGMA max_page_count = {pages}")

    def grow(c: sqlite3.Connection) -> None:
        for _ in range(100):
            c.execute("INSERT INTO t VALUES (?)", (b"x" * 1000,))

    # SQLite rolls a full disk back by itself: no second error ("cannot rollback") hides it.
    with pytest.raises(sqlite3.OperationalError) as failed:
        transaction(conn, grow)
    assert failed.value.sqlite_errorname == "SQLITE_FULL" and unavailable(failed.value)
    conn.execute("PRAGMA max_page_count = 1073741823")
    transaction(conn, grow)
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 100
    conn.close()


def test_a_refused_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    conn = connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE p (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE c (p INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)")
    # A deferred foreign key is checked at COMMIT, which fails and keeps the transaction.
    with pytest.raises(sqlite3.IntegrityError) as failed:
        transaction(conn, lambda c: c.execute("INSERT INTO c VALUES (5)"))
    assert not unavailable(failed.value)  # the statement is wrong: trying again cannot help
    assert not conn.in_transaction
    transaction(conn, lambda c: c.execute("INSERT INTO p VALUES (5)"))
    assert conn.execute("SELECT COUNT(*) FROM c").fetchone()[0] == 0
    conn.close()
