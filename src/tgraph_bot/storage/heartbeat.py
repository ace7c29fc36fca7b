"""The heartbeat file in DATA_DIR: written by the running bot, read by ``tgraph-bot health``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from tgraph_bot.core.health import Beat, decode, encode
from tgraph_bot.files import atomic_write

log = logging.getLogger(__name__)

HEARTBEAT_NAME = "heartbeat.json"
HEARTBEAT_SECONDS = 15.0
# Older than this, the bot is taken for stopped or stuck (four missed beats).
STALE_AFTER = timedelta(seconds=60)


def heartbeat_path(data_dir: Path) -> Path:
    return data_dir / HEARTBEAT_NAME


def write_heartbeat(path: Path, beat: Beat) -> None:
    atomic_write(path, encode(beat).encode())


def read_heartbeat(path: Path) -> Beat | None:
    try:
        return decode(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


async def keep_heartbeat(
    path: Path,
    connected: Callable[[], bool],
    clock: Callable[[], datetime],
    changed: asyncio.Event | None = None,
    interval: float = HEARTBEAT_SECONDS,
) -> None:
    """Write a heartbeat every ``interval`` seconds, and at once when ``changed`` is set (the
    bot connected or lost Discord), until cancelled. The last one says "not connected", so a
    stopped bot never looks healthy."""
    changed = changed or asyncio.Event()
    try:
        while True:
            changed.clear()
            try:
                await asyncio.to_thread(write_heartbeat, path, Beat(clock(), connected()))
            except OSError as exc:
                log.warning("cannot write the heartbeat %s: %s", path, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), interval)
    finally:
        with contextlib.suppress(OSError):
            write_heartbeat(path, Beat(clock(), False))


__all__ = ["HEARTBEAT_NAME", "STALE_AFTER", "heartbeat_path", "keep_heartbeat", "read_heartbeat"]
