"""Wrapped's story cards: what a worker process needs to draw one, already translated.

A card is portrait (4:5, what a phone shows whole), one idea each: a headline number with
what it counts, up to six ranked lines, an optional row of bars, and small print saying
what the numbers mean. Plain picklable data, like :class:`~tgraph_bot.graphs.model.RenderJob`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tgraph_bot.graphs.theme import Theme


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    text: str  # the value as written above the bar ("" for none)


@dataclass(frozen=True, slots=True)
class CardJob:
    png: str
    theme: Theme
    kicker: str  # the small line on top: "Ann's 2026 · 2 of 7"
    title: str  # "Your top shows"
    big: str = ""  # the headline number: "638 hours"
    big_caption: str = ""  # what it counts: "in 801 plays"
    rows: tuple[tuple[str, str], ...] = ()  # ("1. Witness", "64 plays · 22 h")
    stacked: bool = False  # every row's value under its name (a ranked list), not beside it
    bars: tuple[Bar, ...] = ()
    bar_colour: str = "#e5a00d"
    footnote: str = ""  # what the numbers mean
    width: float = 5.4  # inches; at dpi 200 a 1080 x 1350 image
    height: float = 6.75
    dpi: int = 200


__all__ = ["Bar", "CardJob"]
