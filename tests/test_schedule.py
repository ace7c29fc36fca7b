"""core/schedule.next_run: pure, including daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tgraph_bot.core.schedule import (
    YEARLY_GRACE,
    next_run,
    parse_fixed_time,
    parse_month_day,
    seconds_until,
    yearly,
)

CPH = ZoneInfo("Europe/Copenhagen")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_never_posted_is_due_now() -> None:
    now = utc(2026, 3, 1, 12)
    assert next_run(None, now, 7, time(9, 0), CPH) == now


def test_without_fixed_time_adds_update_days() -> None:
    last = utc(2026, 3, 1, 12, 34)
    assert next_run(last, utc(2026, 3, 2), 7, None, UTC) == utc(2026, 3, 8, 12, 34)


def test_fixed_time_is_local_wall_clock() -> None:
    last = utc(2026, 1, 10, 8, 0)  # 09:00 in Copenhagen (UTC+1)
    assert next_run(last, utc(2026, 1, 11), 1, time(9, 0), CPH) == utc(2026, 1, 11, 8, 0)


def test_fixed_time_across_spring_forward_keeps_local_time() -> None:
    # 2026-03-29: Copenhagen goes from UTC+1 to UTC+2.
    last = utc(2026, 3, 28, 8, 0)  # 09:00 local
    nxt = next_run(last, utc(2026, 3, 28, 9), 1, time(9, 0), CPH)
    assert nxt == utc(2026, 3, 29, 7, 0)
    assert nxt.astimezone(CPH).hour == 9


def test_fixed_time_across_fall_back_keeps_local_time() -> None:
    # 2026-10-25: Copenhagen goes from UTC+2 to UTC+1.
    last = utc(2026, 10, 24, 7, 0)  # 09:00 local
    nxt = next_run(last, utc(2026, 10, 24, 8), 1, time(9, 0), CPH)
    assert nxt == utc(2026, 10, 25, 8, 0)


def test_fixed_time_in_the_spring_gap_is_moved_past_it() -> None:
    last = utc(2026, 3, 28, 1, 30)  # 02:30 local
    nxt = next_run(last, utc(2026, 3, 28, 2), 1, time(2, 30), CPH)
    # 02:30 does not exist on 29 March; the post happens at 03:30 local (01:30 UTC).
    assert nxt == utc(2026, 3, 29, 1, 30)
    assert nxt.astimezone(CPH).hour == 3


def test_fixed_time_ambiguous_is_the_first_occurrence() -> None:
    last = utc(2026, 10, 24, 0, 30)  # 02:30 local (UTC+2)
    nxt = next_run(last, utc(2026, 10, 24, 1), 1, time(2, 30), CPH)
    assert nxt == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, before the clocks go back


def test_missed_post_is_overdue_once() -> None:
    last = utc(2026, 1, 1, 8)
    now = utc(2026, 2, 1, 8)  # the bot was down for a month
    due = next_run(last, now, 7, time(9, 0), CPH)
    assert seconds_until(due, now) == 0
    # After the catch-up post, the next one is a full period later, not again at once.
    assert next_run(now, now, 7, time(9, 0), CPH) == utc(2026, 2, 8, 8)


def test_restart_does_not_repost_or_skip() -> None:
    last = utc(2026, 5, 1, 7)  # 09:00 CEST
    for hours in (0, 1, 24, 100):
        now = last + timedelta(hours=hours)
        assert next_run(last, now, 7, time(9, 0), CPH) == utc(2026, 5, 8, 7)


def test_parse_fixed_time() -> None:
    assert parse_fixed_time("XX:XX") is None
    assert parse_fixed_time("07:05") == time(7, 5)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_run(None, datetime(2026, 1, 1), 1, None, UTC)  # noqa: DTZ001


@given(
    last=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2090, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    days=st.integers(min_value=1, max_value=365),
    hour=st.integers(min_value=0, max_value=23),
    minute=st.integers(min_value=0, max_value=59),
)
def test_next_run_is_after_last_post_and_on_the_right_local_day(
    last: datetime, days: int, hour: int, minute: int
) -> None:
    nxt = next_run(last, last, days, time(hour, minute), CPH)
    local_day = last.astimezone(CPH).date() + timedelta(days=days)
    assert nxt.astimezone(CPH).date() == local_day
    assert nxt > last


def test_every_is_due_an_interval_after_the_last_run_and_at_once_when_never_run() -> None:
    from tgraph_bot.core.schedule import every

    now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    policy = every(timedelta(hours=6))
    assert policy(None, now) == now
    assert policy(now - timedelta(hours=1), now) == now + timedelta(hours=5)
    with pytest.raises(ValueError, match="aware"):
        policy(None, now.replace(tzinfo=None))
    with pytest.raises(ValueError, match="positive"):
        every(timedelta(0))


def test_backoff_doubles_from_its_base_up_to_its_cap() -> None:
    from tgraph_bot.core.schedule import Backoff

    assert [Backoff().delay(n) for n in (1, 2, 3, 10)] == [30, 60, 120, 1800]
    assert [Backoff(base=1, cap=5).delay(n) for n in (0, 1, 2, 3, 4)] == [1, 1, 2, 4, 5]


COPENHAGEN = ZoneInfo("Europe/Copenhagen")
WRAPPED_AT = yearly((12, 1), time(12, 0), COPENHAGEN)
DEC_1 = datetime(2026, 12, 1, 11, tzinfo=UTC)  # 12:00 in Copenhagen


def test_yearly_is_due_on_its_day_at_the_local_time_and_then_a_year_later() -> None:
    assert WRAPPED_AT(None, datetime(2026, 11, 20, tzinfo=UTC)) == DEC_1
    assert WRAPPED_AT(None, DEC_1) == DEC_1  # due now
    after = DEC_1 + timedelta(minutes=5)
    assert WRAPPED_AT(after, after) == datetime(2027, 12, 1, 11, tzinfo=UTC)


def test_yearly_late_start_within_the_grace_runs_once_and_never_twice_a_year() -> None:
    late = DEC_1 + timedelta(days=2, hours=20)  # the bot was down for the day
    assert WRAPPED_AT(datetime(2025, 12, 1, 11, tzinfo=UTC), late) == DEC_1  # overdue: run
    assert WRAPPED_AT(late, late + timedelta(hours=1)) == datetime(2027, 12, 1, 11, tzinfo=UTC)
    # A restart after that run, or the date moved a few days on, does not run it again.
    moved = yearly((12, 5), time(12, 0), COPENHAGEN)
    assert moved(late, datetime(2026, 12, 5, 13, tzinfo=UTC)) == datetime(
        2027, 12, 5, 11, tzinfo=UTC
    )


def test_yearly_missed_by_more_than_the_grace_waits_for_next_year() -> None:
    too_late = DEC_1 + YEARLY_GRACE + timedelta(minutes=1)
    assert WRAPPED_AT(None, too_late) == datetime(2027, 12, 1, 11, tzinfo=UTC)
    new_year = yearly((1, 1), time(9, 0), COPENHAGEN)  # last year's run counts for last year
    ran = datetime(2026, 1, 1, 8, tzinfo=UTC)
    assert new_year(ran, datetime(2027, 1, 1, 8, tzinfo=UTC)) == datetime(2027, 1, 1, 8, tzinfo=UTC)


def test_yearly_without_a_date_is_off_and_parse_month_day() -> None:
    assert yearly(None, time(12, 0), UTC)(None, DEC_1) is None
    assert parse_month_day("12-01") == (12, 1) and parse_month_day("") is None
