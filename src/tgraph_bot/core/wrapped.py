"""A member's (or the server's) year in plays: pure arithmetic over the mirror's rows.

Every number counts what :mod:`tgraph_bot.core.history` defines: a *play* is one group of
resumed sessions (Tautulli's ``reference_id``, what its history page counts), *time* is
Tautulli's time played (stopped - started - paused; nothing for a session Tautulli never
closed, and those are counted apart for a footnote). Days, hours and weekdays are in the
time zone given, which the caller names on every card.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tgraph_bot.core.history import MEDIA_TYPES, MediaType, Play, Window, seconds_played

TOP = 5
BINGE_GAP_SECONDS = 3600
"""Episodes of one show belong to one binge while each starts within this long of the end
of the one before."""


@dataclass(frozen=True, slots=True)
class Totals:
    plays: int
    duration_seconds: int


@dataclass(frozen=True, slots=True)
class Ranked:
    """A title (show, movie, artist, album, track, device) and what was played of it."""

    title: str
    plays: int
    duration_seconds: int
    detail: str = ""  # an album's or a track's artist


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    plays: int
    duration_seconds: int


@dataclass(frozen=True, slots=True)
class Streak:
    days: int
    first: date | None
    last: date | None


@dataclass(frozen=True, slots=True)
class Binge:
    show: str
    episodes: int
    started: datetime  # in the recap's time zone
    duration_seconds: int


@dataclass(frozen=True, slots=True)
class FirstPlay:
    title: str
    media_type: MediaType
    started: datetime  # in the recap's time zone


@dataclass(frozen=True, slots=True)
class Recap:
    window: Window
    timezone: str
    plays: int
    duration_seconds: int
    by_media_type: Mapping[MediaType, Totals]
    top_shows: tuple[Ranked, ...]
    top_movies: tuple[Ranked, ...]
    top_artists: tuple[Ranked, ...]
    top_albums: tuple[Ranked, ...]
    top_tracks: tuple[Ranked, ...]
    biggest_day: Day | None
    longest_streak: Streak
    longest_binge: Binge | None
    peak_hour: int | None  # 0-23, by plays started in that hour
    peak_weekday: int | None  # 0 = Monday
    first_play: FirstPlay | None
    devices: tuple[Ranked, ...]
    stream_types: Mapping[str, int]  # plays: "direct play", "direct stream", "transcode"
    months: tuple[tuple[str, Totals], ...]  # every month of the window, "YYYY-MM", in order
    never_closed: int  # sessions Tautulli never closed: plays, with no time counted
    members: int  # users with at least one play in the window (the server's)
    percentile: float | None = None  # of a member: share of the others with fewer plays


@dataclass(frozen=True, slots=True)
class _Play:
    """One play: its sessions (resumed ones share a reference_id) taken together."""

    first: Play
    seconds: int
    started: datetime  # the first session's start, in the recap's zone


def _plays(rows: Iterable[Play], zone: ZoneInfo) -> list[_Play]:
    groups: dict[int, list[Play]] = defaultdict(list)
    for row in rows:
        groups[row.reference_id].append(row)
    out: list[_Play] = []
    for sessions in groups.values():
        first = min(sessions, key=lambda r: (r.started, r.row_id))
        when = datetime.fromtimestamp(first.started, UTC).astimezone(zone)
        out.append(_Play(first, sum(seconds_played(r) for r in sessions), when))
    out.sort(key=lambda p: (p.started, p.first.row_id))
    return out


def _ranked(
    plays: Sequence[_Play],
    key: Callable[[Play], Hashable | None],
    title: Callable[[Play], str],
    detail: Callable[[Play], str] = lambda _: "",
    limit: int = TOP,
) -> tuple[Ranked, ...]:
    """The most played, by plays then time then title; a play whose key is None is left out."""
    counted: dict[Hashable, list[_Play]] = defaultdict(list)
    for play in plays:
        k = key(play.first)
        if k is not None:
            counted[k].append(play)
    ranked = [
        Ranked(title(ps[0].first), len(ps), sum(p.seconds for p in ps), detail(ps[0].first))
        for ps in counted.values()
    ]
    ranked.sort(key=lambda r: (-r.plays, -r.duration_seconds, r.title.casefold()))
    return tuple(ranked[:limit])


def _parent_of(media: MediaType) -> Callable[[Play], Hashable | None]:
    """A show (of an episode) or an artist (of a track): the key its plays are added up by."""

    def key(row: Play) -> Hashable | None:
        if row.media_type != media:
            return None
        return row.grandparent_rating_key or row.grandparent_title

    return key


def _streak(days: Iterable[date]) -> Streak:
    best = Streak(0, None, None)
    run_first: date | None = None
    previous: date | None = None
    for day in sorted(set(days)):
        if previous is None or day - previous != timedelta(days=1):
            run_first = day
        assert run_first is not None
        length = (day - run_first).days + 1
        if length > best.days:
            best = Streak(length, run_first, day)
        previous = day
    return best


def _binge(plays: Sequence[_Play], zone: ZoneInfo) -> Binge | None:
    """The most episodes of one show watched back to back (gaps under an hour)."""
    best: Binge | None = None
    by_show: dict[int | str, list[_Play]] = defaultdict(list)
    for play in plays:
        if play.first.media_type == "episode":
            show = play.first.grandparent_rating_key or play.first.grandparent_title
            by_show[show].append(play)
    for episodes in by_show.values():
        run: list[_Play] = []
        for play in episodes:  # already in time order
            if run:
                last = run[-1].first
                end = last.stopped if last.closed else last.started
                if play.first.started - end >= BINGE_GAP_SECONDS:
                    best = _better(best, run, zone)
                    run = []
            run.append(play)
        best = _better(best, run, zone)
    return best


def _better(best: Binge | None, run: list[_Play], zone: ZoneInfo) -> Binge | None:
    distinct = len({p.first.rating_key or p.first.row_id for p in run})
    if distinct < 2 or (best is not None and distinct <= best.episodes):
        return best
    first = run[0]
    return Binge(
        first.first.grandparent_title,
        distinct,
        first.started.astimezone(zone),
        sum(p.seconds for p in run),
    )


def _months(window: Window) -> list[str]:
    months: list[str] = []
    day = window.after.replace(day=1)
    while day <= window.before:
        months.append(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


STREAM_TYPES = {"direct play": "direct play", "copy": "direct stream", "transcode": "transcode"}


def recap(
    rows: Iterable[Play],
    window: Window,
    timezone: str,
    *,
    plays_by_user: Mapping[int, int] | None = None,
    user_id: int | None = None,
) -> Recap:
    """The recap of ``rows`` (one member's, or the whole server's) over ``window``.

    ``plays_by_user`` (every user's plays in the window) gives the member's percentile:
    the share of the other members with fewer plays than them.
    """
    zone = ZoneInfo(timezone)
    rows = list(rows)
    plays = _plays(rows, zone)
    by_type: dict[MediaType, Totals] = {
        media: Totals(
            sum(1 for p in plays if p.first.media_type == media),
            sum(p.seconds for p in plays if p.first.media_type == media),
        )
        for media in MEDIA_TYPES
    }
    days: dict[date, list[_Play]] = defaultdict(list)
    for play in plays:
        days[play.started.date()].append(play)
    biggest = max(
        (Day(d, len(ps), sum(p.seconds for p in ps)) for d, ps in days.items()),
        key=lambda d: (d.plays, d.duration_seconds, -d.day.toordinal()),
        default=None,
    )
    hours = Counter(p.started.hour for p in plays)
    weekdays = Counter(p.started.weekday() for p in plays)
    month_totals: dict[str, list[_Play]] = defaultdict(list)
    for play in plays:
        month_totals[play.started.strftime("%Y-%m")].append(play)
    first = plays[0] if plays else None
    users = plays_by_user if plays_by_user is not None else Counter(p.first.user_id for p in plays)
    percentile = None
    if user_id is not None and plays_by_user is not None:
        others = [n for uid, n in plays_by_user.items() if uid != user_id]
        mine = plays_by_user.get(user_id, 0)
        percentile = (sum(1 for n in others if n < mine) / len(others)) if others else None
    return Recap(
        window=window,
        timezone=timezone,
        plays=len(plays),
        duration_seconds=sum(p.seconds for p in plays),
        by_media_type=by_type,
        top_shows=_ranked(
            plays,
            _parent_of("episode"),
            lambda r: r.grandparent_title,
        ),
        top_movies=_ranked(
            plays,
            lambda r: (r.rating_key or r.title) if r.media_type == "movie" else None,
            lambda r: r.title,
        ),
        top_artists=_ranked(
            plays,
            _parent_of("track"),
            lambda r: r.grandparent_title,
        ),
        top_albums=_ranked(
            plays,
            lambda r: (r.grandparent_title, r.parent_title) if r.media_type == "track" else None,
            lambda r: r.parent_title,
            lambda r: r.grandparent_title,
        ),
        top_tracks=_ranked(
            plays,
            lambda r: (
                (r.rating_key or (r.grandparent_title, r.title))
                if r.media_type == "track"
                else None
            ),
            lambda r: r.title,
            lambda r: r.grandparent_title,
        ),
        biggest_day=biggest,
        longest_streak=_streak(days),
        longest_binge=_binge(plays, zone),
        peak_hour=max(hours, key=lambda h: (hours[h], -h)) if hours else None,
        peak_weekday=max(weekdays, key=lambda d: (weekdays[d], -d)) if weekdays else None,
        first_play=None
        if first is None
        else FirstPlay(_name(first.first), first.first.media_type, first.started),
        devices=_ranked(plays, lambda r: r.player or r.platform, lambda r: r.player or r.platform),
        stream_types={
            label: sum(1 for p in plays if p.first.transcode_decision == decision)
            for decision, label in STREAM_TYPES.items()
        },
        months=tuple(
            (m, Totals(len(month_totals[m]), sum(p.seconds for p in month_totals[m])))
            for m in _months(window)
        ),
        never_closed=sum(1 for r in rows if not r.closed),
        members=sum(1 for n in users.values() if n > 0),
        percentile=percentile,
    )


def _name(row: Play) -> str:
    """What a play is called: "Show – Episode", "Artist – Track", or the title."""
    if row.media_type in ("episode", "track") and row.grandparent_title:
        return f"{row.grandparent_title} – {row.title}"
    return row.title


__all__ = [
    "BINGE_GAP_SECONDS",
    "STREAM_TYPES",
    "TOP",
    "Binge",
    "Day",
    "FirstPlay",
    "Ranked",
    "Recap",
    "Streak",
    "Totals",
    "recap",
]
