"""``tgraph-bot demo``: every graph from the bundled sample data; no config, no network."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator


async def render_demo(out: Path, *, language: str, days: int) -> tuple[list[Path], list[str]]:
    from tgraph_bot.graphs.render import Renderer

    # Start the workers first: they import matplotlib while this process imports the rest.
    async with Renderer() as renderer:
        from tgraph_bot.config.schema import Settings
        from tgraph_bot.graphs.sample_source import RECORDED_AT, SampleGraphSource
        from tgraph_bot.i18n import translator
        from tgraph_bot.services.graphs import GraphService

        settings = Settings.model_validate({"LANGUAGE": language, "TIME_RANGE_DAYS": days})
        service = GraphService(SampleGraphSource(), renderer, clock=lambda: RECORDED_AT)
        report = await service.render(settings, out)
    tr = translator(language)
    files = [p for g in report.graphs for p in (g.png, g.sidecar)]
    problems = [
        f"{f.graph_id}: {f.error.render(tr) if isinstance(f.error, UserFacingError) else f.error}"
        for f in report.failures
    ]
    return files, problems


def run_demo(out: Path, *, language: str, tr: Translator, days: int = 30) -> int:
    files, problems = asyncio.run(render_demo(out, language=language, days=days))
    for path in files:
        sys.stdout.write(f"{path}\n")
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    pngs = sum(1 for p in files if p.suffix == ".png")
    summary = tr.ngettext(
        "{count} graph written to {folder}", "{count} graphs written to {folder}", pngs
    ).format(count=pngs, folder=out.resolve())
    sys.stdout.write(summary + "\n")
    return 1 if problems else 0
