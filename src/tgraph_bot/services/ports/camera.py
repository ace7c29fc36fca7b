"""Where camera sessions are kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from tgraph_bot.core.camera import Metric, OpenRow, TotalRow, Totals

T = TypeVar("T")


class CameraTables(Protocol):
    """The camera tables as seen from inside one transaction (storage.camera).

    Times are integer milliseconds since the Unix epoch, UTC. Its methods block: they are
    only ever called inside :meth:`CameraStore.write` or :meth:`CameraStore.read`.
    """

    def open_sessions(self, guild_id: int, member_id: int) -> dict[Metric, int]:
        """A member's open sessions: the start of each, by metric."""
        ...

    def all_open(self, guild_id: int | None = None) -> list[OpenRow]:
        """Every open session (of one guild, or of all)."""
        ...

    def open_session(self, guild_id: int, member_id: int, metric: Metric, at: int) -> None:
        """Start a session; one already open for that key is kept (first start wins)."""
        ...

    def close_session(
        self, guild_id: int, member_id: int, metric: Metric, started_at: int, ended_at: int
    ) -> bool:
        """Finish the open session started at ``started_at``; False when it is not open."""
        ...

    def put_name(self, guild_id: int, member_id: int, name: str) -> None: ...

    def put_heartbeat(self, at: int) -> None: ...

    def get_heartbeat(self) -> int | None: ...

    def top(
        self, guild_id: int, metric: Metric, start: int | None, now: int, limit: int = 10
    ) -> list[TotalRow]:
        """The ``limit`` members with the most time since ``start`` (all time when None)."""
        ...

    def member_total(
        self, guild_id: int, member_id: int, metric: Metric, start: int | None, now: int
    ) -> Totals:
        """One member's time since ``start`` (all time, imports included, when None)."""
        ...

    def import_totals(
        self,
        guild_id: int,
        metric: Metric,
        totals: Sequence[tuple[int, int, int]],
        source_hash: str,
    ) -> int:
        """Store imported (member, seconds, sessions) totals; how many rows changed."""
        ...


class CameraStore(Protocol):
    """Where camera sessions are kept (storage.camera.CameraRepository over SQLite)."""

    async def write(self, ops: Sequence[Callable[[CameraTables], object]]) -> list[object]:
        """Run ``ops`` in order in one transaction and return their results.

        All of them are committed, or none: the first that raises rolls the transaction
        back and its error propagates. :class:`~tgraph_bot.errors.StorageUnavailable` says
        the storage failed (a full disk, say), not the operations: the same batch may be
        written later.
        """
        ...

    async def read(self, work: Callable[[CameraTables], T]) -> T:
        """Run ``work`` against the stored tables (no write expected) and return its result."""
        ...


__all__ = ["CameraStore", "CameraTables"]
