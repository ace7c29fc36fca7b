"""Value labels: the peaks first, bounded in number, clear of each other, the lines, the
markers, the bars, the legend and the axes.

Two levels: the pure geometry (hypothesis, with an oracle that walks each line pixel by
pixel instead of trusting the clipping maths), and every graph as matplotlib really
draws it, measured in display coordinates (so the estimate of a label's size is checked
against the font, not against itself).
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.graph_support import FIXTURES, drawn_graphs
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.graphdata import GraphData
from tgraph_bot.core.ids import GraphId
from tgraph_bot.core.labels import (
    Box,
    Candidate,
    Obstacles,
    Polyline,
    choose_labels,
    label_box,
)
from tgraph_bot.graphs.registry import BY_ID
from tgraph_bot.graphs.specs import line
from tgraph_bot.graphs.specs.common import MAX_DATE_TICKS, NAME_LIMIT, PrepareContext, shorten
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import translator

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox


def _data(name: str) -> GraphData:
    return GraphData.parse(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def _ctx(today: date | None = None) -> PrepareContext:
    theme = Theme.from_settings(Settings())
    return PrepareContext(translator("en"), "plays", True, True, theme, today=today)


# -- the pure geometry ---------------------------------------------------------------


def _walk(line: Polyline, step: float = 0.5) -> Iterator[tuple[float, float]]:
    """Points along the line every ``step`` pixels: an oracle independent of Box.cuts."""
    for (x0, y0), (x1, y1) in zip(
        zip(line.xs, line.ys, strict=True), zip(line.xs[1:], line.ys[1:], strict=True), strict=False
    ):
        count = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step))
        for k in range(count + 1):
            t = k / count
            yield x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    yield from zip(line.xs, line.ys, strict=True)


def _strictly_inside(box: Box, x: float, y: float) -> bool:
    return box.left < x < box.right and box.bottom < y < box.top


class _Walked:
    """A line's :func:`_walk` points, sorted by x, so a box looks only at the points in its
    own columns (the same points and the same strict test, thousands of times fewer)."""

    def __init__(self, line: Polyline) -> None:
        self.points = sorted(_walk(line))
        self.xs = [x for x, _ in self.points]

    def any_strictly_inside(self, box: Box) -> bool:
        first, end = bisect_right(self.xs, box.left), bisect_left(self.xs, box.right)
        return any(box.bottom < y < box.top for _, y in self.points[first:end])


BOUNDS = Box(0.0, 0.0, 1295.0, 532.0)


@st.composite
def _scenes(draw: st.DrawFn) -> tuple[list[Candidate], Obstacles]:
    n = draw(st.integers(2, 60))
    step = BOUNDS.right / n
    xs = tuple((i + 0.5) * step for i in range(n))
    lines: list[Polyline] = []
    candidates: list[Candidate] = []
    for s in range(draw(st.integers(1, 4))):
        ys = tuple(draw(st.lists(st.floats(0, 500), min_size=n, max_size=n)))
        lines.append(Polyline(xs, ys, marker=draw(st.sampled_from([0.0, 3.0])), thickness=1.5))
        for i, y in enumerate(ys):
            value = draw(st.integers(0, 20_000))
            candidates.append(Candidate((s, i), xs[i], y, float(value), f"{value:,}"))
    bars = tuple(
        Box(x - step / 3, 0.0, x + step / 3, draw(st.floats(0, 300)))
        for x in xs
        if draw(st.booleans())
    )
    return candidates, Obstacles(BOUNDS, tuple(lines), bars)


@settings(max_examples=150, deadline=None)
@given(_scenes(), st.integers(1, 80))
def test_chosen_labels_are_clear_of_labels_lines_markers_bars_and_axes(
    scene: tuple[list[Candidate], Obstacles], limit: int
) -> None:
    candidates, obstacles = scene
    kept = choose_labels(candidates, obstacles=obstacles, limit=limit)
    assert len(kept) <= limit
    assert all(p.candidate.value > 0 for p in kept)
    boxes = [p.box for p in kept]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    walked = [(one, _Walked(one)) for one in obstacles.lines]
    for box in boxes:
        assert box.inside(obstacles.bounds)
        assert not any(box.overlaps(bar) for bar in obstacles.boxes)
        for one, walk in walked:
            assert not walk.any_strictly_inside(box.grown(one.thickness))
            dots = box.grown(one.marker)
            assert one.marker == 0 or not any(
                _strictly_inside(dots, x, y) for x, y in zip(one.xs, one.ys, strict=True)
            )


@given(
    st.lists(
        st.tuples(
            st.floats(20, 1270, allow_nan=False),
            st.floats(0, 500, allow_nan=False),
            st.integers(0, 100_000),
        ),
        max_size=200,
    ),
    st.integers(1, 80),
)
def test_without_obstacles_the_biggest_value_is_always_labelled(
    points: list[tuple[float, float, int]], limit: int
) -> None:
    candidates = [Candidate((0, i), x, y, float(v), str(v)) for i, (x, y, v) in enumerate(points)]
    kept = choose_labels(candidates, limit=limit)
    assert len(kept) <= limit
    if any(c.value > 0 for c in candidates):
        assert max(c.value for c in candidates) in {p.candidate.value for p in kept}


def test_a_label_that_would_sit_on_a_line_moves_beside_it_or_is_dropped() -> None:
    # A line rising steeply through the space above the point: "above" is blocked.
    rising = Polyline((100.0, 110.0), (50.0, 200.0), thickness=1.5)
    c = Candidate((0, 0), 100.0, 50.0, 7.0, "7")
    assert rising.hits(label_box(c))
    (placed,) = choose_labels([c], obstacles=Obstacles(BOUNDS, (rising,)))
    assert placed.box != label_box(c)
    assert not rising.hits(placed.box)
    assert placed.offset != (0.0, 0.0)


def test_choose_labels_prefers_lower_rank_then_bigger_values_and_skips_zeros() -> None:
    close = [
        Candidate((0, 0), 100.0, 50.0, 10.0, "10"),
        Candidate((0, 1), 103.0, 50.0, 30.0, "30"),  # overlaps the first: wins, it is bigger
        Candidate((0, 2), 300.0, 50.0, 0.0, "0"),
        Candidate((0, 3), 400.0, 50.0, 5.0, "5"),
    ]
    kept = choose_labels(close, places=((0, 1),))
    assert [p.candidate.text for p in kept] == ["30", "5"]
    later = [Candidate(c.key, c.x, c.y, c.value, c.text, rank=1) for c in close[:2]]
    ranked = [Candidate((1, 0), 100.0, 50.0, 3.0, "3"), *later]
    assert [p.candidate.text for p in choose_labels(ranked, places=((0, 1),))] == ["3"]


def test_choose_labels_respects_the_limit() -> None:
    spread = [Candidate((0, i), i * 100.0, 0.0, float(i + 1), str(i + 1)) for i in range(50)]
    kept = choose_labels(spread, limit=7)
    assert [p.candidate.text for p in kept] == ["50", "49", "48", "47", "46", "45", "44"]


def test_long_row_names_are_shortened_to_fit_the_margin() -> None:
    assert shorten("Chrome") == "Chrome"
    assert shorten("A" * NAME_LIMIT) == "A" * NAME_LIMIT
    long = shorten("Wolfeschlegelsteinhausenbergerdorff the Elder")
    assert len(long) == NAME_LIMIT and long.endswith("…")


def test_every_series_gets_its_peak_labelled_not_only_the_biggest() -> None:
    spec = BY_ID[GraphId("daily_play_count")]
    graph = line.prepare(spec, _data("get_plays_by_date__365.json"), _ctx())
    assert graph.bucket == "week"
    assert 5 <= len(graph.labels) <= 12
    # Not only the biggest line: every series whose peaks have room (here all but Movies,
    # which runs between Music and Live TV with no room for a 12 pt number above or below).
    labelled = {lb.series for lb in graph.labels}
    assert len(labelled) >= len(graph.series) - 1
    peak = max((v, s, i) for s, one in enumerate(graph.series) for i, v in enumerate(one.data))
    assert any(
        lb.series == peak[1] and lb.index == peak[2] and lb.text == f"{int(peak[0]):,}"
        for lb in graph.labels
    )


# -- every graph as matplotlib draws it ------------------------------------------------


def _segments_px(ax: Axes, artist: Line2D) -> list[tuple[float, float, float, float]]:
    """The artist's segments in display pixels, and each point as a segment of no length."""
    points = [(float(x), float(y)) for x, y in ax.transData.transform(artist.get_xydata())]
    dots = [(x, y, x, y) for x, y in points]
    if artist.get_linestyle() in ("None", "none", ""):
        return dots
    return [(*a, *b) for a, b in pairwise(points)] + dots


def _bar_boxes_px(ax: Axes) -> list[Bbox]:
    """Every bar drawn (bars.py: one collection of outlines per series) in pixels."""
    from matplotlib.transforms import Bbox

    corners = (
        ax.transData.transform(path.vertices)
        for collection in ax.collections
        for path in collection.get_paths()
    )
    boxes = (Bbox.from_extents(*c.min(axis=0), *c.max(axis=0)) for c in corners)
    return [box for box in boxes if box.width > 0 and box.height > 0]


@pytest.mark.parametrize(("language", "days", "theme"), [("en", 30, "light"), ("da", 365, "dark")])
def test_drawn_labels_touch_nothing_but_their_own_space(
    language: str, days: int, theme: str, tmp_path: Path
) -> None:
    checked = 0
    for graph_id, job, fig, canvas in drawn_graphs(language, days, theme, tmp_path):
        renderer = canvas.get_renderer()
        (ax,) = fig.axes
        frame = ax.get_window_extent(renderer)
        legend = fig.legends[0].get_window_extent(renderer)
        texts = [t for t in ax.texts if t.get_text()]
        assert len(texts) == len(job.graph.labels), graph_id
        boxes = [t.get_window_extent(renderer) for t in texts]
        bars = _bar_boxes_px(ax)
        assert bool(bars) == (job.graph.kind != "line"), graph_id
        to_px = job.dpi / 72
        for i, box in enumerate(boxes):
            where = f"{graph_id}: label {texts[i].get_text()!r}"
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, where
            assert frame.y0 <= box.y0 and box.y1 <= frame.y1, where
            assert not box.overlaps(legend), where
            for other in boxes[i + 1 :]:
                assert not box.overlaps(other), where
            for artist in ax.lines:
                reach = artist.get_linewidth() * to_px / 2
                if artist.get_marker() not in (None, "None", "none", ""):
                    reach = max(reach, artist.get_markersize() * to_px / 2)
                grown = Box(box.x0 - reach, box.y0 - reach, box.x1 + reach, box.y1 + reach)
                for x0, y0, x1, y1 in _segments_px(ax, artist):
                    assert not grown.cuts(x0, y0, x1, y1), f"{where} on a line"
            for bar in bars:
                assert not box.overlaps(bar), f"{where} on a bar"
            checked += 1
        values = ax.get_xticklabels() if job.graph.kind == "hbars" else ax.get_yticklabels()
        if job.graph.y_axis == "plays":  # whole numbers, grouped as the language writes them
            group = re.escape(translator(language).number_symbols()[0])
            for tick in values:
                assert re.fullmatch(rf"\d{{1,3}}({group}\d{{3}})*", tick.get_text()), graph_id
    assert checked > 50


def test_weekly_buckets_start_on_monday_and_the_axis_reads_in_months() -> None:
    spec = BY_ID[GraphId("daily_play_count")]
    graph = line.prepare(spec, _data("get_plays_by_date__365.json"), _ctx(today=date(2026, 11, 22)))
    assert all(date.fromisoformat(c).weekday() == 0 for c in graph.categories)
    assert 5 <= len(graph.ticks) <= MAX_DATE_TICKS
    names = {label.split(" ")[0] for _, label in graph.ticks}
    assert names <= set(translator("en").month_names())
    assert graph.partial == (0, len(graph.categories) - 1)  # a 1-day first week; this week
