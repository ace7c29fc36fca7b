"""A circuit breaker and a deadline: how long to keep asking a service that fails.

Pure: the clock is a parameter. The Tautulli, Plex and MusicBrainz clients trip their
breaker when a request has used up its time and retries (or, for Tautulli, when the answer
shows that every request would fail the same way), and then answer with the remembered
error, without asking, until ``open_seconds`` pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

E = TypeVar("E", bound=BaseException)

Monotonic = Callable[[], float]


class Breaker(Generic[E]):
    """Closed until :meth:`trip`; then open (``blocked`` gives the error) for a while."""

    def __init__(self, open_seconds: float, monotonic: Monotonic) -> None:
        self._open_seconds = max(0.0, open_seconds)
        self._monotonic = monotonic
        self._error: E | None = None
        self._until = 0.0

    def blocked(self) -> E | None:
        """The error that opened the breaker while it is open; None when closed."""
        if self._error is not None and self._monotonic() >= self._until:
            self._error = None
        return self._error

    def remaining(self) -> float:
        """Seconds until the breaker closes by itself (0 while closed)."""
        return max(0.0, self._until - self._monotonic()) if self.blocked() is not None else 0.0

    def trip(self, error: E) -> None:
        self._error = error
        self._until = self._monotonic() + self._open_seconds

    def reset(self) -> None:
        self._error = None


@dataclass(frozen=True, slots=True)
class Deadline:
    """A point in (monotonic) time that several calls share, e.g. one render's retries or
    one Plex command's requests. ``seconds`` is how long it gave when made (for messages)."""

    at: float
    monotonic: Monotonic
    seconds: float = 0.0

    @classmethod
    def after(cls, seconds: float, monotonic: Monotonic) -> Deadline:
        return cls(monotonic() + seconds, monotonic, seconds)

    def remaining(self) -> float:
        return self.at - self.monotonic()


def seconds_text(value: float) -> str:
    """A duration for a message: 0.2, 3, 251 (whole seconds once it is more than a few)."""
    return f"{round(value, 1) if value < 10 else round(value):g}"


__all__ = ["Breaker", "Deadline", "seconds_text"]
