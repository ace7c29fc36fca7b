"""The Database runs every statement on its own thread, off the event loop."""

from __future__ import annotations

import threading
from pathlib import Path

from tgraph_bot.storage import Database, meta


async def test_database_runs_work_off_the_event_loop_thread(tmp_path: Path) -> None:
    loop_thread = threading.get_ident()
    async with Database(tmp_path / "tgraph.db") as db:
        worker_thread = await db.run(lambda conn: threading.get_ident())
        await db.run(lambda conn: meta.put(conn, "last_post", "2026-11-20T10:00:00+00:00"))
        await db.run(lambda conn: meta.put(conn, "last_post", "2026-11-21T10:00:00+00:00"))
        value = await db.run(lambda conn: meta.get(conn, "last_post"))
    assert worker_thread != loop_thread
    assert value == "2026-11-21T10:00:00+00:00"
    async with Database(tmp_path / "tgraph.db") as db:  # survives a reopen
        assert await db.run(lambda conn: meta.get(conn, "last_post")) == value
        assert await db.run(lambda conn: meta.get(conn, "missing")) is None
