"""Render the enabled graphs: fetch each graph's data, prepare it, draw it in a worker.

The words on a graph are services.graph_wording's, the JSON beside it services.graph_sidecar's;
the drawing is a port (services.ports.graphs.GraphDrawing: graphs.render.Renderer, a pool of
worker processes).

Tautulli is one Python process and answers no faster in parallel, so fetches run one
at a time (in registry order) while the graphs already fetched are drawn. One graph
failing, to fetch or to draw, never stops the others.

The whole render shares one retry deadline (``retry_seconds``): a Tautulli that fails
is retried for that long in total, not that long per graph. Each distinct failure is
logged once, naming the graphs it hit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.graphdata import FetchedGraph, months_for
from tgraph_bot.core.ids import GraphId, TautulliUserId
from tgraph_bot.errors import GraphRenderError, NoGraphsError, UserFacingError, storage_problem
from tgraph_bot.files import atomic_write
from tgraph_bot.graphs.model import NOTE_SEPARATOR, PreparedGraph, RenderJob
from tgraph_bot.graphs.registry import GRAPHS, SERIES_NAMES, GraphSpec
from tgraph_bot.graphs.specs import bars, line
from tgraph_bot.graphs.specs.common import PrepareContext, effective_y_axis
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import Translator, translator
from tgraph_bot.services.graph_sidecar import sidecar
from tgraph_bot.services.graph_wording import partial_note, stale_note, title, x_label, y_label
from tgraph_bot.services.ports.common import Clock, Progress
from tgraph_bot.services.ports.graphs import GraphDrawing, GraphSource

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RenderedGraph:
    graph_id: GraphId
    png: Path
    sidecar: Path
    stale_from: datetime | None = None
    """When drawn from the data kept from an earlier answer (Tautulli could not be
    reached): when that answer came."""


@dataclass(frozen=True, slots=True)
class GraphFailure:
    graph_id: GraphId
    error: UserFacingError | Exception


@dataclass(slots=True)
class RenderReport:
    graphs: list[RenderedGraph] = field(default_factory=list[RenderedGraph])
    failures: list[GraphFailure] = field(default_factory=list[GraphFailure])

    @property
    def stale_since(self) -> datetime | None:
        """The oldest data a graph was drawn from because Tautulli could not be reached;
        None when every graph was drawn from a fresh answer."""
        return min((g.stale_from for g in self.graphs if g.stale_from), default=None)


def enabled_graphs(settings: Settings) -> list[GraphSpec]:
    return [spec for spec in GRAPHS if bool(getattr(settings, spec.enable_key))]


def prepare(spec: GraphSpec, fetched: FetchedGraph, ctx: PrepareContext) -> PreparedGraph:
    module = line if spec.kind == "line" else bars
    return module.prepare(spec, fetched.data, ctx)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class GraphService:
    def __init__(
        self,
        source: GraphSource,
        renderer: GraphDrawing,
        *,
        clock: Clock = _utcnow,
        fetch_concurrency: int = 1,
        retry_seconds: float = 20.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.renderer = renderer
        self.clock = clock
        self.fetch_concurrency = fetch_concurrency
        self.retry_seconds = retry_seconds
        self.monotonic = monotonic

    def job(
        self,
        spec: GraphSpec,
        fetched: FetchedGraph,
        settings: Settings,
        out_dir: Path,
        tr: Translator,
        *,
        personal: bool = False,
    ) -> RenderJob:
        """The drawing of one graph. ``personal``: a member's own stats, titled "Your ...",
        where the only user on the user graphs is the member, so their name is not masked."""
        theme = Theme.from_settings(settings)
        ctx = PrepareContext(
            tr=tr,
            y_axis=settings.GRAPH_Y_AXIS,
            censor=settings.CENSOR_USERNAMES and not personal,
            annotate=bool(getattr(settings, spec.annotate_key)),
            theme=theme,
            series_names={key: tr._(name) for key, name in SERIES_NAMES.items()},
            bucket=settings.DAILY_GRAPH_BUCKET,
            today=self.clock().astimezone(ZoneInfo(settings.TIMEZONE)).date(),
        )
        graph = prepare(spec, fetched, ctx)
        notes = [stale_note(fetched, tr, settings.TIMEZONE), partial_note(graph, tr)]
        group, decimal = tr.number_symbols()
        return RenderJob(
            graph_id=spec.id,
            graph=graph,
            theme=theme,
            title=title(
                spec,
                settings.TIME_RANGE_DAYS,
                tr,
                personal=personal,
                weekly=graph.bucket == "week",
            ),
            x_label=x_label(spec, graph, tr, settings.TIMEZONE),
            y_label=y_label(spec, graph, tr),
            note=NOTE_SEPARATOR.join(n for n in notes if n) or None,
            empty_text=tr._("No data for this period"),
            png=str(out_dir / f"{spec.id}.png"),
            group_symbol=group,
            decimal_symbol=decimal,
        )

    async def render(
        self,
        settings: Settings,
        out_dir: Path,
        *,
        user_id: TautulliUserId | None = None,
        progress: Progress | None = None,
    ) -> RenderReport:
        """Draw every enabled graph into ``out_dir`` as NAME.png and NAME.json (for one
        member with ``user_id``: their own graphs, titled "Your ...")."""
        # Workers (re)start now, while the first graph's data is being fetched: an idle
        # renderer has none.
        self.renderer.start()
        try:
            await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
        except OSError as exc:
            raise NoGraphsError(storage_problem(exc, out_dir)) from None
        tr = translator(settings.LANGUAGE)
        specs = enabled_graphs(settings)
        if user_id is not None:  # one member's stats: graphs about other users are left out
            specs = [spec for spec in specs if spec.personal]
        days = settings.TIME_RANGE_DAYS
        fetch_turn = asyncio.Semaphore(self.fetch_concurrency)
        deadline = Deadline.after(self.retry_seconds, self.monotonic)
        results: dict[GraphId, RenderedGraph | GraphFailure] = {}
        made = 0

        async def one(spec: GraphSpec) -> None:
            nonlocal made
            try:
                async with fetch_turn:
                    fetched = await self.source.graph(
                        spec.command,
                        time_range=months_for(days) if spec.monthly else days,
                        y_axis=effective_y_axis(spec, settings.GRAPH_Y_AXIS),
                        user_id=user_id,
                        deadline=deadline,
                    )
                job = self.job(spec, fetched, settings, out_dir, tr, personal=user_id is not None)
                document = sidecar(
                    spec,
                    job,
                    days=days,
                    generated_at=self.clock(),
                    fetched=fetched,
                    zone=settings.TIMEZONE,
                )
                results[spec.id] = await self._write(spec, job, document, out_dir, tr, fetched)
            except Exception as exc:
                results[spec.id] = GraphFailure(spec.id, exc)
                return
            made += 1  # progress counts graphs made, not attempts
            if progress is not None:
                try:
                    await progress(made, len(specs))
                except Exception:
                    log.exception("a progress callback failed")

        await asyncio.gather(*(one(spec) for spec in specs))
        report = RenderReport()
        for spec in specs:
            result = results[spec.id]
            if isinstance(result, RenderedGraph):
                report.graphs.append(result)
            else:
                report.failures.append(result)
        _log_failures(report.failures)
        return report

    async def _write(
        self,
        spec: GraphSpec,
        job: RenderJob,
        document: dict[str, object],
        out_dir: Path,
        tr: Translator,
        fetched: FetchedGraph,
    ) -> RenderedGraph:
        """Draw the PNG and write the sidecar. A disk that is full or refuses the write
        fails with that cause (one line); any other drawing failure is logged whole."""
        side = out_dir / f"{spec.id}.json"
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        try:
            png = await self.renderer.render(job)
            await asyncio.to_thread(atomic_write, side, text.encode())
        except OSError as exc:
            raise storage_problem(exc, out_dir) or GraphRenderError(
                graph=tr._(spec.title)
            ) from None
        except Exception as exc:
            log.exception("drawing %s failed", spec.id)
            raise GraphRenderError(graph=tr._(spec.title)) from exc
        return RenderedGraph(spec.id, png, side, fetched.fetched_at if fetched.stale else None)


def _log_failures(failures: list[GraphFailure]) -> None:
    """One line per distinct reason (a Tautulli outage is one event, not twelve)."""
    by_reason: dict[str, list[str]] = {}
    for failure in failures:
        if not isinstance(failure.error, GraphRenderError):  # logged with its traceback
            by_reason.setdefault(str(failure.error), []).append(failure.graph_id)
    for reason, graphs in by_reason.items():
        log.warning("graph(s) %s failed: %s", ", ".join(graphs), reason)


__all__ = ["GraphFailure", "GraphService", "RenderReport", "RenderedGraph"]
