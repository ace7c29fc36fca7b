"""A tiny key/value table for facts remembered between runs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime


def get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def put(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def delete(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM meta WHERE key = ?", (key,))


def get_time(conn: sqlite3.Connection, key: str) -> datetime | None:
    """A moment stored with :func:`put_time`, in UTC (None: none stored)."""
    value = get(conn, key)
    return None if not value else datetime.fromisoformat(value).astimezone(UTC)


def put_time(conn: sqlite3.Connection, key: str, at: datetime) -> None:
    put(conn, key, at.astimezone(UTC).isoformat())
