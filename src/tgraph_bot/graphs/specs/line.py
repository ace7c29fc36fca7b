# pyright: reportUnknownMemberType=false
# matplotlib types its style options as **kwargs: Unknown; drawing code passes them freely.
"""Lines over dates: daily play count, by stream type, concurrent streams.

Above AUTO_WEEKS_ABOVE days a point is a week, not a day: a year of 365 jagged daily
points per series is a tangle, 52 weekly sums read at a glance. Weekly *sums* rather
than a 7-day average over faint daily points: a sum is a number Tautulli also counts
(the plays of that week, checkable against it), it labels as a whole number, and it
draws 52 points instead of 730. Concurrent streams take the week's peak, since a sum
of daily peaks means nothing.

Points not complete yet (today, a week that has not ended, a week the period starts
in the middle of) are drawn apart: a dashed segment and a hollow marker, and the graph
says so in its small print.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from tgraph_bot.core.graphdata import Bucket, GraphData, by_week
from tgraph_bot.graphs.model import PreparedGraph, RenderJob
from tgraph_bot.graphs.specs.common import (
    HEADROOM,
    LABEL_FONT_SIZE,
    MARKER_LIMIT,
    MARKER_SIZE,
    OUTLINE_WIDTH,
    PrepareContext,
    axes_rect,
    date_ticks,
    display_categories,
    effective_y_axis,
    empty_graph,
    line_labels,
    line_width,
    prepare_series,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from tgraph_bot.graphs.registry import GraphSpec

AUTO_WEEKS_ABOVE = 90  # days: longer periods are drawn in weeks with DAILY_GRAPH_BUCKET auto


def _dates(categories: tuple[str, ...]) -> list[date] | None:
    try:
        return [date.fromisoformat(c) for c in categories]
    except ValueError:
        return None


def choose_bucket(wanted: str, days: int) -> Bucket:
    if wanted == "auto":
        return "week" if days > AUTO_WEEKS_ABOVE else "day"
    return "week" if wanted == "week" else "day"


def prepare(spec: GraphSpec, data: GraphData, ctx: PrepareContext) -> PreparedGraph:
    if data.is_empty:
        return empty_graph(spec, ctx)
    days = _dates(data.categories)
    bucket = choose_bucket(ctx.bucket, len(data.categories)) if days else "day"
    partial: list[int] = []
    if days is not None and bucket == "week":
        weeks = by_week(data, peak=spec.counts_streams)
        data = weeks.data
        last = len(weeks.days) - 1
        ongoing = ctx.today is not None and days[-1] >= ctx.today
        partial = [i for i in (0, last) if weeks.days[i] < 7 or (i == last and ongoing)]
        partial = sorted(set(partial)) if last > 0 else []
    elif days is not None and ctx.today is not None:
        today = ctx.today
        partial = [i for i, d in enumerate(days) if d >= today]  # today (and any day after)
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
        ticks=date_ticks(categories, ctx.tr, weekly=bucket == "week"),
        labels=labels,
        y_max=y_max,
        bucket=bucket if days is not None else None,
        partial=tuple(partial),
    )


def _runs(n: int, partial: tuple[int, ...]) -> tuple[list[int], list[list[int]]]:
    """The points drawn solid, and the dashed pieces joining partial ends to them.

    Partial points are at the ends only: the first week, the last week or days.
    """
    inner = [i for i in range(n) if i not in partial]
    if not inner:
        return [], [list(range(n))]
    dashed: list[list[int]] = []
    if inner[0] > 0:
        dashed.append(list(range(inner[0] + 1)))
    if inner[-1] < n - 1:
        dashed.append(list(range(inner[-1], n)))
    return inner, dashed


def draw(fig: Figure, job: RenderJob) -> Axes:
    from matplotlib.patheffects import withStroke

    graph = job.graph
    n = len(graph.categories)
    ax = fig.add_axes(axes_rect("line"))
    markers = n <= MARKER_LIMIT
    inner, dashed = _runs(n, graph.partial)
    theme = job.theme
    for s in graph.series:
        width = line_width(s.emphasis, markers=markers)
        marker = "o" if markers and not s.emphasis else None
        ax.plot(
            inner,
            [s.data[i] for i in inner],
            color=s.colour,
            linewidth=width,
            linestyle=(0, (4, 2)) if s.emphasis else "-",
            marker=marker,
            markersize=MARKER_SIZE,
            label=s.name,
            zorder=2 if s.emphasis else 3,
        )
        for piece in dashed:
            ax.plot(
                piece,
                [s.data[i] for i in piece],
                color=s.colour,
                linewidth=width,
                linestyle=(0, (1.5, 1.5)),
                zorder=2,
            )
        ends = [i for i in graph.partial if not s.emphasis]
        if ends:  # hollow: not a whole day (or week) yet
            ax.plot(
                ends,
                [s.data[i] for i in ends],
                linestyle="none",
                marker="o",
                markersize=MARKER_SIZE + 0.5,
                markerfacecolor=theme.background,
                markeredgecolor=s.colour,
                markeredgewidth=1.2,
                zorder=3,
            )
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(0, graph.y_max)
    ax.set_xticks([i for i, _ in graph.ticks], [label for _, label in graph.ticks])
    effects = (
        [withStroke(linewidth=OUTLINE_WIDTH, foreground=theme.annotation_outline)]
        if theme.annotation_outline
        else None
    )
    to_points = 72 / job.dpi
    for label in graph.labels:
        ax.annotate(
            label.text,
            (label.index, label.value),
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
