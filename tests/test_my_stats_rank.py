"""A member's place in the server's Top 10 users, told in their /my_stats summary: with
censored names they cannot find themselves in the graph, and no one else is named."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.tautulli import FakeTautulli
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.core.graphdata import GraphData, Series
from tgraph_bot.core.highlights import Rank, rank_in
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.i18n import translator
from tgraph_bot.services.post_layout import summary_embed
from tgraph_bot.services.summary import SummaryService
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
HARPER = TautulliUserId(695734)  # the recorded Tautulli's first user: most plays in 30 days


def graph(plays: dict[str, tuple[int, int]]) -> GraphData:
    """A Top 10 users answer: name -> (TV plays, music plays), with Tautulli's Total."""
    names = tuple(plays)
    tv = tuple(float(plays[n][0]) for n in names)
    music = tuple(float(plays[n][1]) for n in names)
    total = tuple(a + b for a, b in zip(tv, music, strict=True))
    return GraphData(names, (Series("TV", tv), Series("Music", music), Series("Total", total)))


SERVER = graph({"Ann": (50, 10), "Bo": (30, 20), "Cy": (20, 5), "Di": (25, 0), "Ed": (0, 0)})


@pytest.mark.parametrize(
    ("mine", "rank"),
    [
        ({"Ann": (50, 10)}, Rank(1, 4)),
        ({"Cy": (20, 5)}, Rank(3, 4)),  # as many plays as Di: they share the third place
        ({"Di": (25, 0)}, Rank(3, 4)),
        ({"Ed": (0, 0)}, None),  # no plays: not ranked (and Ed is not counted in "of")
        ({"Bo": (1, 1)}, None),  # another user of the same name
        ({"Flo": (3, 0)}, None),  # not in the graph
        ({}, None),  # Tautulli has nothing for them
    ],
)
def test_a_member_is_placed_by_their_own_name_and_plays(
    mine: dict[str, tuple[int, int]], rank: Rank | None
) -> None:
    assert rank_in(SERVER, graph(mine)) == rank


def test_a_full_graph_says_top_ten_rather_than_of_everyone() -> None:
    full = graph({f"User {n}": (100 - n, 0) for n in range(10)})
    found = rank_in(full, graph({"User 2": (98, 0)}))
    assert found == Rank(3, 10) and not found.everyone
    assert Rank(3, 4).everyone


@pytest.fixture
async def summaries(tmp_path: Path) -> AsyncIterator[SummaryService]:
    """The summaries as the bot makes them: over the Tautulli client and its graph cache."""
    async with FakeTautulli(api_key="k") as fake, Database(tmp_path / "db.sqlite3") as db:
        client = TautulliClient(fake.url, "k")
        async with client:
            yield SummaryService(
                CachedGraphSource(client, SqliteGraphCache(db), clock=lambda: NOW), client
            )


async def test_a_members_summary_says_their_place_and_the_servers_does_not(
    summaries: SummaryService,
) -> None:
    mine = await summaries.summary(30, user_id=HARPER)
    assert mine is not None and mine.rank == Rank(1, 10)  # Harper K.: 293 plays, 259 next
    english = summary_embed(mine, translator("en"), title="Your stats", personal=True)
    assert "You are #1 in the top 10 this period" in (english.description or "")
    danish = summary_embed(mine, translator("da"), title="Din statistik", personal=True)
    assert "Du er nr. 1 blandt de 10 mest aktive i perioden" in (danish.description or "")
    server = await summaries.summary(30)
    assert server is not None and server.rank is None
    posted = summary_embed(server, translator("en"), title="Server statistics")
    assert "You are" not in (posted.description or "")
