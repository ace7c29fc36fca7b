"""Giving memory the bot has freed back to the system.

CPython hands large and numerous allocations to the C library, and glibc keeps what is freed
in its heaps for reuse instead of returning it: after the history copy's backfill (hundreds of
answers of thousands of rows, each parsed, stored and dropped) the bot would keep about
70 MB it no longer uses. ``malloc_trim(0)`` returns it. Elsewhere (musl, macOS, Windows)
there is nothing to call and nothing is done.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (AttributeError, OSError, TypeError):
        return None


_TRIM = _malloc_trim()


def give_back() -> None:
    """Return the C library's free memory to the system, where it can (glibc)."""
    if _TRIM is not None:
        _TRIM(0)


def can_give_back() -> bool:
    return _TRIM is not None


__all__ = ["can_give_back", "give_back"]
