"""End to end: the real `tgraph-bot run` process against a fake Discord and a fake Tautulli."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.discord import ADMIN_ID, CHANNEL_ID, MEMBER_ID, FakeDiscord
from tests.fakes.tautulli import FakeProcess, fake_tautulli_process
from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.storage.db import Database, database_path
from tgraph_bot.storage.posting import SqlitePostingStore

pytestmark = pytest.mark.slow  # starts processes or renders for real

ROOT = Path(__file__).resolve().parents[1]
API_KEY = "e2e-tautulli-key"
EMAIL = "Harper.Kim11@mail.example.com"  # a recorded Tautulli user, typed in another case


@dataclass
class Running:
    fake: FakeDiscord
    process: asyncio.subprocess.Process
    log: Path
    tautulli: FakeProcess


async def seed_last_post(data_dir: Path, at: datetime, messages: Sequence[int] = ()) -> None:
    async with Database(database_path(data_dir)) as db:
        ids = [MessageId(m) for m in messages]
        await SqlitePostingStore(db).record_post(ChannelId(CHANNEL_ID), ids, at)


@contextlib.asynccontextmanager
async def bot_process(
    tmp_path: Path,
    *,
    last_post: datetime | None,
    fake: FakeDiscord | None = None,
    tautulli_key: str = API_KEY,
    settings: str = "",
) -> AsyncIterator[Running]:
    """The bot against a new fake Discord, or against ``fake`` (already started) kept
    across runs; ``tautulli_key``: the TAUTULLI_API_KEY it is given (the fake's by default);
    ``settings``: more lines of its config.yml."""
    data_dir = tmp_path / "data"
    if last_post is not None:
        await seed_last_post(data_dir, last_post)
    async with contextlib.AsyncExitStack() as stack:
        if fake is None:
            fake = await stack.enter_async_context(FakeDiscord())
        tautulli = await stack.enter_async_context(fake_tautulli_process(API_KEY))
        config = tmp_path / "config.yml"
        config.write_text(
            "# end-to-end test configuration\n"
            f'TAUTULLI_URL: "{tautulli.url}"\n'
            f'TAUTULLI_API_KEY: "{tautulli_key}"\n'
            'DISCORD_TOKEN: "e2e-discord-token"\n'
            f"CHANNEL_ID: {CHANNEL_ID}\n"
            f'DISCORD_API_BASE_URL: "{fake.url}"\n'
            f'DATA_DIR: "{data_dir}"\n'
            "MY_STATS_COOLDOWN_MINUTES: 0\n"
            "MY_STATS_GLOBAL_COOLDOWN_SECONDS: 0\n"
            "MY_STATS_VERIFICATION: none\n"
            # No yearly Wrapped post in a test run that happens to fall on its day.
            'WRAPPED_DATE: ""\n' + settings,
            encoding="utf-8",
        )
        log = tmp_path / "bot.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TGRAPH_")}
        with log.open("wb") as log_file:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tgraph_bot.cli",
                "--config",
                str(config),
                "run",
                cwd=tmp_path,
                env=env,
                stdout=log_file,
                stderr=log_file,
            )
            try:
                await fake.wait_for(lambda: bool(fake.commands) and fake.connected.is_set(), 60)
                yield Running(fake, process, log, tautulli)
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()


async def health(tmp_path: Path) -> tuple[int, str]:
    """`tgraph-bot health`, as Docker's HEALTHCHECK runs it beside the bot."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tgraph_bot.cli",
        "--config",
        str(tmp_path / "config.yml"),
        "health",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode().strip()


async def stop(running: Running) -> int:
    running.process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(running.process.wait(), 30)


@pytest.mark.timeout(120)
async def test_commands_dms_rate_limit_and_sigterm(tmp_path: Path) -> None:
    async with bot_process(tmp_path, last_post=datetime.now(UTC)) as running:
        fake = running.fake
        names = {c["name"] for c in fake.commands}
        assert {"about", "uptime", "config", "update_graphs", "my_stats", "ranking"} <= names
        assert {"link", "unlink"} <= names and "stats_link" not in names
        # A 429 on the first graph message is waited out; the post still arrives.
        fake.rate_limit_next[f"POST /channels/{CHANNEL_ID}/messages"] = 0.5
        record = await fake.invoke("update_graphs", user=ADMIN_ID)
        await fake.wait_for(lambda: any("Posted" in t for t in record.texts()), 60)
        assert record.deferred
        assert fake.rate_limited == [f"POST /channels/{CHANNEL_ID}/messages"]
        pngs = [f for m in fake.channel_messages() for f in m.files if f[0].endswith(".png")]
        assert len(pngs) == 12
        assert all(data.startswith(b"\x89PNG") for _, data in pngs)
        assert any("graphs ready" in t for t in record.texts())

        stats = await fake.invoke("my_stats", user=MEMBER_ID, options={"email": EMAIL})
        await fake.wait_for(lambda: bool(stats.followups), 60)
        assert stats.deferred and stats.ephemeral
        assert any(f[0].endswith(".png") for m in fake.dms_to(MEMBER_ID) for f in m.files)

        # Now linked, the member needs no email; with DMs closed they are told so.
        fake.dm_blocked.add(MEMBER_ID)
        blocked = await fake.invoke("my_stats", user=MEMBER_ID)
        await fake.wait_for(lambda: bool(blocked.followups), 60)
        assert blocked.followups[0]["content"].startswith("I cannot send you direct messages")
        assert int(blocked.followups[0].get("flags", 0)) & 64

        # Forgotten: the link is gone, so the next /my_stats asks for the email again.
        forgot = await fake.invoke("my_stats", user=MEMBER_ID, options={"forget": True})
        await fake.wait_for(lambda: bool(forgot.followups), 60)
        assert forgot.followups[0]["content"].startswith("Done: your link to a Plex account")
        again = await fake.invoke("my_stats", user=MEMBER_ID)
        await fake.wait_for(lambda: bool(again.followups), 60)
        assert again.followups[0]["content"].startswith("You are not linked to a Plex account")
        stats_dir = tmp_path / "data" / "graphs" / "my_stats"
        assert not stats_dir.exists() or not any(stats_dir.iterdir())

        # Connected: the heartbeat written at on_ready says so.
        for _ in range(100):
            status, line = await health(tmp_path)
            if status == 0:
                break
            await asyncio.sleep(0.1)
        assert (status, line.split(" (")[0]) == (0, "healthy: connected to Discord")

        assert await stop(running) == 0
    status, line = await health(tmp_path)
    assert status == 1 and line.startswith("unhealthy: not connected to Discord")
    text = running.log.read_text(encoding="utf-8")
    assert "stopped" in text
    # discord.py's start-up warnings (voice libraries, message-content intent) are gone.
    assert "voice will NOT be supported" not in text
    assert "message content intent is missing" not in text
    assert API_KEY not in text and "e2e-discord-token" not in text
    assert EMAIL.lower() not in text.lower()


@pytest.mark.timeout(120)
async def test_scheduled_post_arrives_when_due(tmp_path: Path) -> None:
    overdue = datetime.now(UTC) - timedelta(days=7, minutes=5)
    async with bot_process(tmp_path, last_post=overdue) as running:
        fake = running.fake
        await fake.wait_for(lambda: sum(len(m.files) for m in fake.channel_messages()) == 12, 60)
        assert fake.interactions == {}
        # Posted once: the next one is a week away, and a restart would not repost. The post
        # is recorded just after its messages are sent, so wait for the record (bounded).
        last = None
        for _ in range(100):
            async with Database(database_path(tmp_path / "data")) as db:
                last = await SqlitePostingStore(db).last_post()
            if last is not None and last > overdue + timedelta(days=7):
                break
            await asyncio.sleep(0.1)
        assert last is not None and last > overdue + timedelta(days=7)
        assert await stop(running) == 0
