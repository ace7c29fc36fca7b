"""The numbers that matter in a graph and in a period: pure arithmetic over graph data.

A graph's caption names its total and its peak ("1,725 plays, busiest day Sat 13 Nov");
the summary of a period compares it with the period before, names the busiest day and
the top title of each media type. Formatting (words, languages) is the caller's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from tgraph_bot.core.graphdata import GraphData

TOTAL_KEYS = frozenset({"Total"})
"""Series that repeat the others' sum (never added in again)."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """A graph's total over every series, and the category with the largest sum."""

    total: float
    peak: str | None
    peak_value: float


def highlight(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
) -> Highlight:
    """Totals per category over every series but a total; the first largest one wins."""
    parts = [data for key, data in series if key not in TOTAL_KEYS]
    sums = [sum(data[i] for data in parts) for i in range(len(categories))]
    total = sum(sums)
    if not sums or max(sums) <= 0:
        return Highlight(total, None, 0.0)
    best = max(range(len(sums)), key=lambda i: (sums[i], -i))
    return Highlight(total, categories[best], sums[best])


@dataclass(frozen=True, slots=True)
class TopTitle:
    media: str  # "tv", "movies", "music"
    title: str
    plays: int


@dataclass(frozen=True, slots=True)
class Rank:
    """A member's place in the server's Top 10 users graph, by plays."""

    place: int  # 1: the most plays; users with as many plays share a place
    of: int  # the users in the graph: everyone who played, or the ten who played most

    @property
    def everyone(self) -> bool:
        """Whether ``of`` is everyone who played (the graph has room for more)."""
        return self.of < TOP_USERS


TOP_USERS = 10
"""How many users Tautulli's Top 10 users graph holds at most."""


@dataclass(frozen=True, slots=True)
class PeriodSummary:
    """One period against the one before it, from Tautulli's own aggregates."""

    first_day: date | None
    last_day: date | None
    plays: int
    previous_plays: int
    watch_seconds: int
    previous_watch_seconds: int
    busiest_day: date | None
    busiest_day_plays: int
    top_titles: tuple[TopTitle, ...] = ()
    top_platform: str | None = None
    busiest_hour: int | None = None
    rank: Rank | None = None  # one member's place among the server's Top 10 users

    @property
    def plays_change(self) -> float | None:
        """Relative change against the previous period; None when there is nothing to compare."""
        return _change(self.plays, self.previous_plays)

    @property
    def watch_change(self) -> float | None:
        return _change(self.watch_seconds, self.previous_watch_seconds)


def _change(now: float, before: float) -> float | None:
    return None if before <= 0 else (now - before) / before


def _daily_totals(graph: GraphData) -> list[tuple[date, float]]:
    """(day, sum over the media series) for every category that is an ISO date."""
    out: list[tuple[date, float]] = []
    for i, label in enumerate(graph.categories):
        try:
            day = date.fromisoformat(label)
        except ValueError:
            continue
        value = sum(s.data[i] for s in graph.series if s.name not in TOTAL_KEYS)
        out.append((day, value))
    out.sort()
    return out


# get_home_stats stat ids -> our media types, in the order they are shown
HOME_STAT_MEDIA: tuple[tuple[str, str], ...] = (
    ("top_tv", "tv"),
    ("top_movies", "movies"),
    ("top_music", "music"),
)


def top_titles(home_stats: object) -> tuple[TopTitle, ...]:
    """The most played title of each media type in ``get_home_stats``' answer."""
    if not isinstance(home_stats, Sequence) or isinstance(home_stats, str):
        return ()
    by_id: dict[str, Sequence[object]] = {}
    for raw in cast(Sequence[object], home_stats):
        if isinstance(raw, Mapping):
            stat = cast(Mapping[str, Any], raw)
            rows: object = stat.get("rows")
            if isinstance(rows, Sequence) and not isinstance(rows, str):
                by_id[str(stat.get("stat_id"))] = cast(Sequence[object], rows)
    found: list[TopTitle] = []
    for stat_id, media in HOME_STAT_MEDIA:
        rows = [
            cast(Mapping[str, Any], r) for r in by_id.get(stat_id, ()) if isinstance(r, Mapping)
        ]
        if rows and str(rows[0].get("title") or "").strip():
            found.append(
                TopTitle(media, str(rows[0]["title"]).strip(), _int(rows[0], "total_plays"))
            )
    return tuple(found)


def top_platform(home_stats: object) -> str | None:
    """The platform with the most plays in ``get_home_stats``' answer."""
    if not isinstance(home_stats, Sequence) or isinstance(home_stats, str):
        return None
    for raw in cast(Sequence[object], home_stats):
        if (
            isinstance(raw, Mapping)
            and cast(Mapping[str, Any], raw).get("stat_id") == "top_platforms"
        ):
            rows = cast(Sequence[Mapping[str, Any]], cast(Mapping[str, Any], raw).get("rows") or ())
            if rows and str(rows[0].get("platform") or "").strip():
                return str(rows[0]["platform"]).strip()
    return None


def _int(row: Mapping[str, Any], key: str) -> int:
    try:
        return int(row.get(key) or 0)
    except (TypeError, ValueError):
        return 0


def summarise(
    days: int,
    plays_by_date: GraphData,
    duration_by_date: GraphData | None,
    home_stats: object = None,
    hour_of_day: GraphData | None = None,
) -> PeriodSummary:
    """The last ``days`` days against the ``days`` before, from get_plays_by_date answers
    covering both periods (``time_range`` = 2 × days): plays, and seconds when given."""
    plays = _daily_totals(plays_by_date)
    current, previous = plays[-days:], plays[:-days][-days:]
    seconds = _daily_totals(duration_by_date) if duration_by_date is not None else []
    cur_s, prev_s = seconds[-days:], seconds[:-days][-days:]
    busiest = max(current, key=lambda p: (p[1], p[0]), default=None)
    hour: int | None = None
    if hour_of_day is not None:
        peak = highlight(
            hour_of_day.categories, [(s.name, s.data) for s in hour_of_day.series]
        ).peak
        hour = int(peak) if peak is not None and peak.isdigit() else None
    return PeriodSummary(
        first_day=current[0][0] if current else None,
        last_day=current[-1][0] if current else None,
        plays=round(sum(v for _, v in current)),
        previous_plays=round(sum(v for _, v in previous)),
        watch_seconds=round(sum(v for _, v in cur_s)),
        previous_watch_seconds=round(sum(v for _, v in prev_s)),
        busiest_day=busiest[0] if busiest and busiest[1] > 0 else None,
        busiest_day_plays=round(busiest[1]) if busiest else 0,
        top_titles=top_titles(home_stats),
        top_platform=top_platform(home_stats),
        busiest_hour=hour,
    )


def rank_in(top_users: GraphData, mine: GraphData) -> Rank | None:
    """The member's place in ``top_users`` (the server's Top 10 users). They are found by
    ``mine``, the same graph asked for the member alone: its one category is their name as
    Tautulli writes it, with their plays (two users of one name differ by their plays).
    None when they are not in it."""
    own = _category_totals(mine)
    if len(own) != 1 or own[0][1] <= 0:
        return None
    users = [(name, plays) for name, plays in _category_totals(top_users) if plays > 0]
    if own[0] not in users:
        return None
    return Rank(1 + sum(1 for _, plays in users if plays > own[0][1]), len(users))


def _category_totals(graph: GraphData) -> list[tuple[str, float]]:
    parts = [s.data for s in graph.series if s.name not in TOTAL_KEYS]
    return [(name, sum(data[i] for data in parts)) for i, name in enumerate(graph.categories)]


__all__ = [
    "TOP_USERS",
    "Highlight",
    "PeriodSummary",
    "Rank",
    "TopTitle",
    "highlight",
    "rank_in",
    "summarise",
    "top_platform",
    "top_titles",
]
