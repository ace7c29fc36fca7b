"""Camera ranking figures: voice events/s end to end, and top-10 query times over 1M sessions.

    .venv/bin/python bench/bench_camera.py [--events N] [--sessions N]

1. Events: the real discord.py bot with CameraCog; VOICE_STATE_UPDATE payloads go through
   discord.py's parser and dispatch to the cog's synchronous listener, which queues the
   snapshot; CameraService commits in gateway order. Sent as one burst (no await between
   events, as a RESUME replay arrives), timed from the first event to the last row
   committed, pinned to one CPU core (the SQLite thread shares it). Burst correctness:
   finished sessions recorded / the sessions the script means (worked out plainly).
2. Queries: one million finished sessions for one guild (1,000 members over 365 days)
   plus open sessions; weekly, monthly and all-time top 10 through CameraService.ranking.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import discord
import simcord

from tgraph_bot.adapters.discord.bot import BotParts, TGraphBot
from tgraph_bot.app import CogServices, bot_cogs
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.core.camera import Metric, Period, to_ms
from tgraph_bot.services.camera import CameraService
from tgraph_bot.storage.camera import CameraRepository
from tgraph_bot.storage.db import Database, connect

# Sunday 23:00 in Copenhagen, 29 March: a nearly full week and month (the worst case).
NOW = datetime(2026, 3, 29, 21, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Copenhagen")


def machine() -> str:
    return (
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.platform()}), "
        f"SQLite {__import__('sqlite3').sqlite_version}"
    )


def _bot(service: CameraService, clock: Callable[[], datetime], folder: Path) -> TGraphBot:
    """The real bot with its cogs from the app's one cog factory (the camera's included)."""
    config = folder / "config.yml"
    config.write_text('DISCORD_TOKEN: "bench"\n', encoding="utf-8")
    store = ConfigStore(config, environ={}, use_dotenv=False)
    services = CogServices(camera=service)
    return TGraphBot(
        BotParts(
            store=store,
            clock=clock,
            schedule=False,
            cogs=lambda host: bot_cogs(host, services),
        )
    )


def _script(n_events: int, members: list[int], channels: list[int]) -> list[dict[str, object]]:
    """Camera on/off, moves between channels, screen sharing: VOICE_STATE_UPDATE flags."""
    rng = random.Random(3)
    out: list[dict[str, object]] = []
    for i in range(n_events):
        member = members[i % len(members)]
        kind = rng.random()
        flags: dict[str, object] = {"user_id": member, "channel_id": channels[0]}
        if kind < 0.6:
            flags["self_video"] = (i // len(members)) % 2 == 0
        elif kind < 0.8:
            flags["channel_id"] = rng.choice(channels)
        elif kind < 0.9:
            flags["self_stream"] = rng.random() < 0.5
        else:
            flags["channel_id"] = channels[1]
            flags["self_video"] = True
        out.append(flags)
    return out


async def bench_events_parser(path: Path, n_events: int, n_members: int) -> None:
    """discord.py's own gateway parser and dispatch, fed VOICE_STATE_UPDATE payloads."""
    db = Database(path)
    await db.__aenter__()
    clock = {"now": NOW}
    service = CameraService(CameraRepository(db), clock=lambda: clock["now"])
    bot = _bot(service, lambda: clock["now"], path.parent)
    await bot._async_setup_hook()  # pyright: ignore[reportPrivateUsage] # what login() does
    for cog in bot.parts.cogs(bot):  # setup_hook's cogs, without its command sync (no login)
        await bot.add_cog(cog)
    state = bot._connection  # pyright: ignore[reportPrivateUsage]
    state.user = discord.ClientUser(
        state=state,
        data={"id": "1", "username": "bench", "discriminator": "0", "avatar": None, "bot": True},  # type: ignore[typeddict-item]
    )
    guild_id, channels = 1000, [2000 + i for i in range(4)]
    guild_payload = {
        "id": str(guild_id),
        "name": "bench",
        "channels": [
            {
                "id": str(c),
                "type": 2,
                "name": f"v{c}",
                "position": i,
                "bitrate": 64000,
                "user_limit": 0,
                "guild_id": str(guild_id),
            }
            for i, c in enumerate(channels)
        ],
        "roles": [],
        "members": [],
        "voice_states": [],
        "owner_id": "1",
        "afk_channel_id": None,
    }
    guild = discord.Guild(data=guild_payload, state=state)  # type: ignore[arg-type]
    state._add_guild(guild)  # pyright: ignore[reportPrivateUsage]
    members = [10_000 + i for i in range(n_members)]

    def payload(flags: dict[str, object]) -> dict[str, object]:
        user_id = int(str(flags["user_id"]))
        channel = flags["channel_id"]
        return {
            "guild_id": str(guild_id),
            "channel_id": None if channel is None else str(channel),
            "user_id": str(user_id),
            "session_id": f"s{user_id}",
            "deaf": False,
            "mute": False,
            "self_deaf": False,
            "self_mute": False,
            "self_video": bool(flags.get("self_video", False)),
            "self_stream": bool(flags.get("self_stream", False)),
            "suppress": False,
            "request_to_speak_timestamp": None,
            "member": {
                "user": {
                    "id": str(user_id),
                    "username": f"u{user_id}",
                    "discriminator": "0",
                    "avatar": None,
                },
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
        }

    for m in members:
        state.parse_voice_state_update(payload({"user_id": m, "channel_id": channels[0]}))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    await service.drain()
    script = [payload(f) for f in _script(n_events, members, channels)]
    before = _count(path)
    start = time.perf_counter()
    for k, data in enumerate(script):  # one burst: nothing runs between two events
        clock["now"] = NOW + timedelta(milliseconds=k)
        state.parse_voice_state_update(data)  # type: ignore[arg-type]
    while True:  # every listener task done and every row committed
        await asyncio.sleep(0)
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if not [t for t in pending if "heartbeat" not in repr(t)]:
            break
        await asyncio.wait(pending, timeout=0.01)
    await service.drain()
    elapsed = time.perf_counter() - start
    after = _count(path)
    await bot.close()
    await db.close()
    expected = _expected_sessions(_script(n_events, members, channels))
    print(
        f"voice events, discord.py parser -> listener -> committed row: {n_events} events "
        f"in {elapsed:.2f} s = {n_events / elapsed:,.0f} events/s "
        f"({after - before} finished-session rows, {n_members} members)"
    )
    print(
        f"burst correctness: {after - before} of {expected} sessions recorded "
        f"({(after - before) / expected:.2%})"
    )


def _expected_sessions(script: list[dict[str, object]]) -> int:
    """Finished sessions the script means: every channel counts, each event sets the flags."""
    on: set[tuple[object, str]] = set()
    finished = 0
    for flags in script:
        for metric in ("self_video", "self_stream"):
            key = (flags["user_id"], metric)
            if bool(flags.get(metric, False)):
                on.add(key)
            elif key in on:
                on.remove(key)
                finished += 1
    return finished


async def bench_events_simcord(path: Path, n_events: int, n_members: int) -> None:
    """The same through simcord's simulated Discord (includes the simulator's own cost)."""
    db = Database(path)
    await db.__aenter__()
    clock = {"now": NOW}
    service = CameraService(CameraRepository(db), clock=lambda: clock["now"])
    bot = _bot(service, lambda: clock["now"], path.parent)
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        channels = [guild.create_voice_channel(f"v{i}").id for i in range(4)]
        members = [guild.add_member(env.create_user(f"u{i}")).id for i in range(n_members)]
        for m in members:
            env.backend.set_voice_state(guild.id, m, channels[0])
        await env.settle()
        await service.drain()
        script = _script(n_events, members, channels)
        before = _count(path)
        start = time.perf_counter()
        for k, flags in enumerate(script):
            clock["now"] = NOW + timedelta(milliseconds=k)
            extra = {
                "self_video": bool(flags.get("self_video", False)),
                "self_stream": bool(flags.get("self_stream", False)),
            }
            env.backend.set_voice_state(
                guild.id, int(str(flags["user_id"])), int(str(flags["channel_id"])), **extra
            )
            if k % 500 == 499:
                await env.settle()
        await env.settle()
        await service.drain()
        elapsed = time.perf_counter() - start
        after = _count(path)
    await db.close()
    print(
        f"voice events through simcord (simulator included): {n_events} events in "
        f"{elapsed:.2f} s = {n_events / elapsed:,.0f} events/s ({after - before} rows)"
    )


def _count(path: Path) -> int:
    conn = connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM camera_session").fetchone()[0])
    finally:
        conn.close()


def populate(path: Path, n_sessions: int, n_members: int) -> float:
    conn = connect(path)
    from tgraph_bot.storage.db import migrate

    migrate(conn)
    conn.execute("PRAGMA cache_size = -262144")  # 256 MiB while loading the data set
    rng = random.Random(7)
    end_ms = to_ms(NOW)
    span = 365 * 86_400_000
    start = time.perf_counter()
    conn.execute("BEGIN")
    batch: list[tuple[int, int, str, int, int]] = []
    for i in range(n_sessions):
        ended = end_ms - rng.randrange(span)
        length = rng.randrange(60_000, 3 * 3_600_000)
        metric = "video" if rng.random() < 0.8 else "stream"
        batch.append((1, 10_000 + rng.randrange(n_members), metric, ended - length, ended))
        if len(batch) == 50_000 or i == n_sessions - 1:
            conn.executemany(
                "INSERT INTO camera_session (guild_id, member_id, metric, started_at, ended_at) "
                "VALUES (?, ?, ?, ?, ?)",
                batch,
            )
            batch.clear()
    for m in range(50):
        conn.execute(
            "INSERT INTO camera_open VALUES (1, ?, 'video', ?)", (10_000 + m, end_ms - 600_000)
        )
    for m in range(n_members):
        conn.execute("INSERT INTO camera_member VALUES (1, ?, ?)", (10_000 + m, f"member {m}"))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - start


async def bench_queries(path: Path, n_sessions: int) -> None:
    async with Database(path) as db:
        service = CameraService(CameraRepository(db), clock=lambda: NOW)
        for period in (Period.WEEK, Period.MONTH, Period.ALL):
            times: list[float] = []
            rows = []
            for _ in range(25):
                t = time.perf_counter()
                rows = await service.ranking(1, period, Metric.VIDEO, NOW, TZ)
                times.append((time.perf_counter() - t) * 1000)
            print(
                f"top 10 {period.value:>5} over {n_sessions:,} sessions: "
                f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms "
                f"({len(rows)} rows, leader {rows[0].seconds // 3600} h)"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(machine(), "| pinned to one core" if hasattr(os, "sched_setaffinity") else "")
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(bench_events_parser(Path(tmp) / "parser.db", args.events, args.members))
        asyncio.run(bench_events_simcord(Path(tmp) / "simcord.db", args.events, args.members))
        qpath = Path(tmp) / "queries.db"
        took = populate(qpath, args.sessions, 1000)
        print(f"stored {args.sessions:,} sessions in {took:.1f} s")
        asyncio.run(bench_queries(qpath, args.sessions))


if __name__ == "__main__":
    sys.exit(main())
