"""Every graph is readable at the size Discord shows it, without opening the image.

Discord shows an image in a message about 500 px wide. Each graph is drawn as the bot
draws it (both themes, both languages, 30 and 365 days), and every piece of text in it
(title, legend, axis labels, tick labels, value labels, small print) is measured with
matplotlib's own extents, scaled to that width: at least 11 px high, inside the image,
and clear of every other piece of text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.graph_support import drawn_graphs, graph_jobs
from tgraph_bot.core.labels import LABEL_EM
from tgraph_bot.graphs.model import DPI, FIGURE_INCHES
from tgraph_bot.graphs.specs import bars
from tgraph_bot.graphs.specs.common import LABEL_FONT_SIZE

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

SHOWN_WIDTH = 500  # px: an image in a Discord message
SMALLEST = 11.0  # px high at that width


def drawn_texts(fig: Figure) -> Iterator[Text]:
    """Every piece of text the figure draws: visible, not empty, and for ticks only those
    inside the axes' limits (matplotlib keeps labels of ticks it does not draw)."""
    from matplotlib.text import Text

    hidden: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = float(tick.get_loc())
                if not low - 1e-9 <= loc <= high + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    for text in fig.findobj(Text):
        assert isinstance(text, Text)
        if text.get_visible() and text.get_text().strip() and id(text) not in hidden:
            yield text


def _overlap(a: Bbox, b: Bbox) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def check(fig: Figure, renderer: RendererBase, where: str) -> int:
    """Assert every text is legible, in the image and clear of the others; how many."""
    width_px = fig.get_figwidth() * fig.dpi
    scale = SHOWN_WIDTH / width_px
    frame = fig.bbox
    texts = list(drawn_texts(fig))
    boxes = [t.get_window_extent(renderer) for t in texts]
    for text, box in zip(texts, boxes, strict=True):
        what = f"{where}: {text.get_text()!r}"
        assert box.height * scale >= SMALLEST, f"{what} is {box.height * scale:.1f} px high"
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, f"{what} is cut at the side"
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, f"{what} is cut at the top or bottom"
    for i, box in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert not _overlap(box, boxes[j]), (
                f"{where}: {texts[i].get_text()!r} overlaps {texts[j].get_text()!r}"
            )
    return len(texts)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("days", [30, 365])
def test_every_text_of_every_graph_is_readable_where_discord_shows_it(
    theme: str, language: str, days: int, tmp_path: Path
) -> None:
    graphs = 0
    for graph_id, job, fig, canvas in drawn_graphs(language, days, theme, tmp_path):
        assert fig.get_figwidth() * fig.dpi >= 1400  # sharp for whoever opens it full size
        texts = check(fig, canvas.get_renderer(), f"{graph_id} ({language}, {days} d, {theme})")
        assert texts >= 6 + len(job.graph.labels), graph_id  # title, legend, axes, ticks
        graphs += 1
    assert graphs == 12


LONG_ZONE = "America/Argentina/ComodRivadavia"  # a TIMEZONE the hour axis names


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("days", [30, 365])
def test_long_titles_and_long_small_print_still_fit_and_read(
    language: str, days: int, tmp_path: Path
) -> None:
    """A member's own graphs ("Dine afspilninger pr. uge efter streamtype (seneste 365
    dage)") drawn from a kept answer while Tautulli is down, today dashed, the hours in one
    of the longest time zone names: the longest title, axis label and small print there are."""
    graphs = 0
    for graph_id, job, fig, canvas in drawn_graphs(
        language, days, "dark", tmp_path, stale=True, personal=True, zone=LONG_ZONE
    ):
        check(fig, canvas.get_renderer(), f"{graph_id} ({language}, {days} d, personal, stale)")
        assert job.note is not None and fig.texts[-1].get_text().replace("\n", "  ·  ") == job.note
        graphs += 1
    assert graphs == 12


def test_the_label_estimates_measure_the_size_labels_are_drawn_at() -> None:
    assert pytest.approx(LABEL_FONT_SIZE * DPI / 72) == LABEL_EM
    # One point of text is one pixel (or more) where Discord shows the image.
    assert SHOWN_WIDTH / (FIGURE_INCHES[0] * 72) >= 0.99


@pytest.mark.parametrize(("language", "note"), [("en", "Hatched: this month"), ("da", "Skraveret")])
def test_the_month_not_over_yet_is_hatched_and_says_so(
    language: str, note: str, tmp_path: Path
) -> None:
    """Today is 21 Nov 2026 and the last column is November: drawn apart, like today's
    point on a line graph, so 1,725 plays in three weeks does not read as a collapse."""
    from matplotlib.collections import PolyCollection

    from tgraph_bot.graphs.worker import build_figure

    jobs = dict(graph_jobs(language, 30, "dark", tmp_path))
    job = jobs["play_count_by_month"]
    last = len(job.graph.categories) - 1
    assert job.graph.partial == (last,)
    assert job.note is not None and job.note.startswith(note)
    fig, canvas = build_figure(job)
    canvas.draw()
    (ax,) = fig.axes
    columns = [c for c in ax.collections if isinstance(c, PolyCollection)]
    hatched = [c for c in columns if c.get_hatch()]
    plain = [c for c in columns if not c.get_hatch()]
    assert len(hatched) == len([s for s in job.graph.series if s.data[last]])
    middle = {round(float(p.vertices[:, 0].mean())) for c in hatched for p in c.get_paths()}
    assert middle == {last}  # only this month's column, every series of it
    assert all(round(float(p.vertices[:, 0].mean())) < last for c in plain for p in c.get_paths())
    assert bars.this_month(["Oct 2026", "Nov 2026"], date(2026, 11, 30)) == (1,)
    assert bars.this_month(["Oct 2026", "Nov 2026"], date(2026, 12, 1)) == ()  # all over
    # A line graph's partial day says "dashed", not "hatched".
    assert "Hatched" not in (jobs["daily_play_count"].note or "")
