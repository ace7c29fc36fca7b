"""The play history as the mirror keeps it, and the plan of what to ask Tautulli for.

Pure: the rows are Tautulli's ``get_history`` rows with ``grouping=0`` (one per session);
the windows are inclusive calendar days, as ``after``/``before`` take them. What "a play"
and "time played" mean is defined here once, exactly as Tautulli's own history page and
``get_history`` count them (see :func:`plays` and :func:`seconds_played`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, cast

MediaType = Literal["movie", "episode", "track", "live"]
MEDIA_TYPES: tuple[MediaType, ...] = ("movie", "episode", "track", "live")

RESYNC_DAYS = 2
"""An incremental sync asks again from this many days before the last day it synced: rows
are written when a session stops, so a play started yesterday may appear only today."""


@dataclass(frozen=True, slots=True)
class Play:
    """One session of Tautulli's history (``get_history``, ``grouping=0``)."""

    row_id: int
    reference_id: int  # resumed sessions share it: Tautulli counts them as one play
    user_id: int
    user_name: str
    started: int  # Unix seconds
    stopped: int  # 0 when Tautulli never closed the session
    paused_seconds: int
    media_type: MediaType
    rating_key: int | None
    grandparent_rating_key: int | None
    title: str
    parent_title: str  # a track's album, an episode's season
    grandparent_title: str  # a track's artist, an episode's show
    year: int | None
    platform: str
    player: str
    transcode_decision: str  # "direct play", "copy" (direct stream) or "transcode"
    percent_complete: int

    @property
    def closed(self) -> bool:
        return self.stopped > 0


def seconds_played(play: Play) -> int:
    """Tautulli's own measure: stopped - started, less the pauses; nothing for a session it
    never closed (it cannot know how long that one ran)."""
    if not play.closed:
        return 0
    return play.stopped - play.started - play.paused_seconds


def plays(rows: Iterable[Play]) -> int:
    """Plays as Tautulli's history counts them (its default grouping): resumed sessions of
    one item are one play. Equal to ``recordsFiltered`` of ``get_history`` with
    ``grouping=1`` over the same rows."""
    return len({row.reference_id for row in rows})


@dataclass(frozen=True, slots=True)
class HistoryAnswer:
    """One window of ``get_history``: Tautulli's count of its rows, and the rows asked for."""

    records_filtered: int  # the window's sessions (grouping=0)
    records_total: int  # every session Tautulli has, whatever the window
    rows: list[Play]


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


ROW_FIELDS = frozenset(
    {
        "row_id",
        "id",
        "reference_id",
        "user_id",
        "friendly_name",
        "user",
        "started",
        "stopped",
        "paused_counter",
        "live",
        "media_type",
        "rating_key",
        "grandparent_rating_key",
        "title",
        "parent_title",
        "grandparent_title",
        "year",
        "platform",
        "player",
        "transcode_decision",
        "percent_complete",
    }
)
"""The fields of a ``get_history`` row that :func:`parse_play` reads (of about sixty)."""


def slim_row(obj: dict[str, Any]) -> dict[str, Any]:
    """A ``json.loads`` object hook: a history row keeps only :data:`ROW_FIELDS`, so a
    window of thousands of rows is never held whole in memory; any other object is kept."""
    if "started" not in obj or "user_id" not in obj:
        return obj
    return {key: value for key, value in obj.items() if key in ROW_FIELDS}


def parse_play(raw: Mapping[str, Any]) -> Play:
    """One ``get_history`` row; ValueError when it is not one."""
    row_id, started = _int(raw.get("row_id", raw.get("id"))), _int(raw.get("started"))
    user_id = _int(raw.get("user_id"))
    if row_id is None or started is None or user_id is None:
        raise ValueError("a history row without row_id, started or user_id")
    media = "live" if _int(raw.get("live")) else _text(raw.get("media_type"))
    return Play(
        row_id=row_id,
        reference_id=_int(raw.get("reference_id")) or row_id,
        user_id=user_id,
        user_name=_text(raw.get("friendly_name")) or _text(raw.get("user")),
        started=started,
        stopped=max(0, _int(raw.get("stopped")) or 0),
        paused_seconds=max(0, _int(raw.get("paused_counter")) or 0),
        media_type=media if media in MEDIA_TYPES else "movie",
        rating_key=_int(raw.get("rating_key")),
        grandparent_rating_key=_int(raw.get("grandparent_rating_key")),
        title=_text(raw.get("title")),
        parent_title=_text(raw.get("parent_title")),
        grandparent_title=_text(raw.get("grandparent_title")),
        year=_int(raw.get("year")),
        platform=_text(raw.get("platform")),
        player=_text(raw.get("player")),
        transcode_decision=_text(raw.get("transcode_decision")),
        percent_complete=_int(raw.get("percent_complete")) or 0,
    )


def parse_history(data: object) -> HistoryAnswer:
    """``get_history``'s ``data``; ValueError on another shape."""
    if not isinstance(data, Mapping):
        raise ValueError("get_history did not answer an object")
    body = cast(Mapping[str, Any], data)
    total, rows = _int(body.get("recordsFiltered")), body.get("data")
    if total is None or not isinstance(rows, Sequence) or isinstance(rows, str):
        raise ValueError("get_history without recordsFiltered or data")
    everything = _int(body.get("recordsTotal"))
    found = [
        parse_play(cast(Mapping[str, Any], raw))
        for raw in cast(Sequence[object], rows)
        if isinstance(raw, Mapping)
    ]
    return HistoryAnswer(total, total if everything is None else everything, found)


@dataclass(frozen=True, slots=True)
class Window:
    """Inclusive days, as ``get_history``'s ``after`` and ``before`` take them."""

    after: date
    before: date

    @property
    def label(self) -> str:
        """ "2026-03" for a whole month, else "2026-03-04 – 2026-03-19"."""
        if self == month_of(self.after):
            return self.after.strftime("%Y-%m")
        return f"{self.after.isoformat()} – {self.before.isoformat()}"


def incremental_window(last_synced: date, today: date) -> Window:
    """What a sync asks for after the backfill: from a little before the last synced day."""
    return Window(min(today, last_synced - timedelta(days=RESYNC_DAYS)), today)


def pack_days(per_day: Mapping[date, float], limit: int) -> list[Window]:
    """Consecutive days joined into windows of at most ``limit`` sessions (a busier day is
    a window of its own), newest first, covering every day from the first to the last
    given. Tautulli holds a whole window in memory to answer it, so ``limit`` bounds that."""
    if not per_day:
        return []
    windows: list[Window] = []
    day, first = max(per_day), min(per_day)
    end, total = day, 0.0
    while day >= first:
        n = per_day.get(day, 0)
        if total and total + n > limit:
            windows.append(Window(day + timedelta(days=1), end))
            end, total = day, 0.0
        total += n
        day -= timedelta(days=1)
    windows.append(Window(first, end))
    return windows


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What one ``get_history`` request is filtered on: days, a user (``user_id``, which
    Tautulli's index serves: only that user's rows are read), or both; never neither, since
    an unfiltered page costs Tautulli its whole table."""

    window: Window | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        if self.window is None and self.user_id is None:
            raise ValueError("a history request must be filtered by days or by user")


def plan_by_user(
    sessions: Mapping[int, int], per_day: Mapping[date, float], limit: int
) -> list[HistoryFilter]:
    """The backfill's requests, user by user: a user with at most ``limit`` sessions in one,
    a bigger one in windows of days packed from the server's daily counts scaled by the
    user's share of them (a soft limit: a user's days are not the server's). A user without
    sessions is not asked for, nor one whose sessions fall on no counted day."""
    counted = sum(per_day.values())
    plan: list[HistoryFilter] = []
    for user_id, n in sessions.items():
        if 0 < n <= limit:
            plan.append(HistoryFilter(user_id=user_id))
        elif n > limit:
            theirs = {day: count * n / counted for day, count in per_day.items()}
            plan.extend(HistoryFilter(window, user_id) for window in pack_days(theirs, limit))
    return plan


def parse_user_sessions(data: object) -> dict[int, int]:
    """``get_users_table``'s ``data`` (``grouping=0``): each listed user's sessions (its
    ``plays``); ValueError on another shape."""
    rows = cast(Mapping[str, Any], data).get("data") if isinstance(data, Mapping) else None
    if not isinstance(rows, Sequence) or isinstance(rows, str):
        raise ValueError("get_users_table without data")
    found: dict[int, int] = {}
    for raw in cast(Sequence[object], rows):
        row: Mapping[str, Any] = cast(Mapping[str, Any], raw) if isinstance(raw, Mapping) else {}
        user_id, n = _int(row.get("user_id")), _int(row.get("plays"))
        if user_id is None or n is None:
            raise ValueError("a get_users_table row without user_id or plays")
        found[user_id] = n
    return found


def month_of(day: date) -> Window:
    """The whole calendar month ``day`` is in."""
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return Window(day.replace(day=1), following - timedelta(days=1))


__all__ = [
    "MEDIA_TYPES",
    "RESYNC_DAYS",
    "HistoryAnswer",
    "HistoryFilter",
    "MediaType",
    "Play",
    "Window",
    "incremental_window",
    "month_of",
    "pack_days",
    "parse_history",
    "parse_play",
    "parse_user_sessions",
    "plan_by_user",
    "plays",
    "seconds_played",
]
