"""Preparation shared by every graph: translated categories, censoring, hours, labels.

Runs in the main process and imports no matplotlib. The layout constants are shared
with the drawing code so label boxes can be estimated in pixels without drawing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from tgraph_bot.core.censor import censor_all
from tgraph_bot.core.graphdata import PEAK_SERIES, TOTAL_SERIES, GraphData, YAxis
from tgraph_bot.core.labels import (
    GAP,
    HEIGHT,
    Box,
    Candidate,
    Obstacles,
    Placed,
    Polyline,
    choose_labels,
    text_width,
)
from tgraph_bot.core.resolution import RESOLUTION_ORDER, resolution_name
from tgraph_bot.graphs.model import (
    DPI,
    FIGURE_INCHES,
    Kind,
    PreparedGraph,
    PreparedSeries,
    ValueLabel,
)
from tgraph_bot.graphs.theme import Theme

if TYPE_CHECKING:
    from tgraph_bot.graphs.registry import GraphSpec
    from tgraph_bot.i18n import Translator

WIDTH_PX = round(FIGURE_INCHES[0] * DPI)
HEIGHT_PX = round(FIGURE_INCHES[1] * DPI)
LABEL_HEIGHT_PX = HEIGHT
GAP_PX = GAP

# Text sizes in points. The figure is 7 in wide (model.FIGURE_INCHES), so shown 500 px wide
# in Discord a point is a pixel: nothing drawn is under 11.5 px high there.
TITLE_FONT_SIZE = 15.0
AXIS_LABEL_FONT_SIZE = 12.0
TICK_FONT_SIZE = 11.5
LEGEND_FONT_SIZE = 11.5
NOTE_FONT_SIZE = 11.5
LABEL_FONT_SIZE = 11.5  # value labels (bold); core.labels.LABEL_EM measures this size
MIN_FONT_SIZE = 11.5  # what a title too long for the width shrinks to, no further


def _rect(left: float, bottom: float, right: float, top: float) -> tuple[float, ...]:
    """Margins in points -> the axes' (left, bottom, right, top) as figure fractions."""
    width, height = FIGURE_INCHES[0] * 72, FIGURE_INCHES[1] * 72
    return (left / width, bottom / height, 1 - right / width, 1 - top / height)


# Axes position as figure fractions (left, bottom, right, top). Above: the title and the
# legend. Below: tick labels, the axis label, the small print. Left: the value ticks and
# an axis label of up to two lines. Columns keep room for two-line ticks (a month and its
# year); rows for their names (NAME_LIMIT characters).
AXES = _rect(left=84, bottom=54, right=12, top=50)
AXES_BARS = _rect(left=84, bottom=72, right=12, top=50)
AXES_HBARS = _rect(left=140, bottom=54, right=12, top=50)
OUTLINE_WIDTH = 2.0  # points: the halo of the background colour round a value label
MARKER_SIZE = 4.0  # points: the markers of a line graph of 62 points or fewer
MARKER_LIMIT = 62  # more points than this are drawn as a line without markers
HEADROOM = 1.12  # the value axis ends this much above the highest value
NAME_LIMIT = 18  # characters of a row name that fit in AXES_HBARS' margin
MAX_DATE_TICKS = 7  # more would crowd 12 pt dates across the axis

ENGLISH_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
DROPPED_SERIES = frozenset({TOTAL_SERIES})
"""Tautulli's "Total" line on get_plays_by_date repeats the sum of the others and
flattens them; the graph shows the media types only."""


@dataclass(frozen=True, slots=True)
class PrepareContext:
    tr: Translator
    y_axis: YAxis
    censor: bool
    annotate: bool
    theme: Theme
    series_names: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tautulli's series names as drawn (translated); unknown names are drawn as they are."""
    bucket: Literal["auto", "day", "week"] = "auto"
    """Daily graphs: a point per day, per ISO week, or weeks above AUTO_WEEKS_ABOVE days."""
    today: date | None = None
    """The server's date now: a daily point for it is not complete yet."""


def effective_y_axis(spec: GraphSpec, wanted: YAxis) -> YAxis:
    return "plays" if spec.counts_streams else wanted


def _weekday_order(categories: Sequence[str]) -> list[int]:
    """Monday first (ISO 8601 and most of Europe); Tautulli answers Sunday first."""
    position = {name: i for i, name in enumerate(categories)}
    order = [position[name] for name in ENGLISH_WEEKDAYS if name in position]
    order += [i for i, name in enumerate(categories) if name not in ENGLISH_WEEKDAYS]
    return order


def _translate_month(category: str, tr: Translator) -> str:
    """``"Nov 2025"`` -> ``"nov. 2025"`` in Danish; unknown shapes are kept."""
    name, _, year = category.partition(" ")
    if name in ENGLISH_MONTHS:
        return f"{tr.month_names()[ENGLISH_MONTHS.index(name)]} {year}".strip()
    return category


def _resolution_order(categories: Sequence[str]) -> list[int]:
    """Best first in RESOLUTION_ORDER; others after, as Tautulli ordered them."""
    rank = {name: i for i, name in enumerate(RESOLUTION_ORDER)}
    return sorted(
        range(len(categories)),
        key=lambda i: rank.get(resolution_name(categories[i]), len(rank)),
    )


def display_categories(
    spec: GraphSpec, categories: Sequence[str], ctx: PrepareContext
) -> tuple[list[int], list[str]]:
    """The order to draw the categories in, and their drawn (translated, censored) names."""
    order = list(range(len(categories)))
    if spec.axis == "weekday":
        order = _weekday_order(categories)
        english = {name: i for i, name in enumerate(ENGLISH_WEEKDAYS)}
        names = ctx.tr.weekday_names("wide")
        shown = [
            names[english[categories[i]]] if categories[i] in english else categories[i]
            for i in order
        ]
    elif spec.axis == "month":
        shown = [_translate_month(categories[i], ctx.tr) for i in order]
    elif spec.axis == "resolution":
        order = _resolution_order(categories)
        shown = [resolution_name(categories[i]) for i in order]
    elif spec.axis == "user" and spec.censor and ctx.censor:
        shown = censor_all(categories[i] for i in order)
    else:
        shown = [categories[i] for i in order]
    if spec.kind == "hbars":  # row names live in a fixed margin
        shown = [shorten(name) for name in shown]
    return order, shown


def shorten(name: str, limit: int = NAME_LIMIT) -> str:
    """A long user or platform name cut to fit the margin: ``"A very long na…"``."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def convert(value: float, y_axis: YAxis) -> float:
    """Tautulli's value as drawn: plays as they are, durations from seconds to hours."""
    if y_axis == "duration":
        return round(value / 3600, 1)
    return value


def value_text(value: float, y_axis: YAxis, tr: Translator) -> str:
    if y_axis == "duration":
        return tr.number(round(value, 1))
    return tr.number(round(value))


def date_ticks(
    categories: Sequence[str], tr: Translator, *, weekly: bool = False
) -> tuple[tuple[int, str], ...]:
    """At most MAX_DATE_TICKS short, translated date ticks for an axis of ISO dates.

    A period of up to 62 days gets day ticks (a week apart beyond two weeks); longer
    periods, and weeks, get month ticks (every month, or every second one for a year),
    with the year on the first tick and wherever it changes.
    """
    try:
        days = [date.fromisoformat(c) for c in categories]
    except ValueError:
        step = max(1, math.ceil(len(categories) / MAX_DATE_TICKS))
        return tuple((i, c) for i, c in enumerate(categories) if i % step == 0)
    n = len(days)
    if n <= MARKER_LIMIT and not weekly:
        step = 1 if n <= MAX_DATE_TICKS else 2 if n <= 2 * MAX_DATE_TICKS else 7 if n <= 49 else 14
        return tuple((i, tr.date(d, "d MMM")) for i, d in enumerate(days) if i % step == 0)
    months = tr.month_names()
    # The first point of each month: a week belongs to the month its Monday is in.
    starts = [i for i, d in enumerate(days) if i > 0 and d.month != days[i - 1].month]
    if (weekly and days and days[0].day <= 7) or (not weekly and days and days[0].day == 1):
        starts.insert(0, 0)
    step = max(1, math.ceil(len(starts) / MAX_DATE_TICKS))
    ticks: list[tuple[int, str]] = []
    year = None
    for i in starts[::step]:
        d = days[i]
        label = months[d.month - 1]
        if d.year != year:
            label, year = f"{label} {d.year}", d.year
        ticks.append((i, label))
    return tuple(ticks)


def month_ticks(categories: Sequence[str]) -> tuple[tuple[int, str], ...]:
    """Ticks for columns of months drawn as "nov. 2025": the month, and under it the year
    where it starts (and on the first column); every second month beyond 12 columns."""
    step = max(1, math.ceil(len(categories) / 12))
    ticks: list[tuple[int, str]] = []
    year = None
    for i in range(0, len(categories), step):
        name, _, this = categories[i].partition(" ")
        label = name if this == year else f"{name}\n{this}".strip()
        year = this
        ticks.append((i, label))
    return tuple(ticks)


def axes_rect(kind: Kind) -> tuple[float, float, float, float]:
    """Where a graph of this kind draws its axes: (left, bottom, width, height) of the figure."""
    left, bottom, right, top = {"line": AXES, "bars": AXES_BARS, "hbars": AXES_HBARS}[kind]
    return left, bottom, right - left, top - bottom


def axes_px(kind: Kind) -> tuple[float, float]:
    _, _, width, height = axes_rect(kind)
    return width * WIDTH_PX, height * HEIGHT_PX


def _px(points: float) -> float:
    return points * DPI / 72


def line_obstacles(
    series: Sequence[PreparedSeries], n: int, y_max: float, *, markers: bool
) -> Obstacles:
    """The axes' box and every series line (and its markers) in pixels, as drawn."""
    width, height = axes_px("line")
    xs = tuple((i + 0.5) / n * width for i in range(n))
    lines = tuple(
        Polyline(
            xs,
            tuple(v / y_max * height for v in one.data),
            marker=_px(MARKER_SIZE / 2 + 0.5) if markers and not one.emphasis else 0.0,
            thickness=_px(line_width(one.emphasis, markers=markers) / 2) + 0.5,
        )
        for one in series
    )
    return Obstacles(Box(0.0, 0.0, width, height), lines)


def line_width(emphasis: bool, *, markers: bool) -> float:
    """Points: the emphasised series (a maximum) thinner and dashed; long periods thinner."""
    if markers:
        return 1.4 if emphasis else 2.0
    return 1.0 if emphasis else 1.3


def line_labels(
    series: Sequence[PreparedSeries], n: int, y_max: float, y_axis: YAxis, tr: Translator
) -> tuple[ValueLabel, ...]:
    """Labels for a line graph: each series' peaks in turn, as many as fit clear of the lines.

    Only peaks are candidates (a point at least as high as both neighbours): the numbers
    a reader looks for. Each series' highest peak goes first, then each one's second, so
    a small series is labelled too, not only the biggest line.
    """
    width, height = axes_px("line")
    candidates: list[Candidate] = []
    for s, one in enumerate(series):
        data = one.data
        peaks = [
            i
            for i, v in enumerate(data)
            if v > 0
            and (i == 0 or v >= data[i - 1])
            and (i == n - 1 or v >= data[i + 1])
            and (i in (0, n - 1) or v > data[i - 1] or v > data[i + 1])  # a plateau's ends
        ]
        peaks.sort(key=lambda i: -data[i])
        for rank, i in enumerate(peaks):
            v = data[i]
            x, y = (i + 0.5) / n * width, v / y_max * height
            candidates.append(Candidate((s, i), x, y, v, value_text(v, y_axis, tr), rank))
    markers = n <= MARKER_LIMIT
    obstacles = line_obstacles(series, n, y_max, markers=markers)
    limit = 16 if n <= 31 else 12  # the peaks a reader looks for, not a wall of numbers
    return _to_labels(choose_labels(candidates, obstacles=obstacles, limit=limit))


BAR_WIDTH = 0.7  # of a category's slot


def bar_boxes(totals: Sequence[float], y_max: float) -> tuple[Box, ...]:
    """Columns' outlines in pixels, as drawn."""
    width, height = axes_px("bars")
    n = len(totals)
    half = BAR_WIDTH / 2
    return tuple(
        Box((i + 0.5 - half) / n * width, 0.0, (i + 0.5 + half) / n * width, v / y_max * height)
        for i, v in enumerate(totals)
    )


def bar_axis_max(
    totals: Sequence[float], y_axis: YAxis, tr: Translator, *, horizontal: bool
) -> float:
    """The top of the value axis: headroom above the biggest bar, and room for every label."""
    width, height = axes_px("hbars" if horizontal else "bars")
    top = max(1.0, max(totals, default=0.0) * HEADROOM)
    for v in totals:
        if horizontal:  # the label right of the bar
            room = width - text_width(value_text(v, y_axis, tr)) - 2 * GAP_PX
        else:  # the label above it
            room = height - LABEL_HEIGHT_PX - 2 * GAP_PX
        top = max(top, v * width / room if horizontal else v * height / room)
    return top


def bar_labels(
    totals: Sequence[float], y_max: float, y_axis: YAxis, tr: Translator, *, horizontal: bool
) -> tuple[ValueLabel, ...]:
    """Labels for stacked bars: each bar's total, where it fits clear of the bars."""
    width, height = axes_px("hbars" if horizontal else "bars")
    n = len(totals)
    if horizontal:  # one label per row, right of the bar: rows never share a line
        return tuple(
            ValueLabel(-1, i, v, text, dx=GAP_PX + text_width(text) / 2, dy=0.0)
            for i, v in enumerate(totals)
            if v > 0
            for text in (value_text(v, y_axis, tr),)
        )
    candidates = [
        Candidate((-1, i), (i + 0.5) / n * width, v / y_max * height, v, value_text(v, y_axis, tr))
        for i, v in enumerate(totals)
    ]
    obstacles = Obstacles(Box(0.0, 0.0, width, height), boxes=bar_boxes(totals, y_max))
    return _to_labels(choose_labels(candidates, obstacles=obstacles, places=((0, 1),), limit=n))


def _to_labels(chosen: Sequence[Placed]) -> tuple[ValueLabel, ...]:
    out: list[ValueLabel] = []
    for p in sorted(chosen, key=lambda p: p.candidate.key):
        c = p.candidate
        dx, dy = p.offset
        out.append(ValueLabel(c.key[0], c.key[1], c.value, c.text, dx=dx, dy=dy))
    return tuple(out)


def prepare_series(
    spec: GraphSpec, data: GraphData, order: Sequence[int], ctx: PrepareContext
) -> tuple[PreparedSeries, ...]:
    y_axis = effective_y_axis(spec, ctx.y_axis)
    out: list[PreparedSeries] = []
    for index, s in enumerate(data.series):
        if s.name in DROPPED_SERIES:
            continue
        values = tuple(convert(s.data[i], y_axis) for i in order)
        name = ctx.series_names.get(s.name, s.name)
        emphasis = s.name == PEAK_SERIES
        out.append(PreparedSeries(s.name, name, values, ctx.theme.colour(s.name, index), emphasis))
    return tuple(out)


def empty_graph(spec: GraphSpec, ctx: PrepareContext) -> PreparedGraph:
    return PreparedGraph(spec.kind, (), (), effective_y_axis(spec, ctx.y_axis))


__all__ = [
    "AXES",
    "AXES_BARS",
    "AXES_HBARS",
    "AXIS_LABEL_FONT_SIZE",
    "BAR_WIDTH",
    "ENGLISH_MONTHS",
    "ENGLISH_WEEKDAYS",
    "HEADROOM",
    "HEIGHT_PX",
    "LABEL_FONT_SIZE",
    "LEGEND_FONT_SIZE",
    "MARKER_LIMIT",
    "MARKER_SIZE",
    "MAX_DATE_TICKS",
    "MIN_FONT_SIZE",
    "NAME_LIMIT",
    "NOTE_FONT_SIZE",
    "OUTLINE_WIDTH",
    "RESOLUTION_ORDER",
    "TICK_FONT_SIZE",
    "TITLE_FONT_SIZE",
    "WIDTH_PX",
    "PrepareContext",
    "axes_px",
    "axes_rect",
    "bar_axis_max",
    "bar_labels",
    "convert",
    "date_ticks",
    "display_categories",
    "effective_y_axis",
    "empty_graph",
    "line_labels",
    "line_width",
    "month_ticks",
    "prepare_series",
    "resolution_name",
    "value_text",
]
