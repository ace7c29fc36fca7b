"""CachedGraphSource: the last good Tautulli answer, kept in SQLite, stands in while Tautulli
is unavailable. Real SQLite on disk, the fake Tautulli on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.tautulli import FIXTURES, FakeTautulli
from tests.fakes.time import Clock
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.core.graphdata import GraphData
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.errors import (
    TautulliAuthError,
    TautulliNotApi,
    TautulliServerError,
    TautulliTimeout,
    TautulliUnreachable,
)
from tgraph_bot.services.ports.graphs import GraphSource
from tgraph_bot.storage import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

KEY = "cache-test-key"
HARPER = TautulliUserId(695734)
T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def recorded_graph(name: str) -> GraphData:
    body = json.loads((FIXTURES / "recorded" / name).read_text(encoding="utf-8"))["body"]
    return GraphData.parse(body["response"]["data"])


@pytest.fixture
async def fake() -> AsyncIterator[FakeTautulli]:
    async with FakeTautulli(api_key=KEY) as server:
        yield server


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "tgraph.sqlite3") as database:
        yield database


def client_for(fake: FakeTautulli, key: str = KEY) -> TautulliClient:
    return TautulliClient(fake.url, key, timeout=1.0, retry_budget=0.0)


def rows(db_path: Path) -> list[tuple[object, ...]]:
    # sqlite3's own context manager commits but does not close: closing() does.
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(
            "SELECT command, time_range, y_axis, user_id, fetched_at FROM tautulli_graph_cache "
            "ORDER BY command, user_id"
        ).fetchall()


async def test_it_is_a_graph_source(fake: FakeTautulli, db: Database) -> None:
    async with client_for(fake) as client:
        source: GraphSource = CachedGraphSource(client, SqliteGraphCache(db), clock=Clock(T0))
        fetched = await source.graph("get_plays_by_dayofweek", time_range=30, y_axis="plays")
    assert fetched.data == recorded_graph("get_plays_by_dayofweek__time_range-30.json")
    assert fetched.fetched_at == T0 and not fetched.stale


@pytest.mark.parametrize("failure", ["down", "hang", "error500"])
async def test_unavailable_tautulli_serves_the_last_good_answer(
    fake: FakeTautulli, db: Database, failure: str
) -> None:
    clock = Clock(T0)
    async with client_for(fake) as client:
        source = CachedGraphSource(client, SqliteGraphCache(db), clock=clock)
        live = await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
        assert rows(db.path) == [
            ("get_plays_by_date", 30, "plays", None, "2026-11-20T06:00:00+00:00")
        ]
        await fake.set_mode(failure)
        clock.now = T0 + timedelta(days=1)
        stale = await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
    assert stale.stale and not live.stale
    assert stale.fetched_at == T0  # the earlier time, not now
    assert stale.data == live.data == recorded_graph("get_plays_by_date__time_range-30.json")


@pytest.mark.parametrize(
    ("failure", "error"),
    [("down", TautulliUnreachable), ("hang", TautulliTimeout), ("error500", TautulliServerError)],
)
async def test_nothing_kept_re_raises_the_original_error(
    fake: FakeTautulli, db: Database, failure: str, error: type[Exception]
) -> None:
    await fake.set_mode(failure)
    async with client_for(fake) as client:
        source = CachedGraphSource(client, SqliteGraphCache(db), clock=Clock(T0))
        with pytest.raises(error):
            await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
    assert rows(db.path) == []


async def test_a_refused_key_is_never_masked_by_old_data(fake: FakeTautulli, db: Database) -> None:
    async with client_for(fake) as good:
        await CachedGraphSource(good, SqliteGraphCache(db), clock=Clock(T0)).graph(
            "get_plays_by_date", time_range=30, y_axis="plays"
        )
    async with client_for(fake, "a-wrong-key") as wrong:
        source = CachedGraphSource(
            wrong, SqliteGraphCache(db), clock=Clock(T0 + timedelta(hours=1))
        )
        with pytest.raises(TautulliAuthError):
            await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
    assert len(rows(db.path)) == 1


async def test_a_url_that_is_not_the_api_is_never_masked(fake: FakeTautulli, db: Database) -> None:
    async with client_for(fake) as client:
        source = CachedGraphSource(client, SqliteGraphCache(db), clock=Clock(T0))
        await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
        await fake.set_mode("html")
        with pytest.raises(TautulliNotApi):
            await source.graph("get_plays_by_date", time_range=30, y_axis="plays")


async def test_answers_are_kept_per_command_range_axis_and_user(
    fake: FakeTautulli, db: Database
) -> None:
    clock = Clock(T0)
    async with client_for(fake) as client:
        source = CachedGraphSource(client, SqliteGraphCache(db), clock=clock)
        await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
        await source.graph("get_plays_by_date", time_range=30, y_axis="duration")
        await source.graph("get_plays_by_date", time_range=365, y_axis="plays")
        clock.now = T0 + timedelta(minutes=5)
        mine = await source.graph(
            "get_plays_by_date", time_range=30, y_axis="plays", user_id=HARPER
        )
        clock.now = T0 + timedelta(minutes=10)
        await source.graph("get_plays_by_date", time_range=30, y_axis="plays")  # refreshed
        assert sorted(rows(db.path), key=str) == sorted(
            [
                ("get_plays_by_date", 30, "duration", None, "2026-11-20T06:00:00+00:00"),
                ("get_plays_by_date", 30, "plays", None, "2026-11-20T06:10:00+00:00"),
                ("get_plays_by_date", 30, "plays", 695734, "2026-11-20T06:05:00+00:00"),
                ("get_plays_by_date", 365, "plays", None, "2026-11-20T06:00:00+00:00"),
            ],
            key=str,
        )

        await fake.set_mode("down")
        stale_mine = await source.graph(
            "get_plays_by_date", time_range=30, y_axis="plays", user_id=HARPER
        )
        stale_all = await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
        # A user without a kept answer never gets the server-wide one (nor someone else's).
        with pytest.raises(TautulliUnreachable):
            await source.graph(
                "get_plays_by_date", time_range=30, y_axis="plays", user_id=TautulliUserId(1)
            )
        with pytest.raises(TautulliUnreachable):
            await source.graph("get_plays_by_date", time_range=7, y_axis="plays")
    assert stale_mine.data == mine.data
    assert stale_mine.data == recorded_graph("get_plays_by_date__time_range-30__user.json")
    assert stale_mine.fetched_at == T0 + timedelta(minutes=5)
    assert stale_all.fetched_at == T0 + timedelta(minutes=10)
    assert stale_all.data != stale_mine.data


async def test_kept_answers_outlive_the_process(fake: FakeTautulli, tmp_path: Path) -> None:
    path = tmp_path / "tgraph.sqlite3"
    async with Database(path) as db, client_for(fake) as client:
        await CachedGraphSource(client, SqliteGraphCache(db), clock=Clock(T0)).graph(
            "get_plays_per_month", time_range=12, y_axis="plays"
        )
    await fake.set_mode("down")
    async with Database(path) as db, client_for(fake) as client:
        fetched = await CachedGraphSource(client, SqliteGraphCache(db), clock=Clock(T0)).graph(
            "get_plays_per_month", time_range=12, y_axis="plays"
        )
    assert fetched.stale and fetched.fetched_at == T0
    assert fetched.data == recorded_graph("get_plays_per_month__time_range-12.json")


async def test_the_clock_must_be_aware(fake: FakeTautulli, db: Database) -> None:
    async with client_for(fake) as client:
        source = CachedGraphSource(client, SqliteGraphCache(db), clock=lambda: datetime(2026, 1, 1))  # noqa: DTZ001
        with pytest.raises(ValueError, match="aware"):
            await source.graph("get_plays_by_date", time_range=30, y_axis="plays")
