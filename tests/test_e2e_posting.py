"""End to end: the real `tgraph-bot run` killed between the messages of a post, then restarted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.test_e2e_bot import bot_process, seed_last_post, stop
from tgraph_bot.storage.db import connect, database_path

pytestmark = pytest.mark.slow  # starts processes or renders for real


def stored(data_dir: Path) -> list[int]:
    conn = connect(database_path(data_dir))
    try:
        rows = conn.execute(
            "SELECT message_id FROM posted_message WHERE channel_id = ? ORDER BY message_id",
            (CHANNEL_ID,),
        ).fetchall()
    finally:
        conn.close()
    return [int(r[0]) for r in rows]


async def eventually(check: Callable[[], bool], limit: float = 30.0) -> None:
    for _ in range(int(limit * 10)):
        if check():
            return
        await asyncio.sleep(0.1)
    assert check()


async def restart_posts_and_cleans_up(tmp_path: Path, fake: FakeDiscord, left: list[int]) -> None:
    """The bot started again after a kill mid-post: the post is still due (it never
    finished), so it is posted again, and the old post and whatever the killed one sent
    (``left``) are deleted; the store then knows exactly the new messages."""
    fake.release_sends()
    async with bot_process(tmp_path, last_post=None, fake=fake) as running:
        await fake.wait_for(lambda: all(fake.messages[m].deleted for m in left), 90)
        current = [m.id for m in fake.channel_messages()]
        assert len(current) == 2
        assert sum(len(m.files) for m in fake.channel_messages()) == 12
        await eventually(lambda: stored(tmp_path / "data") == current)
        assert await stop(running) == 0


@pytest.mark.timeout(240)
async def test_a_kill_between_sends_leaves_only_messages_the_next_run_deletes(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    async with FakeDiscord() as fake:
        old = fake.add_message("last week's post")
        await seed_last_post(data_dir, datetime.now(UTC) - timedelta(days=8), [old])
        fake.hang_sends_after = 2  # the old post and the first new message; the second hangs
        async with bot_process(tmp_path, last_post=None, fake=fake) as running:
            await fake.wait_for(lambda: len(fake.channel_messages()) == 2, 90)
            (first,) = [m.id for m in fake.channel_messages() if m.id != old]
            await eventually(lambda: stored(data_dir) == [old, first])  # stored at once
            assert not fake.messages[old].deleted  # the old post stays until the new is up
            running.process.kill()
            await running.process.wait()
        await restart_posts_and_cleans_up(tmp_path, fake, [old, first])


@pytest.mark.timeout(240)
async def test_a_kill_while_discord_answers_a_send_leaves_nothing_behind(tmp_path: Path) -> None:
    """The one gap in storing ids as they come: Discord made the message, the bot died
    before the answer with its id arrived. The next run finds it and deletes it, though
    Discord lists none of its files as attachments: with the default embeds layout each
    file is shown by an embed, and only the embed's image URL names it."""
    data_dir = tmp_path / "data"
    async with FakeDiscord() as fake:
        old = fake.add_message("last week's post")
        await seed_last_post(data_dir, datetime.now(UTC) - timedelta(days=8), [old])
        fake.lose_replies_after = 1  # the first new message is made; its answer never comes
        async with bot_process(tmp_path, last_post=None, fake=fake) as running:
            await fake.wait_for(lambda: len(fake.channel_messages()) == 2, 90)
            (lost,) = [m.id for m in fake.channel_messages() if m.id != old]
            assert stored(data_dir) == [old]  # the bot never learnt the new id
            returned = fake.as_returned(lost)
            assert returned["attachments"] == [] and fake.messages[lost].files
            assert all(e["image"]["url"].startswith(fake.url) for e in returned["embeds"][1:])
            running.process.kill()
            await running.process.wait()
        await restart_posts_and_cleans_up(tmp_path, fake, [old, lost])
