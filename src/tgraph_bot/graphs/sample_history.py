"""A synthetic play history in the shape of Tautulli's ``get_history`` rows (grouping=0): the
demo's Wrapped is drawn from it, and the tests' fake Tautulli serves it.

Deterministic for a seed: a few users, movies, episodes of shows, music tracks and live TV,
sessions that were resumed (several rows, one ``reference_id``), and a few Tautulli never
closed (``stopped`` 0), spread over the days given, in the server's local time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

USERS = ((101, "Ann"), (102, "Bob"), (103, "Cleo"), (104, "Dev"))
SHOWS = ("Frozen Witness", "Harbour Lights", "The Long Field")
MOVIES = ("The Electric Orchestra", "Night Train", "Paper Moons", "Quiet Hours", "Red Coast")
ARTISTS = (("Miles Davis", "Kind of Blue"), ("Nina Simone", "Pastel Blues"), ("Bach", "Partitas"))
PLATFORMS = (("Android", "Pixel 8"), ("tvOS", "Apple TV"), ("Chrome", "Chrome"))
DECISIONS = ("direct play", "direct play", "copy", "transcode")


def history(
    first: date,
    last: date,
    *,
    per_day: int = 6,
    seed: int = 7,
    timezone: str = "UTC",
) -> list[dict[str, Any]]:
    """Rows for every day from ``first`` to ``last``, oldest first, ids rising with time."""
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    rows: list[dict[str, Any]] = []
    day = first
    while day <= last:
        for _ in range(rng.randint(0, per_day * 2)):
            user_id, user = rng.choice(USERS)
            start = datetime.combine(day, time(0), zone) + timedelta(seconds=rng.randint(0, 86399))
            rows.extend(_session(rng, len(rows) + 1, user_id, user, int(start.timestamp())))
        day += timedelta(days=1)
    rows.sort(key=lambda r: (r["started"], r["row_id"]))
    return rows


@dataclass(frozen=True, slots=True)
class _Item:
    title: str
    parent_title: str
    grandparent_title: str
    length: int
    rating_key: int
    grandparent_rating_key: int | None


def _session(
    rng: random.Random, next_id: int, user_id: int, user: str, started: int
) -> list[dict[str, Any]]:
    kind = rng.choices(("episode", "movie", "track", "live"), (5, 2, 4, 1))[0]
    if kind == "episode":
        show = rng.choice(SHOWS)
        season, episode = rng.randint(1, 3), rng.randint(1, 10)
        item = _Item(
            title=f"Episode {episode}",
            parent_title=f"Season {season}",
            grandparent_title=show,
            length=rng.randint(1500, 3300),
            rating_key=1000 + SHOWS.index(show) * 100 + season * 10 + episode,
            grandparent_rating_key=900 + SHOWS.index(show),
        )
    elif kind == "track":
        artist, album = rng.choice(ARTISTS)
        number = rng.randint(1, 9)
        item = _Item(
            title=f"Track {number}",
            parent_title=album,
            grandparent_title=artist,
            length=rng.randint(150, 420),
            rating_key=5000 + ARTISTS.index((artist, album)) * 100 + number,
            grandparent_rating_key=4900 + ARTISTS.index((artist, album)),
        )
    else:
        title = rng.choice(MOVIES) if kind == "movie" else "News at Nine"
        item = _Item(
            title=title,
            parent_title="",
            grandparent_title="",
            length=rng.randint(5000, 8000),
            rating_key=3000 + (MOVIES.index(title) if kind == "movie" else 99),
            grandparent_rating_key=None,
        )
    platform, player = rng.choice(PLATFORMS)
    decision = rng.choice(DECISIONS)
    parts = 2 if rng.random() < 0.08 else 1  # resumed once: two rows, one play
    rows: list[dict[str, Any]] = []
    at = started
    for part in range(parts):
        watched = int(item.length / parts * rng.uniform(0.5, 1.0))
        paused = rng.choice((0, 0, 0, 30, 120))
        closed = rng.random() > 0.01
        rows.append(
            {
                "reference_id": next_id,
                "row_id": next_id + part,
                "id": next_id + part,
                "started": at,
                "stopped": at + watched + paused if closed else 0,
                "paused_counter": paused,
                "user_id": user_id,
                "user": user.lower(),
                "friendly_name": user,
                "platform": platform,
                "player": player,
                "product": "Plex",
                "live": 1 if kind == "live" else 0,
                "media_type": "episode" if kind == "live" else kind,
                "rating_key": item.rating_key,
                "grandparent_rating_key": item.grandparent_rating_key,
                "title": item.title,
                "parent_title": item.parent_title,
                "grandparent_title": item.grandparent_title,
                "full_title": item.title,
                "year": 2020,
                "transcode_decision": decision,
                "percent_complete": min(100, round(100 * watched / item.length)),
                "group_count": parts,
            }
        )
        at += watched + paused + rng.randint(60, 1800)
    return rows


__all__ = ["USERS", "history"]
