"""Which value labels fit on a graph: the peaks first, none overlapping.

Pure geometry in pixel space, so a 365-day graph labels what fits instead of
drawing 730 overlapping numbers, and a test can check the choice without pixels.
"""

from __future__ import annotations

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


CHAR_WIDTH = 8.0  # pixels per character of a 9 pt bold label at 100 dpi
HEIGHT = 14.0
GAP = 4.0


def label_box(
    c: Candidate, *, char_width: float = CHAR_WIDTH, height: float = HEIGHT, gap: float = GAP
) -> Box:
    """The label's box: centred above its anchor, ``gap`` pixels up."""
    width = char_width * max(1, len(c.text)) + 4.0
    return Box(c.x - width / 2, c.y + gap, c.x + width / 2, c.y + gap + height)


def choose_labels(
    candidates: Sequence[Candidate],
    *,
    char_width: float = CHAR_WIDTH,
    height: float = HEIGHT,
    gap: float = GAP,
    limit: int = 60,
) -> list[Candidate]:
    """Greedy: biggest values first; keep a label when its box overlaps no kept box.

    Zero values are never labelled. At most ``limit`` labels are kept.
    """
    kept: list[Candidate] = []
    boxes: list[Box] = []
    order = sorted(
        (c for c in candidates if c.value > 0), key=lambda c: (-c.value, c.key[1], c.key[0])
    )
    for c in order:
        if len(kept) >= limit:
            break
        box = label_box(c, char_width=char_width, height=height, gap=gap)
        if any(box.overlaps(b) for b in boxes):
            continue
        kept.append(c)
        boxes.append(box)
    return kept


__all__ = ["Box", "Candidate", "choose_labels", "label_box"]
