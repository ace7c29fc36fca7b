"""Preparation shared by every graph: translated categories, censoring, hours, labels.

Runs in the main process and imports no matplotlib. The layout constants are shared
with the drawing code so label boxes can be estimated in pixels without drawing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from tgraph_bot.core.censor import censor
from tgraph_bot.core.graphdata import PEAK_SERIES, TOTAL_SERIES, GraphData, YAxis
from tgraph_bot.core.labels import Candidate, choose_labels
from tgraph_bot.graphs.model import PreparedGraph, PreparedSeries, ValueLabel
from tgraph_bot.graphs.theme import Theme

if TYPE_CHECKING:
    from tgraph_bot.graphs.registry import GraphSpec
    from tgraph_bot.i18n import Translator

WIDTH_PX = 1400
HEIGHT_PX = 700
# Axes position as figure fractions (left, bottom, right, top); hbars need room for names.
AXES = (0.06, 0.10, 0.985, 0.86)
AXES_HBARS = (0.15, 0.10, 0.985, 0.86)
LABEL_FONT_SIZE = 9.0
HEADROOM = 1.12  # the value axis ends this much above the highest value
NAME_LIMIT = 26  # characters of a row name that fit in AXES_HBARS' margin

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
    elif spec.axis == "user" and spec.censor and ctx.censor:
        shown = [censor(categories[i]) for i in order]
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


def date_ticks(categories: Sequence[str], tr: Translator) -> tuple[tuple[int, str], ...]:
    """A bounded number of short, translated date ticks for an axis of ISO dates."""
    try:
        days = [date.fromisoformat(c) for c in categories]
    except ValueError:
        step = max(1, math.ceil(len(categories) / 12))
        return tuple((i, c) for i, c in enumerate(categories) if i % step == 0)
    n = len(days)
    if n <= 62:
        step = 1 if n <= 16 else 2 if n <= 31 else 7
        return tuple((i, tr.date(d, "d MMM")) for i, d in enumerate(days) if i % step == 0)
    months = tr.month_names()
    starts = [i for i, d in enumerate(days) if d.day == 1]
    step = max(1, math.ceil(len(starts) / 14))
    ticks: list[tuple[int, str]] = []
    for k, i in enumerate(starts[::step]):
        d = days[i]
        label = months[d.month - 1]
        if d.month == 1 or k == 0:
            label = f"{label} {d.year}"
        ticks.append((i, label))
    return tuple(ticks)


def axes_px(horizontal: bool) -> tuple[float, float]:
    left, bottom, right, top = AXES_HBARS if horizontal else AXES
    return (right - left) * WIDTH_PX, (top - bottom) * HEIGHT_PX


def line_labels(
    series: Sequence[PreparedSeries], n: int, y_max: float, y_axis: YAxis, tr: Translator
) -> tuple[ValueLabel, ...]:
    """Labels for a line graph: the peaks first, as many as fit without overlapping."""
    width, height = axes_px(False)
    candidates = [
        Candidate((s, i), (i + 0.5) / n * width, v / y_max * height, v, value_text(v, y_axis, tr))
        for s, one in enumerate(series)
        for i, v in enumerate(one.data)
    ]
    limit = 60 if n <= 62 else 24  # a long period: its peaks, not a wall of numbers
    return _to_labels(choose_labels(candidates, limit=limit))


def bar_labels(
    totals: Sequence[float], y_max: float, y_axis: YAxis, tr: Translator, *, horizontal: bool
) -> tuple[ValueLabel, ...]:
    """Labels for stacked bars: each bar's total, where it fits."""
    width, height = axes_px(horizontal)
    n = len(totals)
    if horizontal:  # one label per row, right of the bar: rows never share a line
        return tuple(
            ValueLabel(-1, i, v, value_text(v, y_axis, tr)) for i, v in enumerate(totals) if v > 0
        )
    candidates = [
        Candidate((-1, i), (i + 0.5) / n * width, v / y_max * height, v, value_text(v, y_axis, tr))
        for i, v in enumerate(totals)
    ]
    return _to_labels(choose_labels(candidates, limit=n))


def _to_labels(chosen: Sequence[Candidate]) -> tuple[ValueLabel, ...]:
    return tuple(
        ValueLabel(c.key[0], c.key[1], c.value, c.text) for c in sorted(chosen, key=lambda c: c.key)
    )


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
    "AXES_HBARS",
    "HEADROOM",
    "LABEL_FONT_SIZE",
    "PrepareContext",
    "axes_px",
    "bar_labels",
    "convert",
    "date_ticks",
    "display_categories",
    "effective_y_axis",
    "empty_graph",
    "line_labels",
    "prepare_series",
    "value_text",
]
