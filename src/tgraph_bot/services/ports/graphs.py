"""Graphs: where their data comes from (and the cache of its last good answers), the home
stats, what draws one graph, and what the bot needs from a render (GraphService)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.graphdata import FetchedGraph, GraphAnswers, GraphKey
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.graphs.model import RenderJob
from tgraph_bot.services.ports.common import Progress

GraphSource = GraphAnswers[FetchedGraph]
"""Where graph data comes from (Tautulli, with its SQLite fallback; or the demo sample). Its
one method, ``graph(command, *, time_range, y_axis, user_id=None, deadline=None)``, is
written once, in :class:`~tgraph_bot.core.graphdata.GraphAnswers`: a source subclasses it
(a class below the services cannot import this port) and writes only ``answer(key,
deadline)``."""


class GraphCache(Protocol):
    """The last good answer of each graph request (storage.graph_cache.SqliteGraphCache)."""

    async def keep(self, key: GraphKey, body: str, fetched_at: datetime) -> None:
        """Keep ``body``, fetched at ``fetched_at`` (UTC), as the answer to ``key``. A
        failure to keep it is logged, not raised: the live answer is still good."""
        ...

    async def kept(self, key: GraphKey) -> tuple[str, datetime] | None:
        """The answer kept for ``key`` and when it was fetched; None when there is none or
        it cannot be read."""
        ...


class GraphDrawing(Protocol):
    """Draws one prepared graph to its PNG (graphs.render.Renderer: matplotlib in worker
    processes; tests: a stand-in that writes a small PNG)."""

    def start(self) -> None:
        """Have the workers ready (they start while the first graph's data is fetched)."""
        ...

    async def render(self, job: RenderJob) -> Path:
        """Draw ``job`` to ``job.png`` and return its path."""
        ...


class HomeStats(Protocol):
    """Tautulli's ``get_home_stats`` (the Tautulli client provides it)."""

    async def home_stats(
        self, *, time_range: int, user_id: TautulliUserId | None = None
    ) -> list[object]: ...


class RenderedLike(Protocol):
    @property
    def graph_id(self) -> str: ...

    @property
    def png(self) -> Path: ...

    @property
    def sidecar(self) -> Path: ...


class FailureLike(Protocol):
    @property
    def graph_id(self) -> str: ...

    @property
    def error(self) -> object:
        """Why it failed (a UserFacingError names its cause)."""
        ...


class ReportLike(Protocol):
    @property
    def graphs(self) -> Sequence[RenderedLike]: ...

    @property
    def failures(self) -> Sequence[FailureLike]: ...

    @property
    def stale_since(self) -> datetime | None:
        """The oldest data drawn because Tautulli could not be reached; None if all fresh."""
        ...


class GraphRendering(Protocol):
    async def render(
        self,
        settings: Settings,
        out_dir: Path,
        *,
        user_id: TautulliUserId | None = None,
        progress: Progress | None = None,
    ) -> ReportLike: ...


__all__ = [
    "FailureLike",
    "GraphCache",
    "GraphDrawing",
    "GraphRendering",
    "GraphSource",
    "HomeStats",
    "RenderedLike",
    "ReportLike",
]
