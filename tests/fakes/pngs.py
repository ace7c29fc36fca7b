"""A tiny real graph renderer for bot tests: writes small valid PNG files (zlib, no matplotlib).

It stands in for GraphService until the graphs land, with the same call shape:
``render(settings, out_dir, *, user_id=None, progress=None) -> report`` where the report has
``graphs`` (``graph_id``, ``png``, ``sidecar``) and ``failures`` (``graph_id``, ``error``).
"""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.graphs.model import RenderJob
from tgraph_bot.graphs.render import Renderer

GRAPH_IDS: tuple[str, ...] = (
    "daily_play_count",
    "play_count_by_dayofweek",
    "play_count_by_hourofday",
    "play_count_by_month",
    "top_10_platforms",
    "top_10_users",
    "daily_play_count_by_stream_type",
    "daily_concurrent_stream_count",
    "play_count_by_source_resolution",
    "play_count_by_stream_resolution",
    "top_10_platforms_by_stream_type",
    "top_10_users_by_stream_type",
)


def png_bytes(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid truecolour PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def hex_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) != 6:
        return (0, 0, 0)
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


@dataclass(frozen=True)
class Rendered:
    graph_id: str
    png: Path
    sidecar: Path


@dataclass(frozen=True)
class Failure:
    graph_id: str
    error: str


@dataclass
class Report:
    graphs: list[Rendered] = field(default_factory=list[Rendered])
    failures: list[Failure] = field(default_factory=list[Failure])
    stale_since: datetime | None = None


@dataclass
class PngRenderer:
    graph_ids: Sequence[str] = GRAPH_IDS
    failing: frozenset[str] = frozenset()
    size: tuple[int, int] = (16, 8)
    calls: list[TautulliUserId | None] = field(default_factory=list[TautulliUserId | None])
    broken: bool = False  # every graph fails, as when Tautulli is down

    async def render(
        self,
        settings: Settings,
        out_dir: Path,
        *,
        user_id: TautulliUserId | None = None,
        progress: Callable[[int, int], Awaitable[None]] | None = None,
    ) -> Report:
        self.calls.append(user_id)
        await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
        report = Report()
        total = len(self.graph_ids)
        for i, graph_id in enumerate(self.graph_ids, start=1):
            if self.broken or graph_id in self.failing:
                report.failures.append(Failure(graph_id, "Tautulli is not reachable"))
            else:
                png = out_dir / f"{graph_id}.png"
                png.write_bytes(png_bytes(*self.size, hex_rgb(settings.TV_COLOR)))
                sidecar = out_dir / f"{graph_id}.json"
                sidecar.write_text(
                    json.dumps({"graph": graph_id, "user_id": user_id, "tv": settings.TV_COLOR})
                )
                report.graphs.append(Rendered(graph_id, png, sidecar))
            if progress is not None:
                await progress(i, total)
            await asyncio.sleep(0)
        return report


class PngDrawing(Renderer):
    """The worker pool's stand-in under the real GraphService: writes a small valid PNG
    where the job says, instead of drawing it with matplotlib in a worker process."""

    def start(self) -> None:
        return None

    async def render(self, job: RenderJob) -> Path:
        path = Path(job.png)
        await asyncio.to_thread(path.write_bytes, png_bytes(16, 8, hex_rgb(job.theme.background)))
        return path
