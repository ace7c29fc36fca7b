"""The ports services depend on. Adapters implement them; tests use real implementations."""

from __future__ import annotations

from typing import Protocol

from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.graphdata import FetchedGraph, YAxis
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.core.my_stats import Pin, PinCheck


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
