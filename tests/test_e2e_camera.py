"""End to end: a 5,000-event voice burst through the fake gateway into the real `tgraph-bot run`."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.discord import VOICE_CHANNEL_ID
from tests.test_e2e_bot import bot_process, stop
from tgraph_bot.storage.db import connect, database_path

pytestmark = pytest.mark.slow  # starts processes or renders for real

MEMBERS = [960000000000000001 + i for i in range(250)]
TOGGLES = 20  # camera on, off, ... per member: 10 sessions each


def burst() -> list[tuple[int, int | None, bool, bool]]:
    """Every member's 20 events in their own order, the members shuffled among each other."""
    rng = random.Random(10)
    queues = {
        m: [(m, VOICE_CHANNEL_ID, i % 2 == 0, False) for i in range(TOGGLES)] for m in MEMBERS
    }
    out: list[tuple[int, int | None, bool, bool]] = []
    while queues:
        member = rng.choice(list(queues))
        out.append(queues[member].pop(0))
        if not queues[member]:
            del queues[member]
    return out


def sessions_per_member(data_dir: Path) -> dict[int, int]:
    conn = connect(database_path(data_dir))
    try:
        rows = conn.execute(
            "SELECT member_id, COUNT(*) FROM camera_session GROUP BY member_id"
        ).fetchall()
    finally:
        conn.close()
    return {int(m): int(n) for m, n in rows}


@pytest.mark.timeout(180)
async def test_a_5000_event_burst_counts_every_session(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    events = burst()
    assert len(events) == 5000
    async with bot_process(tmp_path, last_post=datetime.now(UTC)) as running:
        await running.fake.voice_burst(events)
        seen, still = -1, 0
        while still < 30:  # until the count has stood still for 3 s (or is complete)
            await asyncio.sleep(0.1)
            count = sum(sessions_per_member(data_dir).values())
            if count >= len(MEMBERS) * TOGGLES // 2:
                break
            seen, still = count, still + 1 if count == seen else 0
        assert await stop(running) == 0
    counts = sessions_per_member(data_dir)
    assert sum(counts.values()) == 2500
    assert counts == dict.fromkeys(MEMBERS, TOGGLES // 2)


async def wait_for_sessions(data_dir: Path, expected: dict[int, int]) -> dict[int, int]:
    """The sessions per member once ``expected`` are all there (or after 60 s)."""
    for _ in range(600):
        counts = sessions_per_member(data_dir)
        if all(counts.get(m, 0) >= n for m, n in expected.items()):
            return counts
        await asyncio.sleep(0.1)
    return sessions_per_member(data_dir)


@pytest.mark.timeout(120)
async def test_a_resume_that_replays_seen_voice_events_adds_no_session(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ann, bob = MEMBERS[0], MEMBERS[1]
    async with bot_process(tmp_path, last_post=datetime.now(UTC)) as running:
        fake = running.fake
        before = fake.last_seq
        await fake.voice_burst([(ann, VOICE_CHANNEL_ID, True, False)] * 2)  # on, a repeat
        await fake.voice_burst([(ann, VOICE_CHANNEL_ID, False, False)])
        assert await wait_for_sessions(data_dir, {ann: 1}) == {ann: 1}
        # The bot reconnects; Discord re-sends everything since before ann's events, which
        # the bot has already handled, twice over.
        await fake.resume(replay_after=before)
        await fake.resume(replay_after=before)
        # Then bob's session: once it is stored, every event before it has been handled.
        await fake.voice_burst([(bob, VOICE_CHANNEL_ID, True, False)])
        await fake.voice_burst([(bob, VOICE_CHANNEL_ID, False, False)])
        counts = await wait_for_sessions(data_dir, {bob: 1})
        assert await stop(running) == 0
    assert counts == {ann: 1, bob: 1}
    assert fake.resumes == 2 and fake.identified == 1  # resumed, not a new session
