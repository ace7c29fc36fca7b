"""Every number a caption states is the number drawn: random series (the Max line, weekly
points, ties and zeros) through the real prepare step, the sidecar's summary and the caption,
checked against sums worked out here from the raw answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.graphdata import PEAK_SERIES, TOTAL_SERIES, FetchedGraph, GraphData, Series
from tgraph_bot.graphs.registry import GRAPHS, GraphSpec
from tgraph_bot.graphs.specs.common import PrepareContext
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import translator
from tgraph_bot.services.graph_sidecar import summary
from tgraph_bot.services.graph_wording import title
from tgraph_bot.services.graphs import prepare
from tgraph_bot.services.post_layout import caption

DATE_GRAPHS = [spec for spec in GRAPHS if spec.axis == "date"]
MEDIA = ("TV", "Movies", "Music")
STREAMS = ("Direct Play", "Direct Stream", "Transcode")
FIRST = date(2026, 1, 1)  # a Thursday: the first and last weeks are often partial
FETCHED_AT = datetime(2026, 6, 1, tzinfo=UTC)
Bucket = Literal["auto", "day", "week"]


@st.composite
def answers(draw: st.DrawFn) -> tuple[GraphSpec, GraphData, Bucket]:
    spec = draw(st.sampled_from(DATE_GRAPHS))
    days = draw(st.integers(1, 130))
    low = st.integers(0, 4)  # small numbers: many ties and zeros
    parts = STREAMS if spec.palette == "stream" else MEDIA
    columns = {name: draw(st.lists(low, min_size=days, max_size=days)) for name in parts}
    if spec.counts_streams:  # at least as many at once as any one kind, as Tautulli answers
        extra = draw(st.lists(low, min_size=days, max_size=days))
        columns[PEAK_SERIES] = [max(c[i] for c in columns.values()) + extra[i] for i in range(days)]
    elif draw(st.booleans()):  # get_plays_by_date's own total line, never counted again
        columns[TOTAL_SERIES] = [sum(c[i] for c in columns.values()) for i in range(days)]
    categories = tuple((FIRST + timedelta(i)).isoformat() for i in range(days))
    data = GraphData(categories, tuple(Series(k, tuple(map(float, v))) for k, v in columns.items()))
    bucket: Bucket = draw(st.sampled_from(["day", "week", "auto"]))
    return spec, data, bucket


def truth(spec: GraphSpec, data: GraphData, weekly: bool) -> tuple[str, float, float]:
    """(the busiest point's date, its value, the period's total) from the raw answer."""
    points: dict[date, float] = defaultdict(float)
    for i, label in enumerate(data.categories):
        day = date.fromisoformat(label)
        key = day - timedelta(days=day.weekday()) if weekly else day
        if spec.counts_streams:  # the most streams at once: the highest line drawn
            value = max(s.data[i] for s in data.series)
            points[key] = max(points[key], value)
        else:
            points[key] += sum(s.data[i] for s in data.series if s.name != TOTAL_SERIES)
    best = max(points.values())
    first_best = min(day for day, value in points.items() if value == best)
    return first_best.isoformat(), best, sum(points.values())


@settings(max_examples=150, deadline=None)
@given(answers(), st.sampled_from(["en", "da"]))
def test_a_caption_states_the_drawn_numbers(
    answer: tuple[GraphSpec, GraphData, Bucket], language: str
) -> None:
    spec, data, bucket = answer
    tr = translator(language)
    ctx = replace(context(language), bucket=bucket)
    graph = prepare(spec, FetchedGraph(data, fetched_at=FETCHED_AT), ctx)
    weekly = graph.bucket == "week"
    peak_day, peak, total = truth(spec, data, weekly)

    found = summary(spec, graph)
    if peak == 0:  # nothing played: the caption says so, and names no number
        text = caption(spec, {"summary": found, "bucket": graph.bucket}, tr)
        assert text == tr._("No data for this period")
        return
    assert found is not None
    assert found["peak"] == {"category": peak_day, "value": int(peak)}
    text = caption(spec, {"summary": found, "bucket": graph.bucket, "y_axis": "plays"}, tr)
    unit = tr.ngettext("{n} stream", "{n} streams", int(peak))
    if spec.counts_streams:
        assert found["total"] is None
        assert unit.format(n=tr.number(int(peak))) in text, text
    else:
        assert found["total"] == int(total)
        plays = tr.ngettext("{n} play", "{n} plays", int(total))
        assert text.startswith(plays.format(n=tr.number(int(total)))), text
    day = date.fromisoformat(peak_day)
    when = tr.day_span(day, day + timedelta(days=6)) if weekly else tr.short_day(day)
    assert when in text, text
    # The title names what one point is.
    assert spec.weekly is not None
    server, personal = spec.weekly
    named = title(spec, 365, tr, weekly=weekly)
    assert named.startswith(tr._(server) if weekly else tr._(spec.title)), named
    if spec.personal is not None:  # a graph in /my_stats
        assert personal is not None
        assert title(spec, 365, tr, weekly=weekly, personal=True).startswith(
            tr._(personal) if weekly else tr._(spec.personal)
        )


def context(language: str) -> PrepareContext:
    return PrepareContext(
        tr=translator(language),
        y_axis="plays",
        censor=False,
        annotate=False,
        theme=Theme.from_settings(Settings()),
    )


def test_the_concurrent_streams_caption_names_the_highest_line() -> None:
    """The concurrent-streams caption under a graph peaking at 12 says 12, not the sum of
    every line at that point (5 + 3 + 7 + 12 = 27, as it once did)."""
    spec = next(s for s in GRAPHS if s.counts_streams)
    data = GraphData(
        ("2026-11-12", "2026-11-13"),
        (
            Series("Direct Play", (2.0, 5.0)),
            Series("Direct Stream", (1.0, 3.0)),
            Series("Transcode", (1.0, 7.0)),
            Series(PEAK_SERIES, (4.0, 12.0)),
        ),
    )
    graph = prepare(spec, FetchedGraph(data, fetched_at=FETCHED_AT), context("en"))
    document = {"summary": summary(spec, graph), "bucket": graph.bucket, "y_axis": "plays"}
    assert caption(spec, document, translator("en")) == "Peak: 12 streams at once, on Fri, Nov 13"
