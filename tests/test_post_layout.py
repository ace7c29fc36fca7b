"""The graph post's composition: captions from the drawn data, the period summary from
Tautulli's answers (a local fake Tautulli replaying recorded ones), and the messages."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.discord import every_component, message_errors
from tests.fakes.tautulli import FakeTautulli
from tgraph_bot.adapters.discord.channel import payload
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.graphdata import GraphData
from tgraph_bot.core.highlights import TopTitle, summarise
from tgraph_bot.core.ids import GraphId
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.graphs.sample_source import SampleGraphSource
from tgraph_bot.i18n import translator
from tgraph_bot.services.graphs import GraphService
from tgraph_bot.services.post_layout import (
    Embed,
    GraphCard,
    compose,
    embed_text,
    graph_line,
    read_card,
    summary_embed,
)
from tgraph_bot.services.summary import SummaryService
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

RECORDED = Path(__file__).parent / "fixtures" / "tautulli" / "recorded"
GRAPH_FIXTURES = Path(__file__).parent / "fixtures" / "graphs"
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))["body"]["response"]["data"]


def media_sum(data: dict[str, Any]) -> float:
    return sum(sum(s["data"]) for s in data["series"] if s["name"] != "Total")


@pytest.fixture
async def tautulli(tmp_path: Path) -> AsyncIterator[tuple[TautulliClient, Database]]:
    async with (
        FakeTautulli(api_key="k") as fake,
        TautulliClient(fake.url, "k") as client,
        Database(tmp_path / "db.sqlite3") as db,
    ):
        yield client, db


async def test_summary_numbers_are_what_tautulli_answered(
    tautulli: tuple[TautulliClient, Database],
) -> None:
    client, db = tautulli
    source = CachedGraphSource(client, SqliteGraphCache(db), clock=lambda: NOW)
    summary = await SummaryService(source, client).summary(30)
    assert summary is not None
    plays = recorded("get_plays_by_date__time_range-30.json")
    seconds = recorded("get_plays_by_date__time_range-30__y_axis-duration.json")
    assert summary.plays == round(media_sum(plays))
    assert summary.watch_seconds == round(media_sum(seconds))
    assert summary.first_day == date.fromisoformat(plays["categories"][0])
    assert summary.last_day == date.fromisoformat(plays["categories"][-1])
    per_day = [
        sum(s["data"][i] for s in plays["series"] if s["name"] != "Total")
        for i in range(len(plays["categories"]))
    ]
    assert summary.busiest_day_plays == max(per_day)
    home = {s["stat_id"]: s["rows"][0] for s in recorded("get_home_stats__30.json")}
    assert [(t.media, t.title, t.plays) for t in summary.top_titles] == [
        (media, home[stat]["title"], home[stat]["total_plays"])
        for stat, media in (("top_tv", "tv"), ("top_movies", "movies"), ("top_music", "music"))
    ]


def test_change_against_the_period_before() -> None:
    days = [f"2026-11-{d:02d}" for d in range(1, 7)]
    plays = GraphData.parse(
        {"categories": days, "series": [{"name": "TV", "data": [1, 2, 3, 4, 4, 4]}]}
    )
    seconds = GraphData.parse(
        {"categories": days, "series": [{"name": "TV", "data": [60, 60, 60, 0, 0, 0]}]}
    )
    summary = summarise(3, plays, seconds)
    assert (summary.plays, summary.previous_plays) == (12, 6)
    assert summary.plays_change == 1.0 and summary.watch_change == -1.0
    assert summary.busiest_day == date(2026, 11, 6)  # ties: the latest day
    tr = translator("en")
    embed = summary_embed(summary, tr, title="Stats", next_post=NOW)
    values = {f.name: f.value for f in embed.fields}
    assert values["Plays"] == "12 (▲ 100% on the period before)"
    assert values["Watch time"].startswith("0 seconds (▼ 100%")
    assert f"<t:{int(NOW.timestamp())}:R>" in embed.description


@pytest.mark.slow  # renders every graph in a worker process
async def test_every_graph_gets_a_caption_and_alt_text_from_its_data(tmp_path: Path) -> None:
    settings = Settings()
    async with Renderer(workers=1) as renderer:
        service = GraphService(SampleGraphSource(GRAPH_FIXTURES), renderer, clock=lambda: NOW)
        report = await service.render(settings, tmp_path)
    tr = translator("en")
    cards = [read_card(g.graph_id, g.png, g.sidecar, tr) for g in report.graphs]
    assert len(cards) == len(GRAPHS)
    by_id = {c.graph_id: c for c in cards}
    daily = json.loads((tmp_path / "daily_play_count.json").read_text())
    total = sum(sum(s["data"]) for s in daily["series"] if s["key"] != "Total")
    assert by_id[GraphId("daily_play_count")].caption.startswith(f"{tr.number(total)} plays, ")
    assert by_id[GraphId("play_count_by_hourofday")].caption.startswith("Busiest hour: ")
    for card in cards:
        assert card.caption and card.caption != "No data for this period", card
        assert card.alt.startswith(card.title) and card.caption in card.alt

    danish = read_card(
        "daily_play_count", tmp_path / "x.png", tmp_path / "daily_play_count.json", translator("da")
    )
    assert "afspilninger" in danish.caption


def test_compose_puts_a_summary_first_and_ten_embeds_a_message(tmp_path: Path) -> None:
    cards = [
        GraphCard(g.id, tmp_path / f"{g.id}.png", g.title, "caption", f"{g.title}. caption")
        for g in GRAPHS
    ]
    tr = translator("en")
    days = [f"2026-11-{d:02d}" for d in range(1, 5)]
    data = GraphData.parse({"categories": days, "series": [{"name": "TV", "data": [1, 2, 3, 4]}]})
    summary = summary_embed(summarise(2, data, None), tr, title="Server statistics")
    messages = compose(cards, layout="embeds", header="header", summary=summary)
    assert [len(m.embeds) for m in messages] == [10, 3]
    assert messages[0].embeds[0] is summary and messages[0].embeds[0].image is None
    for message in messages:
        names = {a.filename for a in message.files}
        images = [e.image for e in message.embeds if e.image is not None]
        assert sorted(images) == sorted(names)  # every image is an attachment of its message
        assert all(a.description for a in message.files)
    # The title is drawn in the image: a graph's embed does not say it a second time.
    graphs = [e for m in messages for e in m.embeds if e.image is not None]
    assert len(graphs) == len(cards)
    assert all(e.title == "" and e.description == "caption" for e in graphs)
    plain = compose(cards, layout="plain", header="header", summary=summary)
    assert [len(m.files) for m in plain] == [10, 2] and [m.content for m in plain] == ["header", ""]
    assert all(not m.embeds for m in plain) and all(a.description for m in plain for a in m.files)


@pytest.mark.slow  # renders every graph in a worker process
async def test_one_members_graphs_are_titled_yours_and_leave_other_users_out(
    tmp_path: Path,
) -> None:
    from tgraph_bot.core.ids import TautulliUserId

    async with Renderer(workers=1) as renderer:
        service = GraphService(SampleGraphSource(GRAPH_FIXTURES), renderer, clock=lambda: NOW)
        report = await service.render(
            Settings(LANGUAGE="da", TIME_RANGE_DAYS=30), tmp_path, user_id=TautulliUserId(7)
        )
    ids = [g.graph_id for g in report.graphs]
    # Not the others' graphs, nor concurrent streams (one person's are four lines near 1).
    left_out = {"top_10_users", "top_10_users_by_stream_type", "daily_concurrent_stream_count"}
    assert ids == [g.id for g in GRAPHS if g.id not in left_out]
    titles = [json.loads(g.sidecar.read_text())["title"] for g in report.graphs]
    assert all(t.startswith(("Din ", "Dine ")) for t in titles), titles


def cards_of(tmp_path: Path, count: int, caption: str = "caption") -> list[GraphCard]:
    """``count`` cards over real PNG files (the payload opens them, as a send does)."""
    cards: list[GraphCard] = []
    for i in range(count):
        spec = GRAPHS[i % len(GRAPHS)]
        png = tmp_path / f"{spec.id}-{i}.png"
        png.write_bytes(b"\x89PNG\r\n\x1a\n")
        cards.append(GraphCard(spec.id, png, spec.title, caption, f"{spec.title}. {caption}"))
    return cards


def a_summary(top_title: str = "Severance") -> Embed:
    tr = translator("en")
    days = [f"2026-11-{d:02d}" for d in range(1, 5)]
    data = GraphData.parse({"categories": days, "series": [{"name": "TV", "data": [1, 2, 3, 4]}]})
    period = summarise(2, data, None)
    period = dataclasses.replace(period, top_titles=(TopTitle("tv", top_title, 7),))
    return summary_embed(period, tr, title="Server statistics")


def test_gallery_is_one_card_with_the_summary_and_a_line_per_graph_then_ten_graphs_a_message(
    tmp_path: Path,
) -> None:
    cards = cards_of(tmp_path, 12)
    summary = a_summary()
    messages = compose(cards, layout="gallery", header="header", summary=summary)
    assert [len(m.files) for m in messages] == [10, 2]
    assert all(m.gallery and not m.content and not m.embeds for m in messages)
    assert messages[0].texts == (embed_text(summary), "\n".join(map(graph_line, cards)))
    assert messages[0].texts[0].startswith("### Server statistics\n")
    assert (
        "**Plays**: 7 (▲ 133% on the period before)" in messages[0].texts[0]
        and "**TV**: Severance (7 plays)" in (messages[0].texts[0])
    )
    assert messages[1].texts == ()
    files = [a for m in messages for a in m.files]
    assert [a.path for a in files] == [c.png for c in cards]  # every graph, in order
    assert [a.description for a in files] == [c.alt for c in cards]
    lines = messages[0].texts[1].splitlines()
    assert lines == [f"**{c.title}**: caption" for c in cards]
    alone = compose(cards[:1], layout="gallery", header="header")
    assert [(m.texts, len(m.files)) for m in alone] == [(("### header", lines[0]), 1)]


@pytest.mark.parametrize("count", [1, 12])
@pytest.mark.parametrize("caption", ["caption", "a caption far too long " * 30])
def test_every_gallery_message_is_one_discord_accepts(
    tmp_path: Path, count: int, caption: str
) -> None:
    """Each message's JSON, as discord.py sends it, passes the fake Discord's checks of
    Discord's limits: 10 files, 40 components and 4,000 characters of text, no content
    or embeds beside Components V2. Long captions and titles are clipped, not refused."""
    summary = a_summary("A title that goes on " * 60)
    for message in compose(cards_of(tmp_path, count, caption), layout="gallery", header="h"):
        for sent in (message, dataclasses.replace(message, texts=(embed_text(summary),))):
            body = payload(sent)
            assert body["flags"] & (1 << 15)
            assert message_errors(body) == {}
            assert len(body["attachments"]) <= 10
            texts = [c for c in every_component(body["components"]) if c["type"] == 10]
            assert sum(len(t["content"]) for t in texts) <= 4000
