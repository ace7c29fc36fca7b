"""``tgraph-bot history sync`` as a separate process against the fake Tautulli."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.cli_support import tgraph
from tests.fakes.tautulli import DEFAULT_API_KEY, FakeTautulli
from tgraph_bot.graphs.sample_history import history

pytestmark = pytest.mark.slow


async def test_history_sync_fetches_everything_then_only_the_last_days(tmp_path: Path) -> None:
    today = datetime.now(UTC).date()  # the CLI asks for the days up to its own today
    async with FakeTautulli() as fake:
        fake.plays = history(date(today.year - 1, today.month, 1), today, per_day=3)
        config = tmp_path / "config.yml"
        config.write_text(
            f"TAUTULLI_URL: {fake.url}\nTAUTULLI_API_KEY: {DEFAULT_API_KEY}\n"
            f"DATA_DIR: {tmp_path / 'data'}\nLANGUAGE: da\n",
            encoding="utf-8",
        )
        code, out, err = await tgraph(config, "history", "sync")
        assert (code, err) == (0, "")
        lines = out.splitlines()
        users = {str(row["user_id"]) for row in fake.plays}
        assert {line.split(":")[0] for line in lines[:-1]} == {f"bruger {u}" for u in users}
        assert "sessioner" in lines[0]
        sessions = len(fake.plays)
        assert lines[-1].startswith(f"Historikkopi: {sessions:,}".replace(",", "."))
        with contextlib.closing(sqlite3.connect(tmp_path / "data" / "tgraph.db")) as conn:
            [(kept,)] = conn.execute("SELECT COUNT(*) FROM play_history").fetchall()
        assert kept == sessions
        fake.clear_requests()
        code, out, _ = await tgraph(config, "history", "sync")
        assert code == 0 and "1 forespørgsel til Tautulli" in out
        assert len(fake.api_requests("get_history")) == 1
