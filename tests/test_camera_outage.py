"""A database that cannot take writes (a full disk) while camera sessions go on.

The disk is made full for real: SQLite's ``PRAGMA max_page_count`` on the service's own
connection, with every free page used up first, so a write that needs one more page fails
with "database or disk is full", exactly as on a full disk.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.time import Clock, ManualSleep
from tgraph_bot.core.camera import Metric, ObservedState, Period, to_ms
from tgraph_bot.errors import StorageUnavailable
from tgraph_bot.services.camera import CameraService
from tgraph_bot.storage import camera as repo
from tgraph_bot.storage.db import Database, connect

G = 10
ANN = 1
T0 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
ON = ObservedState(counted=True, self_video=True)
OFF = ObservedState(counted=True)
CROWD = range(100, 400)  # enough sessions at once to need new pages


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ms(seconds: float) -> int:
    return to_ms(at(seconds))


def _fill(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB NOT NULL)")
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.execute(f"PRAGMA max_page_count = {pages}")
    for size in (2000, 200, 20, 1):  # use up the free pages, then the room left in them
        try:
            while True:
                conn.execute("INSERT INTO ballast VALUES (?)", (b"x" * size,))
        except sqlite3.OperationalError as exc:
            assert exc.sqlite_errorname == "SQLITE_FULL"


async def fill_disk(db: Database) -> None:
    """From now on, a write that needs a new page fails: the disk is full."""
    await db.run(_fill)


async def free_disk(db: Database) -> None:
    await db.run(lambda conn: conn.execute("PRAGMA max_page_count = 1073741823"))


def finished(path: Path) -> list[tuple[int, int, int]]:
    conn = connect(path)
    try:
        return [(m, s, e) for _, m, _, s, e in repo.finished_sessions(conn)]
    finally:
        conn.close()


def heartbeat(path: Path) -> int | None:
    conn = connect(path)
    try:
        return repo.get_heartbeat(conn)
    finally:
        conn.close()


def service(db: Database, sleep: ManualSleep, max_kept: int = 20_000) -> CameraService:
    return CameraService(repo.CameraRepository(db), clock=Clock(T0), sleep=sleep, max_kept=max_kept)


def crowd_session(svc: CameraService) -> list[asyncio.Future[Any]]:
    """Everyone in CROWD on camera at 11 s and off at 12 s, queued in one step."""
    futures: list[asyncio.Future[Any]] = []
    for member in CROWD:
        futures.append(svc.observe(G, member, f"m{member}", ON, at(11)))
        futures.append(svc.observe(G, member, f"m{member}", OFF, at(12)))
    return futures


async def test_a_batch_the_full_disk_refused_is_kept_and_written_in_order_later(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "t.db"
    sleep = ManualSleep()
    async with Database(path) as db:
        svc = service(db, sleep)
        await svc.observe(G, ANN, "ann", ON, at(0))
        await fill_disk(db)
        caplog.set_level(logging.INFO, "tgraph_bot.services.camera")
        # ann's camera goes off at 10 s, in the same batch as a crowd's sessions.
        off = svc.observe(G, ANN, "ann", OFF, at(10))
        crowd = crowd_session(svc)
        assert await sleep.next_wait() == 1.0  # refused: the flusher waits to try again
        assert not off.done() and svc.kept == 1 + 2 * len(CROWD)
        # A ranking meanwhile answers from what is stored: ann still on camera.
        rows = await svc.ranking(G, Period.ALL, Metric.VIDEO, at(15), UTC)
        assert [(r.member_id, r.seconds) for r in rows] == [(ANN, 15)]
        # More comes while the disk is full: ann again from 20 s to 25 s, a heartbeat at 30 s.
        later = [svc.observe(G, ANN, "ann", ON, at(20)), svc.observe(G, ANN, "ann", OFF, at(25))]
        beat = asyncio.ensure_future(svc.heartbeat(at(30)))
        sleep.elapse()
        assert await sleep.next_wait() == 2.0  # still full: tried again, waits longer
        assert finished(path) == []  # nothing of it written, nothing lost either
        await free_disk(db)
        sleep.elapse()
        await asyncio.gather(off, *crowd, *later)
        await beat
        assert svc.kept == 0
    rows = finished(path)
    # Closed at the event's time, not when the write finally went through; and in order:
    # ann's second session is its own, not merged into the first.
    assert [r for r in rows if r[0] == ANN] == [(ANN, ms(0), ms(10)), (ANN, ms(20), ms(25))]
    assert sorted(r for r in rows if r[0] != ANN) == [(m, ms(11), ms(12)) for m in CROWD]
    assert heartbeat(path) == ms(30)
    messages = [r.getMessage() for r in caplog.records]
    assert len([m for m in messages if "cannot write to the database" in m]) == 1
    assert any(
        "The disk holding DATA_DIR/tgraph.db is full: free some space" in m for m in messages
    )
    assert any("takes writes again" in m for m in messages)


async def test_beyond_the_bound_new_changes_are_refused_and_said_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sleep = ManualSleep()
    bound = 2 * len(CROWD) + 2
    async with Database(tmp_path / "t.db") as db:
        svc = service(db, sleep, max_kept=bound)
        await fill_disk(db)
        kept = crowd_session(svc)
        assert await sleep.next_wait() == 1.0
        caplog.set_level(logging.ERROR, "tgraph_bot.services.camera")
        more = [svc.observe(G, ANN, "ann", ON, at(20 + i)) for i in range(5)]
        assert svc.kept == bound
        assert [type(f.exception()) for f in more[2:]] == [StorageUnavailable] * 3
        assert len([r for r in caplog.records if "not kept" in r.getMessage()]) == 1
        await free_disk(db)
        sleep.elapse()
        await asyncio.gather(*kept, *more[:2])
    assert len(finished(tmp_path / "t.db")) == len(CROWD)


async def test_a_clean_stop_during_an_outage_gives_up_after_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    sleep = ManualSleep()
    async with Database(path) as db:
        svc = service(db, sleep)
        await svc.observe(G, ANN, "ann", ON, at(0))
        await svc.heartbeat(at(5))
        await fill_disk(db)
        crowd = crowd_session(svc)
        assert await sleep.next_wait() == 1.0  # the flusher, waiting to retry
        stopping = asyncio.ensure_future(svc.stop(at(40), limit=10.0))
        assert await sleep.next_wait() == 10.0  # the stop's own limit
        sleep.elapse()
        assert await stopping is None
        assert svc.kept == 0 and all(f.cancelled() for f in crowd)
    # Left as after a crash: the next start closes ann's session at the last heartbeat.
    async with Database(path) as db:
        svc = service(db, ManualSleep())
        assert await svc.recover(at(100)) == 1
    assert finished(path) == [(ANN, ms(0), ms(5))]


async def test_a_stop_the_full_queue_refuses_gives_up_at_once(tmp_path: Path) -> None:
    sleep = ManualSleep()
    async with Database(tmp_path / "t.db") as db:
        svc = service(db, sleep, max_kept=2 * len(CROWD))
        await fill_disk(db)
        crowd = crowd_session(svc)
        assert await sleep.next_wait() == 1.0
        assert await svc.stop(at(40), limit=10.0) is None  # no wait: nothing more is kept
        assert svc.kept == 0 and all(f.cancelled() for f in crowd)
