"""Messages name the real cause to whoever can act on it.

The errors are the real ones: the real Tautulli client against the fake Tautulli on
127.0.0.1 (a refused key, a login page, nothing listening), a real write to /dev/full (the
kernel's ENOSPC), a real SQLite database that is full.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.pngs import PngDrawing
from tests.fakes.tautulli import FakeTautulli
from tests.fakes.time import Clock
from tgraph_bot.adapters.discord.tree import error_reply
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.config.schema import Settings
from tgraph_bot.errors import (
    DiskFull,
    NoGraphsError,
    NotWritable,
    TautulliError,
    UserFacingError,
    storage_problem,
)
from tgraph_bot.graphs.demo import report_files
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.i18n import translator
from tgraph_bot.services.graphs import GraphService
from tgraph_bot.storage import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

KEY = "outage-messages-key"
EN, DA = translator("en"), translator("da")
MEMBER = {
    "en": "The server's statistics are unavailable right now. Please try again later.",
    "da": "Serverens statistik er ikke tilgængelig lige nu. Prøv igen senere.",
}
STORAGE = {
    "en": "The bot cannot save its files right now. Please try again later.",
    "da": "Botten kan ikke gemme sine filer lige nu. Prøv igen senere.",
}
T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTautulli]:
    async with FakeTautulli(api_key=KEY) as server:
        yield server


async def tautulli_error(fake: FakeTautulli, key: str = KEY) -> TautulliError:
    # A short timeout: a hanging Tautulli is reported as slow after 0.3 s.
    async with TautulliClient(fake.url, key, timeout=0.3, retry_budget=0) as client:
        try:
            await client.graph("get_plays_by_date", time_range=30, y_axis="plays")
        except TautulliError as exc:
            return exc
    raise AssertionError("Tautulli answered")


def shown_to_a_member(error: UserFacingError, language: str) -> str:
    return error_reply(error, translator(language), 0, admin=False)[0]


def shown_to_an_admin(error: UserFacingError, language: str) -> str:
    return error_reply(error, translator(language), 0, admin=True)[0]


@pytest.mark.parametrize(
    ("mode", "key", "cause"),
    [
        ("ok", "a-wrong-key", "Tautulli refused the API key: check TAUTULLI_API_KEY"),
        ("html", KEY, "The answer from {url}/api/v2 is not Tautulli's API: check TAUTULLI_URL"),
        ("down", KEY, "Cannot reach Tautulli at {url}/api/v2: check TAUTULLI_URL"),
        ("hang", KEY, "Tautulli at {url}/api/v2 did not answer in 0.3 seconds: it may be busy"),
        ("error500", KEY, "Tautulli failed with HTTP 500 on get_plays_by_date: see Tautulli's"),
    ],
)
async def test_the_admin_reads_the_cause_and_a_member_one_plain_sentence(
    fake: FakeTautulli, mode: str, key: str, cause: str
) -> None:
    await fake.set_mode(mode)
    error = await tautulli_error(fake, key)
    expected = cause.format(url=fake.url)
    assert shown_to_an_admin(error, "en").startswith(expected)
    none_made = NoGraphsError.of([error] * 12)
    assert shown_to_an_admin(none_made, "en").startswith(f"No graphs could be made: {expected}")
    assert str(none_made).startswith(f"No graphs could be made: {expected}")  # the log's line
    for language in ("en", "da"):
        for shown in (error, none_made):
            text = shown_to_a_member(shown, language)
            assert text == MEMBER[language]
            assert fake.url not in text and "TAUTULLI" not in text


async def test_the_danish_admin_reads_the_cause_in_danish(fake: FakeTautulli) -> None:
    error = await tautulli_error(fake, "a-wrong-key")
    text = shown_to_an_admin(NoGraphsError.of([error]), "da")
    assert text == ("Ingen grafer kunne laves: Tautulli afviste API-nøglen: tjek TAUTULLI_API_KEY")


def test_the_most_common_failure_is_the_cause() -> None:
    full = DiskFull(path="/data/graphs")
    error = NoGraphsError.of([RuntimeError("boom"), full, full, NotWritable(path="x", reason="y")])
    assert error.cause is full
    assert NoGraphsError.of([RuntimeError("boom")]).render(EN) == (
        "No graphs could be made: drawing them failed; see the log."
    )
    assert NoGraphsError.of([]).render(EN) == (
        "No graphs could be made: no graph is enabled (the ENABLE_ settings)."
    )


def test_a_full_disk_is_named_to_the_admin_and_plain_to_a_member() -> None:
    with pytest.raises(OSError) as raised:  # the kernel's own "No space left on device"
        Path("/dev/full").write_bytes(b"x" * 4096)
    problem = storage_problem(raised.value, "/data/graphs/20261120T060000")
    assert isinstance(problem, DiskFull)
    assert shown_to_an_admin(problem, "en") == (
        "The disk holding /data/graphs/20261120T060000 is full: free some space on it"
    )
    for language in ("en", "da"):
        assert shown_to_a_member(problem, language) == STORAGE[language]
        assert shown_to_a_member(NoGraphsError(problem), language) == STORAGE[language]


def test_a_full_database_is_a_full_disk(tmp_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(tmp_path / "tiny.db")) as conn:
        conn.execute("CREATE TABLE t (x BLOB)")
        conn.execute("PRAGMA max_page_count = 3")
        with pytest.raises(sqlite3.OperationalError) as raised:
            conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    assert str(raised.value) == "database or disk is full"
    problem = storage_problem(raised.value)
    assert isinstance(problem, DiskFull)
    assert (
        problem.render(EN) == "The disk holding DATA_DIR/tgraph.db is full: free some space on it"
    )


def test_other_errors_are_not_storage_problems() -> None:
    assert storage_problem(RuntimeError("boom")) is None
    assert storage_problem(sqlite3.OperationalError("no such table: x")) is None


# -- a render from stale data -----------------------------------------------------------


def one_graph() -> Settings:
    return Settings.model_validate(
        {g.enable_key: g.id == "daily_play_count" for g in GRAPHS} | {"TIMEZONE": "UTC"}
    )


async def test_a_render_from_stale_data_says_so_in_its_exit_line_and_exits_0(
    fake: FakeTautulli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock(T0)
    async with (
        Database(tmp_path / "tgraph.db") as db,
        TautulliClient(fake.url, KEY, timeout=2.0, retry_budget=0) as client,
    ):
        service = GraphService(
            CachedGraphSource(client, SqliteGraphCache(db), clock=clock), PngDrawing()
        )
        fresh = await service.render(one_graph(), tmp_path / "fresh")
        assert report_files(fresh, tmp_path / "fresh", EN) == 0
        assert "Tautulli" not in capsys.readouterr().out
        await fake.set_mode("down")
        stale = await service.render(one_graph(), tmp_path / "stale")
    assert stale.stale_since == T0
    assert report_files(stale, tmp_path / "stale", DA, "Europe/Copenhagen") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2] == f"1 graf skrevet til {(tmp_path / 'stale').resolve()}"
    assert lines[-1] == ("Tegnet ud fra data fra 2026-11-20 07:00 CET: Tautulli kunne ikke nås.")
    sidecar = json.loads((tmp_path / "stale" / "daily_play_count.json").read_text())
    assert sidecar["stale"] is True
