"""A GraphSource that reads recorded Tautulli answers: the demo's data, and the tests'.

Files are ``<command>__<time_range>.json`` (``__duration`` for the duration y-axis),
each holding the ``data`` part of a real Tautulli answer. The bundled set was
recorded on 2026-11-20 for 30 and 365 days (12 months for get_plays_per_month).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.graphdata import FetchedGraph, GraphData, GraphQuery, GraphSource
from tgraph_bot.errors import SampleDataMissing

RECORDED_AT = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
"""When the sample was recorded: its daily answers run to 2026-11-22 (Tautulli fills the
days up to its today with zeros; the synthetic history itself ends on the 20th), so the
demo draws that day, and only that day, as today's partial one."""


class SampleGraphSource(GraphSource):
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

    async def answer(self, query: GraphQuery, deadline: Deadline | None) -> FetchedGraph:
        """The recording nearest to ``time_range`` (the sample holds 30 and 365 days)."""
        command = query.command
        suffix = "__duration" if query.y_axis == "duration" else ""
        ranges = self._ranges(command, suffix)
        if not ranges:
            raise SampleDataMissing(command=command)
        nearest = min(ranges, key=lambda r: (abs(r - query.time_range), r))
        raw = (self.root / f"{command}__{nearest}{suffix}.json").read_text(encoding="utf-8")
        return FetchedGraph(GraphData.parse(json.loads(raw)), self.fetched_at, self.stale)


__all__ = ["RECORDED_AT", "SampleGraphSource"]
