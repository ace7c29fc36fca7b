"""What a worker process needs to draw one graph: plain, picklable data, already translated.

Workers get no settings, no translator and no network: everything they draw is in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tgraph_bot.core.graphdata import Bucket, YAxis
from tgraph_bot.graphs.theme import Theme

FIGURE_INCHES = (7.0, 3.9)
"""Every graph's size. Discord shows an image in a message about 500 px wide: at 7 in, one
point of text is one pixel there (500 / 7 / 72), so a 12 pt label stays 12 px high."""
DPI = 200
"""1400 px across (7 in at 200 dpi) for whoever opens the image full size."""

NOTE_SEPARATOR = "  ·  "
"""Between the parts of a graph's small print (stale data, points drawn apart)."""

Kind = Literal["line", "bars", "hbars"]
"""line: one line per series over dates; bars: stacked columns; hbars: stacked rows."""


@dataclass(frozen=True, slots=True)
class PreparedSeries:
    key: str  # Tautulli's name, e.g. "Movies"
    name: str  # as drawn, translated
    data: tuple[float, ...]  # as drawn (censored categories, hours for duration)
    colour: str
    emphasis: bool = False  # a maximum or total, drawn distinctly


@dataclass(frozen=True, slots=True)
class ValueLabel:
    series: int  # index into series; -1 for a stacked total
    index: int  # index into categories
    value: float
    text: str
    dx: float = 0.0  # the label's centre from its anchor, in pixels at the job's dpi
    dy: float = 10.0


@dataclass(frozen=True, slots=True)
class PreparedGraph:
    """The data exactly as drawn, and what the sidecar says."""

    kind: Kind
    categories: tuple[str, ...]
    series: tuple[PreparedSeries, ...]
    y_axis: YAxis
    ticks: tuple[tuple[int, str], ...] = ()  # date axes: (category index, label)
    labels: tuple[ValueLabel, ...] = ()
    y_max: float = 1.0  # the top of the value axis
    bucket: Bucket | None = None  # date axes: what one point is
    partial: tuple[int, ...] = ()  # not complete yet: today, a week (dashed); this month (hatched)

    @property
    def empty(self) -> bool:
        return not self.categories or not self.series


@dataclass(frozen=True, slots=True)
class RenderJob:
    graph_id: str
    graph: PreparedGraph
    theme: Theme
    title: str
    x_label: str
    y_label: str
    note: str | None  # small print, e.g. "Data from ... (Tautulli unavailable)"
    empty_text: str  # "No data for this period", translated
    png: str  # where the worker writes the image
    group_symbol: str = ","  # thousands separator of the language, for the value axis
    decimal_symbol: str = "."
    width: float = FIGURE_INCHES[0]
    height: float = FIGURE_INCHES[1]
    dpi: int = DPI


__all__ = [
    "DPI",
    "FIGURE_INCHES",
    "NOTE_SEPARATOR",
    "PreparedGraph",
    "PreparedSeries",
    "RenderJob",
    "ValueLabel",
]
