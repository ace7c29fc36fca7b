"""Tautulli adapter overhead: the 12 graph commands through CachedGraphSource (client + SQLite
cache) against the fake Tautulli in its own process, live and from the cache while it is down.

The fake answers from memory, so this measures the bot's side only: HTTP, JSON parsing, the
SQLite write. A real Tautulli adds its own 0.1-0.6 s per graph for 365 days (see
tests/fixtures/tautulli/README.md).

    .venv/bin/python bench/bench_tautulli.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tgraph_bot.adapters.tautulli import GRAPH_COMMANDS, CachedGraphSource, TautulliClient
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.storage import Database
from tgraph_bot.storage.graph_cache import SqliteGraphCache

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def summary(label: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    print(f"{label:<44} median {ms(statistics.median(samples))}  p95 {ms(p95)}  n={len(samples)}")


async def one_round(source: CachedGraphSource, *, user: TautulliUserId | None) -> float:
    started = time.perf_counter()
    for command in sorted(GRAPH_COMMANDS):
        time_range = 12 if command == "get_plays_per_month" else 30
        await source.graph(command, time_range=time_range, y_axis="plays", user_id=user)
    return time.perf_counter() - started


async def parallel_round(source: CachedGraphSource) -> float:
    started = time.perf_counter()
    await asyncio.gather(
        *(
            source.graph(c, time_range=12 if c == "get_plays_per_month" else 30, y_axis="plays")
            for c in sorted(GRAPH_COMMANDS)
        )
    )
    return time.perf_counter() - started


async def main(rounds: int) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.tautulli",
        "--api-key",
        KEY,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    url = (await proc.stdout.readline()).decode().strip()
    control = (await proc.stdout.readline()).decode().split()[-1]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with (
                Database(Path(tmp) / "bench.sqlite3") as db,
                TautulliClient(url, KEY, retry_budget=0.0) as client,
                httpx.AsyncClient(base_url=control) as ctl,
            ):
                source = CachedGraphSource(
                    client, SqliteGraphCache(db), clock=lambda: datetime.now(UTC)
                )
                await one_round(source, user=None)  # warm up: connections, imports, pages
                live = [await one_round(source, user=None) for _ in range(rounds)]
                user = [await one_round(source, user=TautulliUserId(695734)) for _ in range(rounds)]
                parallel = [await parallel_round(source) for _ in range(rounds)]
                await ctl.put("/mode", content="down")
                stale = [await one_round(source, user=None) for _ in range(rounds)]
    finally:
        proc.terminate()
        await proc.wait()

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} cpus={os.cpu_count()} "
        f"python={platform.python_version()} {platform.system()} {platform.release()}"
    )
    summary("12 graphs, server-wide, one after another", live)
    summary("12 graphs, one user, one after another", user)
    summary("12 graphs, server-wide, all at once", parallel)
    summary("12 graphs from the cache (Tautulli down)", stale)
    summary("one graph, live (per request)", [t / 12 for t in live])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.1f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    logging.basicConfig(level=logging.ERROR)  # the stale rounds warn once per graph
    asyncio.run(main(parser.parse_args().rounds))
