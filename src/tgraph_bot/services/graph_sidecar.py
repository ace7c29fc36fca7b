"""The sidecar: NAME.json beside each NAME.png, the graph's data exactly as drawn, for people
and programs that cannot read a picture. The post's captions and alt texts are read back
from it (services.post_layout.read_card), so the picture, the caption and the file agree.

Its fields: ``graph``, ``title``, ``y_axis``, ``time_range_days``, ``bucket``,
``categories``, ``series`` (``name``, ``key``, ``data``), ``partial`` (the categories drawn
apart, not over yet), ``summary`` (see :func:`summary`), ``note`` (the small print),
``generated_at`` and ``data_from`` (UTC, ISO 8601), and ``stale``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tgraph_bot.core.graphdata import FetchedGraph
from tgraph_bot.graphs.model import PreparedGraph, RenderJob
from tgraph_bot.graphs.registry import GraphSpec


def _numbers(values: tuple[float, ...]) -> list[float | int]:
    """Whole numbers as integers (plays), the rest as they are (hours)."""
    return [int(v) if v.is_integer() else v for v in values]


def sidecar(
    spec: GraphSpec,
    job: RenderJob,
    *,
    days: int,
    generated_at: datetime,
    fetched: FetchedGraph,
    zone: str = "UTC",
) -> dict[str, object]:
    """The data exactly as drawn, for people and programs that cannot read a picture;
    ``time_zone``: the zone its days and hours are in (TIMEZONE, Tautulli's)."""
    graph = job.graph
    return {
        "graph": spec.id,
        "title": job.title,
        "y_axis": graph.y_axis,
        "time_range_days": days,
        "time_zone": zone,
        "bucket": graph.bucket,
        "categories": list(graph.categories),
        "series": [{"name": s.name, "key": s.key, "data": _numbers(s.data)} for s in graph.series],
        "partial": [graph.categories[i] for i in graph.partial],
        "summary": summary(spec, graph),
        "note": job.note,
        "generated_at": generated_at.astimezone(UTC).isoformat(),
        "data_from": fetched.fetched_at.astimezone(UTC).isoformat(),
        "stale": fetched.stale,
    }


def summary(spec: GraphSpec, graph: PreparedGraph) -> dict[str, object] | None:
    """The numbers a caption names: the period's total and its biggest category.

    Concurrent streams have no total (a sum of peaks means nothing): ``total`` is None
    and ``peak`` the highest number of streams at once.
    """
    if graph.empty:
        return None
    counted = [s for s in graph.series if not s.emphasis]
    per_category = [sum(s.data[i] for s in counted) for i in range(len(graph.categories))]
    if spec.counts_streams:
        per_category = [max(s.data[i] for s in graph.series) for i in range(len(graph.categories))]
    top = max(range(len(per_category)), key=lambda i: per_category[i])
    total = None if spec.counts_streams else sum(per_category)
    return {
        "total": _numbers((round(total, 1),))[0] if total is not None else None,
        "peak": {"category": graph.categories[top], "value": _numbers((per_category[top],))[0]},
    }


__all__ = ["sidecar", "summary"]
