"""Live edits reach the clients: after a TAUTULLI_URL / TAUTULLI_API_KEY / PLEX_TV_URL edit
the next render (or sign-in) talks to the new server, without a restart."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.plextv import FakePlexTv
from tests.fakes.tautulli import FakeTautulli
from tgraph_bot.adapters.plextv import PlexTvClient
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.app import follow_settings
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.services.graphs import GraphService
from tgraph_bot.storage import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

KEY = "old-key-0123"
NEW_KEY = "new-key-4567"
ONE_GRAPH = "\n".join(f"{g.enable_key}: {str(g.id == 'daily_play_count').lower()}" for g in GRAPHS)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    with Renderer(workers=1) as r:
        yield r


@pytest.fixture
async def plextv_fakes() -> AsyncIterator[tuple[FakePlexTv, FakePlexTv]]:
    old, new = FakePlexTv(), FakePlexTv()
    await old.start()
    await new.start()
    try:
        yield old, new
    finally:
        await old.close()
        await new.close()


async def test_after_an_edit_the_next_render_talks_to_the_new_tautulli_and_plex_tv(
    tmp_path: Path, renderer: Renderer, plextv_fakes: tuple[FakePlexTv, FakePlexTv]
) -> None:
    old_plex, new_plex = plextv_fakes
    async with FakeTautulli(api_key=KEY) as old, FakeTautulli(api_key=NEW_KEY) as new:
        config = tmp_path / "config.yml"
        config.write_text(
            f'TAUTULLI_URL: "{old.url}"\nTAUTULLI_API_KEY: "{KEY}"\n'
            f'PLEX_TV_URL: "{old_plex.url}"\n{ONE_GRAPH}\n',
            encoding="utf-8",
        )
        store = ConfigStore(config, environ={}, use_dotenv=False)
        settings = store.settings
        async with (
            Database(tmp_path / "db.sqlite3") as db,
            TautulliClient(settings.TAUTULLI_URL, KEY, retry_budget=0) as tautulli,
            PlexTvClient(settings.PLEX_TV_URL, "client-id") as plextv,
        ):
            unsubscribe = follow_settings(store, tautulli, plextv)
            graphs = GraphService(
                CachedGraphSource(tautulli, SqliteGraphCache(db), clock=now), renderer, clock=now
            )
            first = await graphs.render(store.settings, tmp_path / "one")
            assert [g.graph_id for g in first.graphs] == ["daily_play_count"]
            await plextv.create_pin()

            # /config edit for the URL; a hand edit (the watcher) for the secret key.
            store.set("TAUTULLI_URL", new.url)
            text = config.read_text(encoding="utf-8").replace(KEY, NEW_KEY)
            config.write_text(text, encoding="utf-8")
            os.utime(config, ns=(10**9, 10**9))
            assert store.reload_if_changed()
            store.set("PLEX_TV_URL", new_plex.url)

            second = await graphs.render(store.settings, tmp_path / "two")
            assert [g.graph_id for g in second.graphs] == ["daily_play_count"]
            assert not second.failures
            await plextv.create_pin()
            unsubscribe()
    assert [r.cmd for r in old.api_requests()] == ["get_plays_by_date"]
    assert [(r.cmd, r.apikey) for r in new.api_requests()] == [("get_plays_by_date", "ok")]
    assert [s.path for s in old_plex.seen] == ["/api/v2/pins"]
    assert [s.path for s in new_plex.seen] == ["/api/v2/pins"]
