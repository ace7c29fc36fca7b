"""Value labels: the peaks first, bounded in number, never overlapping."""

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.graphdata import GraphData
from tgraph_bot.core.ids import GraphId
from tgraph_bot.core.labels import Candidate, choose_labels, label_box
from tgraph_bot.graphs.registry import BY_ID
from tgraph_bot.graphs.specs import line
from tgraph_bot.graphs.specs.common import PrepareContext, axes_px
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import translator

FIXTURES = Path(__file__).parent / "fixtures" / "graphs"


def _data(name: str) -> GraphData:
    return GraphData.parse(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def _ctx() -> PrepareContext:
    return PrepareContext(translator("en"), "plays", True, True, Theme.from_settings(Settings()))


def test_365_days_labels_a_bounded_set_of_peaks_without_overlap() -> None:
    spec = BY_ID[GraphId("daily_play_count")]
    data = _data("get_plays_by_date__365.json")
    graph = line.prepare(spec, data, _ctx())
    points = sum(len(s.data) for s in graph.series)
    assert points >= 4 * 365
    assert 5 <= len(graph.labels) <= 24
    # Reconstruct each label's box the way the renderer estimates it: none overlap.
    n = len(graph.categories)
    width, height = axes_px(horizontal=False)
    candidates = [
        Candidate(
            (lb.series, lb.index),
            (lb.index + 0.5) / n * width,
            lb.value / graph.y_max * height,
            lb.value,
            lb.text,
        )
        for lb in graph.labels
    ]
    boxes = [label_box(c) for c in candidates]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    # The highest point of the period is always labelled, with its value as drawn.
    peak = max((v, s, i) for s, one in enumerate(graph.series) for i, v in enumerate(one.data))
    assert any(
        lb.series == peak[1] and lb.index == peak[2] and lb.text == str(int(peak[0]))
        for lb in graph.labels
    )


def test_choose_labels_prefers_bigger_values_and_skips_zeros() -> None:
    close = [
        Candidate((0, 0), 100.0, 50.0, 10.0, "10"),
        Candidate((0, 1), 103.0, 50.0, 30.0, "30"),  # overlaps the first: wins, it is bigger
        Candidate((0, 2), 300.0, 50.0, 0.0, "0"),
        Candidate((0, 3), 400.0, 50.0, 5.0, "5"),
    ]
    kept = choose_labels(close)
    assert [c.text for c in kept] == ["30", "5"]


def test_choose_labels_respects_the_limit() -> None:
    spread = [Candidate((0, i), i * 100.0, 0.0, float(i + 1), str(i + 1)) for i in range(50)]
    kept = choose_labels(spread, limit=7)
    assert [c.text for c in kept] == ["50", "49", "48", "47", "46", "45", "44"]


@given(
    st.lists(
        st.tuples(
            st.floats(0, 1300, allow_nan=False),
            st.floats(0, 530, allow_nan=False),
            st.integers(0, 100_000),
        ),
        max_size=200,
    ),
    st.integers(1, 80),
)
def test_chosen_labels_never_overlap_and_respect_the_limit(
    points: list[tuple[float, float, int]], limit: int
) -> None:
    candidates = [Candidate((0, i), x, y, float(v), str(v)) for i, (x, y, v) in enumerate(points)]
    kept = choose_labels(candidates, limit=limit)
    assert len(kept) <= limit
    assert all(c.value > 0 for c in kept)
    boxes = [label_box(c) for c in kept]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    if any(c.value > 0 for c in candidates):
        assert max(c.value for c in candidates) in {c.value for c in kept}


def test_long_row_names_are_shortened_to_fit_the_margin() -> None:
    from tgraph_bot.graphs.specs.common import shorten

    assert shorten("Chrome") == "Chrome"
    assert shorten("A" * 26) == "A" * 26
    long = shorten("Wolfeschlegelsteinhausenbergerdorff the Elder")
    assert len(long) == 26 and long.endswith("…")
