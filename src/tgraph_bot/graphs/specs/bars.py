# pyright: reportUnknownMemberType=false
# matplotlib types its style options as **kwargs: Unknown; drawing code passes them freely.
"""Stacked bars by category: weekday, hour, month, resolution (columns); top 10 (rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgraph_bot.core.graphdata import GraphData
from tgraph_bot.graphs.model import PreparedGraph, RenderJob
from tgraph_bot.graphs.specs.common import (
    AXES,
    AXES_HBARS,
    BAR_WIDTH,
    LABEL_FONT_SIZE,
    PrepareContext,
    bar_axis_max,
    bar_labels,
    display_categories,
    effective_y_axis,
    empty_graph,
    prepare_series,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    from tgraph_bot.graphs.registry import GraphSpec


def prepare(spec: GraphSpec, data: GraphData, ctx: PrepareContext) -> PreparedGraph:
    if data.is_empty:
        return empty_graph(spec, ctx)
    order, categories = display_categories(spec, data.categories, ctx)
    series = prepare_series(spec, data, order, ctx)
    y_axis = effective_y_axis(spec, ctx.y_axis)
    totals = [sum(s.data[i] for s in series) for i in range(len(categories))]
    horizontal = spec.kind == "hbars"
    y_max = bar_axis_max(totals, y_axis, ctx.tr, horizontal=horizontal)
    labels = (
        bar_labels(totals, y_max, y_axis, ctx.tr, horizontal=horizontal) if ctx.annotate else ()
    )
    return PreparedGraph(spec.kind, tuple(categories), series, y_axis, labels=labels, y_max=y_max)


def _bars(
    base: list[float], values: tuple[float, ...], *, colour: str, name: str, horizontal: bool
) -> PolyCollection:
    """One series' bars (category i spans i ± BAR_WIDTH/2, from base to base + value) as a
    single artist: what ``ax.bar`` draws, without a Rectangle and a data-limit update per
    bar (a third of a bar graph's drawing time). The axes' limits are set by hand."""
    from matplotlib.collections import PolyCollection

    half = BAR_WIDTH / 2
    outlines = [
        [(b, i - half), (b + v, i - half), (b + v, i + half), (b, i + half)]
        if horizontal
        else [(i - half, b), (i + half, b), (i + half, b + v), (i - half, b + v)]
        for i, (b, v) in enumerate(zip(base, values, strict=True))
        if v
    ]
    return PolyCollection(
        outlines, facecolors=colour, edgecolors="none", linewidths=0, label=name, zorder=3
    )


def draw(fig: Figure, job: RenderJob) -> Axes:
    from matplotlib.patheffects import withStroke

    graph = job.graph
    horizontal = graph.kind == "hbars"
    left, bottom, right, top = AXES_HBARS if horizontal else AXES
    ax = fig.add_axes((left, bottom, right - left, top - bottom))
    n = len(graph.categories)
    positions = list(range(n))
    base = [0.0] * n
    for s in graph.series:
        ax.add_collection(_bars(base, s.data, colour=s.colour, name=s.name, horizontal=horizontal))
        base = [b + v for b, v in zip(base, s.data, strict=True)]
    theme = job.theme
    effects = (
        [withStroke(linewidth=1.1, foreground=theme.annotation_outline)]
        if theme.annotation_outline
        else None
    )
    if horizontal:
        ax.set_yticks(positions, list(graph.categories))
        ax.set_ylim(n - 0.5, -0.5)  # the first (biggest) at the top
        ax.set_xlim(0, graph.y_max)
    else:
        ax.set_xticks(positions, list(graph.categories))
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(0, graph.y_max)
    to_points = 72 / job.dpi
    for label in graph.labels:
        anchor = (label.value, label.index) if horizontal else (label.index, label.value)
        ax.annotate(
            label.text,
            anchor,
            xytext=(label.dx * to_points, label.dy * to_points),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=LABEL_FONT_SIZE,
            color=theme.annotation,
            path_effects=effects,
            fontweight="bold",
            zorder=5,
        )
    return ax
