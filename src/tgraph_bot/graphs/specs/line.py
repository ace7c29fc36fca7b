# pyright: reportUnknownMemberType=false
# matplotlib types its style options as **kwargs: Unknown; drawing code passes them freely.
"""Lines over dates: daily play count, by stream type, concurrent streams."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgraph_bot.core.graphdata import GraphData
from tgraph_bot.graphs.model import PreparedGraph, RenderJob
from tgraph_bot.graphs.specs.common import (
    AXES,
    HEADROOM,
    LABEL_FONT_SIZE,
    PrepareContext,
    date_ticks,
    display_categories,
    effective_y_axis,
    empty_graph,
    line_labels,
    prepare_series,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from tgraph_bot.graphs.registry import GraphSpec


def prepare(spec: GraphSpec, data: GraphData, ctx: PrepareContext) -> PreparedGraph:
    if data.is_empty:
        return empty_graph(spec, ctx)
    order, categories = display_categories(spec, data.categories, ctx)
    series = prepare_series(spec, data, order, ctx)
    y_axis = effective_y_axis(spec, ctx.y_axis)
    peak = max((v for s in series for v in s.data), default=0.0)
    y_max = max(1.0, peak * HEADROOM)
    labels = line_labels(series, len(categories), y_max, y_axis, ctx.tr) if ctx.annotate else ()
    return PreparedGraph(
        spec.kind,
        tuple(categories),
        series,
        y_axis,
        ticks=date_ticks(categories, ctx.tr),
        labels=labels,
        y_max=y_max,
    )


def draw(fig: Figure, job: RenderJob) -> Axes:
    from matplotlib.patheffects import withStroke

    graph = job.graph
    n = len(graph.categories)
    ax = fig.add_axes((AXES[0], AXES[1], AXES[2] - AXES[0], AXES[3] - AXES[1]))
    xs = list(range(n))
    markers = n <= 62
    for s in graph.series:
        ax.plot(
            xs,
            s.data,
            color=s.colour,
            linewidth=(1.4 if s.emphasis else 2.0) if markers else (1.0 if s.emphasis else 1.3),
            linestyle=(0, (4, 2)) if s.emphasis else "-",
            marker="o" if markers and not s.emphasis else None,
            markersize=3.5,
            label=s.name,
            zorder=2 if s.emphasis else 3,
        )
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(0, graph.y_max)
    ax.set_xticks([i for i, _ in graph.ticks], [label for _, label in graph.ticks])
    theme = job.theme
    effects = (
        [withStroke(linewidth=1.1, foreground=theme.annotation_outline)]
        if theme.annotation_outline
        else None
    )
    for label in graph.labels:
        ax.annotate(
            label.text,
            (label.index, label.value),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=LABEL_FONT_SIZE,
            color=theme.annotation,
            path_effects=effects,
            fontweight="bold",
            zorder=5,
        )
    return ax
