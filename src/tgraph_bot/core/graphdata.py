"""The data of one graph, as Tautulli's aggregate commands return it.

Every Tautulli graph command answers ``{"categories": [...], "series": [{"name", "data"}]}``;
this is that shape, immutable and typed, parsed in one place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar, cast

from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.ids import TautulliUserId

YAxis = Literal["plays", "duration"]
Bucket = Literal["day", "week"]

TOTAL_SERIES = "Total"
"""Tautulli's sum line (get_plays_by_date and others): not drawn, it repeats the rest."""
PEAK_SERIES = "Max. Concurrent Streams"
"""The peak line of get_concurrent_streams_by_stream_type: drawn emphasised."""


class GraphDataError(ValueError):
    """An answer that does not have the shape of a Tautulli graph."""


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    data: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class GraphData:
    categories: tuple[str, ...]
    series: tuple[Series, ...]

    @classmethod
    def parse(cls, data: object) -> GraphData:
        if not isinstance(data, Mapping):
            raise GraphDataError("graph data is not an object")
        fields = cast(Mapping[str, Any], data)
        categories = fields.get("categories")
        series = fields.get("series")
        if not isinstance(categories, Sequence) or not isinstance(series, Sequence):
            raise GraphDataError("graph data lacks categories or series")
        parsed: list[Series] = []
        labels = tuple(str(c) for c in cast(Sequence[object], categories))
        for raw in cast(Sequence[object], series):
            item: Mapping[str, Any] = (
                cast(Mapping[str, Any], raw) if isinstance(raw, Mapping) else {}
            )
            points: object = item.get("data")
            if not isinstance(points, Sequence) or isinstance(points, str):
                raise GraphDataError("a series lacks its data")
            values = tuple(float(v or 0) for v in cast(Sequence[Any], points))
            if len(values) != len(labels):
                raise GraphDataError("a series does not match its categories")
            name: object = item.get("name", "")
            parsed.append(Series(str(name), values))
        return cls(labels, tuple(parsed))

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(not any(s.data) for s in self.series)


@dataclass(frozen=True, slots=True)
class Weeks:
    """Daily data summed (or peaked) per ISO week, and how many days each week holds."""

    data: GraphData
    days: tuple[int, ...]  # 7 for a whole week; fewer at the ends of the period


def by_week(data: GraphData, *, peak: bool = False) -> Weeks:
    """Days (ISO dates, in order) grouped into ISO weeks, Monday first.

    A week's category is the ISO date of its Monday; its value the sum of its days, or
    with ``peak`` their maximum (concurrent streams: a week's sum of daily peaks means
    nothing). Raises ValueError when a category is not an ISO date.
    """
    starts: list[str] = []
    members: list[list[int]] = []
    for i, category in enumerate(data.categories):
        day = date.fromisoformat(category)
        monday = (day - timedelta(days=day.weekday())).isoformat()
        if not starts or starts[-1] != monday:
            starts.append(monday)
            members.append([])
        members[-1].append(i)
    combine = max if peak else sum
    series = tuple(
        Series(s.name, tuple(float(combine(s.data[i] for i in week)) for week in members))
        for s in data.series
    )
    return Weeks(GraphData(tuple(starts), series), tuple(len(week) for week in members))


@dataclass(frozen=True, slots=True)
class FetchedGraph:
    """Graph data and where it came from: live, or the last good answer kept on disk."""

    data: GraphData
    fetched_at: datetime
    stale: bool = False


@dataclass(frozen=True, slots=True)
class GraphKey:
    """One graph request: the Tautulli command (e.g. ``get_plays_by_date``), over how many days
    (months for ``get_plays_per_month``), counting plays or duration, for the whole server or
    one user. What a :class:`GraphAnswers` answers, and what its answer is kept under."""

    command: str
    time_range: int
    y_axis: str
    user_id: int | None = None


Answer = TypeVar("Answer")


class GraphAnswers(ABC, Generic[Answer]):
    """Whatever answers graph requests: the Tautulli client (:class:`GraphData`), its cached
    source and the demo's sample (:class:`FetchedGraph`: the services' ``GraphSource``).
    Callers ask :meth:`graph`, the one signature there is; a subclass writes only
    :meth:`answer`, given the request as one :class:`GraphKey`."""

    async def graph(
        self,
        command: str,
        *,
        time_range: int,
        y_axis: YAxis,
        user_id: TautulliUserId | None = None,
        deadline: Deadline | None = None,
    ) -> Answer:
        """One Tautulli aggregate command's answer, e.g. ``get_plays_by_date``.

        ``deadline`` is shared by every graph of one render: once it has passed, a source
        that retries stops retrying (a source that does not retry ignores it).
        """
        return await self.answer(GraphKey(command, time_range, y_axis, user_id), deadline)

    @abstractmethod
    async def answer(self, key: GraphKey, deadline: Deadline | None) -> Answer:
        """The answer to ``key`` (see :meth:`graph`)."""


def months_for(days: int) -> int:
    """get_plays_per_month counts in months: at least a year, so the graph has bars to compare
    (a 30-day period would give one or two bars); longer periods in whole months."""
    return max(12, round(days / 30.44))


__all__ = [
    "Bucket",
    "FetchedGraph",
    "GraphAnswers",
    "GraphData",
    "GraphDataError",
    "GraphKey",
    "Series",
    "Weeks",
    "YAxis",
    "by_week",
    "months_for",
]
