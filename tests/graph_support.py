"""Every graph's drawing job from the recorded Tautulli answers, as the bot prepares it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.graphdata import FetchedGraph, GraphData
from tgraph_bot.graphs.model import RenderJob
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.graphs.sample_source import SampleGraphSource
from tgraph_bot.i18n import translator
from tgraph_bot.services.graphs import GraphService

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

FIXTURES = Path(__file__).parent / "fixtures" / "graphs"
NOW = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)


class Options(TypedDict, total=False):
    stale: bool  # drawn from a kept answer (its small print says so)
    personal: bool  # a member's own graphs
    zone: str  # TIMEZONE


def graph_jobs(
    language: str, days: int, theme: str, tmp: Path, **options: Unpack[Options]
) -> Iterator[tuple[str, RenderJob]]:
    """(graph id, job) for every graph with a recorded answer for ``days``."""
    stale, personal = options.get("stale", False), options.get("personal", False)
    zone = options.get("zone", "UTC")
    service = GraphService(SampleGraphSource(FIXTURES), Renderer(), clock=lambda: NOW)
    s = Settings.model_validate(
        {"LANGUAGE": language, "TIME_RANGE_DAYS": days, "GRAPH_THEME": theme, "TIMEZONE": zone}
    )
    tr = translator(language)
    source = SampleGraphSource(FIXTURES)
    for spec in GRAPHS:
        recorded = 12 if spec.monthly else days
        name = f"{spec.command}__{recorded}.json"
        if not (FIXTURES / name).exists():
            continue
        raw = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        fetched = FetchedGraph(GraphData.parse(raw), source.fetched_at, stale=stale)
        yield spec.id, service.job(spec, fetched, s, tmp, tr, personal=personal)


def drawn_graphs(
    language: str, days: int, theme: str, tmp: Path, **options: Unpack[Options]
) -> Iterator[tuple[str, RenderJob, Figure, FigureCanvasAgg]]:
    """Every graph's figure as the worker builds it, drawn (so extents can be measured)."""
    from tgraph_bot.graphs.worker import build_figure

    for graph_id, job in graph_jobs(language, days, theme, tmp, **options):
        fig, canvas = build_figure(job)
        canvas.draw()
        yield graph_id, job, fig, canvas
        fig.clear()
