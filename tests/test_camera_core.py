"""The camera state machine, period boundaries and duration text (pure core)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tgraph_bot.core.camera import (
    Close,
    Metric,
    ObservedState,
    Open,
    Period,
    Replays,
    close_time,
    decide,
    format_duration,
    period_start,
    rename,
)

ON_CAMERA = ObservedState(counted=True, self_video=True)
SHARING = ObservedState(counted=True, self_stream=True)
IN_VOICE = ObservedState(counted=True)
OFF = ObservedState(counted=False)


def test_camera_on_opens_a_video_session() -> None:
    assert decide({}, ON_CAMERA, 1000) == [Open(Metric.VIDEO, 1000)]


def test_camera_off_closes_it() -> None:
    assert decide({Metric.VIDEO: 1000}, IN_VOICE, 5000) == [Close(Metric.VIDEO, 1000, 5000)]


def test_same_state_again_changes_nothing() -> None:
    assert decide({Metric.VIDEO: 1000}, ON_CAMERA, 9000) == []
    assert decide({}, IN_VOICE, 9000) == []


def test_screen_sharing_is_a_second_metric() -> None:
    both = ObservedState(counted=True, self_video=True, self_stream=True)
    assert decide({Metric.VIDEO: 5}, both, 10) == [Open(Metric.STREAM, 10)]
    assert decide({Metric.VIDEO: 5, Metric.STREAM: 10}, SHARING, 20) == [Close(Metric.VIDEO, 5, 20)]


def test_not_counted_channel_or_bot_closes_and_never_opens() -> None:
    ignored = ObservedState(counted=False, self_video=True)
    bot = ObservedState(counted=True, self_video=True, is_bot=True)
    assert decide({}, ignored, 1) == []
    assert decide({}, bot, 1) == []
    assert decide({Metric.VIDEO: 0}, ignored, 7) == [Close(Metric.VIDEO, 0, 7)]


def test_a_clock_going_backwards_never_gives_a_negative_session() -> None:
    assert decide({Metric.VIDEO: 1000}, OFF, 400) == [Close(Metric.VIDEO, 1000, 1000)]
    assert close_time(1000, 500, 2000) == 1000
    assert close_time(1000, 1500, 2000) == 1500
    assert close_time(1000, 3000, 2000) == 2000
    assert close_time(1000, None, 2000) == 2000


def test_rename() -> None:
    assert rename(None, "ann") == "ann"
    assert rename("ann", "ann") is None
    assert rename("ann", "bob") == "bob"


states = st.builds(
    ObservedState,
    counted=st.booleans(),
    self_video=st.booleans(),
    self_stream=st.booleans(),
    is_bot=st.booleans(),
)


@given(st.lists(st.tuples(states, st.integers(0, 10_000), st.booleans()), max_size=60))
def test_any_event_sequence_counts_each_instant_once(
    events: list[tuple[ObservedState, int, bool]],
) -> None:
    """Apply events (each optionally delivered twice) to a stored-open-session model."""
    stored: dict[Metric, int] = {}
    finished: list[Close] = []
    now = 0
    for state, step, duplicate in events:
        now += step
        for _ in range(2 if duplicate else 1):
            for t in decide(stored, state, now):
                if isinstance(t, Open):
                    assert t.metric not in stored
                    stored[t.metric] = t.at
                else:
                    assert stored.pop(t.metric) == t.started_at
                    finished.append(t)
        # After any event, what is open is exactly what is active.
        assert set(stored) == {m for m in Metric if state.active(m)}
    for metric in Metric:
        spans = sorted((c.started_at, c.ended_at) for c in finished if c.metric is metric)
        for start, end in spans:
            assert end >= start
        for (_, end), (start, _) in pairwise(spans):
            assert start >= end  # no overlap: no time counted twice


# -- replayed gateway events ------------------------------------------------------------


def test_an_event_numbered_at_or_below_the_highest_applied_is_a_replay() -> None:
    seen = Replays()
    assert [seen.fresh("s1", n) for n in (1, 2, 5)] == [True, True, True]
    assert [seen.fresh("s1", n) for n in (2, 5, 3)] == [False, False, False]  # a RESUME replay
    assert seen.replaying("s1", 3) and not seen.replaying("s1", 5)
    assert seen.fresh("s1", 6)
    # A new gateway session (a fresh IDENTIFY) numbers from 1 again: all new.
    assert seen.fresh("s2", 1) and seen.fresh("s2", 2) and not seen.replaying("s2", 2)
    # Without a number (a gateway that gives none) an event cannot be told apart: applied.
    assert seen.fresh(None, None) and seen.fresh("s2", None) and not seen.replaying("s2", None)


Delivery = tuple[int, int, ObservedState, int]  # (seq, member, state, time)


def _sessions(deliveries: list[Delivery]) -> list[tuple[int, Close]]:
    """Deliveries applied as the cog does: replays skipped, the rest decided per member."""
    seen = Replays()
    stored: dict[int, dict[Metric, int]] = {}
    finished: list[tuple[int, Close]] = []
    for seq, member, state, now in deliveries:
        if not seen.fresh("session", seq):
            continue
        mine = stored.setdefault(member, {})
        for t in decide(mine, state, now):
            if isinstance(t, Open):
                mine[t.metric] = t.at
            else:
                del mine[t.metric]
                finished.append((member, t))
    return finished


@given(
    events=st.lists(st.tuples(st.integers(1, 3), states, st.integers(0, 10_000)), max_size=40),
    data=st.data(),
)
def test_a_resume_replaying_any_seen_events_changes_no_session(
    events: list[tuple[int, ObservedState, int]], data: st.DataObject
) -> None:
    """Discord delivers events 1..n; a RESUME from any earlier number k re-sends k+1..n (the
    same numbers, later in time), then new events follow: the sessions are those of one
    delivery. ``decide`` alone would count a replayed "on, off" as a second session."""
    now, delivered = 0, list[Delivery]()
    for seq, (member, state, step) in enumerate(events, start=1):
        now += step
        delivered.append((seq, member, state, now))
    cut = data.draw(st.integers(0, len(delivered)), label="resumed after")
    more = data.draw(st.integers(0, len(delivered) - cut), label="new events after the replay")
    late = now + 1
    replayed = [(seq, member, state, late) for seq, member, state, _ in delivered[cut:]]
    new = [
        (len(delivered) + i + 1, member, state, late + 1 + i)
        for i, (_, member, state, _) in enumerate(delivered[:more])
    ]
    assert _sessions(delivered + replayed + new) == _sessions(delivered + new)


def test_format_duration() -> None:
    assert format_duration(0) == "0h 0min 0s"
    assert format_duration(3725) == "1h 2min 5s"
    assert format_duration(100 * 3600 + 59) == "100h 0min 59s"
    assert format_duration(-5) == "0h 0min 0s"
    assert format_duration(7.99) == "0h 0min 8s"  # the nearest second, not cut down


COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_all_time_has_no_start() -> None:
    assert period_start(Period.ALL, utc(2026, 3, 1), COPENHAGEN) is None


def test_week_starts_monday_local_midnight() -> None:
    # Sunday 2026-03-01 22:30 UTC is Sunday 23:30 in Copenhagen: the week began Mon 23 Feb.
    assert period_start(Period.WEEK, utc(2026, 3, 1, 22, 30), COPENHAGEN) == utc(2026, 2, 22, 23)
    # 23:30 UTC is already Monday 00:30 local: a new week.
    assert period_start(Period.WEEK, utc(2026, 3, 1, 23, 30), COPENHAGEN) == utc(2026, 3, 1, 23)


def test_month_boundary_is_local() -> None:
    # 2026-02-28 23:30 UTC is 1 March 00:30 in Copenhagen.
    assert period_start(Period.MONTH, utc(2026, 2, 28, 23, 30), COPENHAGEN) == utc(2026, 2, 28, 23)
    assert period_start(Period.MONTH, utc(2026, 2, 28, 22, 30), COPENHAGEN) == utc(2026, 1, 31, 23)


def test_week_across_the_spring_dst_change() -> None:
    # DST starts Sunday 2026-03-29 in Europe: the week began Monday 23 March at 00:00 CET
    # (23:00 UTC), even when asked on the Sunday after the change (CEST, UTC+2).
    assert period_start(Period.WEEK, utc(2026, 3, 29, 12), COPENHAGEN) == utc(2026, 3, 22, 23)
    # The next week starts Monday 30 March 00:00 CEST = 22:00 UTC.
    assert period_start(Period.WEEK, utc(2026, 3, 29, 22, 0), COPENHAGEN) == utc(2026, 3, 29, 22)


def test_month_across_the_autumn_dst_change() -> None:
    # October 2026 starts in CEST (UTC+2); asked after the change (CET) on 31 Oct.
    assert period_start(Period.MONTH, utc(2026, 10, 31, 12), COPENHAGEN) == utc(2026, 9, 30, 22)
    # November starts in CET (UTC+1).
    assert period_start(Period.MONTH, utc(2026, 11, 2), COPENHAGEN) == utc(2026, 10, 31, 23)


def test_a_midnight_that_does_not_exist() -> None:
    # Santiago skips 00:00-01:00 on 2026-09-06: the day starts at 01:00 local (04:00 UTC).
    santiago = ZoneInfo("America/Santiago")
    start = period_start(Period.WEEK, utc(2026, 9, 8, 12), santiago)
    assert start == utc(2026, 9, 7, 3)
    assert start is not None and start.tzinfo is UTC


@pytest.mark.parametrize("period", [Period.WEEK, Period.MONTH])
@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis draws naive values
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    )
)
def test_period_start_is_at_or_before_now_and_local_midnight(
    period: Period, moment: datetime
) -> None:
    now = moment.replace(tzinfo=UTC)
    start = period_start(period, now, COPENHAGEN)
    assert start is not None
    assert start <= now
    local = start.astimezone(COPENHAGEN)
    assert (local.hour, local.minute) == (0, 0)
    assert local.weekday() == 0 if period is Period.WEEK else local.day == 1


def test_the_camera_core_imports_only_the_standard_library() -> None:
    import ast
    import sys
    from pathlib import Path

    import tgraph_bot.core.camera as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    assert names
    for name in names:
        top = name.split(".")[0]
        assert top in sys.stdlib_module_names or name.startswith("tgraph_bot.core"), name
