"""CameraService over a real SQLite file: transitions, restarts, rankings, import."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.time import Clock
from tgraph_bot.core.camera import Metric, ObservedState, Period, to_ms
from tgraph_bot.errors import CameraImportError
from tgraph_bot.services.camera import CameraService, Present
from tgraph_bot.storage import camera as repo
from tgraph_bot.storage.db import Database, connect

G = 10
T0 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
ON = ObservedState(counted=True, self_video=True)
SHARE = ObservedState(counted=True, self_stream=True)
IN_VOICE = ObservedState(counted=True)
GONE = ObservedState(counted=False)
TZ = ZoneInfo("Europe/Copenhagen")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def open_service(path: Path) -> tuple[Database, CameraService]:
    db = Database(path)
    await db.__aenter__()
    return db, CameraService(repo.CameraRepository(db), clock=Clock(T0))


def sessions(path: Path) -> list[tuple[int, int, str, int, int]]:
    conn = connect(path)
    try:
        return list(repo.finished_sessions(conn))
    finally:
        conn.close()


async def test_on_off_move_and_duplicates(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    await svc.observe(G, 1, "ann", ON, at(0))
    await svc.observe(G, 1, "ann", ON, at(5))  # duplicate / move between counted channels
    await svc.observe(G, 1, "ann", IN_VOICE, at(60))
    await svc.observe(G, 1, "ann", IN_VOICE, at(61))  # duplicate off
    await svc.observe(G, 2, "bob", ON, at(10))
    await svc.observe(G, 2, "bob", GONE, at(40))
    rows = await svc.ranking(G, Period.ALL, Metric.VIDEO, at(100), TZ)
    await db.close()
    assert [(r.position, r.member_id, r.name, r.seconds, r.sessions) for r in rows] == [
        (1, 1, "ann", 60, 1),
        (2, 2, "bob", 30, 1),
    ]


async def test_open_sessions_count_up_to_now_and_stream_is_separate(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    await svc.observe(G, 1, "ann", ObservedState(True, True, True), at(0))
    await svc.observe(G, 1, "ann", ON, at(30))  # stops sharing, camera stays on
    video = await svc.ranking(G, Period.ALL, Metric.VIDEO, at(90), TZ)
    stream = await svc.ranking(G, Period.ALL, Metric.STREAM, at(90), TZ)
    totals = await svc.member_totals(G, 1, at(90), TZ)
    await db.close()
    assert [(r.seconds, r.sessions) for r in video] == [(90, 1)]
    assert [(r.seconds, r.sessions) for r in stream] == [(30, 1)]
    assert totals[Period.WEEK][Metric.VIDEO].seconds == 90
    assert totals[Period.ALL][Metric.STREAM].sessions == 1


async def test_a_session_crossing_the_period_start_counts_only_its_part_inside(
    tmp_path: Path,
) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    # Week starts Monday 2 March 2026 00:00 CET = Sunday 1 March 23:00 UTC.
    week_start = datetime(2026, 3, 1, 23, tzinfo=UTC)
    await svc.observe(G, 1, "ann", ON, week_start - timedelta(hours=2))
    await svc.observe(G, 1, "ann", GONE, week_start + timedelta(hours=1))
    await svc.observe(G, 2, "bob", ON, week_start - timedelta(hours=3))
    await svc.observe(G, 2, "bob", GONE, week_start - timedelta(hours=1))
    now = week_start + timedelta(days=1)
    week = await svc.ranking(G, Period.WEEK, Metric.VIDEO, now, TZ)
    month = await svc.ranking(G, Period.MONTH, Metric.VIDEO, now, TZ)
    alltime = await svc.ranking(G, Period.ALL, Metric.VIDEO, now, TZ)
    await db.close()
    assert [(r.member_id, r.seconds) for r in week] == [(1, 3600)]
    # March starts 28 Feb 23:00 UTC, before both sessions.
    assert [(r.member_id, r.seconds) for r in month] == [(1, 3 * 3600), (2, 2 * 3600)]
    assert [(r.member_id, r.seconds) for r in alltime] == [(1, 3 * 3600), (2, 2 * 3600)]


async def test_month_boundary_and_open_session_crossing_it(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    month_start = datetime(2026, 3, 31, 22, tzinfo=UTC)  # 1 April 00:00 CEST
    await svc.observe(G, 1, "ann", ON, month_start - timedelta(minutes=30))
    now = month_start + timedelta(minutes=45)
    month = await svc.ranking(G, Period.MONTH, Metric.VIDEO, now, TZ)
    totals = await svc.member_totals(G, 1, now, TZ)
    await db.close()
    assert [(r.seconds, r.sessions) for r in month] == [(45 * 60, 1)]
    assert totals[Period.ALL][Metric.VIDEO].seconds == 75 * 60


async def test_finished_sessions_are_insert_only(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    await svc.observe(G, 1, "ann", ON, at(0))
    await svc.observe(G, 1, "ann", GONE, at(10))
    await db.close()
    conn = connect(tmp_path / "t.db")
    with pytest.raises(sqlite3.IntegrityError, match="insert-only"):
        conn.execute("UPDATE camera_session SET ended_at = ended_at + 1")
    conn.close()


async def test_recover_closes_crash_leftovers_at_the_last_heartbeat(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    await svc.observe(G, 1, "ann", ON, at(0))
    await svc.heartbeat(at(30))
    await svc.observe(G, 2, "bob", ON, at(40))  # opened after the last heartbeat
    await db.close()  # the process "dies": no close_all
    db, svc = await open_service(tmp_path / "t.db")
    assert await svc.recover(at(500)) == 2
    assert await svc.recover(at(600)) == 0
    await db.close()
    assert sorted((m, s, e) for _, m, _, s, e in sessions(tmp_path / "t.db")) == [
        (1, to_ms(at(0)), to_ms(at(30))),
        (2, to_ms(at(40)), to_ms(at(40))),
    ]


async def test_reconcile_both_ways(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    await svc.observe(G, 1, "ann", ON, at(0))  # will have left during an outage
    await svc.observe(G, 2, "bob", ON, at(0))  # still on camera
    await svc.heartbeat(at(20))
    changed = await svc.reconcile(
        G,
        {2: Present("bob", ON), 3: Present("cy", SHARE), 4: Present("dee", IN_VOICE)},
        at(100),
        gone_since=at(20),
    )
    again = await svc.reconcile(
        G, {2: Present("bob", ON), 3: Present("cy", SHARE), 4: Present("dee", IN_VOICE)}, at(101)
    )
    video = await svc.ranking(G, Period.ALL, Metric.VIDEO, at(200), TZ)
    stream = await svc.ranking(G, Period.ALL, Metric.STREAM, at(200), TZ)
    await db.close()
    assert (changed, again) == (2, 0)
    assert [(r.member_id, r.seconds) for r in video] == [(2, 200), (1, 20)]
    assert [(r.member_id, r.name, r.seconds) for r in stream] == [(3, "cy", 100)]


async def test_close_all_on_a_clean_stop(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    await svc.observe(G, 1, "ann", ON, at(0))
    assert await svc.close_all(at(42)) == 1
    assert not await svc.has_open()
    await db.close()
    assert [(s, e) for *_, s, e in sessions(tmp_path / "t.db")] == [(to_ms(at(0)), to_ms(at(42)))]


async def test_members_who_left_keep_their_last_name(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    await svc.observe(G, 1, "ann", ON, at(0))
    await svc.observe(G, 1, "Ann B.", GONE, at(10))  # renamed, then left
    rows = await svc.ranking(G, Period.ALL, Metric.VIDEO, at(20), TZ)
    await db.close()
    assert rows[0].name == "ann"  # the name is taken while counted in voice


async def test_many_concurrent_events_keep_one_session_per_member(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    await asyncio.gather(
        *(svc.observe(G, m, f"m{m}", ON, at(i)) for i in range(5) for m in range(50))
    )
    await asyncio.gather(*(svc.observe(G, m, f"m{m}", GONE, at(10)) for m in range(50)))
    rows = await svc.ranking(G, Period.ALL, Metric.VIDEO, at(10), TZ, limit=100)
    await db.close()
    assert len(rows) == 50
    assert {(r.seconds, r.sessions) for r in rows} == {(10, 1)}


# -- property: any sequence of events, duplicates and restarts --------------------------

event = st.one_of(
    st.tuples(
        st.just("voice"),
        st.integers(1, 3),
        st.booleans(),
        st.booleans(),
        st.booleans(),
        st.booleans(),
    ),
    st.tuples(st.just("heartbeat")),
    st.tuples(st.just("restart")),
    st.tuples(st.just("reconcile"), st.sets(st.integers(1, 3))),
)
steps = st.lists(st.tuples(event, st.integers(0, 120_000)), max_size=40)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("prop")


def _counter() -> Iterator[int]:
    n = 0
    while True:
        n += 1
        yield n


_ids = _counter()


async def _play(path: Path, script: list[tuple[tuple[object, ...], int]]) -> int:
    db, svc = await open_service(path)
    now = to_ms(T0)
    for ev, step in script:
        now += step
        moment = datetime.fromtimestamp(now / 1000, tz=UTC)
        kind = ev[0]
        if kind == "voice":
            _, member, counted, video, stream, dup = ev
            state = ObservedState(bool(counted), bool(video), bool(stream))
            for _ in range(2 if dup else 1):
                await svc.observe(G, int(str(member)), "m", state, moment)
        elif kind == "heartbeat":
            await svc.heartbeat(moment)
        elif kind == "restart":
            await db.close()
            db, svc = await open_service(path)
            await svc.recover(moment)
        else:
            members = ev[1]
            assert isinstance(members, set)
            present = {int(str(m)): Present("m", ON) for m in members}  # pyright: ignore[reportUnknownVariableType]
            await svc.reconcile(G, present, moment, gone_since=svc.last_heartbeat)
    await db.close()
    return now


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=steps)
def test_no_time_counted_twice_and_totals_equal_the_sessions(
    workdir: Path, script: list[tuple[tuple[object, ...], int]]
) -> None:
    path = workdir / f"p{next(_ids)}.db"
    end = asyncio.run(_play(path, script))
    finished = sessions(path)
    conn = connect(path)
    try:
        totals = {
            (int(r[0]), str(r[1])): (int(r[2]), int(r[3]))
            for r in conn.execute("SELECT member_id, metric, millis, sessions FROM camera_total")
        }
        open_rows = repo.all_open(conn)
    finally:
        conn.close()
    by_key: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for _, member, metric, start, stop in finished:
        assert stop >= start  # no negative session
        assert start >= to_ms(T0) and stop <= end
        by_key.setdefault((member, metric), []).append((start, stop))
    for key, spans in by_key.items():
        spans.sort()
        for (_, e1), (s2, _) in pairwise(spans):
            assert s2 >= e1  # no overlap: no time counted twice
        assert totals[key] == (sum(e - s for s, e in spans), len(spans))
    for row in open_rows:  # an open session starts after every finished one of its key
        for _, e in by_key.get((row.member_id, row.metric.value), []):
            assert row.started_at >= e


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=steps)
def test_duplicated_events_change_nothing(
    workdir: Path, script: list[tuple[tuple[object, ...], int]]
) -> None:
    once = [((*ev[:5], False), step) if ev[0] == "voice" else (ev, step) for ev, step in script]
    twice = [((*ev[:5], True), step) if ev[0] == "voice" else (ev, step) for ev, step in script]
    a, b = workdir / f"a{next(_ids)}.db", workdir / f"b{next(_ids)}.db"
    asyncio.run(_play(a, once))
    asyncio.run(_play(b, twice))
    assert sessions(a) == sessions(b)


# -- import ----------------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


async def test_import_adds_all_time_totals_once(tmp_path: Path) -> None:
    db, svc = await open_service(tmp_path / "t.db")
    first = await svc.import_ranking_file(FIXTURES / "video_ranking.json", G)
    second = await svc.import_ranking_file(FIXTURES / "video_ranking.json", G)
    await svc.observe(G, 111111111111111111, "ann", ON, at(0))
    await svc.observe(G, 111111111111111111, "ann", GONE, at(100))
    alltime = await svc.ranking(G, Period.ALL, Metric.VIDEO, at(200), TZ)
    week = await svc.ranking(G, Period.WEEK, Metric.VIDEO, at(200), TZ)
    await db.close()
    assert (first.members, first.changed) == (3, 3)
    assert (second.members, second.changed) == (3, 0)
    assert [(r.member_id, r.seconds, r.sessions) for r in alltime] == [
        (222222222222222222, 7200, 4),
        (111111111111111111, 3700, 6),
        (333333333333333333, 59, 1),
    ]
    assert [(r.member_id, r.seconds) for r in week] == [(111111111111111111, 100)]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            '{\n  "1": {"total_seconds": 5, "sessions": 1},\n  "2": {"total_seconds": 5,,}\n}',
            3,
            "JSON",
        ),
        ("[\n  1\n]", 1, "object of user ids"),
        (
            '{\n  "1": {"total_seconds": 5, "sessions": 1},\n  "bob": {}\n}',
            3,
            "not a Discord user id",
        ),
        (
            '{\n  "1": {"total_seconds": 5, "sessions": 1},\n\n'
            '  "2": {"total_seconds": -1, "sessions": 1}\n}',
            4,
            "total_seconds",
        ),
        ('{\n  "1": {"total_seconds": 5}\n}', 2, "sessions"),
        ('{\n  "1": 5\n}', 2, "not an object"),
    ],
)
async def test_a_malformed_file_is_refused_with_line_and_reason_importing_nothing(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    db, svc = await open_service(tmp_path / "t.db")
    with pytest.raises(CameraImportError) as caught:
        await svc.import_ranking_file(bad, G)
    rows = await svc.ranking(G, Period.ALL, Metric.VIDEO, at(0), TZ)
    await db.close()
    assert caught.value.line == line
    assert reason in str(caught.value)
    assert f"line {line}" in str(caught.value)
    assert rows == []
