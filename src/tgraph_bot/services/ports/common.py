"""Time and progress, as every use case is given them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

Clock = Callable[[], datetime]
"""Now (an aware datetime): what every use case that decides by time is given."""
Sleep = Callable[[float], Awaitable[None]]
"""Wait this many seconds (``asyncio.sleep``; tests pass one that does not wait)."""
Progress = Callable[[int, int], Awaitable[None]]
"""Told ``(done, total)`` as a piece of work advances."""


__all__ = ["Clock", "Progress", "Sleep"]
