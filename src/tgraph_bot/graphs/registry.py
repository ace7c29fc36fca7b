"""The one place a graph is named: its id, Tautulli command, title, kind and axes.

The ``ENABLE_*`` and ``ANNOTATE_*`` setting names are derived from the id, and a test
checks that the configuration schema and this registry name the same graphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tgraph_bot.core.graphdata import PEAK_SERIES, TOTAL_SERIES
from tgraph_bot.core.ids import GraphId
from tgraph_bot.graphs.model import Kind
from tgraph_bot.i18n import N_

Axis = Literal["date", "weekday", "hour", "month", "platform", "user", "resolution"]
Palette = Literal["media", "stream"]


@dataclass(frozen=True, slots=True)
class GraphSpec:
    id: GraphId
    command: str
    title: str  # marked with N_, translated where drawn
    kind: Kind
    axis: Axis
    palette: Palette
    censor: bool = False  # categories are user names
    counts_streams: bool = False  # values are stream counts whatever GRAPH_Y_AXIS says
    monthly: bool = False  # Tautulli's time_range is in months
    personal: str | None = None  # the title in /my_stats; None: left out of it (about
    # other users, or with nothing to tell one person)
    weekly: tuple[str, str | None] | None = None  # the titles (server, personal) by week

    @property
    def enable_key(self) -> str:
        return "ENABLE_" + self.id.upper()

    @property
    def annotate_key(self) -> str:
        return "ANNOTATE_" + self.id.upper()


def _spec(
    id_: str,
    command: str,
    title: str,
    kind: Kind,
    axis: Axis,
    palette: Palette,
    personal: str | None = None,
    weekly: tuple[str, str | None] | None = None,
    **kw: bool,
) -> GraphSpec:
    return GraphSpec(
        GraphId(id_), command, title, kind, axis, palette, personal=personal, weekly=weekly, **kw
    )


GRAPHS: tuple[GraphSpec, ...] = (
    _spec(
        "daily_play_count",
        "get_plays_by_date",
        N_("Daily play count"),
        "line",
        "date",
        "media",
        personal=N_("Your daily play count"),
        weekly=(N_("Weekly play count"), N_("Your weekly play count")),
    ),
    _spec(
        "play_count_by_dayofweek",
        "get_plays_by_dayofweek",
        N_("Play count by day of week"),
        "bars",
        "weekday",
        "media",
        personal=N_("Your play count by day of week"),
    ),
    _spec(
        "play_count_by_hourofday",
        "get_plays_by_hourofday",
        N_("Play count by hour of day"),
        "bars",
        "hour",
        "media",
        personal=N_("Your play count by hour of day"),
    ),
    _spec(
        "play_count_by_month",
        "get_plays_per_month",
        N_("Play count by month"),
        "bars",
        "month",
        "media",
        personal=N_("Your play count by month"),
        monthly=True,
    ),
    _spec(
        "top_10_platforms",
        "get_plays_by_top_10_platforms",
        N_("Top 10 platforms"),
        "hbars",
        "platform",
        "media",
        personal=N_("Your platforms"),
    ),
    _spec(
        "top_10_users",
        "get_plays_by_top_10_users",
        N_("Top 10 users"),
        "hbars",
        "user",
        "media",
        censor=True,
    ),
    _spec(
        "daily_play_count_by_stream_type",
        "get_plays_by_stream_type",
        N_("Daily play count by stream type"),
        "line",
        "date",
        "stream",
        personal=N_("Your daily play count by stream type"),
        weekly=(
            N_("Weekly play count by stream type"),
            N_("Your weekly play count by stream type"),
        ),
    ),
    _spec(
        "daily_concurrent_stream_count",
        "get_concurrent_streams_by_stream_type",
        N_("Daily concurrent stream count"),
        "line",
        "date",
        "stream",
        # No personal graph: one member's streams at once are 1 (a few at most), four flat
        # lines that tell them nothing.
        weekly=(N_("Weekly peak concurrent streams"), None),
        counts_streams=True,
    ),
    _spec(
        "play_count_by_source_resolution",
        "get_plays_by_source_resolution",
        N_("Play count by source resolution"),
        "bars",
        "resolution",
        "stream",
        personal=N_("Your play count by source resolution"),
    ),
    _spec(
        "play_count_by_stream_resolution",
        "get_plays_by_stream_resolution",
        N_("Play count by stream resolution"),
        "bars",
        "resolution",
        "stream",
        personal=N_("Your play count by stream resolution"),
    ),
    _spec(
        "top_10_platforms_by_stream_type",
        "get_stream_type_by_top_10_platforms",
        N_("Top 10 platforms by stream type"),
        "hbars",
        "platform",
        "stream",
        personal=N_("Your platforms by stream type"),
    ),
    _spec(
        "top_10_users_by_stream_type",
        "get_stream_type_by_top_10_users",
        N_("Top 10 users by stream type"),
        "hbars",
        "user",
        "stream",
        censor=True,
    ),
)

BY_ID: dict[GraphId, GraphSpec] = {g.id: g for g in GRAPHS}

AXIS_LABELS: dict[Axis, str] = {
    "date": N_("Date"),
    "weekday": N_("Day of week"),
    "hour": N_("Hour of day"),
    "month": N_("Month"),
    "platform": N_("Platform"),
    "user": N_("User"),
    "resolution": N_("Resolution"),
}

SERIES_NAMES: dict[str, str] = {
    "TV": N_("TV"),
    "Movies": N_("Movies"),
    "Music": N_("Music"),
    "Live TV": N_("Live TV"),
    "Direct Play": N_("Direct Play"),
    "Direct Stream": N_("Direct Stream"),
    "Transcode": N_("Transcode"),
    PEAK_SERIES: N_("All streams"),  # the most streams at once, of every type together
    TOTAL_SERIES: N_("Total"),
}
"""Tautulli's series names and how they read on a graph."""

__all__ = ["AXIS_LABELS", "BY_ID", "GRAPHS", "SERIES_NAMES", "GraphSpec"]
