"""The whole graph pipeline against a Tautulli that misbehaves mid-render.

The fake Tautulli on 127.0.0.1, the real client, the SQLite cache, GraphService and the
worker-pool renderer: nothing stands in for anything.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.tautulli import FakeTautulli
from tests.fakes.time import Clock
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.graphdata import FetchedGraph, GraphAnswers, GraphKey
from tgraph_bot.errors import UserFacingError
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.i18n import translator
from tgraph_bot.services.graphs import GraphService, RenderReport
from tgraph_bot.storage import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

pytestmark = pytest.mark.slow  # starts processes or renders for real

KEY = "pipeline-key"
FIRST = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SECOND = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
ALL = len(GRAPHS)
# Two graphs are enough to show a failure's message, and keep a hanging Tautulli quick.
TWO = Settings.model_validate(
    {g.enable_key: g.id in {"daily_play_count", "top_10_users"} for g in GRAPHS}
)


class DownAfter(GraphAnswers[FetchedGraph]):
    """The real cached source; the fake Tautulli stops before request number n + 1."""

    def __init__(self, source: CachedGraphSource, fake: FakeTautulli, n: int | None) -> None:
        self.source, self.fake, self.n, self.calls = source, fake, n, 0

    async def answer(self, key: GraphKey, deadline: Deadline | None) -> FetchedGraph:
        if self.calls == self.n:
            await self.fake.set_mode("down")
        self.calls += 1
        return await self.source.answer(key, deadline)


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    with Renderer(workers=2) as r:
        yield r


@pytest.fixture
async def fake() -> AsyncIterator[FakeTautulli]:
    async with FakeTautulli(api_key=KEY) as server:
        yield server


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "tgraph.db") as database:
        yield database


def service(
    fake: FakeTautulli,
    db: Database,
    renderer: Renderer,
    clock: Clock,
    *,
    key: str = KEY,
    timeout: float = 2.0,
    down_after: int | None = None,
) -> tuple[TautulliClient, GraphService]:
    client = TautulliClient(fake.url, key, timeout=timeout, retry_budget=0)
    source = DownAfter(
        CachedGraphSource(client, SqliteGraphCache(db), clock=clock), fake, down_after
    )
    return client, GraphService(source, renderer, clock=clock)


def messages(report: RenderReport) -> set[str]:
    en = translator("en")
    return {f.error.render(en) for f in report.failures if isinstance(f.error, UserFacingError)}


def sidecar(out: Path, graph: str) -> dict[str, Any]:
    return json.loads((out / f"{graph}.json").read_text(encoding="utf-8"))


async def test_tautulli_going_down_mid_render_loses_no_graph_that_was_kept(
    fake: FakeTautulli, db: Database, renderer: Renderer, tmp_path: Path
) -> None:
    clock = Clock(FIRST)
    client, graphs = service(fake, db, renderer, clock, down_after=ALL + 5)
    async with client:
        first = await graphs.render(Settings(), tmp_path / "first")
        assert len(first.graphs) == ALL and not first.failures
        clock.now = SECOND
        second = await graphs.render(Settings(), tmp_path / "second")
    assert len(second.graphs) == ALL and not second.failures
    stale = {g.graph_id for g in second.graphs if sidecar(tmp_path / "second", g.graph_id)["stale"]}
    assert len(stale) == ALL - 5
    for graph in second.graphs:
        now = sidecar(tmp_path / "second", graph.graph_id)
        before = sidecar(tmp_path / "first", graph.graph_id)
        assert now["series"] == before["series"]  # the kept answer: the same data
        expected = FIRST if graph.graph_id in stale else SECOND
        assert datetime.fromisoformat(now["data_from"]) == expected


@pytest.mark.parametrize("mode", ["hang", "error500", "down"])
async def test_an_outage_mid_render_costs_one_graph_the_rest_come_from_the_cache_at_once(
    fake: FakeTautulli, db: Database, renderer: Renderer, tmp_path: Path, mode: str
) -> None:
    clock = Clock(FIRST)
    client, graphs = service(fake, db, renderer, clock, timeout=0.3)
    async with client:
        assert not (await graphs.render(Settings(), tmp_path / "first")).failures
        await fake.set_mode(mode)
        fake.clear_requests()
        clock.now = SECOND
        second = await graphs.render(Settings(), tmp_path / "second")
    assert len(second.graphs) == ALL and not second.failures
    assert all(sidecar(tmp_path / "second", g.graph_id)["stale"] for g in second.graphs)
    # Only the first graph asked (its retries are off here); the breaker answered the rest.
    assert len(fake.requests) == (0 if mode == "down" else 1)


async def test_down_with_nothing_kept_fails_only_the_graphs_it_hit(
    fake: FakeTautulli, db: Database, renderer: Renderer, tmp_path: Path
) -> None:
    client, graphs = service(fake, db, renderer, Clock(FIRST), down_after=3)
    async with client:
        report = await graphs.render(Settings(), tmp_path)
    assert len(report.graphs) == 3
    assert len(report.failures) == ALL - 3
    [message] = messages(report)
    assert message.startswith("Cannot reach Tautulli at http://127.0.0.1:")
    for graph in report.graphs:
        assert graph.png.stat().st_size > 0


@pytest.mark.parametrize(
    ("mode", "key", "fragment"),
    [
        ("ok", "wrong-key", "Tautulli refused the API key: check TAUTULLI_API_KEY"),
        ("html", KEY, "is not Tautulli's API: check TAUTULLI_URL"),
        ("hang", KEY, "did not answer in"),
    ],
)
async def test_each_failure_gives_its_own_message_and_no_secret(
    fake: FakeTautulli,
    db: Database,
    renderer: Renderer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    mode: str,
    key: str,
    fragment: str,
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx logs every URL at INFO
    await fake.set_mode(mode)
    client, graphs = service(fake, db, renderer, Clock(FIRST), key=key, timeout=0.3)
    async with client:
        report = await graphs.render(TWO, tmp_path)
    assert report.graphs == []
    assert len(report.failures) == 2
    [message] = messages(report)
    assert fragment in message
    assert key not in message
    # The first answer decides: the second graph is not asked for, and it is one log line.
    assert len(fake.api_requests()) == 1
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().count(fragment) for r in warnings] == [1]
    assert "HTTP Request" in caplog.text or mode == "hang"
    assert key not in caplog.text
