"""Render all twelve 365-day graphs from the bundled sample through GraphService.

Prints the pipeline's wall time (first fetch to last PNG), the memory of the main
process plus its workers after each of three runs in one process, and the time of a
whole `tgraph-bot demo --days 365` process. Targets: <= 1.5 s, at most 180 MB
peak RSS (150 MB PSS) for all processes, runs 2 and 3 no bigger than run 1, demo <= 3 s.
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tgraph_bot.build import graph_service, renderer
from tgraph_bot.clock import utcnow
from tgraph_bot.config.schema import Settings
from tgraph_bot.graphs.render import usable_cpus
from tgraph_bot.graphs.sample_source import SampleGraphSource

MB = 1024 * 1024


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            out.append(int(child))
            out.extend(_descendants(int(child)))
    return out


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _pss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) of this process, and of its children now alive."""
    tick = os.sysconf("SC_CLK_TCK")

    def one(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    return one(os.getpid()), sum(one(p) for p in _descendants(os.getpid()))


def memory(exclude: frozenset[int] = frozenset()) -> dict[str, float]:
    """RSS now, peak RSS (VmHWM) and PSS, summed over this process and its children."""
    pids = [p for p in (os.getpid(), *_descendants(os.getpid())) if p not in exclude]
    return {
        "processes": len(pids),
        "rss": sum(_status(p, "VmRSS") for p in pids) / MB,
        "peak_rss": sum(_status(p, "VmHWM") for p in pids) / MB,
        "pss": sum(_pss(p) for p in pids) / MB,
    }


async def pipeline(out: Path) -> None:
    settings = Settings(TIME_RANGE_DAYS=365)
    t0 = time.perf_counter()
    drawing = renderer()
    await drawing.ready()
    started = time.perf_counter() - t0
    print(f"pool start ({drawing.workers} spawned workers, warm): {started:.2f} s")
    service = graph_service(SampleGraphSource(), drawing, utcnow)
    try:
        for run in (1, 2, 3):
            target = out / str(run)
            t = time.perf_counter()
            main0, workers0 = cpu_seconds()
            report = await service.render(settings, target)
            wall = time.perf_counter() - t
            main1, workers1 = cpu_seconds()
            assert not report.failures, report.failures
            m = memory()
            print(
                f"run {run}: {len(report.graphs)} graphs in {wall:.2f} s; "
                f"{m['processes']} processes: RSS {m['rss']:.0f} MB, "
                f"peak RSS {m['peak_rss']:.0f} MB, PSS {m['pss']:.0f} MB"
            )
            print(
                f"       CPU: main {main1 - main0:.2f} s, workers {workers1 - workers0:.2f} s "
                f"(on an idle machine the wall time is about the larger of main and workers/"
                f"{drawing.workers})"
            )
    finally:
        drawing.close()


def machine() -> str:
    return (
        f"machine: {os.cpu_count()} CPUs ({usable_cpus()} usable), "
        f"Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load average {os.getloadavg()[0]:.2f}"
    )


def time_command(label: str, args: Callable[[int], list[str]], **run: Any) -> None:
    """Run ``tgraph-bot ARGS`` three times as a whole process; print each time and the median."""
    exe = shutil.which("tgraph-bot", path=str(Path(sys.executable).parent)) or "tgraph-bot"
    times: list[float] = []
    for i in range(3):
        t = time.perf_counter()
        subprocess.run([exe, *args(i)], check=True, stdout=subprocess.DEVNULL, **run)
        times.append(time.perf_counter() - t)
    print(
        f"{label} (whole process): "
        + ", ".join(f"{t:.2f}" for t in times)
        + f" s (median {statistics.median(times):.2f} s)"
    )


def demo_process(out: Path) -> None:
    time_command(
        "tgraph-bot demo --days 365",
        lambda i: ["demo", "--days", "365", "--out", str(out / f"demo{i}")],
    )


def main() -> None:
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(pipeline(Path(tmp)))
        demo_process(Path(tmp))


if __name__ == "__main__":
    main()
