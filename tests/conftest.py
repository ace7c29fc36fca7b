"""Shared fixtures."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# The simcord world (fixtures world, simcord_bot, ...), registered once for every module
# before any module imports from it (an import first would keep pytest from rewriting it).
pytest_plugins = ("tests.discord_env",)

if TYPE_CHECKING:
    from tests.live_bot import Live

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config.yml.sample"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: starts processes or renders for real (deselect: -m 'not slow')"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that starts processes or renders for real says so where it is defined
    (``pytestmark = pytest.mark.slow``); an end-to-end module that forgets is an error,
    not a silent addition to the quick run."""
    for item in items:
        if item.path.stem.startswith("test_e2e") and item.get_closest_marker("slow") is None:
            raise pytest.UsageError(f"{item.path.name}: mark it pytestmark = pytest.mark.slow")


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
