"""``tgraph-bot demo``: every graph from the bundled sample data; no config, no network."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tgraph_bot.config.display import mask_secrets
from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator
from tgraph_bot.services.graphs import RenderReport


def default_demo_dir(language: str, days: int, theme: str = "light") -> Path:
    """``demo-graphs/en-30d`` (``en-30d-dark``): a folder per language, range and theme, so
    one run never overwrites another's files under the same names."""
    return Path("demo-graphs") / (f"{language}-{days}d" + ("" if theme == "light" else f"-{theme}"))


async def render_demo(out: Path, *, language: str, days: int, theme: str = "light") -> RenderReport:
    from tgraph_bot.graphs.render import Renderer

    # Start the workers first: they import matplotlib while this process imports the rest.
    async with Renderer() as renderer:
        from tgraph_bot.config.schema import Settings
        from tgraph_bot.graphs.sample_source import RECORDED_AT, SampleGraphSource
        from tgraph_bot.services.graphs import GraphService

        settings = Settings.model_validate(
            {"LANGUAGE": language, "TIME_RANGE_DAYS": days, "GRAPH_THEME": theme}
        )
        service = GraphService(SampleGraphSource(), renderer, clock=lambda: RECORDED_AT)
        return await service.render(settings, out)


def report_files(report: RenderReport, out: Path, tr: Translator) -> int:
    """Print each file written and each graph that failed; non-zero when any failed."""
    for graph in report.graphs:
        sys.stdout.write(f"{graph.png}\n{graph.sidecar}\n")
    failed: dict[str, list[str]] = {}  # one line per reason, not per graph
    for failure in report.failures:
        error = failure.error
        reason = error.render(tr) if isinstance(error, UserFacingError) else tr._("internal error")
        reason = mask_secrets(reason)  # it may name TAUTULLI_URL
        failed.setdefault(reason, []).append(failure.graph_id)
    for reason, graphs in failed.items():
        sys.stdout.write(f"{', '.join(graphs)}: {reason}\n")
    count = len(report.graphs)
    summary = tr.ngettext(
        "{count} graph written to {folder}", "{count} graphs written to {folder}", count
    ).format(count=count, folder=out.resolve())
    sys.stdout.write(summary + "\n")
    return 1 if report.failures else 0


def run_demo(
    out: Path, *, language: str, tr: Translator, days: int = 30, theme: str = "light"
) -> int:
    report = asyncio.run(render_demo(out, language=language, days=days, theme=theme))
    return report_files(report, out, tr)
