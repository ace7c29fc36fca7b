"""Child process for test_camera_kill: writes sessions, says READY, then waits to be killed."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tgraph_bot.core.camera import ObservedState
from tgraph_bot.services.camera import CameraService
from tgraph_bot.storage.camera import CameraRepository
from tgraph_bot.storage.db import Database

T0 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
ON = ObservedState(counted=True, self_video=True)
OFF = ObservedState(counted=True)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def main(path: Path) -> None:
    db = Database(path)
    await db.__aenter__()
    svc = CameraService(CameraRepository(db), clock=lambda: T0)
    await svc.observe(1, 101, "ann", ON, at(0))
    await svc.observe(1, 102, "bob", ON, at(10))
    await svc.observe(1, 101, "ann", OFF, at(20))  # a finished session
    await svc.heartbeat(at(30))
    await svc.observe(1, 103, "cy", ON, at(40))  # opened after the last heartbeat
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    await asyncio.sleep(3600)  # killed here, with bob and cy still open


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
