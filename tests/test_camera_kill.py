"""Kill -9 with open camera sessions; what survives the restart."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tgraph_bot.core.camera import Metric, Period, RankRow, to_ms
from tgraph_bot.services.camera import CameraService
from tgraph_bot.storage import camera as repo
from tgraph_bot.storage.db import Database, connect

pytestmark = pytest.mark.slow  # starts processes or renders for real

T0 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
CHILD = Path(__file__).parent / "camera_kill_child.py"


def ms(seconds: int) -> int:
    return to_ms(T0 + timedelta(seconds=seconds))


def test_sigkill_loses_at_most_the_time_since_the_last_heartbeat(tmp_path: Path) -> None:
    path = tmp_path / "tgraph.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with subprocess.Popen(
        [sys.executable, str(CHILD), str(path)], stdout=subprocess.PIPE, text=True, env=env
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "READY"
            child.send_signal(signal.SIGKILL)
        finally:
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    conn = connect(path)
    try:  # what the killed process had committed
        assert sorted((r.member_id, r.started_at) for r in repo.all_open(conn)) == [
            (102, ms(10)),
            (103, ms(40)),
        ]
        assert [(m, s, e) for _, m, _, s, e in repo.finished_sessions(conn)] == [
            (101, ms(0), ms(20))
        ]
    finally:
        conn.close()

    restart = T0 + timedelta(hours=2)

    async def recover() -> tuple[int, list[RankRow], bool]:
        async with Database(path) as db:
            svc = CameraService(repo.CameraRepository(db), clock=lambda: restart)
            closed = await svc.recover(restart)
            rows = await svc.ranking(1, Period.ALL, Metric.VIDEO, restart, ZoneInfo("UTC"))
            return closed, rows, await svc.has_open()

    closed, rows, still_open = asyncio.run(recover())
    assert (closed, still_open) == (2, False)
    # bob: closed at the heartbeat (30 s), not at the restart two hours later; cy opened
    # after the heartbeat, so that time is lost but never invented.
    assert [(r.member_id, r.name, r.seconds, r.sessions) for r in rows] == [
        (101, "ann", 20, 1),
        (102, "bob", 20, 1),
        (103, "cy", 0, 1),
    ]
