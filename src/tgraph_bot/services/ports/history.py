"""Tautulli's play history and the local copy of it (services.history)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Protocol

from tgraph_bot.core.history import HistoryAnswer, HistoryFilter, Play

WindowProgress = Callable[[HistoryFilter, int], Awaitable[None]]
"""Told each request answered: what it asked for (a user, days or both) and the sessions
Tautulli has there."""


class HistorySource(Protocol):
    """Tautulli's ``get_history`` (adapters.tautulli.TautulliClient)."""

    async def history(self, only: HistoryFilter, *, rows: bool = True) -> HistoryAnswer: ...

    async def user_sessions(self) -> dict[int, int]: ...

    async def daily_plays(self, days: int) -> dict[date, int]: ...


class HistoryStore(Protocol):
    """The mirror's table (storage.history.SqliteHistoryStore)."""

    async def upsert(self, rows: Sequence[Play]) -> None: ...

    async def replace_window(self, start: int, end: int, rows: Sequence[Play]) -> None: ...

    async def rows(self, start: int, end: int, user_id: int | None = None) -> list[Play]: ...

    async def count(self, start: int, end: int) -> int: ...

    async def plays_by_user(self, start: int, end: int) -> dict[int, int]: ...

    async def first_started(self) -> int | None: ...

    async def synced_through(self) -> date | None: ...

    async def synced_at(self) -> datetime | None: ...

    async def mark_synced(self, through: date, at: datetime) -> None: ...

    async def checked_at(self) -> datetime | None: ...

    async def mark_checked(self, at: datetime) -> None: ...


__all__ = ["HistorySource", "HistoryStore", "WindowProgress"]
