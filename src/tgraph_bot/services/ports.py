"""The ports services depend on. Adapters implement them; tests use real implementations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.camera import Metric, OpenRow, TotalRow, Totals
from tgraph_bot.core.graphdata import FetchedGraph, YAxis
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.core.my_stats import Pin, PinCheck

T = TypeVar("T")


class GraphSource(Protocol):
    """Where graph data comes from (Tautulli, with its SQLite fallback; or the demo sample)."""

    async def graph(
        self,
        command: str,
        *,
        time_range: int,
        y_axis: YAxis,
        user_id: TautulliUserId | None = None,
        deadline: Deadline | None = None,
    ) -> FetchedGraph:
        """One Tautulli aggregate command's answer, e.g. ``get_plays_by_date``.

        ``deadline`` is shared by every graph of one render: once it has passed, a source
        that retries stops retrying (a source that does not retry ignores it).
        """
        ...


class PlexSignIn(Protocol):
    """plex.tv's PIN sign-in (adapters.plextv.PlexTvClient; tests: it against a fake)."""

    async def create_pin(self) -> Pin:
        """A new PIN and the page where the member approves it."""
        ...

    async def check_pin(self, pin_id: int) -> PinCheck:
        """Whether the PIN was approved (and by which account), is waiting, or expired."""
        ...


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
        back and its error propagates.
        """
        ...

    async def read(self, work: Callable[[CameraTables], T]) -> T:
        """Run ``work`` against the stored tables (no write expected) and return its result."""
        ...
