"""storage/camera: which finished sessions belong to a period, exactly at its start.

The rule (also in the module's docstring): a session belongs to a period when some of its
time lies inside it, that is when it ends after the period starts; it then counts once,
with only its time inside. A session of no length belongs to the period its instant is in.
So a session ending exactly at the start is last period's only, and one crossing the start
counts once in each period, its time split between them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tgraph_bot.core.camera import Metric, Totals
from tgraph_bot.storage import camera as repo
from tgraph_bot.storage.db import connect, migrate

G = 10
P = 1_772_406_000_000  # a period start (ms): Monday 2 March 2026 00:00 in Copenhagen
NOW = P + 3_600_000
S = 1000

# member: (start, end) relative to P, in ms; and (ms, sessions) expected since P
CASES: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {
    1: ((-10 * S, 0), (0, 0)),  # ends exactly at the start: last period's
    2: ((-10 * S, 1), (1, 1)),  # one millisecond inside: counts once
    3: ((-1, 5 * S), (5 * S, 1)),  # starts just before: only its part inside
    4: ((0, 0), (0, 1)),  # no length, at the start: inside
    5: ((0, 5 * S), (5 * S, 1)),  # starts exactly at the start
    6: ((-5 * S, -1), (0, 0)),  # wholly before
    7: ((-1, -1), (0, 0)),  # no length, just before
}


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = connect(tmp_path / "t.db")
    migrate(c)
    for member, ((start, end), _) in CASES.items():
        repo.open_session(c, G, member, Metric.VIDEO, P + start)
        assert repo.close_session(c, G, member, Metric.VIDEO, P + start, P + end)
    yield c
    c.close()


def test_member_totals_at_the_period_start(conn: sqlite3.Connection) -> None:
    for member, (_, (millis, sessions)) in CASES.items():
        got = repo.member_total(conn, G, member, Metric.VIDEO, P, NOW)
        assert got == Totals(seconds=millis / 1000, sessions=sessions), member
        alltime = repo.member_total(conn, G, member, Metric.VIDEO, None, NOW)
        assert alltime.sessions == 1, member  # every session is in all time, once


def test_the_ranking_agrees_with_the_member_totals(conn: sqlite3.Connection) -> None:
    rows = repo.top(conn, G, Metric.VIDEO, P, NOW, limit=100)
    got = {r.member_id: (r.millis, r.sessions) for r in rows}
    assert got == {m: want for m, (_, want) in CASES.items() if want[1] > 0}


def test_a_session_crossing_the_start_counts_once_on_each_side(conn: sqlite3.Connection) -> None:
    before = repo.member_total(conn, G, 3, Metric.VIDEO, P - 60 * S, NOW)
    after = repo.member_total(conn, G, 3, Metric.VIDEO, P, NOW)
    assert (before.sessions, after.sessions) == (1, 1)
    rows = {r.member_id: r.millis for r in repo.top(conn, G, Metric.VIDEO, P - 60 * S, NOW)}
    assert rows[3] == 5 * S + 1  # from a minute earlier: the one ms before P as well
