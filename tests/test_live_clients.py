"""Live edits reach the clients: after a TAUTULLI_URL / TAUTULLI_API_KEY / PLEX_TV_URL edit
the next render (or sign-in) of the program app.build wires talks to the new server, without
a restart."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from tests.fakes.plextv import FakePlexTv
from tests.fakes.tautulli import FakeTautulli
from tests.graph_support import ONE_GRAPH
from tgraph_bot.app import build
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.graphs.render import Renderer

KEY = "old-key-0123"
NEW_KEY = "new-key-4567"


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
        async with AsyncExitStack() as stack:  # the clients as the bot has them (app.build)
            program = await build(store, stack, drawing=renderer)
            graphs, plextv = program.services.rendering, program.plextv
            assert graphs is not None
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
    assert [r.cmd for r in old.api_requests()] == ["get_plays_by_date"]
    assert [(r.cmd, r.apikey) for r in new.api_requests()] == [("get_plays_by_date", "ok")]
    assert [s.path for s in old_plex.seen] == ["/api/v2/pins"]
    assert [s.path for s in new_plex.seen] == ["/api/v2/pins"]
