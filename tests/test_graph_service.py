"""GraphService end to end: real worker processes draw PNGs; the sidecars hold what was drawn."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tgraph_bot.app import render_idle_seconds
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.censor import censor_all
from tgraph_bot.core.graphdata import (
    FetchedGraph,
    GraphAnswers,
    GraphData,
    GraphKey,
    YAxis,
    months_for,
)
from tgraph_bot.core.ids import GraphId
from tgraph_bot.errors import GraphRenderError, UserFacingError
from tgraph_bot.graphs.registry import BY_ID, GRAPHS, GraphSpec
from tgraph_bot.graphs.render import Renderer, default_workers, usable_cpus
from tgraph_bot.graphs.sample_source import SampleGraphSource
from tgraph_bot.graphs.specs.common import HEIGHT_PX, WIDTH_PX
from tgraph_bot.services.graphs import GraphService

pytestmark = pytest.mark.slow  # starts processes or renders for real

FIXTURES = Path(__file__).parent / "fixtures" / "graphs"
NOW = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DA_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
DA_MONTHS = {"Jan": "jan.", "May": "maj", "Oct": "okt.", "Nov": "nov.", "Dec": "dec."}
SUNDAY_FIRST_TO_MONDAY_FIRST = [1, 2, 3, 4, 5, 6, 0]
RESOLUTIONS_BEST_FIRST = ["4k", "1080p", "720p", "SD"]  # as Tautulli names them


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    with Renderer(workers=2) as r:
        yield r


def _raw(spec: GraphSpec, y_axis: YAxis = "plays") -> dict[str, Any]:
    time_range = 12 if spec.monthly else 30
    suffix = "__duration" if y_axis == "duration" and not spec.counts_streams else ""
    path = FIXTURES / f"{spec.command}__{time_range}{suffix}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _expected(spec: GraphSpec, raw: dict[str, Any], *, language: str, y_axis: YAxis, hide: bool):
    """What the sidecar must hold, derived here independently of the graph code."""
    categories: list[str] = raw["categories"]
    order = list(range(len(categories)))
    if spec.axis == "weekday":
        assert categories[0] == "Sunday"
        order = SUNDAY_FIRST_TO_MONDAY_FIRST
        shown = DA_WEEKDAYS if language == "da" else EN_WEEKDAYS
    elif spec.axis == "month" and language == "da":
        shown = [f"{DA_MONTHS.get(c[:3], c[:3])} {c[4:]}" for c in categories]
    elif spec.axis == "resolution":
        order = [categories.index(name) for name in RESOLUTIONS_BEST_FIRST if name in categories]
        assert len(order) == len(categories)
        shown = [categories[i].replace("4k", "4K") for i in order]
    elif spec.axis == "user" and hide:
        shown = censor_all(categories)
    else:
        shown = list(categories)
    series = []
    for s in raw["series"]:
        if s["name"] == "Total":
            continue
        data = [s["data"][i] for i in order]
        if y_axis == "duration" and not spec.counts_streams:
            data = [round(v / 3600, 1) for v in data]
        series.append((s["name"], data))
    return shown, series


def only(*graphs: str, **other: Any) -> Settings:
    """Settings with just these graphs enabled (keeps the suite quick)."""
    switches = {spec.enable_key: spec.id in graphs for spec in GRAPHS}
    return Settings.model_validate({**switches, **other})


def _sidecar(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


async def test_every_sidecar_holds_the_sample_data_as_drawn(
    renderer: Renderer, tmp_path: Path
) -> None:
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    calls: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        calls.append((done, total))

    report = await service.render(Settings(), tmp_path, progress=progress)

    assert report.failures == []
    assert [g.graph_id for g in report.graphs] == [spec.id for spec in GRAPHS]
    assert calls == [(i, 12) for i in range(1, 13)]
    for rendered in report.graphs:
        spec = BY_ID[rendered.graph_id]
        assert _png_size(rendered.png) == (WIDTH_PX, HEIGHT_PX)
        doc = _sidecar(rendered.sidecar)
        categories, series = _expected(spec, _raw(spec), language="en", y_axis="plays", hide=True)
        assert doc["graph"] == spec.id
        assert doc["categories"] == categories, spec.id
        assert [(s["key"], s["data"]) for s in doc["series"]] == series, spec.id
        assert doc["y_axis"] == "plays"
        assert doc["time_range_days"] == 30
        assert doc["generated_at"] == "2026-11-21T08:30:00+00:00"
        assert doc["data_from"] == "2026-11-22T12:00:00+00:00"
        assert ("(last 12 months)" if spec.monthly else "(last 30 days)") in doc["title"]


async def test_duration_is_drawn_in_hours_except_stream_counts(
    renderer: Renderer, tmp_path: Path
) -> None:
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    report = await service.render(Settings(GRAPH_Y_AXIS="duration"), tmp_path)
    assert report.failures == []
    for rendered in report.graphs:
        spec = BY_ID[rendered.graph_id]
        doc = _sidecar(rendered.sidecar)
        raw = _raw(spec, "duration")
        _, series = _expected(spec, raw, language="en", y_axis="duration", hide=True)
        assert [(s["key"], s["data"]) for s in doc["series"]] == series, spec.id
        assert doc["y_axis"] == ("plays" if spec.counts_streams else "duration")
    daily = _sidecar(tmp_path / "daily_play_count.json")
    assert daily["series"][0]["data"][0] == round(106831 / 3600, 1) == 29.7


async def test_danish_names_and_censoring_in_image_data_and_sidecar(
    renderer: Renderer, tmp_path: Path
) -> None:
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    settings = only(
        "play_count_by_dayofweek",
        "play_count_by_month",
        "top_10_users",
        "top_10_users_by_stream_type",
        LANGUAGE="da",
    )
    report = await service.render(settings, tmp_path)
    assert report.failures == []
    weekdays = _sidecar(tmp_path / "play_count_by_dayofweek.json")
    assert weekdays["categories"] == DA_WEEKDAYS
    months = _sidecar(tmp_path / "play_count_by_month.json")
    assert months["categories"][:3] == ["dec. 2025", "jan. 2026", "feb. 2026"]
    assert months["categories"][5] == "maj 2026"

    users_raw = _raw(BY_ID[GraphId("top_10_users")])["categories"]
    for graph in ("top_10_users", "top_10_users_by_stream_type"):
        doc = _sidecar(tmp_path / f"{graph}.json")
        assert doc["categories"] == censor_all(users_raw)
        text = (tmp_path / f"{graph}.json").read_text(encoding="utf-8")
        assert not any(name in text for name in users_raw)
        # The image is drawn from the job: the same censored names.
        fetched = await SampleGraphSource(FIXTURES).graph(
            BY_ID[GraphId(graph)].command, time_range=30, y_axis="plays"
        )
        job = service.job(BY_ID[GraphId(graph)], fetched, settings, tmp_path, _tr("da"))
        assert list(job.graph.categories) == doc["categories"]

    shown = await service.render(only("top_10_users", CENSOR_USERNAMES=False), tmp_path / "plain")
    assert shown.failures == []
    assert _sidecar(tmp_path / "plain" / "top_10_users.json")["categories"] == users_raw


DAILY = ("daily_play_count", "daily_play_count_by_stream_type", "daily_concurrent_stream_count")


def _tautulli_weeks(raw: dict[str, Any], *, peak: bool) -> tuple[list[str], dict[str, list[float]]]:
    """Tautulli's days summed (or peaked) per ISO week, grouped here by isocalendar()."""
    weeks: dict[tuple[int, int], list[int]] = {}
    for i, day in enumerate(raw["categories"]):
        weeks.setdefault(date.fromisoformat(day).isocalendar()[:2], []).append(i)
    mondays = [date.fromisocalendar(y, w, 1).isoformat() for y, w in weeks]
    combine = max if peak else sum
    values = {
        s["name"]: [combine(s["data"][i] for i in days) for days in weeks.values()]
        for s in raw["series"]
        if s["name"] != "Total"
    }
    return mondays, values


async def test_a_year_of_daily_graphs_is_drawn_in_weeks_that_sum_tautullis_days(
    renderer: Renderer, tmp_path: Path
) -> None:
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    report = await service.render(only(*DAILY, TIME_RANGE_DAYS=365), tmp_path)
    assert report.failures == []
    for graph in DAILY:
        spec = BY_ID[GraphId(graph)]
        raw = json.loads((FIXTURES / f"{spec.command}__365.json").read_text(encoding="utf-8"))
        doc = _sidecar(tmp_path / f"{graph}.json")
        mondays, values = _tautulli_weeks(raw, peak=spec.counts_streams)
        assert doc["bucket"] == "week"
        assert doc["categories"] == mondays
        assert {s["key"]: s["data"] for s in doc["series"]} == values, graph
        # The first week holds one day of the period, the last one ends after today: dashed.
        assert doc["partial"] == [mondays[0], mondays[-1]]
        assert "Dashed" in doc["note"]
    daily = _sidecar(tmp_path / "daily_play_count.json")
    plays = sum(sum(s["data"]) for s in daily["series"])
    assert daily["summary"]["total"] == plays
    days = await service.render(
        only("daily_play_count", TIME_RANGE_DAYS=365, DAILY_GRAPH_BUCKET="day"), tmp_path / "d"
    )
    assert days.failures == []
    doc = _sidecar(tmp_path / "d" / "daily_play_count.json")
    raw = json.loads((FIXTURES / "get_plays_by_date__365.json").read_text(encoding="utf-8"))
    assert doc["bucket"] == "day"
    assert doc["categories"] == raw["categories"]
    # Today (21 Nov at NOW) and the day after it in the recording are not over: dashed.
    assert doc["partial"] == ["2026-11-21", "2026-11-22"]


async def test_a_member_sees_their_own_name_in_their_own_stats(
    renderer: Renderer, tmp_path: Path
) -> None:
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    spec = BY_ID[GraphId("top_10_users")]
    raw = json.loads((FIXTURES / f"{spec.command}__30__user.json").read_text(encoding="utf-8"))
    fetched = FetchedGraph(GraphData.parse(raw), NOW)
    settings = only("top_10_users")
    own = service.job(spec, fetched, settings, tmp_path, _tr("en"), personal=True)
    server = service.job(spec, fetched, settings, tmp_path, _tr("en"))
    assert list(own.graph.categories) == ["Harper K."]
    assert list(server.graph.categories) == ["H****r K."]


async def test_the_dark_theme_is_one_switch_and_a_colour_key_still_overrides_one_part(
    renderer: Renderer, tmp_path: Path
) -> None:
    from tgraph_bot.graphs.theme import DARK, LIGHT, Theme, luminance

    dark = Theme.from_settings(Settings(GRAPH_THEME="dark"))
    assert dark.background == DARK.background and luminance(dark.text) > 0.7
    assert luminance(dark.axes) > luminance(dark.background)
    assert dark.colours["TV"] == DARK.colours["TV"] != LIGHT.colours["TV"]
    custom = Theme.from_settings(Settings(GRAPH_THEME="dark", TV_COLOR="#00ff00"))
    assert custom.colours["TV"] == "#00ff00" and custom.background == DARK.background
    # Only the background key set dark, theme light: text and axes follow it.
    night = Theme.from_settings(Settings(GRAPH_THEME="light", GRAPH_BACKGROUND_COLOR="#101010"))
    assert luminance(night.text) > 0.7 and luminance(night.axes) > luminance("#101010")
    # Value labels follow the text: readable on that background too.
    assert (night.annotation, night.annotation_outline) == (night.text, "#101010")
    light = Theme.from_settings(Settings(GRAPH_THEME="light"))
    assert light.background == "#ffffff" and luminance(light.text) < 0.05
    assert (light.annotation, light.annotation_outline) == (light.text, "#ffffff")
    assert Theme.from_settings(Settings()) == dark  # Discord's default client is dark
    report = await GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW).render(
        only("daily_play_count", "top_10_users", GRAPH_THEME="dark"), tmp_path
    )
    assert report.failures == []


def _tr(language: str):
    from tgraph_bot.i18n import translator

    return translator(language)


class EmptySource(GraphAnswers[FetchedGraph]):
    """A Tautulli with nothing in the period: every graph all zeros, or no categories at all."""

    async def answer(self, key: GraphKey, deadline: Deadline | None) -> FetchedGraph:
        command = key.command
        if command.startswith("get_plays_by_top_10"):
            return FetchedGraph(GraphData((), ()), NOW, stale=False)
        real = await SampleGraphSource(FIXTURES).graph(command, time_range=30, y_axis="plays")
        zeros = GraphData.parse(
            {
                "categories": list(real.data.categories),
                "series": [{"name": s.name, "data": [0] * len(s.data)} for s in real.data.series],
            }
        )
        return FetchedGraph(zeros, NOW, stale=True)


async def test_an_empty_period_gives_an_image_and_an_empty_sidecar(
    renderer: Renderer, tmp_path: Path
) -> None:
    service = GraphService(EmptySource(), renderer, clock=lambda: NOW)
    report = await service.render(Settings(), tmp_path)
    assert report.failures == []
    assert len(report.graphs) == 12
    for rendered in report.graphs:
        assert _png_size(rendered.png) == (WIDTH_PX, HEIGHT_PX)
        doc = _sidecar(rendered.sidecar)
        assert doc["categories"] == [] and doc["series"] == []
    job = service.job(
        BY_ID[GraphId("daily_play_count")],
        await EmptySource().graph("get_plays_by_date", time_range=30, y_axis="plays"),
        Settings(),
        tmp_path,
        _tr("en"),
    )
    assert job.empty_text == "No data for this period"
    assert job.note == "Data from 2026-11-21 08:30 UTC (Tautulli unavailable)"
    local = service.job(
        BY_ID[GraphId("top_10_users")],
        await EmptySource().graph("get_plays_by_date", time_range=30, y_axis="plays"),
        Settings(TIMEZONE="Europe/Copenhagen"),
        tmp_path,
        _tr("en"),
    )
    assert local.note == "Data from 2026-11-21 09:30 CET (Tautulli unavailable)"


class Unreachable(UserFacingError):
    message = "Tautulli did not answer."


class PartlyBrokenSource(GraphAnswers[FetchedGraph]):
    """One command cannot be fetched; another answers data that cannot be drawn."""

    def __init__(self, fail_fetch: str, undrawable: str) -> None:
        self.fail_fetch = fail_fetch
        self.undrawable = undrawable
        self.inner = SampleGraphSource(FIXTURES)

    async def answer(self, key: GraphKey, deadline: Deadline | None) -> FetchedGraph:
        command = key.command
        if command == self.fail_fetch:
            raise Unreachable()
        fetched = await self.inner.answer(key, deadline)
        if command != self.undrawable:
            return fetched
        data = fetched.data
        broken = {
            "categories": list(data.categories),
            "series": [{"name": s.name, "data": [float("inf"), *s.data[1:]]} for s in data.series],
        }
        return FetchedGraph(GraphData.parse(broken), fetched.fetched_at)


async def test_one_graph_failing_does_not_stop_the_others(
    renderer: Renderer, tmp_path: Path
) -> None:
    source = PartlyBrokenSource("get_plays_by_dayofweek", "get_plays_by_source_resolution")
    service = GraphService(source, renderer, clock=lambda: NOW)
    settings = Settings(ANNOTATE_PLAY_COUNT_BY_SOURCE_RESOLUTION=False)
    report = await service.render(settings, tmp_path)

    failed = {f.graph_id: f.error for f in report.failures}
    assert set(failed) == {"play_count_by_dayofweek", "play_count_by_source_resolution"}
    assert isinstance(failed[GraphId("play_count_by_dayofweek")], Unreachable)
    draw_error = failed[GraphId("play_count_by_source_resolution")]
    assert isinstance(draw_error, GraphRenderError)
    assert draw_error.render(_tr("en")) == (
        "The graph Play count by source resolution could not be drawn."
    )
    assert len(report.graphs) == 10
    assert not (tmp_path / "play_count_by_dayofweek.png").exists()
    assert _sidecar(tmp_path / "play_count_by_stream_resolution.json")["series"]

    # The pool survives a failed drawing: the next run draws everything.
    healthy = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    again = await healthy.render(
        only("play_count_by_source_resolution", "top_10_platforms"), tmp_path / "again"
    )
    assert again.failures == [] and len(again.graphs) == 2


async def test_the_pool_is_reused_run_after_run(renderer: Renderer, tmp_path: Path) -> None:
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    settings = only("daily_play_count", "play_count_by_hourofday", "top_10_users")
    first = await service.render(settings, tmp_path / "1")
    pids = sorted(renderer.worker_pids)
    second = await service.render(settings, tmp_path / "2")
    assert sorted(renderer.worker_pids) == pids and len(pids) == 2
    for a, b in zip(first.graphs, second.graphs, strict=True):
        assert _sidecar(a.sidecar) == _sidecar(b.sidecar)
        assert a.png.read_bytes() == b.png.read_bytes()


def test_the_monthly_graph_covers_at_least_a_year_in_whole_months() -> None:
    assert [months_for(d) for d in (1, 30, 365, 366, 730, 3650)] == [12, 12, 12, 12, 24, 120]


async def test_render_many_yields_every_job_as_it_finishes(
    renderer: Renderer, tmp_path: Path
) -> None:
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    source = SampleGraphSource(FIXTURES)
    jobs = []
    for graph in ("daily_play_count", "top_10_platforms"):
        spec = BY_ID[GraphId(graph)]
        fetched = await source.graph(spec.command, time_range=30, y_axis="plays")
        jobs.append(service.job(spec, fetched, Settings(), tmp_path, _tr("en")))
    unwritable = replace(jobs[0], png=str(tmp_path / "missing-folder" / "x.png"))
    results = {job.png: result async for job, result in renderer.render_many([*jobs, unwritable])}
    assert results[jobs[0].png] == tmp_path / "daily_play_count.png"
    assert results[jobs[1].png] == tmp_path / "top_10_platforms.png"
    assert isinstance(results[unwritable.png], FileNotFoundError)
    assert _png_size(tmp_path / "top_10_platforms.png") == (WIDTH_PX, HEIGHT_PX)


async def test_a_dead_worker_fails_its_graphs_and_the_next_run_gets_new_workers(
    tmp_path: Path,
) -> None:
    settings = only("play_count_by_dayofweek", "top_10_platforms")
    async with Renderer(workers=1) as renderer:
        service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
        assert (await service.render(settings, tmp_path / "1")).failures == []
        [pid] = renderer.worker_pids
        os.kill(pid, signal.SIGKILL)  # a worker this test started
        broken = await service.render(settings, tmp_path / "2")
        assert broken.failures, "graphs sent to a dead worker must fail, not hang"
        healed = await service.render(settings, tmp_path / "3")
        assert healed.failures == [] and len(healed.graphs) == 2
        assert renderer.worker_pids != [pid]


# -- the idle timeout: workers exit when no graph has been drawn for a while ----------


def _alive(pid: int) -> bool:
    """Whether the process exists (a zombie counts: it is gone once its parent reaps it)."""
    return Path(f"/proc/{pid}").exists()


async def _until(condition: Callable[[], bool], limit: float = 60.0) -> None:
    """Poll until ``condition`` holds; fail (never assert a duration) after a generous limit."""
    for _ in range(int(limit / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")


class IdleTimer:
    """The renderer's idle countdown, expired by the test instead of by the clock."""

    def __init__(self) -> None:
        self.armed: list[tuple[float, Callable[[], None], list[bool]]] = []

    def __call__(self, seconds: float, callback: Callable[[], None]) -> IdleTimer.Handle:
        cancelled = [False]
        self.armed.append((seconds, callback, cancelled))
        return IdleTimer.Handle(cancelled)

    class Handle:
        def __init__(self, cancelled: list[bool]) -> None:
            self._cancelled = cancelled

        def cancel(self) -> None:
            self._cancelled[0] = True

    @property
    def pending(self) -> list[Callable[[], None]]:
        return [callback for _, callback, cancelled in self.armed if not cancelled[0]]

    def expire(self) -> None:
        """The countdown ran out: run the one armed callback, as the loop would."""
        [callback] = self.pending
        self.armed.clear()
        callback()


async def test_an_idle_renderer_stops_its_workers_and_the_next_render_starts_new_ones(
    tmp_path: Path,
) -> None:
    timer = IdleTimer()
    renderer = Renderer(workers=2, idle_seconds=30, call_later=timer)
    try:
        service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
        first = await service.render(only("daily_play_count", "top_10_users"), tmp_path / "1")
        assert first.failures == [] and len(first.graphs) == 2
        pids = renderer.worker_pids
        assert 1 <= len(pids) <= 2 and all(_alive(p) for p in pids)
        assert [seconds for seconds, _, cancelled in timer.armed if not cancelled[0]] == [30]
        assert renderer.running  # not before the countdown ends
        timer.expire()
        assert not renderer.running and renderer.worker_pids == []
        await _until(lambda: not any(_alive(p) for p in pids))

        every = await service.render(Settings(), tmp_path / "2")
        assert every.failures == [] and len(every.graphs) == len(GRAPHS)
        for spec in GRAPHS:
            assert _png_size(tmp_path / "2" / f"{spec.id}.png") == (WIDTH_PX, HEIGHT_PX)
        assert not any(_alive(p) for p in pids)
        timer.expire()  # and idle again
        assert not renderer.running
    finally:
        await renderer.aclose()
    renderer.close()  # closing twice, after an idle stop, is fine


async def test_close_waits_for_workers_that_are_still_stopping(tmp_path: Path) -> None:
    timer = IdleTimer()
    renderer = Renderer(workers=2, idle_seconds=30, call_later=timer)
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    renderer.start()  # the worker is spawned now; read its pid before any countdown ends
    pids = renderer.worker_pids
    assert (await service.render(only("top_10_platforms"), tmp_path)).failures == []
    assert pids
    timer.expire()  # retired: its workers are exiting in a background thread
    assert not renderer.running
    await renderer.aclose()
    assert not any(_alive(p) for p in pids)


def test_an_idle_renderer_leaves_no_process_behind(tmp_path: Path) -> None:
    child = Path(__file__).parent / "renderer_idle_child.py"
    done = subprocess.run(
        [sys.executable, str(child), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    during, left = (int(n) for n in done.stdout.split())
    assert during == 2  # the worker and multiprocessing's resource tracker
    assert left == 0


ORPHAN_CHILD = """
import asyncio
from tgraph_bot.graphs.render import Renderer

async def main() -> None:
    renderer = Renderer(workers=1)
    await renderer.ready()
    print(*renderer.worker_pids, flush=True)
    await asyncio.sleep(3600)  # killed long before

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_worker_does_not_outlive_a_killed_bot() -> None:
    """SIGKILL (or the OOM killer) gives the bot no chance to stop its workers: they notice
    their parent is gone and exit by themselves."""
    child = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_CHILD],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert child.stdout is not None
    (worker,) = (int(pid) for pid in child.stdout.readline().split())
    assert _alive(worker)
    child.kill()
    child.wait()
    child.stdout.close()
    for _ in range(300):  # a bound that turns a hang into a failure, not a timing check
        if not _alive(worker):
            break
        time.sleep(0.1)
    assert not _alive(worker)


def test_one_worker_on_two_cores_or_fewer_more_with_cores_to_spare() -> None:
    assert [default_workers(n) for n in (1, 2, 3, 4, 16)] == [1, 1, 2, 2, 2]
    assert Renderer().workers == default_workers(usable_cpus())


async def test_a_second_worker_starts_only_when_jobs_queue(tmp_path: Path) -> None:
    # Only the counts that do not depend on when the pool's manager thread marks a worker
    # idle: one job in flight starts one worker; twelve at once start the second.
    renderer = Renderer(workers=2)
    try:
        await renderer.ready()
        assert len(renderer.worker_pids) == 1
        service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
        every = await service.render(Settings(), tmp_path / "2")
        assert every.failures == [] and len(renderer.worker_pids) == 2
    finally:
        await renderer.aclose()


def test_a_renderer_closes_in_every_state() -> None:
    Renderer(idle_seconds=1).close()  # never started
    started = Renderer(workers=1, idle_seconds=1)  # started outside a loop: no countdown
    started.start()
    [pid] = started.worker_pids
    started.close()
    started.close()
    assert not _alive(pid)


async def test_renders_racing_the_idle_stop_all_succeed(tmp_path: Path) -> None:
    timer = IdleTimer()
    renderer = Renderer(workers=1, idle_seconds=30, call_later=timer)
    service = GraphService(SampleGraphSource(FIXTURES), renderer, clock=lambda: NOW)
    seen: set[int] = set()

    async def render(name: str) -> None:
        report = await service.render(only("top_10_platforms"), tmp_path / name)
        assert report.failures == [] and len(report.graphs) == 1
        seen.update(renderer.worker_pids)

    try:
        await render("first")
        # The countdown's callback was already due when a render began in the same loop
        # turn: the render cancelled the timer, yet the callback runs. It must keep the pool.
        [late] = timer.pending
        job = asyncio.create_task(render("same-turn"))
        await _until(lambda: timer.pending == [])  # the render has begun
        late()
        assert renderer.running
        await job
        # A render right after the countdown, while the retired worker is still exiting.
        timer.expire()
        assert not renderer.running
        await render("while-exiting")
        await render("again")
    finally:
        await renderer.aclose()
    assert len(seen) == 2 and not any(_alive(p) for p in seen)


def test_the_bot_reads_its_render_idle_timeout_from_the_environment() -> None:
    assert render_idle_seconds({}) == 120
    assert render_idle_seconds({"TGRAPH_RENDER_IDLE_SECONDS": "2.5"}) == 2.5
    for wrong in ("0", "-3", "soon", "inf", "nan"):
        assert render_idle_seconds({"TGRAPH_RENDER_IDLE_SECONDS": wrong}) == 120
