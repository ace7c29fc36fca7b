"""A file that loses its settings under a running bot is a bad edit, and the next edit never
writes fewer keys than the last good file had.

Each test runs a real store watching a real file, the way ``tgraph-bot run`` does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tgraph_bot.config import KEYS, ConfigStore
from tgraph_bot.config.store import read_document

from .test_config_hostile import touch, wait_for


def store(path: Path) -> ConfigStore:
    return ConfigStore(path, environ={}, use_dotenv=False)


class Watched:
    """A store whose watcher polls the file, and the log lines it writes."""

    def __init__(self, path: Path, caplog: pytest.LogCaptureFixture) -> None:
        self.path = path
        self.store = store(path)
        self._caplog = caplog
        self._stamp = 10

    def lines(self, level: int = logging.ERROR) -> list[str]:
        return [r.getMessage() for r in self._caplog.records if r.levelno == level]

    async def write(self, text: str) -> None:
        """A hand edit, replaced in one step (the watcher sees the new text only), with an
        mtime the watcher sees as new."""
        self._stamp += 1
        await asyncio.to_thread(replace, self.path, text, self._stamp)

    async def refused(self, text: str) -> str:
        """Write ``text``, wait for the one "edit ignored" line, and return it."""
        before = len(self.lines())
        await self.write(text)
        await wait_for(lambda: len(self.lines()) > before)
        [line] = self.lines()[before:]
        return line


@pytest.fixture
async def watched(sample_config: Path, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Watched]:
    caplog.set_level(logging.INFO, logger="tgraph_bot.config.store")
    running = Watched(sample_config, caplog)
    running.store.set("CHANNEL_ID", "123456789012345678")  # the owner's settings
    running.store.set("UPDATE_DAYS", "3")
    watcher = asyncio.create_task(running.store.watch(interval=0.01))
    try:
        yield running
        assert not watcher.done()
    finally:
        watcher.cancel()


def replace(path: Path, text: str, stamp: int) -> None:
    new = path.with_name("new.yml")
    new.write_text(text, encoding="utf-8")
    touch(new, stamp)
    new.replace(path)


def sample_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def keep_lines(text: str, fraction: float) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[: int(len(lines) * fraction)])


def cut_inside(text: str, line_start: str, keep: int) -> str:
    """``text`` cut ``keep`` characters into the line that starts with ``line_start``."""
    at = text.index("\n" + line_start) + 1
    return text[: at + keep]


LOSSES: dict[str, tuple[Callable[[str], str], str]] = {
    "empty": (lambda _text: "", "holds no settings"),
    "only comments": (
        lambda text: "".join(line for line in text.splitlines(True) if line.startswith("#")),
        "holds no settings",
    ),
    "lost most keys": (lambda text: keep_lines(text, 0.3), "settings ("),
    # cut in the middle of the last but few values: the rest of the file still parses
    "cut short": (
        lambda text: cut_inside(text, "PLAYLIST_SYNC_HOURS: 24", len("PLAYLIST_SYNC_HOURS: 2")),
        "ends mid-line",
    ),
}


@pytest.mark.parametrize("kind", LOSSES)
async def test_a_file_that_lost_its_settings_is_a_bad_edit_and_the_next_edit_keeps_them(
    watched: Watched, kind: str
) -> None:
    good = sample_text(watched.path)
    spoil, says = LOSSES[kind]
    line = await watched.refused(spoil(good))
    assert "edit ignored, the last good settings stay" in line and says in line
    assert "\n" not in line and len(line) < 500
    assert watched.store.settings.CHANNEL_ID == 123456789012345678  # not 0: not the defaults
    assert watched.store.settings.UPDATE_DAYS == 3
    assert watched.store.settings.TAUTULLI_URL == "http://localhost:8181/api/v2"

    # /config edit and config set go through the store: it edits the last good file
    await asyncio.to_thread(watched.store.set, "KEEP_DAYS", "9")
    saved = sample_text(watched.path)
    assert list(read_document(watched.path)) == list(KEYS)  # every key is still there
    assert saved == good.replace("KEEP_DAYS: 7", "KEEP_DAYS: 9")  # comments and all
    again = store(watched.path).settings  # as the next start reads it
    assert (again.CHANNEL_ID, again.UPDATE_DAYS, again.KEEP_DAYS) == (123456789012345678, 3, 9)


async def test_a_key_removed_by_hand_goes_back_to_its_default_and_stays_removed(
    watched: Watched,
) -> None:
    good = sample_text(watched.path)
    await watched.write(good.replace("UPDATE_DAYS: 3", "# UPDATE_DAYS: 3"))
    await wait_for(lambda: watched.store.settings.UPDATE_DAYS == 7)
    [warning] = watched.lines(logging.WARNING)
    assert "UPDATE_DAYS removed from the file, back to the default" in warning
    assert watched.store.settings.CHANNEL_ID == 123456789012345678
    assert watched.lines() == []  # not a bad edit

    await asyncio.to_thread(watched.store.set, "KEEP_DAYS", "9")
    doc = read_document(watched.path)
    assert "UPDATE_DAYS" not in doc and doc["KEEP_DAYS"] == 9  # the removal was meant
    assert len(doc) == len(KEYS) - 1


async def test_a_bad_edit_is_followed_by_the_next_good_one(watched: Watched) -> None:
    good = sample_text(watched.path)
    await watched.refused("")
    await watched.write(good.replace("UPDATE_DAYS: 3", "UPDATE_DAYS: 5"))
    await wait_for(lambda: watched.store.settings.UPDATE_DAYS == 5)
    assert watched.store.settings.CHANNEL_ID == 123456789012345678


async def test_a_cut_line_that_loses_no_key_is_not_a_loss(watched: Watched) -> None:
    good = sample_text(watched.path)
    assert good.endswith("\n")
    await watched.write(good.rstrip("\n").replace("UPDATE_DAYS: 3", "UPDATE_DAYS: 4"))
    await wait_for(lambda: watched.store.settings.UPDATE_DAYS == 4)
    assert watched.lines() == []


def test_a_start_accepts_an_empty_file_on_purpose(sample_config: Path) -> None:
    """What the refusal tells the owner to do when the file is what they meant."""
    sample_config.write_text("# only my own notes\n", encoding="utf-8")
    assert store(sample_config).settings.CHANNEL_ID == 0


@pytest.mark.slow  # starts the tgraph-bot process
@pytest.mark.timeout(120)
async def test_the_real_bot_keeps_its_settings_when_config_yml_is_emptied(tmp_path: Path) -> None:
    """``tgraph-bot run`` itself: the file emptied under it, then an admin's /config edit."""
    from datetime import UTC, datetime

    from .test_e2e_bot import bot_process

    async with bot_process(tmp_path, last_post=datetime.now(UTC)) as running:
        config = tmp_path / "config.yml"
        good = read_document(config)
        config.write_text("", encoding="utf-8")  # an editor that truncates first, a full disk

        def logged() -> list[str]:
            text = running.log.read_text(encoding="utf-8", errors="replace")
            return [line for line in text.splitlines() if "edit ignored" in line]

        await wait_for(lambda: bool(logged()))  # the watcher polls every 2 s
        [line] = logged()
        assert "config.yml: holds no settings" in line and "the last good settings stay" in line
        record = await running.fake.invoke(
            "config edit", options={"key": "UPDATE_DAYS", "value": "3"}
        )
        await running.fake.wait_for(lambda: bool(record.texts()), 30)
        assert record.texts() == ["UPDATE_DAYS is now 3. Applied now."]
        saved = read_document(config)
        assert {**good, "UPDATE_DAYS": 3} == dict(saved)  # every setting the file had, kept
        view = await running.fake.invoke("config view", options={"key": "CHANNEL_ID"})
        await running.fake.wait_for(lambda: bool(view.callbacks), 30)
        assert str(good["CHANNEL_ID"]) in str(view.callbacks)  # not the default 0
