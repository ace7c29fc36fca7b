"""Which value labels fit on a graph, and where: the peaks first, none overlapping anything.

Pure geometry in pixel space (origin at the axes' lower left), so a 365-day graph labels
what fits instead of drawing 730 overlapping numbers, and a test can check the choice
without pixels. A label is tried above its point, then beside and below it; it is kept
in the first place where its box stays inside the axes (so it never meets the axis
lines, the legend or the title, which are outside) and touches no kept label, no series
line, no marker and no other obstacle (bars).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
    """A value that could be labelled: its anchor in pixels and its text."""

    key: tuple[int, int]  # (series index, point index); (-1, i) for a bar total
    x: float
    y: float
    value: float
    text: str
    rank: int = 0  # lower goes first; among equals the bigger value goes first


@dataclass(frozen=True, slots=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Box) -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.top <= other.bottom
            or other.top <= self.bottom
        )

    def inside(self, other: Box) -> bool:
        return (
            self.left >= other.left
            and self.right <= other.right
            and self.bottom >= other.bottom
            and self.top <= other.top
        )

    def grown(self, by: float) -> Box:
        return Box(self.left - by, self.bottom - by, self.right + by, self.top + by)

    def cuts(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Whether the segment (x0, y0)-(x1, y1) passes through the box (Liang-Barsky)."""
        t0, t1 = 0.0, 1.0
        dx, dy = x1 - x0, y1 - y0
        for p, q in (
            (-dx, x0 - self.left),
            (dx, self.right - x0),
            (-dy, y0 - self.bottom),
            (dy, self.top - y0),
        ):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                if t > t1:
                    return False
                t0 = max(t0, t)
            else:
                if t < t0:
                    return False
                t1 = min(t1, t)
        return t0 <= t1


@dataclass(frozen=True, slots=True)
class Polyline:
    """A series as drawn, in pixels: x strictly increasing; markers of ``marker`` radius."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    marker: float = 0.0
    thickness: float = 1.0  # half the line's width, in pixels

    def hits(self, box: Box) -> bool:
        if not self.xs:
            return False
        reach = max(self.marker, self.thickness)
        lo = max(0, bisect_left(self.xs, box.left - reach) - 1)
        hi = min(len(self.xs), bisect_right(self.xs, box.right + reach) + 1)
        if self.marker > 0:
            dots = box.grown(self.marker)
            for i in range(lo, hi):
                if dots.left < self.xs[i] < dots.right and dots.bottom < self.ys[i] < dots.top:
                    return True
        wide = box.grown(self.thickness)
        if hi - lo == 1:
            return wide.cuts(self.xs[lo], self.ys[lo], self.xs[lo], self.ys[lo])
        return any(
            wide.cuts(self.xs[i], self.ys[i], self.xs[i + 1], self.ys[i + 1])
            for i in range(lo, hi - 1)
        )


@dataclass(frozen=True, slots=True)
class Obstacles:
    """What a label must stay clear of: the axes' box it lives in, lines, other boxes."""

    bounds: Box
    lines: tuple[Polyline, ...] = ()
    boxes: tuple[Box, ...] = ()

    def blocked(self, box: Box) -> bool:
        return (
            not box.inside(self.bounds)
            or any(box.overlaps(b) for b in self.boxes)
            or any(line.hits(box) for line in self.lines)
        )


@dataclass(frozen=True, slots=True)
class Placed:
    """A chosen label and its box; the box's centre minus the anchor is where to draw it."""

    candidate: Candidate
    box: Box

    @property
    def offset(self) -> tuple[float, float]:
        c = self.candidate
        return (
            (self.box.left + self.box.right) / 2 - c.x,
            (self.box.bottom + self.box.top) / 2 - c.y,
        )


LABEL_EM = 11.5 * 200 / 72
"""Pixels in one em of a value label: 11.5 pt at 200 dpi, as graphs/specs/common.py draws
them (LABEL_FONT_SIZE, DPI; a test holds the two together). The sizes below are estimates
of matplotlib's extents in ems, checked against the real ones by tests/test_graph_labels.py."""
CHAR_WIDTH = 0.68 * LABEL_EM  # per character: bold digits are 0.68 em, separators less
HEIGHT = 1.12 * LABEL_EM  # the line's height (1 em) and its outline
GAP = 0.32 * LABEL_EM  # between a label and what it labels
OUTLINE = 0.32 * LABEL_EM  # added to a label's width for its outline

Place = tuple[float, float]
"""Where a label's box goes: (-1 left of / 0 centred on / 1 right of, the same for height)."""
PLACES: tuple[Place, ...] = ((0, 1), (1, 1), (-1, 1), (1, 0), (-1, 0), (0, -1))
"""Above first (where a reader looks for a peak's value), beside, then below."""


def text_width(text: str, char_width: float = CHAR_WIDTH) -> float:
    """Pixels a label takes across, with a little room for its outline."""
    return char_width * max(1, len(text)) + OUTLINE


def label_box(
    c: Candidate,
    *,
    char_width: float = CHAR_WIDTH,
    height: float = HEIGHT,
    gap: float = GAP,
    place: Place = (0, 1),
) -> Box:
    """The label's box, ``gap`` pixels from its anchor on the side ``place`` names."""
    width = text_width(c.text, char_width)
    hx, hy = place
    cx = c.x + hx * (width / 2 + gap)
    cy = c.y + hy * (height / 2 + gap)
    return Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def choose_labels(
    candidates: Sequence[Candidate],
    *,
    obstacles: Obstacles | None = None,
    places: Sequence[Place] = PLACES,
    char_width: float = CHAR_WIDTH,
    height: float = HEIGHT,
    gap: float = GAP,
    limit: int = 60,
) -> list[Placed]:
    """Greedy: lowest rank, then biggest value first; each placed where it is clear of all.

    Zero values are never labelled. At most ``limit`` labels are kept.
    """
    kept: list[Placed] = []
    order = sorted(
        (c for c in candidates if c.value > 0), key=lambda c: (c.rank, -c.value, c.key[1], c.key[0])
    )
    for c in order:
        if len(kept) >= limit:
            break
        for place in places:
            box = label_box(c, char_width=char_width, height=height, gap=gap, place=place)
            if any(box.overlaps(p.box) for p in kept):
                continue
            if obstacles is not None and obstacles.blocked(box):
                continue
            kept.append(Placed(c, box))
            break
    return kept


__all__ = [
    "CHAR_WIDTH",
    "GAP",
    "HEIGHT",
    "LABEL_EM",
    "PLACES",
    "Box",
    "Candidate",
    "Obstacles",
    "Placed",
    "Polyline",
    "choose_labels",
    "label_box",
    "text_width",
]
