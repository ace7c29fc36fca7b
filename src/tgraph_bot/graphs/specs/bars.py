# pyright: reportUnknownMemberType=false
# matplotlib types its style options as **kwargs: Unknown; drawing code passes them freely.
"""Stacked bars by category: weekday, hour, month, resolution (columns); top 10 (rows).

The month not over yet is drawn apart, as a line graph draws today: hatched and paler,
and the graph says so in its small print, so a month half gone does not read as a collapse.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

from tgraph_bot.core.graphdata import GraphData
from tgraph_bot.graphs.model import Kind, PreparedGraph, PreparedSeries, RenderJob
from tgraph_bot.graphs.specs.common import (
    BAR_WIDTH,
    ENGLISH_MONTHS,
    ENGLISH_WEEKDAYS,
    LABEL_FONT_SIZE,
    OUTLINE_WIDTH,
    PrepareContext,
    axes_rect,
    bar_axis_max,
    bar_labels,
    display_categories,
    effective_y_axis,
    empty_graph,
    month_ticks,
    prepare_series,
)
from tgraph_bot.graphs.theme import mix

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
    totals = [sum(s.data[i] for s in series) for i in range(len(categories))]
    horizontal = spec.kind == "hbars"
    y_max = bar_axis_max(totals, y_axis, ctx.tr, horizontal=horizontal)
    labels = (
        bar_labels(totals, y_max, y_axis, ctx.tr, horizontal=horizontal) if ctx.annotate else ()
    )
    month = spec.axis == "month"
    return PreparedGraph(
        spec.kind,
        tuple(categories),
        series,
        y_axis,
        ticks=_ticks(spec, [data.categories[i] for i in order], categories, ctx),
        labels=labels,
        y_max=y_max,
        partial=this_month([data.categories[i] for i in order], ctx.today) if month else (),
    )


def _ticks(
    spec: GraphSpec, tautulli: list[str], shown: list[str], ctx: PrepareContext
) -> tuple[tuple[int, str], ...]:
    """What the category axis names, when it is not every category as drawn."""
    if spec.axis == "month":
        return month_ticks(shown)
    if spec.axis == "weekday":  # "Wed": "Wednesday" crowds "Thursday" at this size
        short = ctx.tr.weekday_names("abbreviated")
        return tuple(
            (i, short[ENGLISH_WEEKDAYS.index(name)] if name in ENGLISH_WEEKDAYS else shown[i])
            for i, name in enumerate(tautulli)
        )
    return column_ticks(shown, spec.kind)


def column_ticks(categories: list[str], kind: Kind) -> tuple[tuple[int, str], ...]:
    """Every column named up to 12 columns; beyond that (24 hours) every second one."""
    step = math.ceil(len(categories) / 12)
    if kind == "hbars" or step <= 1:
        return ()  # every category, as it is
    return tuple((i, name) for i, name in enumerate(categories) if i % step == 0)


def this_month(categories: list[str], today: date | None) -> tuple[int, ...]:
    """The column of the month ``today`` is in (Tautulli names months "Nov 2026")."""
    if today is None:
        return ()
    name = f"{ENGLISH_MONTHS[today.month - 1]} {today.year}"
    return tuple(i for i, category in enumerate(categories) if category == name)


def _bars(
    base: list[float],
    values: tuple[float, ...],
    which: list[int],
    *,
    horizontal: bool,
) -> list[list[tuple[float, float]]]:
    """The outlines of bars ``which`` of one series: category i spans i ± BAR_WIDTH/2, from
    base to base + value."""
    half = BAR_WIDTH / 2
    return [
        [(b, i - half), (b + v, i - half), (b + v, i + half), (b, i + half)]
        if horizontal
        else [(i - half, b), (i + half, b), (i + half, b + v), (i - half, b + v)]
        for i in which
        for b, v in ((base[i], values[i]),)
        if v
    ]


def _series(
    ax: Axes,
    base: list[float],
    series: PreparedSeries,
    partial: tuple[int, ...],
    *,
    background: str,
    horizontal: bool,
) -> None:
    """One series' bars as one artist, and its partial bars (hatched, paler) as another:
    what ``ax.bar`` draws, without a Rectangle and a data-limit update per bar (a third of
    a bar graph's drawing time). The axes' limits are set by hand."""
    from matplotlib.collections import PolyCollection

    whole = [i for i in range(len(base)) if i not in partial]
    ax.add_collection(
        PolyCollection(
            _bars(base, series.data, whole, horizontal=horizontal),
            facecolors=series.colour,
            edgecolors="none",
            linewidths=0,
            label=series.name,
            zorder=3,
        )
    )
    if partial:
        hatched = PolyCollection(
            _bars(base, series.data, list(partial), horizontal=horizontal),
            facecolors=mix(series.colour, background, 0.55),
            edgecolors=series.colour,
            linewidths=0,
            hatch="///",
            zorder=3,
        )
        ax.add_collection(hatched)


def draw(fig: Figure, job: RenderJob) -> Axes:
    from matplotlib.patheffects import withStroke

    graph = job.graph
    horizontal = graph.kind == "hbars"
    ax = fig.add_axes(axes_rect(graph.kind))
    n = len(graph.categories)
    base = [0.0] * n
    theme = job.theme
    for s in graph.series:
        _series(ax, base, s, graph.partial, background=theme.background, horizontal=horizontal)
        base = [b + v for b, v in zip(base, s.data, strict=True)]
    effects = (
        [withStroke(linewidth=OUTLINE_WIDTH, foreground=theme.annotation_outline)]
        if theme.annotation_outline
        else None
    )
    ticks = graph.ticks or tuple(enumerate(graph.categories))
    positions, names = [i for i, _ in ticks], [name for _, name in ticks]
    if horizontal:
        ax.set_yticks(positions, names)
        ax.set_ylim(n - 0.5, -0.5)  # the first (biggest) at the top
        ax.set_xlim(0, graph.y_max)
    else:
        ax.set_xticks(positions, names)
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
