"""A graph worker whose PNG cannot be written whole (a full disk) leaves nothing behind.

The real worker code in a real process whose file-size limit (RLIMIT_FSIZE) makes the
kernel fail its write half-way, as a full disk does: no mock in between.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts a process that renders for real

WORKER_ON_A_FULL_DISK = """
import asyncio, errno, resource, signal, sys
from pathlib import Path
from tgraph_bot.build import graph_service, renderer
from tgraph_bot.clock import utcnow
from tgraph_bot.config.schema import Settings
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.graphs.sample_source import SampleGraphSource
from tgraph_bot.graphs.worker import draw_job
from tgraph_bot.i18n import translator

out = Path(sys.argv[1])
spec, source = GRAPHS[0], SampleGraphSource()
fetched = asyncio.run(source.graph(spec.command, time_range=30, y_axis="plays"))
service = graph_service(source, renderer(), utcnow)
job = service.job(spec, fetched, Settings(), out, translator("en"))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails (EFBIG) instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
try:
    draw_job(job)
except OSError as exc:
    print(errno.errorcode[exc.errno])
print(sorted(p.name for p in out.iterdir()))
"""


def test_a_png_that_cannot_be_written_whole_leaves_no_tmp_file(tmp_path: Path) -> None:
    found = subprocess.run(
        [sys.executable, "-c", WORKER_ON_A_FULL_DISK, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert found.stdout.splitlines() == ["EFBIG", "[]"]
