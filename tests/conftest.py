"""Shared fixtures."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.live_bot import Live

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config.yml.sample"


# Tests that start processes (the bot, the CLI, graph workers, a fake Tautulli) or wait on
# real rendering: `pytest -m "not slow"` leaves them out for a quick run while working.
# Every test_e2e_* module is slow too.
SLOW_MODULES = frozenset(
    {
        "test_camera_kill",
        "test_cli",
        "test_crash_safety",
        "test_demo_cli",
        "test_fake_tautulli",
        "test_graph_service",
        "test_render_pipeline",
    }
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: starts processes or renders for real (deselect: -m 'not slow')"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = item.path.stem
        if name in SLOW_MODULES or name.startswith("test_e2e"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def library_log_levels() -> Iterator[None]:
    """The CLI run in-process (cli.main) quiets httpx for the whole process: each test
    starts from the levels the libraries had before it."""
    from tgraph_bot.cli import CHATTY_LIBRARIES

    saved = {name: logging.getLogger(name).level for name in CHATTY_LIBRARIES}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def sample_config(tmp_path: Path) -> Path:
    """A fresh copy of config.yml.sample in a temporary folder."""
    path = tmp_path / "config.yml"
    shutil.copyfile(SAMPLE, path)
    return path


@pytest.fixture
def restore_discord_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put discord.py's REST and gateway addresses back after a test that moved them."""
    import discord.gateway
    import discord.http

    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )


@pytest.fixture
async def live(tmp_path: Path, restore_discord_urls: None) -> AsyncIterator[Live]:
    """The real bot, in this process, connected to a fresh fake Discord."""
    from tests.live_bot import live_bot

    async with live_bot(tmp_path) as running:
        yield running
