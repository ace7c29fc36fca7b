# pyright: reportUnknownMemberType=false
# matplotlib types its style options as **kwargs: Unknown; drawing code passes them freely.
"""The drawing side: runs in the renderer's worker processes only.

Imported (with matplotlib) by the workers, never by the bot's main process, which
stays free of matplotlib's import time and memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import cast

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tgraph_bot.graphs.model import NOTE_SEPARATOR, RenderJob
from tgraph_bot.graphs.specs import bars, line
from tgraph_bot.graphs.specs.common import (
    AXIS_LABEL_FONT_SIZE,
    LEGEND_FONT_SIZE,
    MIN_FONT_SIZE,
    NOTE_FONT_SIZE,
    TICK_FONT_SIZE,
    TITLE_FONT_SIZE,
    axes_rect,
)

# Unhinted glyphs: FreeType's hinting (snapping outlines to the pixel grid) is a tenth of
# the drawing time of a graph, and at these sizes the text looks the same (compared side by
# side, zoomed); the layout does not change.
matplotlib.rcParams["text.hinting"] = "none"


def number_format(job: RenderJob) -> Callable[[float, object], str]:
    """Value-axis ticks as the labels write numbers: "13,576" in English, "13.576" in Danish."""
    group, decimal = job.group_symbol, job.decimal_symbol

    def fmt(value: float, _position: object) -> str:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)

    return fmt


def _fits(text: str, points: float, size: float) -> str:
    """``text`` wrapped onto lines of about ``points`` at ``size`` pt (0.6 em a character)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, max(8, int(points / (0.6 * size))))) or text


def _style_axes(ax: Axes, job: RenderJob) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    theme = job.theme
    ax.set_facecolor(theme.background)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(theme.axes)
    ax.tick_params(colors=theme.axes, labelcolor=theme.text, labelsize=TICK_FONT_SIZE)
    ax.tick_params(axis="x", pad=5)  # the first date clear of the value axis' "0"
    horizontal = job.graph.kind == "hbars"
    upright = job.x_label if horizontal else job.y_label
    # An upright label longer than the axes is tall goes on two lines (the margin has room).
    room = axes_rect(job.graph.kind)[3] * job.height * 72
    upright = _fits(upright, room, AXIS_LABEL_FONT_SIZE)
    ax.set_xlabel(
        job.y_label if horizontal else job.x_label, color=theme.text, fontsize=AXIS_LABEL_FONT_SIZE
    )
    ax.set_ylabel(upright, color=theme.text, fontsize=AXIS_LABEL_FONT_SIZE)
    values = ax.xaxis if horizontal else ax.yaxis
    # Counts are whole: no "2.5 plays". Hours may be fractional. Few ticks: big text.
    values.set_major_locator(MaxNLocator(nbins=5, integer=job.graph.y_axis == "plays"))
    values.set_major_formatter(FuncFormatter(number_format(job)))
    if theme.grid:
        ax.grid(True, axis="x" if horizontal else "y", color=theme.grid_colour, linewidth=0.8)
        ax.set_axisbelow(True)


def _from_top_left(job: RenderJob, x: float, y: float) -> tuple[float, float]:
    """A point ``x`` pt from the figure's left and ``y`` pt from its top, as fractions."""
    return x / (job.width * 72), 1 - y / (job.height * 72)


def build_figure(job: RenderJob) -> tuple[Figure, FigureCanvasAgg]:
    """The graph as a matplotlib figure, not yet rendered (tests measure what it draws)."""
    theme = job.theme
    fig = Figure(figsize=(job.width, job.height), dpi=job.dpi, facecolor=theme.background)
    canvas = FigureCanvasAgg(fig)
    title = fig.text(
        *_from_top_left(job, 8, 5),
        job.title,
        fontsize=TITLE_FONT_SIZE,
        fontweight="bold",
        color=theme.text,
        va="top",
    )
    room = (job.width * 72 - 16) * job.dpi / 72  # pixels between the side margins
    wide = title.get_window_extent(canvas.get_renderer()).width
    if wide > room:  # a long title ("Dine afspilninger pr. uge efter streamtype ..."): smaller
        title.set_fontsize(max(MIN_FONT_SIZE, TITLE_FONT_SIZE * room / wide))
    if job.graph.empty:
        fig.text(0.5, 0.5, job.empty_text, ha="center", va="center", fontsize=20, color=theme.text)
    else:
        ax = line.draw(fig, job) if job.graph.kind == "line" else bars.draw(fig, job)
        _style_axes(ax, job)
        handles, names = ax.get_legend_handles_labels()
        fig.legend(
            handles,
            names,
            loc="upper left",
            bbox_to_anchor=_from_top_left(job, 2, 23),
            ncol=len(names),
            frameon=False,
            labelcolor=theme.text,
            fontsize=LEGEND_FONT_SIZE,
            columnspacing=1.0,
            handlelength=1.4,
            handletextpad=0.4,
        )
    if job.note:
        note = fig.text(
            1 - 8 / (job.width * 72),
            4 / (job.height * 72),
            job.note,
            fontsize=NOTE_FONT_SIZE,
            ha="right",
            va="bottom",
            color=theme.text,
            alpha=0.85,
        )
        if note.get_window_extent(canvas.get_renderer()).width > room:
            # Stale data and a partial point: one part a line, over the row of the axis
            # label, which such a graph can spare (its ticks are dates or months).
            note.set_text(job.note.replace(NOTE_SEPARATOR, "\n"))
            for ax in fig.axes:
                ax.set_xlabel("")
    return fig, canvas


def draw_job(job: RenderJob) -> str:
    """Draw one graph to its PNG (atomically) and return the path."""
    fig, canvas = build_figure(job)
    return write_figure(fig, canvas, job.png)


def write_figure(fig: Figure, canvas: FigureCanvasAgg, path: str) -> str:
    """Render a figure to ``path`` as PNG (atomically), free it, and return the path."""
    try:
        canvas.draw()
        width, height = canvas.get_width_height(physical=True)
        png = png_bytes(canvas.buffer_rgba(), width, height)
    finally:
        fig.clear()
        del canvas, fig
    _give_back_memory()
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(png)
        tmp.chmod(0o644)  # readable by the owner's other tools, whatever the umask
        tmp.replace(target)
    except BaseException:
        # A full disk fails mid-write: leave no half-written .tmp behind.
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def png_bytes(rgba: memoryview, width: int, height: int) -> bytes:
    """The drawn pixels as a PNG: RGB when every pixel is opaque (a graph's background
    is), RGBA otherwise; no row filter, zlib level 1.

    Written here rather than through Pillow (``print_png``), whose row filters cost more
    than they save on flat graph colours: the twelve 365-day graphs take 174 ms and
    912 KiB this way against 228 ms and 1,088 KiB, with the same pixels.
    """
    import numpy as np

    pixels = np.frombuffer(rgba, dtype=np.uint8).reshape(height, width, 4)
    opaque = bool((pixels[:, :, 3] == 255).all())
    channels = 3 if opaque else 4
    rows = np.zeros((height, 1 + width * channels), dtype=np.uint8)  # byte 0: filter "none"
    rows[:, 1:] = pixels[:, :, :channels].reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _libc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, where there is one."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    return cast("Callable[[int], int] | None", trim)


_TRIM = _libc_trim()
gc.freeze()  # matplotlib's modules: never garbage, so never scanned again by gc.collect()


def _give_back_memory() -> None:
    """Free the figure (its artists hold reference cycles) and give the memory back to
    the system, so a long-running worker does not keep its peak."""
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)


def warm() -> int:
    """Load fonts and the Agg machinery with a tiny drawing, so the first graph is not slower.

    Returns the worker's pid.
    """
    fig = Figure(figsize=(1, 1), dpi=50)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.bar([0, 1], [1, 2])
    ax.annotate("1", (0, 1), fontweight="bold")
    fig.text(0.5, 0.5, "warm", fontweight="bold")
    canvas.draw()
    png_bytes(canvas.buffer_rgba(), *canvas.get_width_height(physical=True))
    fig.clear()
    del canvas, fig
    gc.collect()
    gc.freeze()  # what exists now lives as long as the worker: keep it out of every collection
    return os.getpid()
