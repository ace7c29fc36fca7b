"""Bot figures: event-loop stalls while /update_graphs renders, /uptime latency, idle RSS.

    python bench/bench_bot.py

1. The bot runs in this process (tgraph_bot.app.run) against a fake Discord (in its own
   thread and loop) and a fake Tautulli (a process). A ticker coroutine in the bot's loop
   measures its own lateness every 10 ms while /update_graphs renders and posts twelve
   graphs, twice: first with no workers (they start with the render), then with them
   up; /uptime is invoked in the middle of the first and its answer time measured.
2. A separate `tgraph-bot run` process is started against the same fakes with a short
   render idle timeout (TGRAPH_RENDER_IDLE_SECONDS) and its resident memory read from
   /proc (alone, and with its children: the renderer's workers and multiprocessing's
   resource tracker) while idle before any render, just after /update_graphs, and
   after the idle timeout has stopped the workers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.discord import ADMIN_ID, CHANNEL_ID, MEMBER_ID, FakeDiscord  # noqa: E402
from tests.fakes.tautulli import fake_tautulli_process  # noqa: E402

from tgraph_bot.config.store import ConfigStore  # noqa: E402

T = TypeVar("T")
API_KEY = "bench-key"
IDLE_SECONDS = 5.0  # TGRAPH_RENDER_IDLE_SECONDS for the `run` process (the bot's is 120)


class FakeThread:
    """The fake Discord in its own thread and event loop, so it does not load the bot's."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake = self.call(FakeDiscord().start())

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    async def acall(self, coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def close(self) -> None:
        self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


def write_config(folder: Path, tautulli_url: str, discord_url: str) -> Path:
    config = folder / "config.yml"
    config.write_text(
        f'TAUTULLI_URL: "{tautulli_url}"\nTAUTULLI_API_KEY: "{API_KEY}"\n'
        f'DISCORD_TOKEN: "bench-token"\nCHANNEL_ID: {CHANNEL_ID}\n'
        f'DISCORD_API_BASE_URL: "{discord_url}"\nDATA_DIR: "{folder / "data"}"\n'
        "UPDATE_DAYS: 365\n",
        encoding="utf-8",
    )
    return config


async def seed(folder: Path) -> None:
    from tgraph_bot.build import database, posting_store
    from tgraph_bot.clock import utcnow
    from tgraph_bot.core.ids import ChannelId

    async with database(folder / "data") as db:  # no post due at start
        await posting_store(db).record_post(ChannelId(CHANNEL_ID), [], utcnow())


async def wait(predicate: Any, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not get there in time")
        await asyncio.sleep(0.02)


async def loop_figures(folder: Path, tautulli_url: str) -> dict[str, float]:
    from tgraph_bot.app import run

    fakes = FakeThread()
    fake = fakes.fake
    store = ConfigStore(write_config(folder, tautulli_url, fake.url), environ={})
    await seed(folder)
    stop = asyncio.Event()
    bot = asyncio.create_task(run(store, stop=stop))
    await wait(lambda: bool(fake.commands) and fake.connected.is_set())
    await asyncio.sleep(3)  # on_ready; the renderer has no workers until the first render

    lateness: list[float] = []  # the cold run's ticks, then the warm run's
    ticking = True

    async def ticker() -> None:
        while ticking:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lateness.append(time.perf_counter() - before - 0.01)

    async def update_graphs() -> float:
        started = time.perf_counter()
        record = await fakes.acall(fake.invoke("update_graphs", user=ADMIN_ID))
        await wait(lambda: any("Posted" in t for t in record.texts()))
        return time.perf_counter() - started

    tick = asyncio.create_task(ticker())
    started = time.perf_counter()
    record = await fakes.acall(fake.invoke("update_graphs", user=ADMIN_ID))
    await wait(lambda: any("graphs ready" in t for t in record.texts()))
    asked = time.perf_counter()
    uptime = await fakes.acall(fake.invoke("uptime", user=MEMBER_ID))
    await wait(lambda: bool(uptime.callbacks))
    uptime_s = time.perf_counter() - asked
    await wait(lambda: any("Posted" in t for t in record.texts()))
    post_s = time.perf_counter() - started  # includes starting the workers
    cold_ticks = len(lateness)
    warm_post_s = await update_graphs()  # the workers are still up (idle timeout 120 s)
    ticking = False
    await tick
    stop.set()
    await bot
    fakes.close()
    cold, warm = sorted(lateness[:cold_ticks]), sorted(lateness[cold_ticks:])
    return {
        "update_graphs_wall_s (cold: starts the workers)": post_s,
        "update_graphs_wall_s (warm: workers up)": warm_post_s,
        "uptime_answer_ms": uptime_s * 1000,
        "loop_lag_p50_ms (cold)": statistics.median(cold) * 1000,
        "loop_lag_p99_ms (cold)": cold[int(len(cold) * 0.99) - 1] * 1000,
        "loop_lag_max_ms (cold)": cold[-1] * 1000,
        "loop_lag_p50_ms (warm)": statistics.median(warm) * 1000,
        "loop_lag_p99_ms (warm)": warm[int(len(warm) * 0.99) - 1] * 1000,
        "loop_lag_max_ms (warm)": warm[-1] * 1000,
        "ticks": float(len(lateness)),
    }


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found + [g for c in found for g in children(c)]


def memory(pid: int) -> tuple[float, float, int]:
    """RSS of the process alone and with its children (MB), and how many children."""
    kids = children(pid)
    main = rss_kib(pid)
    return main / 1024, (main + sum(rss_kib(k) for k in kids)) / 1024, len(kids)


async def idle_rss(folder: Path, tautulli_url: str) -> dict[str, float]:
    fakes = FakeThread()
    fake = fakes.fake
    config = write_config(folder, tautulli_url, fake.url)
    await seed(folder)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tgraph_bot.cli",
        "--config",
        str(config),
        "run",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "TGRAPH_RENDER_IDLE_SECONDS": str(IDLE_SECONDS)},
    )
    await wait(lambda: bool(fake.commands) and fake.connected.is_set())
    await asyncio.sleep(8)
    figures: dict[str, float] = {}

    def record(when: str) -> None:
        main, total, kids = memory(process.pid)
        figures[f"idle_rss_main_mb ({when})"] = main
        figures[f"idle_rss_with_children_mb ({when})"] = total
        figures[f"child_processes ({when})"] = float(kids)

    record("before any render")
    update = await fakes.acall(fake.invoke("update_graphs", user=ADMIN_ID))
    await wait(lambda: any("Posted" in t for t in update.texts()))
    record("just after /update_graphs")
    await asyncio.sleep(IDLE_SECONDS + 3)
    record(f"{IDLE_SECONDS:.0f} s idle timeout + 3 s after it")
    asked = time.perf_counter()
    process.terminate()  # SIGTERM
    await process.wait()
    stop_s = time.perf_counter() - asked
    fakes.close()
    return figures | {
        "sigterm_to_exit_s": stop_s,
        "exit_status": float(process.returncode or 0),
    }


async def main() -> None:
    async with fake_tautulli_process(API_KEY) as tautulli:
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            figures = await loop_figures(Path(a), tautulli.url)
            figures |= await idle_rss(Path(b), tautulli.url)
    print(f"machine: {platform.machine()} cpus={os.cpu_count()} python={platform.python_version()}")
    for key, value in figures.items():
        print(f"{key}: {value:.1f}")
    print(
        "targets: loop_lag_p99_ms < 50, uptime_answer_ms < 1000, "
        "idle RSS with children <= 75 MB after the idle timeout, sigterm_to_exit_s < 5"
    )


if __name__ == "__main__":
    asyncio.run(main())
