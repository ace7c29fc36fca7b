# pyright: reportUnknownMemberType=false
# matplotlib types its style options as **kwargs: Unknown; drawing code passes them freely.
"""Drawing Wrapped's cards: runs in the renderer's worker processes only (like worker.py).

Sizes are in points on a 5.4 in wide card: shown about 400 px wide in Discord, a point is
about 1 px there, so nothing below 11 pt is drawn.
"""

from __future__ import annotations

import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tgraph_bot.graphs.cards import CardJob
from tgraph_bot.graphs.theme import mix
from tgraph_bot.graphs.worker import write_figure

MARGIN = 0.07  # of the width, left and right
MAX_ROWS = 6


def build_card(job: CardJob) -> tuple[Figure, FigureCanvasAgg]:
    """The card as a matplotlib figure, not yet rendered (tests measure what it draws)."""
    theme = job.theme
    muted = mix(theme.text, theme.background, 0.35)
    fig = Figure(figsize=(job.width, job.height), dpi=job.dpi, facecolor=theme.background)
    canvas = FigureCanvasAgg(fig)
    left, right = MARGIN, 1 - MARGIN
    fig.text(left, 0.955, job.kicker, fontsize=12, color=muted, va="top")
    fig.text(left, 0.905, job.title, fontsize=21, fontweight="bold", color=theme.text, va="top")
    y = 0.82
    if job.big:
        fig.text(left, y, job.big, fontsize=40, fontweight="bold", color=job.bar_colour, va="top")
        y -= 0.115
        if job.big_caption:
            fig.text(left, y, job.big_caption, fontsize=15, color=theme.text, va="top")
            y -= 0.07
    for name, value in job.rows[:MAX_ROWS]:
        # About 8 points a character at 15 pt (7 at 13 pt) across a 336-point line: a row
        # that does not fit on one line puts its value under its name.
        room = int((336 - 16 - 7 * len(value)) / 8)
        if len(name) <= room and not job.stacked:
            fig.text(left, y, name, fontsize=15, color=theme.text, va="top")
            fig.text(right, y, value, fontsize=13, color=muted, va="top", ha="right")
            y -= 0.065
        else:
            fig.text(left, y, _fit(name, 40), fontsize=15, color=theme.text, va="top")
            fig.text(left, y - 0.042, value, fontsize=12, color=muted, va="top")
            y -= 0.1
    if job.bars:
        top = min(y - 0.02, 0.5)
        ax = fig.add_axes((left, 0.17, right - left, max(0.12, top - 0.17)))
        _bars(ax, job, muted)
    if job.footnote:
        note = "\n".join(textwrap.wrap(job.footnote, 52))
        fig.text(left, 0.035, note, fontsize=11, color=muted, va="bottom", linespacing=1.3)
    return fig, canvas


def _bars(ax: object, job: CardJob, muted: str) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    theme = job.theme
    n = len(job.bars)
    xs = list(range(n))
    values = [b.value for b in job.bars]
    ax.bar(xs, values, color=job.bar_colour, width=0.72)
    ax.set_facecolor(theme.background)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(muted)
    ax.set_yticks([])
    ax.set_xticks(xs, [b.label for b in job.bars], fontsize=13, color=theme.text)
    ax.tick_params(axis="x", length=0, pad=4)
    top = max(values, default=0) or 1
    ax.set_ylim(0, top * 1.25)
    ax.set_xlim(-0.6, n - 0.4)
    for x, bar in zip(xs, job.bars, strict=True):
        if bar.text:
            ax.text(
                x,
                bar.value + top * 0.03,
                bar.text,
                ha="center",
                va="bottom",
                fontsize=11,
                color=theme.text,
            )


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def draw_card(job: CardJob) -> str:
    """Draw one card to its PNG (atomically) and return the path."""
    fig, canvas = build_card(job)
    return write_figure(fig, canvas, job.png)


__all__ = ["build_card", "draw_card"]
