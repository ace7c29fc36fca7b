"""The program's one "now". Every clock the program runs on is this function (handed in by
the composition root, tgraph_bot.build), or a test's; tests/test_build.py fails on any
other reading of the wall clock in src/. core/ never reads it: it is given the time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


__all__ = ["utcnow"]
