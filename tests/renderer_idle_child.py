"""Child process for test_graph_service: renders, goes idle, then lists its own children.

A fresh process, so no other renderer of the test session keeps the shared resource
tracker alive. Prints one line: ``<workers while rendering> <children left when idle>``.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tgraph_bot.build import graph_service, renderer
from tgraph_bot.clock import utcnow
from tgraph_bot.config.schema import Settings
from tgraph_bot.graphs.sample_source import SampleGraphSource


def children() -> list[int]:
    me = str(os.getpid())
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[1] == me and fields[0] != "Z":  # ppid; a reaped zombie is gone
            found.append(int(entry.name))
    return found


async def main(out: Path) -> None:
    drawing = renderer(workers=1, idle_seconds=0.05)
    service = graph_service(SampleGraphSource(), drawing, utcnow)
    report = await service.render(Settings(), out)
    assert not report.failures
    during = len(children())
    for _ in range(3000):  # the idle stop, then the pool's shutdown thread
        await asyncio.sleep(0.02)
        if not drawing.running and not children():
            break
    sys.stdout.write(f"{during} {len(children())}\n")
    await drawing.aclose()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
