"""Wrapped: a member's (or the server's) year, read from the play-history mirror.

The windows are calendar days in TIMEZONE (Tautulli's): a year is 1 January to 31 December
(to today while the year runs), "last N days" ends today. ``wrapped.json`` is the recap as
numbers, for people and programs that cannot read a picture, with the meaning of each one
fixed in :mod:`tgraph_bot.core.wrapped`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path

from tgraph_bot.core.history import MEDIA_TYPES, Window
from tgraph_bot.core.ids import MemberId
from tgraph_bot.core.wrapped import Ranked, Recap, recap
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import Translator
from tgraph_bot.services.history import HistoryMirror
from tgraph_bot.services.wrapped_cards import Story, story_cards


def year_window(year: int, today: date) -> Window:
    """A calendar year, cut at today while it runs."""
    return Window(date(year, 1, 1), min(date(year, 12, 31), today))


def days_window(days: int, today: date) -> Window:
    """The last ``days`` days, today included."""
    return Window(today - timedelta(days=max(1, days) - 1), today)


def month_window(today: date) -> Window:
    """This month so far."""
    return Window(today.replace(day=1), today)


class WrappedService:
    def __init__(self, mirror: HistoryMirror) -> None:
        self.mirror = mirror

    async def member(self, user_id: int, window: Window) -> Recap:
        rows = await self.mirror.rows(window, user_id)
        everyone = await self.mirror.plays_by_user(window)
        return recap(rows, window, self.mirror.timezone(), plays_by_user=everyone, user_id=user_id)

    async def server(self, window: Window) -> Recap:
        rows = await self.mirror.rows(window)
        return recap(rows, window, self.mirror.timezone())

    async def leaderboard(self, window: Window, top: int = 5) -> list[tuple[int, int]]:
        """The users with the most plays in the window: (Tautulli user, plays)."""
        everyone = await self.mirror.plays_by_user(window)
        return sorted(everyone.items(), key=lambda item: (-item[1], item[0]))[:top]

    async def freshness(self) -> datetime | None:
        """When the mirror last heard from Tautulli (said beside a recap made without it)."""
        return await self.mirror.store.synced_at()


async def leaderboard_names(
    service: WrappedService,
    window: Window,
    named: Mapping[int, MemberId],
    name_of: Callable[[MemberId], Awaitable[str | None]],
    tr: Translator,
) -> list[tuple[str, int]]:
    """The server's most active, as its story shows them: the name of a member who said yes
    (``named``: Tautulli user -> member, services.my_stats.named_members), "a member" for
    everyone else (and for a member no longer in the server)."""
    board: list[tuple[str, int]] = []
    for user_id, plays in await service.leaderboard(window):
        member = named.get(user_id)
        name = None if member is None else await name_of(member)
        board.append((name or tr._("a member"), plays))
    return board


def _ranked(items: tuple[Ranked, ...]) -> list[dict[str, str | int]]:
    return [
        {"title": r.title, "plays": r.plays, "duration_seconds": r.duration_seconds}
        | ({"artist": r.detail} if r.detail else {})
        for r in items
    ]


def wrapped_document(
    found: Recap, *, user_id: int | None, synced_at: datetime | None
) -> dict[str, object]:
    """``wrapped.json``: plays and duration_seconds mean what Tautulli's get_history counts
    for the same user and window (grouped plays; time played, pauses excluded)."""
    return {
        "user_id": user_id,
        "window": {
            "after": found.window.after.isoformat(),
            "before": found.window.before.isoformat(),
        },
        "timezone": found.timezone,
        "plays": found.plays,
        "duration_seconds": found.duration_seconds,
        "by_media_type": {media: asdict(found.by_media_type[media]) for media in MEDIA_TYPES},
        "top": {
            "shows": _ranked(found.top_shows),
            "movies": _ranked(found.top_movies),
            "artists": _ranked(found.top_artists),
            "albums": _ranked(found.top_albums),
            "tracks": _ranked(found.top_tracks),
        },
        "biggest_day": None
        if found.biggest_day is None
        else {
            "day": found.biggest_day.day.isoformat(),
            "plays": found.biggest_day.plays,
            "duration_seconds": found.biggest_day.duration_seconds,
        },
        "longest_streak_days": found.longest_streak.days,
        "longest_binge": None
        if found.longest_binge is None
        else {
            "show": found.longest_binge.show,
            "episodes": found.longest_binge.episodes,
            "started": found.longest_binge.started.isoformat(),
        },
        "peak_hour": found.peak_hour,
        "peak_weekday": found.peak_weekday,
        "first_play": None
        if found.first_play is None
        else {
            "title": found.first_play.title,
            "media_type": found.first_play.media_type,
            "started": found.first_play.started.isoformat(),
        },
        "devices": _ranked(found.devices),
        "stream_types": dict(found.stream_types),
        "months": [{"month": m, **asdict(t)} for m, t in found.months],
        "never_closed_sessions": found.never_closed,
        "members": found.members,
        "percentile": None if found.percentile is None else round(found.percentile * 100, 1),
        "history_synced_at": None if synced_at is None else synced_at.isoformat(),
    }


async def render_story(
    found: Recap, story: Story, tr: Translator, theme: Theme, out_dir: Path, renderer: Renderer
) -> list[Path]:
    """Draw a recap's cards in the graph workers; the PNGs in the order they are shown."""
    await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
    jobs = story_cards(found, story, tr, theme, out_dir)
    return list(await asyncio.gather(*(renderer.render(job) for job in jobs)))


__all__ = [
    "WrappedService",
    "days_window",
    "leaderboard_names",
    "month_window",
    "render_story",
    "wrapped_document",
    "year_window",
]
