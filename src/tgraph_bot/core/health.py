"""Is the running bot healthy? Decided from its last heartbeat (pure: no clock, no files).

The running bot writes a heartbeat to DATA_DIR every few seconds: when, and whether it is
connected to Discord. ``tgraph-bot health`` (Docker's HEALTHCHECK) reads it and decides here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum


@dataclass(frozen=True, slots=True)
class Beat:
    at: datetime  # aware, UTC
    connected: bool


class Health(Enum):
    HEALTHY = "healthy"
    NOT_CONNECTED = "not connected"
    STALE = "stale"  # no heartbeat for too long: the bot is stopped or stuck
    MISSING = "missing"  # no (readable) heartbeat at all: never started


def encode(beat: Beat) -> str:
    return json.dumps({"at": beat.at.isoformat(), "connected": beat.connected}) + "\n"


def decode(text: str) -> Beat | None:
    """The heartbeat in ``text``, or None when it is not one (torn, empty, foreign)."""
    try:
        data = json.loads(text)
        at = datetime.fromisoformat(data["at"])
        connected = data["connected"]
    except (ValueError, KeyError, TypeError):
        return None
    if at.tzinfo is None or not isinstance(connected, bool):
        return None
    return Beat(at, connected)


def assess(beat: Beat | None, now: datetime, stale_after: timedelta) -> Health:
    if beat is None:
        return Health.MISSING
    if now - beat.at > stale_after:
        return Health.STALE
    return Health.HEALTHY if beat.connected else Health.NOT_CONNECTED


__all__ = ["Beat", "Health", "assess", "decode", "encode"]
