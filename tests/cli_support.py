"""Running ``tgraph-bot`` as a separate process, as an owner does, from async tests."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path


async def tgraph(config: Path, *args: str) -> tuple[int, str, str]:
    """``tgraph-bot ARGS --config CONFIG`` (no TGRAPH_* from the test's environment):
    the exit status, stdout and stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TGRAPH_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tgraph_bot.cli",
        *args,
        "--config",
        str(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await process.communicate()
    return int(process.returncode or 0), out.decode(), err.decode()
