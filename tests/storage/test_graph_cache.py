"""storage/graph_cache: the last good answer of each graph request, on a real database on
disk. A database that fails never fails a graph: a live answer that cannot be kept is still
served, and a kept answer that cannot be read is as good as none."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.tautulli import FakeTautulli
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.core.graphdata import GraphKey
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SERVER = GraphKey("get_plays_by_date", 30, "plays", None)
MEMBER = GraphKey("get_plays_by_date", 30, "plays", 695734)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "tgraph.sqlite3") as database:
        yield database


async def drop_the_table(db: Database) -> None:
    await db.run(lambda conn: conn.execute("DROP TABLE tautulli_graph_cache"))


async def test_an_answer_is_kept_per_key_and_replaced_by_a_newer_one(db: Database) -> None:
    cache = SqliteGraphCache(db)
    await cache.keep(SERVER, "old", T0)
    await cache.keep(SERVER, "new", T0 + timedelta(hours=1))
    await cache.keep(MEMBER, "theirs", T0)
    assert await cache.kept(SERVER) == ("new", T0 + timedelta(hours=1))
    assert await cache.kept(MEMBER) == ("theirs", T0)
    assert await cache.kept(GraphKey("get_plays_by_date", 90, "plays", None)) is None


async def test_a_failing_database_is_logged_not_raised(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    cache = SqliteGraphCache(db)
    await cache.keep(SERVER, "kept", T0)
    await drop_the_table(db)
    with caplog.at_level(logging.WARNING, logger="tgraph_bot.storage.graph_cache"):
        assert await cache.kept(SERVER) is None
        await cache.keep(SERVER, "lost", T0)
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "could not read the kept get_plays_by_date answer",
        "could not keep the get_plays_by_date answer in the database",
    ]


async def test_a_live_answer_that_cannot_be_kept_is_still_served(db: Database) -> None:
    await drop_the_table(db)
    async with (
        FakeTautulli(api_key="k") as fake,
        TautulliClient(fake.url, "k", timeout=1.0, retry_budget=0.0) as client,
    ):
        source = CachedGraphSource(client, SqliteGraphCache(db), clock=lambda: T0)
        fetched = await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
    assert fetched.fetched_at == T0
    assert not fetched.stale
    assert fetched.data.categories
