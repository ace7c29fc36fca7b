"""A GraphSource that reads recorded Tautulli answers: the demo's data, and the tests'.

Files are ``<command>__<time_range>.json`` (``__duration`` for the duration y-axis),
each holding the ``data`` part of a real Tautulli answer. The bundled set was
recorded on 2026-11-22 for 30 and 365 days (12 months for get_plays_per_month), from a
history that ends early on 2026-11-21 (three plays that day, in Tautulli's time).

The three daily answers (plays, plays by stream type, concurrent streams) are cut to end on
that day, as Tautulli answers at :data:`SAMPLE_NOW`, so that the demo draws no day the
history does not cover (two empty days at the end read as an outage): the 30-day ones are
the 365-day recording's days 2026-10-23..2026-11-21, the 365-day ones its days up to
2026-11-21 (364 days: the recording has none before 2025-11-23). The other answers are as
recorded: nothing played after the history ended, so they hold the same last plays, and
their 30 days start about a day and a half later than Tautulli's would at SAMPLE_NOW.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.graphdata import FetchedGraph, GraphAnswers, GraphData, GraphKey
from tgraph_bot.errors import SampleDataMissing

RECORDED_AT = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
"""When the recording was made (the tests' copy of it runs to 2026-11-22: Tautulli fills
the days up to its today with zeros)."""

SAMPLE_NOW = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
"""The moment the bundled sample is as of, and the demo's clock: the end of its history,
so every day drawn is covered and today (2026-11-21, just begun) is the one partial day."""


class SampleGraphSource(GraphAnswers[FetchedGraph]):
    def __init__(
        self,
        root: Traversable | Path | None = None,
        *,
        fetched_at: datetime = RECORDED_AT,
        stale: bool = False,
    ) -> None:
        self.root: Traversable | Path = (
            root if root is not None else files("tgraph_bot.graphs") / "sample"
        )
        self.fetched_at = fetched_at
        self.stale = stale

    def _ranges(self, command: str, suffix: str) -> list[int]:
        out: list[int] = []
        for entry in self.root.iterdir():
            name = entry.name.removesuffix(".json")
            head, _, rest = name.partition("__")
            if head != command:
                continue
            number, _, tail = rest.partition("__")
            if number.isdigit() and ("__" + tail if tail else "") == suffix:
                out.append(int(number))
        return out

    async def answer(self, key: GraphKey, deadline: Deadline | None) -> FetchedGraph:
        """The recording nearest to ``time_range`` (the sample holds 30 and 365 days)."""
        command = key.command
        suffix = "__duration" if key.y_axis == "duration" else ""
        ranges = self._ranges(command, suffix)
        if not ranges:
            raise SampleDataMissing(command=command)
        nearest = min(ranges, key=lambda r: (abs(r - key.time_range), r))
        raw = (self.root / f"{command}__{nearest}{suffix}.json").read_text(encoding="utf-8")
        return FetchedGraph(GraphData.parse(json.loads(raw)), self.fetched_at, self.stale)


__all__ = ["RECORDED_AT", "SAMPLE_NOW", "SampleGraphSource"]
