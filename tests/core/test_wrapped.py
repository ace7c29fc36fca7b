"""The recap's arithmetic on hand-made sessions: what each number counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from tgraph_bot.core.history import MediaType, Play, Window, pack_days
from tgraph_bot.core.wrapped import BINGE_GAP_SECONDS, Totals, recap

YEAR = Window(date(2026, 1, 1), date(2026, 12, 31))
BASE = Play(
    row_id=0,
    reference_id=0,
    user_id=1,
    user_name="Ann",
    started=0,
    stopped=0,
    paused_seconds=0,
    media_type="movie",
    rating_key=None,
    grandparent_rating_key=None,
    title="",
    parent_title="",
    grandparent_title="",
    year=None,
    platform="Android",
    player="Pixel",
    transcode_decision="direct play",
    percent_complete=100,
)


def at(day: date, hour: int = 20, minute: int = 0) -> int:
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).timestamp())


def play(
    row_id: int,
    started: int,
    seconds: int,
    *,
    media: MediaType = "movie",
    title: str = "Film",
    show: str = "",
    key: int | None = None,
    reference: int | None = None,
    paused: int = 0,
    closed: bool = True,
    user: int = 1,
    decision: str = "direct play",
) -> Play:
    return replace(
        BASE,
        row_id=row_id,
        reference_id=reference or row_id,
        user_id=user,
        started=started,
        stopped=started + seconds + paused if closed else 0,
        paused_seconds=paused,
        media_type=media,
        rating_key=key or row_id,
        grandparent_rating_key=hash(show) % 1000 if show else None,
        title=title,
        grandparent_title=show,
        transcode_decision=decision,
    )


def test_a_resumed_session_is_one_play_with_both_parts_time_and_pauses_excluded() -> None:
    day = date(2026, 3, 1)
    rows = [
        play(1, at(day, 20), 1800, reference=1, paused=300, key=7),
        play(2, at(day, 21), 1200, reference=1, key=7),
        play(3, at(day, 22), 600, closed=False),  # never closed: a play, no time
    ]
    found = recap(rows, YEAR, "UTC")
    assert (found.plays, found.duration_seconds, found.never_closed) == (2, 3000, 1)
    assert (found.top_movies[0].plays, found.top_movies[0].duration_seconds) == (1, 3000)
    assert found.by_media_type["movie"] == Totals(2, 3000)


def test_streak_binge_biggest_day_and_peaks_in_the_time_zone() -> None:
    # 23:30 UTC on Mondays is 00:30 on Tuesdays in Copenhagen (winter, UTC+1).
    days = [date(2026, 1, d) for d in (5, 6, 7, 9)]  # a 3-day streak (5-7), then the 9th
    rows = [play(i, at(d, 23, 30), 100) for i, d in enumerate(days, 1)]
    binge_start = at(date(2026, 2, 2), 12)
    episodes = [
        play(10 + i, binge_start + i * (1500 + 600), 1500, media="episode", show="Show", key=50 + i)
        for i in range(4)
    ]
    late = play(20, binge_start + 4 * 2100 + BINGE_GAP_SECONDS, 1500, media="episode", show="Show")
    found = recap([*rows, *episodes, late], YEAR, "Europe/Copenhagen")
    assert (found.longest_streak.days, found.longest_streak.first) == (3, date(2026, 1, 6))
    assert found.longest_binge is not None and found.longest_binge.episodes == 4
    assert found.biggest_day is not None and found.biggest_day.day == date(2026, 2, 2)
    assert found.biggest_day.plays == 5
    assert found.peak_hour == 0  # the four 23:30 UTC plays, 00:30 in Copenhagen
    assert found.top_shows[0].title == "Show" and found.top_shows[0].plays == 5


def test_the_percentile_is_the_share_of_other_members_with_fewer_plays() -> None:
    rows = [play(1, at(date(2026, 5, 1)), 60)]
    found = recap(rows, YEAR, "UTC", plays_by_user={1: 10, 2: 3, 3: 9, 4: 12, 5: 0}, user_id=1)
    assert found.percentile == 3 / 4  # more than 2, 3 and 5; fewer than 4
    alone = recap(rows, YEAR, "UTC", plays_by_user={1: 1}, user_id=1)
    assert alone.percentile is None  # no one to compare with: no percentile is made up


def test_ties_rank_by_time_then_title_and_months_cover_the_window() -> None:
    day = date(2026, 4, 2)
    rows = [
        play(1, at(day), 100, title="B", key=1),
        play(2, at(day), 300, title="A", key=2),
        play(3, at(day), 300, title="C", key=3),
    ]
    found = recap(rows, Window(date(2026, 3, 15), date(2026, 5, 2)), "UTC")
    assert [r.title for r in found.top_movies] == ["A", "C", "B"]
    assert [m for m, _ in found.months] == ["2026-03", "2026-04", "2026-05"]
    assert [t.plays for _, t in found.months] == [0, 3, 0]
    assert recap([], YEAR, "UTC").biggest_day is None


def test_days_are_packed_into_bounded_windows_newest_first_leaving_no_day_out() -> None:
    first = date(2026, 3, 1)
    per_day = {first + timedelta(days=i): n for i, n in enumerate([5, 0, 7, 30, 2, 2, 9])}
    windows = pack_days(per_day, 10)
    assert [(w.after.day, w.before.day) for w in windows] == [
        (7, 7),
        (5, 6),
        (4, 4),
        (2, 3),
        (1, 1),
    ]
    assert pack_days({}, 10) == []
