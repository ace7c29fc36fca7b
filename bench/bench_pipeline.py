"""All twelve 365-day graphs from a Tautulli on 127.0.0.1, first request to last PNG.

A fake Tautulli (tests/fakes/tautulli.py) runs as its own process and replays the
recorded 365-day answers with no delay; the bot's side is measured: the real
TautulliClient, the SQLite cache, GraphService and the worker-pool Renderer, warm as in
the running bot. Then a whole `tgraph-bot render` process, as a person runs it.
Targets: pipeline <= 1.5 s, `render` process <= 3 s, all processes together
at most 180 MB peak RSS (150 MB PSS), runs 2 and 3 no bigger than run 1.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_render import machine, memory, time_command
from tgraph_bot.build import database, graph_service, graph_source, renderer, tautulli_client
from tgraph_bot.clock import utcnow
from tgraph_bot.config.schema import Settings

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key"


def start_fake() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.tautulli", "--api-key", KEY],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


async def pipeline(url: str, tmp: Path, fake_pid: int) -> None:
    settings = Settings(TIME_RANGE_DAYS=365, TAUTULLI_URL=url, TAUTULLI_API_KEY=KEY)  # pyright: ignore[reportArgumentType]
    async with (
        renderer() as drawing,
        database(tmp) as db,
        tautulli_client(settings) as client,
    ):
        await drawing.ready()
        service = graph_service(graph_source(client, db, utcnow), drawing, utcnow)
        for run in (1, 2, 3):
            t = time.perf_counter()
            report = await service.render(settings, tmp / f"run{run}")
            wall = time.perf_counter() - t
            assert not report.failures, report.failures
            m = memory(exclude=frozenset({fake_pid}))
            print(
                f"pipeline run {run}: {len(report.graphs)} graphs in {wall:.2f} s; "
                f"{m['processes']:.0f} processes: RSS {m['rss']:.0f} MB, "
                f"peak RSS {m['peak_rss']:.0f} MB, PSS {m['pss']:.0f} MB"
            )


def render_process(url: str, tmp: Path) -> None:
    config = tmp / "config.yml"
    shutil.copyfile(ROOT / "config.yml.sample", config)
    env = {**os.environ, "TAUTULLI_URL": url, "TAUTULLI_API_KEY": KEY, "TIME_RANGE_DAYS": "365"}
    time_command(
        "tgraph-bot render, 365 days",
        lambda i: ["render", "--config", str(config), "--out", str(tmp / f"render{i}")],
        env=env,
        cwd=tmp,
    )


def main() -> None:
    print(machine())
    fake, url = start_fake()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(pipeline(url, Path(tmp), fake.pid))
            render_process(url, Path(tmp))
    finally:
        fake.terminate()
        fake.wait()
        if fake.stdout is not None:
            fake.stdout.close()


if __name__ == "__main__":
    main()
