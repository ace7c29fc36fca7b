"""A process killed (SIGKILL) in the middle of a save loses nothing that was committed."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tgraph_bot.config import ConfigStore
from tgraph_bot.config.store import read_document, validate
from tgraph_bot.storage import connect, migrate

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
    pytest.mark.slow,  # starts processes
]

SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tgraph_bot.config import ConfigStore
    store = ConfigStore(Path(sys.argv[1]), environ={})
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        store.set("UPDATE_DAYS", str(n % 300 + 1))
    """
)


def test_config_save_killed_at_any_moment_leaves_a_whole_file(sample_config: Path) -> None:
    comments = [line for line in sample_config.read_text().splitlines() if line.startswith("#")]
    for delay in (0.05, 0.11, 0.17, 0.23, 0.31):
        with subprocess.Popen(
            [sys.executable, "-c", SAVER, str(sample_config)], stdout=subprocess.PIPE, text=True
        ) as proc:
            assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
        settings = validate(dict(read_document(sample_config)))  # parses and validates
        assert 1 <= settings.UPDATE_DAYS <= 300
        text = sample_config.read_text()
        assert [line for line in text.splitlines() if line.startswith("#")] == comments
    ConfigStore(sample_config, environ={})  # the next start sweeps temp files of killed saves
    assert [p.name for p in sample_config.parent.iterdir() if p.suffix == ".tmp"] == []


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tgraph_bot.storage import connect, migrate
    conn = connect(Path(sys.argv[1]))
    migrate(conn)
    conn.execute("INSERT INTO meta VALUES ('committed', 'yes')")
    conn.execute("BEGIN IMMEDIATE")
    for i in range(1000):
        conn.execute("INSERT INTO meta VALUES (?, 'half')", (f"k{i}",))
    print("in transaction", flush=True)
    sys.stdin.readline()
    """
)


def test_sqlite_killed_mid_transaction_keeps_committed_rows_only(tmp_path: Path) -> None:
    db = tmp_path / "tgraph.db"
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline() == "in transaction\n"
        proc.send_signal(signal.SIGKILL)
    conn = connect(db)
    try:
        assert migrate(conn) >= 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT key, value FROM meta").fetchall()
        assert [tuple(r) for r in rows] == [("committed", "yes")]
    finally:
        conn.close()


def test_migrations_are_idempotent_and_set_user_version(tmp_path: Path) -> None:
    conn = connect(tmp_path / "tgraph.db")
    try:
        first = migrate(conn)
        second = migrate(conn)
        assert first == second >= 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == first
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10000
    finally:
        conn.close()


def test_a_database_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    from tgraph_bot.errors import StorageError

    conn = sqlite3.connect(tmp_path / "tgraph.db")
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    conn = connect(tmp_path / "tgraph.db")
    try:
        with pytest.raises(StorageError, match="newer"):
            migrate(conn)
    finally:
        conn.close()
