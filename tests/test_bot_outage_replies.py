"""What admins and members read when Tautulli or the disk fails: the real discord.py against
simcord, the real Tautulli client, graph cache and GraphService against the fake Tautulli on
127.0.0.1, real SQLite and folders on disk.

Only the drawing is a stand-in (a small real PNG, no matplotlib): these tests are about the
messages, not the pictures.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest

from tests.fakes.pngs import PngDrawing, png_bytes
from tests.fakes.tautulli import FakeTautulli
from tgraph_bot.adapters.discord.translator import language_for
from tgraph_bot.adapters.discord.tree import user_facing
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.core.users import TautulliUser, find_by_email
from tgraph_bot.graphs.model import RenderJob
from tgraph_bot.i18n import translator
from tgraph_bot.services.graphs import GraphService
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

if TYPE_CHECKING:
    from simcord.results import InteractionResult

    from tests.discord_env import Parts, World


KEY = "outage-replies-key"
STATS_DOWN = "The server's statistics are unavailable right now. Please try again later."
STORAGE = "The bot cannot save its files right now. Please try again later."
USERS = [
    TautulliUser(TautulliUserId(42), "alice", "Alice", "alice@example.com"),
    TautulliUser(TautulliUserId(43), "owner", "Owner", "owner@example.com"),
]
EMAIL = "alice@example.com"  # the member's Plex account
ADMIN_EMAIL = "owner@example.com"  # the admin's


class Directory:
    """Tautulli's users: one Plex account for the member, one for the admin."""

    async def users(self) -> list[TautulliUser]:
        return list(USERS)

    async def find_user_by_email(self, email: str) -> TautulliUser | None:
        return find_by_email(USERS, email)


class FullDisk(PngDrawing):
    """Writes every PNG through /dev/full: the kernel answers ENOSPC, as a full disk does."""

    async def render(self, job: RenderJob) -> Path:
        await asyncio.to_thread(Path("/dev/full").write_bytes, png_bytes(16, 8, (0, 0, 0)))
        return Path(job.png)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTautulli]:
    async with FakeTautulli(api_key=KEY) as server:
        yield server


@pytest.fixture
def drawing() -> PngDrawing:
    return PngDrawing()


@pytest.fixture
async def parts(tmp_path: Path, fake: FakeTautulli, drawing: PngDrawing) -> AsyncIterator[Parts]:
    """tests.discord_env's parts, with the real graph pipeline against the fake Tautulli."""
    from tests.discord_env import make_parts  # a plugin: imported once it is one

    clock = discord.utils.utcnow
    async with TautulliClient(fake.url, KEY, timeout=2.0, retry_budget=0) as client:

        def pipeline(db: Database) -> GraphService:
            return GraphService(
                CachedGraphSource(client, SqliteGraphCache(db), clock=clock), drawing, clock=clock
            )

        async with make_parts(tmp_path, rendering=pipeline, users=Directory()) as built:
            yield built


def texts(result: InteractionResult) -> list[str]:
    found = [result.response.content] if result.response else []
    return found + [f.content for f in result.followups]


def raised(world: World) -> list[str]:
    """What the commands raised, as the error ladder read it (acknowledged for simcord)."""
    return [type(user_facing(e) or e).__name__ for e in world.env.errors]


def progress_edits(world: World) -> list[str]:
    return [
        str(r.json.get("content"))
        for r in world.env.http_requests
        if r.method == "PATCH" and "/messages/@original" in r.path and isinstance(r.json, dict)
    ]


def owner_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def hides_the_setup(text: str, fake: FakeTautulli) -> bool:
    """Nothing a member cannot act on: no address, no setting's name."""
    return not re.search(r"http|127\.0\.0\.1|TAUTULLI|DATA_DIR|/api/v2", text) and (
        str(fake.port) not in text
    )


async def test_a_refused_key_is_named_to_the_admin_and_progress_counts_nothing_made(
    world: World, fake: FakeTautulli
) -> None:
    await fake.set_mode("refused")  # the key was regenerated in Tautulli, not in the bot
    result = await world.admin.slash(world.channel, "update_graphs")
    assert texts(result)[-1] == (
        "No graphs could be made: Tautulli refused the API key: check TAUTULLI_API_KEY"
    )
    assert not any(re.match(r"[1-9]\d* of 12 graphs ready", t) for t in progress_edits(world))
    assert world.channel.history() == []
    assert raised(world) == ["NoGraphsError"]


async def test_progress_counts_graphs_made_not_attempts(world: World, fake: FakeTautulli) -> None:
    fake.missing_commands = frozenset({"get_plays_by_top_10_users"})  # an older Tautulli
    result = await world.admin.slash(world.channel, "update_graphs")
    assert texts(result)[-1].startswith("Posted 11 graphs: https://discord.com/channels/")
    counts = [int(m.group(1)) for t in progress_edits(world) if (m := re.match(r"(\d+) of", t))]
    assert counts and max(counts) <= 11  # never "12 of 12 graphs ready"


async def test_a_login_page_reads_as_the_cause_to_an_admin_and_plainly_to_a_member(
    world: World, fake: FakeTautulli, caplog: pytest.LogCaptureFixture
) -> None:
    await fake.set_mode("html")
    caplog.set_level(logging.WARNING)
    admin = texts(await world.admin.slash(world.channel, "my_stats", email=ADMIN_EMAIL))
    assert admin[-1].startswith(f"No graphs could be made: The answer from {fake.url}/api/v2 ")
    assert "login page" in admin[-1]
    caplog.clear()
    member = texts(await world.member.slash(world.channel, "my_stats", email=EMAIL))
    assert member[-1] == STATS_DOWN
    assert all(hides_the_setup(t, fake) for t in member)
    (line,) = [t for t in owner_lines(caplog) if "command /my_stats" in t]
    assert f"a member (user {world.member.id})" in line and "login page" in line
    assert raised(world) == ["NoGraphsError", "NoGraphsError"]


async def test_a_member_reads_the_plain_sentence_in_the_servers_language(
    world: World, fake: FakeTautulli
) -> None:
    world.store.set("LANGUAGE", "da")
    await fake.set_mode("down")
    member = texts(await world.member.slash(world.channel, "my_stats", email=EMAIL))
    # simcord's members have an en-US client: they read the language the bot picks for it.
    tr = translator(language_for(discord.Locale.american_english, "da"))
    assert member[-1] == tr._(STATS_DOWN)
    assert all(hides_the_setup(t, fake) for t in member)
    assert raised(world) == ["NoGraphsError"]


async def test_a_stale_post_says_from_when_and_why(
    world: World, fake: FakeTautulli, caplog: pytest.LogCaptureFixture
) -> None:
    fresh = await world.admin.slash(world.channel, "update_graphs")
    assert "Tautulli" not in texts(fresh)[-1]
    await fake.set_mode("down")
    caplog.set_level(logging.INFO)
    stale = texts(await world.admin.slash(world.channel, "update_graphs"))[-1]
    lines = stale.splitlines()
    assert lines[0].startswith("Posted 12 graphs: ")
    assert re.fullmatch(r"Drawn from data of <t:\d+:f>: Tautulli could not be reached\.", lines[1])
    (logged,) = [r for r in caplog.records if r.getMessage().startswith("posted 12 graphs")]
    assert logged.levelno == logging.WARNING
    assert "drawn from data of" in logged.getMessage()
    assert "Tautulli could not be reached" in logged.getMessage()


async def test_an_unwritable_data_dir_is_a_plain_sentence_for_a_member_and_a_log_line(
    world: World, fake: FakeTautulli, caplog: pytest.LogCaptureFixture
) -> None:
    world.images.write_bytes(b"")  # a file where the images folder should be: mkdir fails
    caplog.set_level(logging.WARNING)
    member = texts(await world.member.slash(world.channel, "my_stats", email=EMAIL))
    assert member[-1] == STORAGE
    (line,) = [t for t in owner_lines(caplog) if "command /my_stats" in t]
    assert "Not a directory" in line and str(world.images) in line
    admin = texts(await world.admin.slash(world.channel, "my_stats", email=ADMIN_EMAIL))
    assert "Not a directory" in admin[-1]
    assert raised(world) == ["FileProblem", "FileProblem"]


class TestAFullDisk:
    @pytest.fixture
    def drawing(self) -> PngDrawing:
        return FullDisk()

    async def test_the_admin_reads_the_disk_is_full_and_a_member_a_plain_sentence(
        self, world: World, fake: FakeTautulli, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING)
        admin = texts(await world.admin.slash(world.channel, "update_graphs"))
        assert re.fullmatch(
            rf"No graphs could be made: The disk holding {re.escape(str(world.images))}/\d+T\d+ "
            r"is full: free some space on it",
            admin[-1],
        )
        caplog.clear()
        member = texts(await world.member.slash(world.channel, "my_stats", email=EMAIL))
        assert member[-1] == STORAGE
        lines = owner_lines(caplog)
        assert any("command /my_stats of a member" in t and "is full" in t for t in lines)
        assert not any("Traceback" in t for t in lines)
        assert raised(world) == ["NoGraphsError", "NoGraphsError"]
