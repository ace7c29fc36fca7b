"""``tgraph-bot demo``: every graph from the bundled sample data; no config, no network."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tgraph_bot.config.display import mask_secrets
from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator
from tgraph_bot.services.graph_wording import STALE
from tgraph_bot.services.graphs import RenderReport

if TYPE_CHECKING:
    from tgraph_bot.config.schema import Settings
    from tgraph_bot.graphs.render import Renderer


def default_demo_dir(language: str, days: int, theme: str = "light") -> Path:
    """``demo-graphs/en-30d`` (``en-30d-dark``): a folder per language, range and theme, so
    one run never overwrites another's files under the same names."""
    return Path("demo-graphs") / (f"{language}-{days}d" + ("" if theme == "light" else f"-{theme}"))


async def render_demo(out: Path, *, language: str, days: int, theme: str = "light") -> RenderReport:
    from tgraph_bot.graphs.render import Renderer

    # Start the workers first: they import matplotlib while this process imports the rest.
    async with Renderer() as renderer:
        from tgraph_bot.config.schema import Settings
        from tgraph_bot.graphs.sample_source import SAMPLE_NOW, SampleGraphSource
        from tgraph_bot.services.graphs import GraphService

        settings = Settings.model_validate(
            {"LANGUAGE": language, "TIME_RANGE_DAYS": days, "GRAPH_THEME": theme}
        )
        sample = SampleGraphSource(fetched_at=SAMPLE_NOW)
        service = GraphService(sample, renderer, clock=lambda: SAMPLE_NOW)
        report, _ = await asyncio.gather(
            service.render(settings, out),
            render_demo_wrapped(out / "wrapped", settings, days, renderer),
        )
        return report


async def render_demo_wrapped(out: Path, settings: Settings, days: int, renderer: Renderer) -> None:
    """A sample member's Wrapped (their year, or the last ``days`` days) from the bundled
    sample history: the cards and wrapped.json, as ``tgraph-bot wrapped`` writes them."""
    import json
    from collections import Counter

    from tgraph_bot.core.history import parse_play
    from tgraph_bot.core.wrapped import recap
    from tgraph_bot.files import atomic_write
    from tgraph_bot.graphs.sample_history import history
    from tgraph_bot.graphs.sample_source import SAMPLE_NOW
    from tgraph_bot.graphs.theme import Theme
    from tgraph_bot.i18n import translator
    from tgraph_bot.services.wrapped import (
        days_window,
        render_story,
        wrapped_document,
        year_window,
    )
    from tgraph_bot.services.wrapped_cards import Story, story_title

    today = SAMPLE_NOW.date()
    window = year_window(today.year, today) if days >= 365 else days_window(days, today)
    rows = [parse_play(row) for row in history(window.after, window.before)]
    member = rows[0].user_id
    plays = Counter(row.user_id for row in rows)  # resumed sessions are rare in the sample
    found = recap(
        [r for r in rows if r.user_id == member],
        window,
        settings.TIMEZONE,
        plays_by_user=dict(plays),
        user_id=member,
    )
    tr = translator(settings.LANGUAGE)
    title = story_title(rows[0].user_name, window, tr)
    theme = Theme.from_settings(settings)
    await render_story(found, Story(title, member=True), tr, theme, out, renderer)
    document = wrapped_document(found, user_id=member, synced_at=None)
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    await asyncio.to_thread(atomic_write, out / "wrapped.json", text.encode())


def report_files(report: RenderReport, out: Path, tr: Translator, timezone: str = "UTC") -> int:
    """Print each file written and each graph that failed; non-zero when any failed.

    Graphs drawn from the data kept from an earlier answer (Tautulli could not be reached)
    are written and good: the last line says from when, and the status stays 0."""
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
    if report.stale_since is not None:
        when = report.stale_since.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")
        sys.stdout.write(tr._(STALE).format(when=when) + "\n")
    return 1 if report.failures else 0


def run_demo(
    out: Path, *, language: str, tr: Translator, days: int = 30, theme: str = "light"
) -> int:
    report = asyncio.run(render_demo(out, language=language, days=days, theme=theme))
    status = report_files(report, out, tr)
    folder = (out / "wrapped").resolve()
    sys.stdout.write(tr._("A sample member's Wrapped written to {folder}").format(folder=folder))
    sys.stdout.write("\n")
    return status
