# pyright: reportUnknownMemberType=false
# matplotlib types its style options as **kwargs: Unknown; drawing code passes them freely.
"""The drawing side: runs in the renderer's worker processes only.

Imported (with matplotlib) by the workers, never by the bot's main process, which
stays free of matplotlib's import time and memory.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tgraph_bot.graphs.model import RenderJob
from tgraph_bot.graphs.specs import bars, line


def _style_axes(ax: Axes, job: RenderJob) -> None:
    theme = job.theme
    ax.set_facecolor(theme.background)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(theme.text)
        ax.spines[side].set_alpha(0.5)
    ax.tick_params(colors=theme.text, labelsize=10)
    horizontal = job.graph.kind == "hbars"
    ax.set_xlabel(job.y_label if horizontal else job.x_label, color=theme.text, fontsize=11)
    ax.set_ylabel(job.x_label if horizontal else job.y_label, color=theme.text, fontsize=11)
    if theme.grid:
        ax.grid(True, axis="x" if horizontal else "y", color=theme.text, alpha=0.18, linewidth=0.8)
        ax.set_axisbelow(True)


def draw_job(job: RenderJob) -> str:
    """Draw one graph to its PNG (atomically) and return the path."""
    theme = job.theme
    fig = Figure(figsize=(job.width, job.height), dpi=job.dpi, facecolor=theme.background)
    canvas = FigureCanvasAgg(fig)
    try:
        fig.text(
            0.015, 0.965, job.title, fontsize=16, fontweight="bold", color=theme.text, va="top"
        )
        if job.graph.empty:
            fig.text(
                0.5, 0.5, job.empty_text, ha="center", va="center", fontsize=20, color=theme.text
            )
        else:
            ax = line.draw(fig, job) if job.graph.kind == "line" else bars.draw(fig, job)
            _style_axes(ax, job)
            handles, names = ax.get_legend_handles_labels()
            fig.legend(
                handles,
                names,
                loc="upper left",
                bbox_to_anchor=(0.01, 0.925),
                ncol=len(names),
                frameon=False,
                labelcolor=theme.text,
                fontsize=11,
            )
        if job.note:
            fig.text(
                0.985,
                0.012,
                job.note,
                fontsize=9,
                ha="right",
                va="bottom",
                color=theme.text,
                alpha=0.85,
            )
        buffer = BytesIO()
        canvas.print_png(buffer)
    finally:
        fig.clear()
        del canvas, fig
    target = Path(job.png)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(target)
    return job.png


def warm() -> int:
    """Nothing to do: importing this module loaded matplotlib. Returns the worker's pid."""
    return os.getpid()
